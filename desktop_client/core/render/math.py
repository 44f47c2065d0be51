"""LaTeX in answers: found in a pre-pass that skips code, swapped for placeholders, and turned
into Unicode text with pylatexenc (there is no TeX engine to hand)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Final, NamedTuple

from markdown_it.common.utils import escapeHtml

from desktop_client.core.render.blocks import (
    _backslashes_before,
    _Fence,
    _fence_closes,
    _indent_width,
    _lines,
    _open_fence,
)
from desktop_client.core.render.lines import CUT_OPEN
from desktop_client.core.render.style import (
    _DISPLAY_P_RE,
    _END_MARK,
    _INLINE_START_RE,
    _LIST_RE,
    _MATH_CSS,
    _MONO,
    _PH_CLOSE,
    _PH_OPEN,
    _PH_RE,
    _PRIVATE_RE,
    _SCAN_RE,
    _SCRIPT_RE,
    _SPACE_BEFORE_SCRIPT_RE,
    _SUB_MARK,
    _SUP_MARK,
)


class _Math(NamedTuple):
    raw: str  # source including delimiters, shown when conversion fails or inside code
    tex: str
    display: bool


_FUNCTIONS: Final = (
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "log", "ln", "lg", "exp", "lim", "max", "min", "sup", "inf", "det", "arg", "deg", "dim", "gcd",
    "ker", "Pr", "mod",
)  # fmt: skip
_SPACED: Final = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈",
    "equiv": "≡", "sim": "∼", "simeq": "≃", "cong": "≅", "propto": "∝", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "Leftrightarrow": "⇔", "implies": "⇒", "iff": "⇔", "mapsto": "↦",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "supset": "⊃", "supseteq": "⊇",
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "cup": "∪", "cap": "∩",
    "land": "∧", "lor": "∨", "wedge": "∧", "vee": "∨", "ll": "≪", "gg": "≫", "perp": "⊥",
    "circ": "∘", "oplus": "⊕", "otimes": "⊗", "setminus": "∖",
}  # fmt: skip
_SUP_MAP: Final = str.maketrans("0123456789+-−=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿⁱ")
_SUB_MAP: Final = str.maketrans("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎")
_SUP_OK: Final = frozenset("0123456789+-−=()ni ")
_SUB_OK: Final = frozenset("0123456789+-−=() ")


def _wrap_operand(text: str) -> str:
    bare = _PRIVATE_RE.sub("", text).strip()
    if len(bare) > 1 and not bare.isalnum() and not (bare[0] == "(" and bare[-1] == ")"):
        return f"({text.strip()})"
    return text.strip()


def _arg_texts(node: Any, l2tobj: Any) -> list[str]:
    args = node.nodeargd.argnlist if node.nodeargd is not None else []
    return [str(l2tobj.nodelist_to_text([a])) for a in args if a is not None]


def _frac(n: Any, l2tobj: Any) -> str:
    args = _arg_texts(n, l2tobj)
    if len(args) < 2:
        return "/".join(args)
    return f"{_wrap_operand(args[-2])}/{_wrap_operand(args[-1])}"


def _binom(n: Any, l2tobj: Any) -> str:
    args = _arg_texts(n, l2tobj)
    return f"C({', '.join(a.strip() for a in args)})"


def _accent(mark: str) -> Callable[[Any, Any], str]:
    def repl(n: Any, l2tobj: Any) -> str:
        text = "".join(_arg_texts(n, l2tobj)).strip()
        return "".join(ch + mark for ch in text) if len(text) <= 3 else text

    return repl


@functools.cache
def _latex() -> Callable[[str], str]:
    from pylatexenc import latexwalker, macrospec
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    walker_db = latexwalker.get_default_latex_context_db()
    walker_db.add_context_category(
        "keyhold",
        prepend=True,
        macros=[
            macrospec.MacroSpec(name, args)
            for name, args in (
                ("dfrac", "{{"), ("tfrac", "{{"), ("cfrac", "{{"), ("binom", "{{"), ("dbinom", "{{"),
                ("tbinom", "{{"), ("operatorname", "*{"), ("boldsymbol", "{"), ("boxed", "{"),
                ("bm", "{"), ("mathit", "{"), ("overline", "{"), ("widehat", "{"), ("widetilde", "{"),
            )
        ],
    )  # fmt: skip
    text_db = get_default_latex_context_db()
    specs = [
        MacroTextSpec("frac", simplify_repl=_frac),
        MacroTextSpec("dfrac", simplify_repl=_frac),
        MacroTextSpec("tfrac", simplify_repl=_frac),
        MacroTextSpec("cfrac", simplify_repl=_frac),
        MacroTextSpec("binom", simplify_repl=_binom),
        MacroTextSpec("dbinom", simplify_repl=_binom),
        MacroTextSpec("tbinom", simplify_repl=_binom),
        MacroTextSpec("overline", simplify_repl=_accent("\u0305")),
        MacroTextSpec("operatorname", discard=False),
        MacroTextSpec("boldsymbol", discard=False),
        MacroTextSpec("bm", discard=False),
        MacroTextSpec("mathit", discard=False),
        MacroTextSpec("boxed", discard=False),
        MacroTextSpec("|", simplify_repl="‖"),
    ]
    # Spaces keep relations legible: "x ≤ 0" rather than "x ≤0".
    specs += [MacroTextSpec(name, simplify_repl=f" {sym} ") for name, sym in _SPACED.items()]
    specs += [MacroTextSpec(name, simplify_repl=f"{name} ") for name in _FUNCTIONS]
    text_db.add_context_category("keyhold", prepend=True, macros=specs)
    converter = LatexNodes2Text(latex_context=text_db)

    def convert(tex: str) -> str:
        # Strict parsing so that malformed input fails instead of becoming "%s/%s".
        walker = latexwalker.LatexWalker(tex, latex_context=walker_db, tolerant_parsing=False)
        return str(converter.nodelist_to_text(walker.get_latex_nodes()[0]))

    return convert


def _mark_scripts(tex: str) -> str:
    """Wrap each ``^x``/``_{…}`` argument in marker characters that survive pylatexenc."""
    out: list[str] = []
    i, n = 0, len(tex)
    while i < n:
        c = tex[i]
        if c == "\\":
            j = i + 1
            if j < n and tex[j].isalpha():
                while j < n and tex[j].isalpha():
                    j += 1
            else:
                j = min(j + 1, n)
            out.append(tex[i:j])
            i = j
            continue
        if c not in "^_":
            out.append(c)
            i += 1
            continue
        j = i + 1
        while j < n and tex[j] == " ":
            j += 1
        if j >= n:
            out.append(c)
            break
        if tex[j] == "{":
            depth, k = 0, j
            while k < n:
                if tex[k] == "\\":
                    k += 2
                    continue
                if tex[k] == "{":
                    depth += 1
                elif tex[k] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                k += 1
            if k >= n:
                out.append(c)
                i += 1
                continue
            arg, i = tex[j + 1 : k], k + 1
        elif tex[j] == "\\":
            k = j + 1
            if k < n and tex[k].isalpha():
                while k < n and tex[k].isalpha():
                    k += 1
            else:
                k = min(k + 1, n)
            arg, i = tex[j:k], k
        else:
            arg, i = tex[j], j + 1
        out.append((_SUP_MARK if c == "^" else _SUB_MARK) + _mark_scripts(arg) + _END_MARK)
    return "".join(out)


def _script(m: re.Match[str]) -> str:
    inner = m[2]
    bare = inner.strip()
    if m[1] == _SUP_MARK:
        if bare in ("∘", "°", "\\circ"):
            return "°"
        if bare in ("′", "'", "\\prime"):
            return "′"
        if bare and set(bare) <= _SUP_OK:
            return bare.replace(" ", "").translate(_SUP_MAP)
        return f"<sup>{inner}</sup>"
    if bare and set(bare) <= _SUB_OK:
        return bare.replace(" ", "").translate(_SUB_MAP)
    return f"<sub>{inner}</sub>"


def _tex_to_html(tex: str) -> str | None:
    if CUT_OPEN in tex:
        return None  # a formula cut for display shows its source, and the cut
    try:
        text = _latex()(_mark_scripts(tex.strip()))
    except Exception:
        return None
    text = _SPACE_BEFORE_SCRIPT_RE.sub("", text)
    if not text.strip() or ("%s" in text and "%s" not in tex):
        return None
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    body = escapeHtml("\n".join(line for line in lines if line))
    while True:
        resolved = _SCRIPT_RE.sub(_script, body)
        if resolved == body:
            break
        body = resolved
    return _PRIVATE_RE.sub("", body)


@functools.lru_cache(maxsize=4096)
def _math_html(tex: str, raw: str, display: bool) -> str:
    body = _tex_to_html(tex)
    if body is None:
        code = f'<span style="font-family:{_MONO};">{escapeHtml(raw)}</span>'
        return f'<p align="center">{code}</p>\n' if display else code
    if display:
        return f'<p align="center" style="{_MATH_CSS}">{body.replace(chr(10), "<br />")}</p>\n'
    return f'<span style="{_MATH_CSS}">{body.replace(chr(10), " ")}</span>'


def _find_closer(s: str, start: int, closer: str) -> int:
    """Position of the next unescaped ``closer`` at or after ``start``, or -1."""
    k = start
    while True:
        p = s.find(closer, k)
        if p < 0 or _backslashes_before(s, p) % 2 == 0:
            return p
        k = p + 1


def _find_inline_dollar(s: str, start: int) -> int:
    """Closing ``$`` of inline math opened just before ``start``, or -1.

    Pandoc's rule, which keeps prices out: no space after the opening ``$``, and the
    first unescaped ``$`` that follows closes it, unless a space precedes it or a digit
    follows it, in which case there is no formula at all.
    """
    n = len(s)
    if start >= n or s[start].isspace():
        return -1
    p = _find_closer(s, start, "$")
    if p <= start or s.find("`", start, p) >= 0 or s[p - 1].isspace() or (p + 1 < n and s[p + 1].isdigit()):
        return -1
    return p


def _after_code_span(s: str, j: int) -> int:
    """Where scanning goes on after the backticks at ``j``: past the code span they open (which
    ends at the next run of exactly as many backticks), or past the run when nothing closes it."""
    n = len(s)
    k = j
    while k < n and s[k] == "`":
        k += 1
    run = s[j:k]
    p = k
    while True:
        p = s.find(run, p)
        if p < 0:
            return k
        q = p + len(run)
        if q < n and s[q] == "`":
            while q < n and s[q] == "`":
                q += 1
            p = q
            continue
        return q


def _formula_at(s: str, j: int) -> tuple[str, int, bool, int]:
    """The formula opened at ``j`` (by \\(, \\[, $$ or $): (tex, end, display, next scan position);
    ``end`` is -1 when nothing formula-like opens there."""
    if s[j] == "\\":
        nxt = s[j + 1 : j + 2]
        if nxt in ("(", "["):
            close = _find_closer(s, j + 2, "\\)" if nxt == "(" else "\\]")
            if close >= 0 and s[j + 2 : close].strip():
                return s[j + 2 : close], close + 2, nxt == "[", j + 2
        return "", -1, False, j + 2
    if s.startswith("$$", j):
        close = _find_closer(s, j + 2, "$$")
        if close < 0 or not s[j + 2 : close].strip():
            return "", -1, False, j + 2
        return s[j + 2 : close], close + 2, True, j + 2
    close = _find_inline_dollar(s, j + 1)
    if close < 0:
        return "", -1, False, j + 1
    return s[j + 1 : close], close + 1, False, j + 1


def _math_in_chunk(s: str, maths: list[_Math], in_list: bool) -> str:
    """Replace the formulas of one inline context (no blank lines) by placeholders."""
    out: list[str] = []
    last = i = 0
    n = len(s)
    while (m := _SCAN_RE.search(s, i)) is not None:
        j = m.start()
        if s[j] == "`":
            i = _after_code_span(s, j)
            continue
        tex, end, display, i = _formula_at(s, j)
        if end < 0:
            continue
        placeholder = f"{_PH_OPEN}{len(maths)}{_PH_CLOSE}"
        maths.append(_Math(s[j:end], tex, display))
        line_start = s.rfind("\n", 0, j) + 1
        line_end = s.find("\n", end)
        line_end = n if line_end < 0 else line_end
        before = s[line_start:j]
        standalone = (
            display
            and not before.strip(" \t>")
            and not s[end:line_end].strip()
            and last <= line_start
            and (in_list or ">" in before or _indent_width(before) < 4)
        )
        if standalone:
            # A formula on lines of its own becomes a paragraph of its own, to be centered.
            blank = before.rstrip() + "\n"
            out.append(s[last:line_start])
            if line_start > 0:
                out.append(blank)
            out.append(before + placeholder)
            if line_end < n:
                out.append("\n" + blank.rstrip("\n"))
        else:
            out.append(s[last:j] + placeholder)
        last = i = end
    if not out:
        return s
    out.append(s[last:])
    return "".join(out)


def _extract_math(text: str) -> tuple[str, list[_Math]]:
    maths: list[_Math] = []
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return text, maths
    out: list[str] = []
    para: list[str] = []
    fence: _Fence | None = None
    in_list = False
    after_break = True  # the next chunk follows a blank line, a fence or the start

    def flush(*, broken: bool = True) -> None:
        nonlocal in_list, after_break
        if not para:
            return
        chunk = "".join(para)
        first_indent = _indent_width(chunk)
        has_list = any(_LIST_RE.match(line) for line in para)
        para.clear()
        code = first_indent >= 4 and not in_list and after_break
        after_break = broken
        if code:
            out.append(chunk)  # indented code block
            return
        if "$" in chunk or "\\" in chunk:
            chunk = _math_in_chunk(chunk, maths, in_list or has_list)
        out.append(chunk)
        in_list = has_list or (in_list and first_indent > 0)

    for line in _lines(text):
        if fence is not None:
            out.append(line)
            if _fence_closes(line, fence):
                fence = None
            continue
        opened = _open_fence(line, in_list)
        if opened is not None:
            flush()
            out.append(line)
            fence = opened
            after_break = True
        elif not line.strip():
            flush()
            out.append(line)
            after_break = True
        else:
            if para and _INLINE_START_RE.match(line):
                flush(broken=False)
            para.append(line)
    flush()
    return "".join(out), maths


def _substitute_math(html: str, maths: list[_Math]) -> str:
    def block(m: re.Match[str]) -> str:
        math = maths[int(m[1])]
        if math.display:
            return _math_html(math.tex, math.raw, True)
        return f"<p>{_math_html(math.tex, math.raw, False)}</p>"

    def inline(m: re.Match[str]) -> str:
        math = maths[int(m[1])]
        return _math_html(math.tex, math.raw, False)

    return _PH_RE.sub(inline, _DISPLAY_P_RE.sub(block, html))
