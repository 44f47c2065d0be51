"""Markdown → HTML for chat answers, shaped for Qt's rich-text subset (QTextDocument).

Model output is untrusted: raw HTML is escaped, only ``http``/``https``/``mailto`` links
stay live, and images are kept only for ``http(s)`` and ``data:image/…;base64`` sources.
Everything is styled inline (Qt ignores most CSS), code is highlighted by Pygments, and
LaTeX is turned into Unicode text by pylatexenc since there is no TeX engine to hand.

LaTeX is handled by a pre-pass: code is skipped, each formula is swapped for a
private-use placeholder, markdown-it renders the rest, and the placeholders are then
replaced by the formula's HTML. Code renderers put the formula's source back instead,
so a formula the pre-pass wrongly found inside code still shows verbatim.

A line longer than ``lines.LINE_CAP`` is cut for display before all of this (Qt would take
seconds to lay it out); the cut leaves a token that becomes a mark in the HTML, and code
blocks get their cut lines back whole in ``code_blocks``, for Copy.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from desktop_client.core.render.lines import CUT_OPEN, CUT_RE, LineCutter, mark

__all__ = ["Rendered", "StreamingMarkdown", "render_markdown"]


@dataclass(frozen=True)
class Rendered:
    html: str
    # Raw source of each fenced or indented code block (without its final newline), in
    # document order; ``<a href="copy:N">`` in ``html`` refers to ``code_blocks[N]``.
    code_blocks: tuple[str, ...]


@dataclass(frozen=True)
class _Palette:
    code_bg: str
    inline_bg: str
    border: str
    header_bg: str
    muted: str
    pygments: tuple[str, ...]  # style names, first available wins


_LIGHT: Final = _Palette("#f6f8fa", "#eff1f3", "#d0d7de", "#eaeef2", "#656d76", ("default",))
_DARK: Final = _Palette("#161b22", "#2d333b", "#444c56", "#22272e", "#8b949e", ("github-dark", "monokai"))

_MONO: Final = "'Consolas','DejaVu Sans Mono','Menlo',monospace"
_SERIF: Final = "'Cambria Math','STIX Two Math','Times New Roman','DejaVu Serif',serif"
_MATH_CSS: Final = f"font-family:{_SERIF}; font-style:italic;"
_PRE_CSS: Final = f"font-family:{_MONO}; white-space:pre-wrap; background-color:{{bg}};"
_CODE_GAP: Final = "8px"

# Placeholders live in the private-use area; the same range is scrubbed from input so
# model output cannot forge one.
_PH_OPEN: Final = "\ue000"
_PH_CLOSE: Final = "\ue001"
_PH_RE: Final = re.compile("\ue000(\\d+)\ue001")
_DISPLAY_P_RE: Final = re.compile("<p>\ue000(\\d+)\ue001</p>")
_PRIVATE_RE: Final = re.compile("[\ue000-\ue01f]")
# Scrubbed again inside, where the line cutter's tokens (\ue013, \ue014) are legitimate.
_FORGED_RE: Final = re.compile("[\ue000-\ue012\ue015-\ue01f]")
_SUP_MARK: Final = "\ue010"
_SUB_MARK: Final = "\ue011"
_END_MARK: Final = "\ue012"
_SCRIPT_RE: Final = re.compile("([\ue010\ue011])([^\ue010\ue011\ue012]*)\ue012")
_SPACE_BEFORE_SCRIPT_RE: Final = re.compile("(?<![ \t])[ \t]++(?=[\ue010\ue011])")

_SAFE_LINK_RE: Final = re.compile(r"(?i)(?:https?|mailto):")
_SAFE_IMG_RE: Final = re.compile(r"(?i)(?:https?://|data:image/[a-z0-9.+-]+;base64,[a-z0-9+/=\s]*$)")
_LIST_RE: Final = re.compile(r"[ \t]{0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")
_ATX_RE: Final = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_HR_RE: Final = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_DELIM_CELL_RE: Final = re.compile(r":?-+:?")
_THEAD_RE: Final = re.compile(r"<thead>.*?</thead>\n?", re.DOTALL)
_FENCE_OPEN_RE: Final = re.compile(
    r"(?P<quote>(?:[ ]{0,3}>[ ]?)*)"
    # Possessive: a long run of blanks must not make this quadratic.
    r"(?P<rest>[ \t]*+(?P<marker>(?:[-+*]|\d{1,9}[.)])[ \t]++)?[ \t]*+)"
    r"(?P<fence>`{3,}|~{3,})(?P<info>.*)"
)
_SCAN_RE: Final = re.compile(r"[`$\\]")
# Lines that open a new inline context (list item, heading, table row): a formula never
# spans two of them.
_INLINE_START_RE: Final = re.compile(r"[ \t]*(?:(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)|#{1,6}(?:[ \t]|$)|\|)")
_MD_SPECIAL_RE: Final = re.compile(r"[\\`*_\[\]<>&!$~|#\n\ue000-\ue01f]")
_REFDEF_RE: Final = re.compile(r"\[[^\]]*\]:")
_PIPE_RE: Final = re.compile(r"(?<!\\)\|")
_LAST_SPECIAL_RE: Final = re.compile(r"(?s).*[\\`*_\[\]<>&!$~|#\ue000-\ue01f]")
_WS_RUN_RE: Final = re.compile(r"[ \t]+")
# The lookbehinds stop a match from being retried inside a run of blanks (quadratic).
_SPACE_BEFORE_LETTER_RE: Final = re.compile(r"(?<![ \t])[ \t]++(?=[^\W\d_])")
_SENTENCE_END_RE: Final = re.compile(r"[.!?;:][)\]\"'”’]*[ \t]+|[。！？；]")


# --------------------------------------------------------------------------- helpers


def _indent_width(line: str) -> int:
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _lines(text: str) -> list[str]:
    """Lines with their ends; unlike str.splitlines, only "\\n" ends a line, as in Markdown."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    if not lines[-1]:
        lines.pop()
    return lines


def _table_cells(row: str) -> list[str]:
    row = row.strip().removeprefix("|")
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return [cell.strip() for cell in _PIPE_RE.split(row)]


def _is_table_start(header: str, delimiter: str) -> bool:
    cells = _table_cells(delimiter)
    return (
        "|" in header + delimiter
        and all(_DELIM_CELL_RE.fullmatch(cell) for cell in cells)
        and len(cells) == len(_table_cells(header))
    )


def _dedent(text: str) -> str:
    lines = _lines(text)
    widths = [_indent_width(line) for line in lines if line.strip()]
    cut = min(widths, default=0)
    if not cut:
        return text
    return "".join(line.expandtabs(4)[cut:] if line.strip() else line for line in lines)


def _backslashes_before(s: str, pos: int) -> int:
    count = 0
    while pos > 0 and s[pos - 1] == "\\":
        count += 1
        pos -= 1
    return count


# --------------------------------------------------------------------------- fences


@dataclass(eq=False)
class _Fence:
    char: str
    length: int
    indent: int  # content column inside list items, stripped from code lines
    quoted: int  # number of enclosing blockquotes
    lang: str
    start: int = 0  # offset of the opening line in the streaming buffer
    lines: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    chunked: bool = False
    index: int = -1
    hl_count: int = -1  # len(lines or pending) that hl_html was made from
    hl_html: str = ""
    hl_stable_count: int = 0  # lines last lexed together, as one piece

    def reset_highlight(self) -> None:
        self.hl_count, self.hl_html, self.hl_stable_count = -1, "", 0


def _open_fence(line: str, listy: bool) -> _Fence | None:
    m = _FENCE_OPEN_RE.match(line)
    if m is None:
        return None
    fence, info = m["fence"], m["info"]
    if fence[0] == "`" and "`" in info:
        return None
    quoted = m["quote"].count(">")
    # Four columns of indentation outside any container is an indented code block.
    if not quoted and not m["marker"] and not listy and _indent_width(m["rest"]) >= 4:
        return None
    words = info.strip().split(maxsplit=1)
    lang = unescapeAll(words[0]) if words else ""
    return _Fence(fence[0], len(fence), len(m["rest"].expandtabs(4)), quoted, lang)


def _strip_quotes(line: str, quoted: int) -> str:
    for _ in range(quoted):
        t = line.lstrip(" ")
        if not t.startswith(">"):
            break
        line = t[2:] if t.startswith("> ") else t[1:]
    return line


def _strip_container(line: str, fence: _Fence) -> str:
    if fence.quoted:
        line = _strip_quotes(line, fence.quoted)
    k = 0
    while k < fence.indent and k < len(line) and line[k] == " ":
        k += 1
    return line[k:]


def _fence_closes(line: str, fence: _Fence) -> bool:
    s = _strip_quotes(line, fence.quoted) if fence.quoted else line
    t = s.lstrip(" ")
    if len(s) - len(t) > fence.indent + 3:
        return False
    run = len(t) - len(t.lstrip(fence.char))
    return run >= fence.length and not t[run:].strip()


# --------------------------------------------------------------------------- code


@functools.lru_cache(maxsize=256)
def _lexer_for(lang: str) -> Any:
    from pygments.lexers import get_lexer_by_name

    name = lang.strip().lower()
    candidates = [name, name.split(":", 1)[0], name.removeprefix("language-"), name.lstrip(".")]
    for candidate in dict.fromkeys(c for c in candidates if c):
        try:
            return get_lexer_by_name(candidate, stripnl=False)
        except Exception:  # noqa: S112 — ClassNotFound, or a broken third-party plugin
            continue
    return None


@functools.lru_cache(maxsize=8)
def _style_for(names: tuple[str, ...]) -> Any:
    from pygments.styles import get_style_by_name

    for name in names:
        try:
            return get_style_by_name(name)
        except Exception:  # noqa: S112 — older Pygments lacks some styles
            continue
    return get_style_by_name("default")


_CSS_CACHE: dict[tuple[tuple[str, ...], Any], str] = {}


def _token_css(style_names: tuple[str, ...], ttype: Any) -> str:
    key = (style_names, ttype)
    css = _CSS_CACHE.get(key)
    if css is None:
        spec = _style_for(style_names).style_for_token(ttype)
        parts = []
        if spec["color"]:
            parts.append(f"color:#{spec['color']};")
        if spec["bold"]:
            parts.append("font-weight:bold;")
        if spec["italic"]:
            parts.append("font-style:italic;")
        if spec["underline"]:
            parts.append("text-decoration:underline;")
        css = "".join(parts)
        _CSS_CACHE[key] = css
    return css


def _escape_code(code: str) -> str:
    return code.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# A longer line (minified code, data) is shown unhighlighted: Pygments takes about 70 ms for
# 8,000 characters of dense code, and such a line gains little from colours.
_LEX_LINE_LIMIT: Final = 1_000


def _highlight(code: str, lang: str, pal: _Palette) -> str:
    """Inline-styled HTML for ``code`` (no wrapper, no trailing newline)."""
    if CUT_OPEN in code:
        return _highlight_cut(code, lang, pal)
    if code.endswith("\n"):
        code = code[:-1]
    lexer = _lexer_for(lang) if lang and code else None
    if lexer is None or max(map(len, code.split("\n"))) > _LEX_LINE_LIMIT:
        return _escape_code(code)
    names = pal.pygments
    groups: list[tuple[str, list[str]]] = []
    try:
        for ttype, value in lexer.get_tokens(code):
            css = _token_css(names, ttype)
            if groups and groups[-1][0] == css:
                groups[-1][1].append(value)
            else:
                groups.append((css, [value]))
    except Exception:
        # A lexer bug must not cost the user the answer.
        return _escape_code(code)
    out = []
    for css, values in groups:
        text = _escape_code("".join(values))
        out.append(f'<span style="{css}">{text}</span>' if css and text.strip() else text)
    html = "".join(out)
    # Lexers append a newline the source did not have.
    if not code.endswith("\n"):
        if html.endswith("\n"):
            html = html[:-1]
        elif html.endswith("\n</span>"):
            html = html[:-8] + "</span>"
    return html


def _highlight_cut(code: str, lang: str, pal: _Palette) -> str:
    """``_highlight`` for code with cut lines: the lexer would split a cut token, so the
    tokens are taken out and put back at the end of their lines' HTML."""
    tokens: dict[int, str] = {}
    line = pos = 0
    for m in CUT_RE.finditer(code):
        line += code.count("\n", pos, m.start())
        pos = m.start()
        tokens[line] = m[0]
    lines = _highlight(CUT_RE.sub("", code), lang, pal).split("\n")
    for index, token in tokens.items():
        lines[min(index, len(lines) - 1)] += token
    return "\n".join(lines)


# Whole code blocks only: finish() then reuses what streaming already highlighted.
_highlight_block: Final = functools.lru_cache(maxsize=128)(_highlight)


def _code_header(lang: str, index: int, pal: _Palette) -> str:
    label = escapeHtml(lang) if lang else "text"
    return (
        f'<p style="margin-top:{_CODE_GAP}; margin-bottom:0; font-size:small; color:{pal.muted};">'
        f'{label}&nbsp;&nbsp;<a href="copy:{index}">Copy</a></p>\n'
    )


def _pre(body: str, pal: _Palette, *, top: str = "0", bottom: str = _CODE_GAP) -> str:
    css = _PRE_CSS.format(bg=pal.code_bg)
    return f'<pre style="{css} margin-top:{top}; margin-bottom:{bottom};">{body}</pre>\n'


def _cut_mark(length: int, pal: _Palette) -> str:
    return f'<span style="font-style:italic; color:{pal.muted};">{mark(length)}</span>'


def _marks(html: str, cutter: LineCutter, pal: _Palette) -> str:
    """Rendered HTML with each cut token replaced by the styled mark the UI puts in words."""
    return cutter.marks(html, lambda length: _cut_mark(length, pal))


_CLOSING_TAGS_RE: Final = re.compile(r"(?:</[a-z0-9]+>\n?)+$")


def _with_open_mark(html: str, length: int, pal: _Palette) -> str:
    """``html`` with the mark of a line still being cut at its end, inside its last block."""
    cut = _cut_mark(length, pal)
    closers = _CLOSING_TAGS_RE.search(html)
    if closers is None:
        return f"{html}<p>{cut}</p>\n"
    return f"{html[: closers.start()]}{cut}{closers[0]}"


# --------------------------------------------------------------------------- math


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


def _math_in_chunk(s: str, maths: list[_Math], in_list: bool) -> str:
    """Replace the formulas of one inline context (no blank lines) by placeholders."""
    out: list[str] = []
    last = i = 0
    n = len(s)
    while True:
        m = _SCAN_RE.search(s, i)
        if m is None:
            break
        j = m.start()
        c = s[j]
        end = -1
        display = False
        tex = ""
        if c == "`":
            k = j
            while k < n and s[k] == "`":
                k += 1
            run = s[j:k]
            # A code span ends at the next run of exactly as many backticks.
            p = k
            i = k
            while True:
                p = s.find(run, p)
                if p < 0:
                    break
                q = p + len(run)
                if q < n and s[q] == "`":
                    while q < n and s[q] == "`":
                        q += 1
                    p = q
                    continue
                i = q
                break
            continue
        if c == "\\":
            nxt = s[j + 1 : j + 2]
            i = j + 2
            if nxt in ("(", "["):
                close = _find_closer(s, j + 2, "\\)" if nxt == "(" else "\\]")
                if close >= 0 and s[j + 2 : close].strip():
                    tex, end, display = s[j + 2 : close], close + 2, nxt == "["
            if end < 0:
                continue
        elif s.startswith("$$", j):
            i = j + 2
            close = _find_closer(s, j + 2, "$$")
            if close < 0 or not s[j + 2 : close].strip():
                continue
            tex, end, display = s[j + 2 : close], close + 2, True
        else:
            i = j + 1
            close = _find_inline_dollar(s, j + 1)
            if close < 0:
                continue
            tex, end = s[j + 1 : close], close + 1
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


# --------------------------------------------------------------------------- markdown-it


@dataclass(eq=False)
class _Ctx:
    pal: _Palette
    offset: int
    maths: list[_Math]
    codes: list[str] = field(default_factory=list)
    links: list[bool] = field(default_factory=list)
    restore: Callable[[str], str] = str  # the full text of code with cut lines, for Copy

    def raw(self, s: str) -> str:
        if _PH_OPEN not in s:
            return s
        maths = self.maths

        def source(m: re.Match[str]) -> str:
            k = int(m[1])
            return maths[k].raw if k < len(maths) else ""

        return _PH_RE.sub(source, s)

    def attr(self, s: str) -> str:
        """An attribute's value: a cut mark there would break the HTML."""
        s = self.raw(s)
        return CUT_RE.sub("", s) if CUT_OPEN in s else s


def _ctx(env: EnvType) -> _Ctx:
    ctx = env["keyhold"]
    assert isinstance(ctx, _Ctx)
    return ctx


def _render_code(code: str, lang: str, ctx: _Ctx) -> str:
    if code.endswith("\n"):
        code = code[:-1]
    index = ctx.offset + len(ctx.codes)
    ctx.codes.append(ctx.restore(code))
    return _code_header(lang, index, ctx.pal) + _pre(_highlight_block(code, lang, ctx.pal), ctx.pal)


def _rule_fence(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    ctx = _ctx(env)
    words = unescapeAll(token.info).strip().split(maxsplit=1) if token.info else []
    return _render_code(ctx.raw(token.content), words[0] if words else "", ctx)


def _rule_code_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = _ctx(env)
    return _render_code(ctx.raw(tokens[idx].content), "", ctx)


def _rule_code_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    ctx = _ctx(env)
    css = f"font-family:{_MONO}; background-color:{ctx.pal.inline_bg};"
    return f'<span style="{css}">{escapeHtml(ctx.raw(tokens[idx].content))}</span>'


def _rule_link_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    ctx = _ctx(env)
    href = ctx.attr(str(token.attrGet("href") or ""))
    live = _SAFE_LINK_RE.match(href) is not None
    ctx.links.append(live)
    if not live:
        return ""
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(ctx.attr(str(title)))}"' if title else ""
    return f'<a href="{escapeHtml(href)}"{title_attr}>'


def _rule_link_close(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    links = _ctx(env).links
    return "</a>" if links and links.pop() else ""


def _rule_image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    token = tokens[idx]
    ctx = _ctx(env)
    alt = ctx.raw(self.renderInlineAsText(token.children, options, env))
    src = ctx.attr(str(token.attrGet("src") or ""))
    if _SAFE_IMG_RE.match(src):
        return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(ctx.attr(alt))}" />'
    return escapeHtml(alt)


def _rule_table_open(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    border = _ctx(env).pal.border
    return (
        '<table border="1" cellspacing="0" cellpadding="5" '
        f'style="border-collapse:collapse; border-color:{border}; margin-top:6px; margin-bottom:6px;">\n'
    )


def _cell_rule(tag: str) -> Callable[[RendererHTML, Sequence[Token], int, OptionsDict, EnvType], str]:
    def rule(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        style = tokens[idx].attrGet("style")
        align = "left"
        if isinstance(style, str) and style.startswith("text-align:"):
            align = style.removeprefix("text-align:")
        if tag == "th":
            return f'<th align="{align}" bgcolor="{_ctx(env).pal.header_bg}">'
        return f'<td align="{align}">'

    return rule


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # Every destination parses as a link; the renderer decides which stay live, so
        # a refused one shows its text rather than the raw "[text](…)" syntax.
        return True


def _build() -> MarkdownIt:
    md = _Markdown("commonmark", {"html": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    rules: dict[str, Callable[[RendererHTML, Sequence[Token], int, OptionsDict, EnvType], str]] = {
        "fence": _rule_fence,
        "code_block": _rule_code_block,
        "code_inline": _rule_code_inline,
        "link_open": _rule_link_open,
        "link_close": _rule_link_close,
        "image": _rule_image,
        "table_open": _rule_table_open,
        "th_open": _cell_rule("th"),
        "td_open": _cell_rule("td"),
    }
    for name, rule in rules.items():
        md.add_render_rule(name, rule)
    return md


_MD: Final = _build()


def _md_render(src: str, env: EnvType, inline: bool = False) -> str:
    """The single call into markdown-it (tests wrap it to measure parser input sizes)."""
    return str(_MD.renderInline(src, env) if inline else _MD.render(src, env))


def _scrub(text: str) -> str:
    """No private-use character a model could use to forge a placeholder or a cut."""
    return _PRIVATE_RE.sub("\ufffd", text) if _PRIVATE_RE.search(text) else text


def _cutter() -> LineCutter:
    return LineCutter(clean=_scrub, keep_tails=True)


def _render(
    text: str, pal: _Palette, offset: int = 0, restore: Callable[[str], str] = str
) -> tuple[str, list[str]]:
    """HTML of cleaned, cut text, with cut tokens left in; the full sources of its code blocks."""
    if _FORGED_RE.search(text):
        text = _FORGED_RE.sub("\ufffd", text)
    src, maths = _extract_math(text)
    ctx = _Ctx(pal, offset, maths, restore=restore)
    html = _md_render(src, {"keyhold": ctx})
    if maths:
        html = _substitute_math(html, maths)
    return html, ctx.codes


def _render_inline(text: str, pal: _Palette, offset: int = 0) -> str:
    """Inline-only rendering of one line, as it would appear inside a paragraph."""
    if _MD_SPECIAL_RE.search(text) is None:
        return escapeHtml(text)
    if _FORGED_RE.search(text):
        text = _FORGED_RE.sub("\ufffd", text)
    src, maths = _extract_math(text)
    html = _md_render(src, {"keyhold": _Ctx(pal, offset, maths)}, inline=True)
    return _substitute_math(html, maths) if maths else html


def render_markdown(text: str, *, dark: bool = False) -> Rendered:
    """Render a complete answer to Qt rich-text HTML; over-long lines are cut for display
    (``code_blocks`` keep them whole)."""
    pal = _DARK if dark else _LIGHT
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as markdown-it would
    cutter = _cutter()
    text = cutter.feed(text) + cutter.close()
    html, codes = _render(text, pal, restore=cutter.restore)
    return Rendered(_marks(html, cutter, pal), tuple(codes))


# --------------------------------------------------------------------------- streaming


_BACKTICKS_RE: Final = re.compile(r"`+")
_QUOTE_RE: Final = re.compile(r" {0,3}> ?")
_LIST_OPEN_RE: Final = re.compile(r'<(?:ul|ol(?: start="\d+")?)>\n')
_LIST_TAG_RE: Final = re.compile(r"<(/?)(?:ul|ol)\b[^>]*>\n?")
_CODE_SPAN_HTML_RE: Final = re.compile(
    r'<span style="font-family:[^"]*monospace; background-color:[^"]*">[^<]*</span>'
)
_TAG_RE: Final = re.compile(r"<[^>]*>")
_CLOSERS_RE: Final = re.compile(r"(?:</(?:p|li|ul|ol|blockquote|h[1-6]|td|tr|tbody|table)>\n?)+$")
_DOLLAR_SPAN_RE: Final = re.compile(r"\$[^$\n]+\$")
_EDGE_UNDERSCORE_RE: Final = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def _without_code_spans(s: str) -> str | None:
    """``s`` minus its code spans, or None if a backtick run is left open."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS_RE.finditer(s)]
    out: list[str] = []
    last = i = 0
    while i < len(runs):
        start, end = runs[i]
        closer = next((j for j in range(i + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start), -1)
        if closer < 0:
            return None
        out.append(s[last:start])
        last, i = runs[closer][1], closer + 1
    out.append(s[last:])
    return "".join(out)


def _cut_safe(s: str) -> bool:
    """Heuristic: does a paragraph cut right after ``s`` split no code span, formula,
    link or emphasis? A wrong guess only affects the streaming view."""
    t = _without_code_spans(s) if "`" in s else s
    if t is None:
        return False
    t = _DOLLAR_SPAN_RE.sub("", t)
    last_dollar = t.rfind("$")
    # An unmatched "$x" could still be closed later; "$5" is taken for a price.
    if last_dollar >= 0 and t[last_dollar + 1 : last_dollar + 2].strip() and not t[last_dollar + 1].isdigit():
        return False
    singles = _EDGE_UNDERSCORE_RE.findall(t.replace("__", ""))
    return (
        t.count("**") % 2 == 0
        and t.replace("**", "").count("*") % 2 == 0
        and t.count("__") % 2 == 0
        and len(singles) % 2 == 0
        and t.count("~~") % 2 == 0
        and t.count("$$") % 2 == 0
        and t.count("[") == t.count("]")
        and t.count("\\(") == t.count("\\)")
    )


def _dangling(html: str) -> bool:
    """Does inline ``html`` show a delimiter that found no partner (so text after a cut
    might have paired with it)?"""
    text = _TAG_RE.sub("", _CODE_SPAN_HTML_RE.sub("", html))
    return "*" in text or "`" in text or "~~" in text or _EDGE_UNDERSCORE_RE.search(text) is not None


def _inline_start_ok(text: str) -> bool:
    """Can ``text`` (stripped) only be inline content, never open a block of its own?"""
    return not text or not (
        text[0] in "#>|`~$\\" or _LIST_RE.match(text) or _HR_RE.match(text) or _REFDEF_RE.match(text)
    )


def _table_aligns(delimiter_row: str) -> list[str]:
    aligns = []
    for c in _table_cells(delimiter_row):
        if c.startswith(":") and c.endswith(":"):
            aligns.append("center")
        elif c.endswith(":"):
            aligns.append("right")
        else:
            aligns.append("left")
    return aligns


def _list_kind(marker: str) -> str:
    marker = marker.strip()
    return marker[-1] if marker[-1] in ".)" else marker


@dataclass(eq=False)
class _Settled:
    """What of the open block is already rendered, for splicing the tail."""

    epoch: int
    kind: str  # "p", "list" or "table"
    pos: int = 0  # _buf[:pos] is rendered, as html
    html: str = ""
    lines_checked: int = 0
    cuts_tried: int = 0  # line ends before this were tried as cuts already
    sentences_scanned: int = 0
    failed: bool = False  # the block left the simple shape: render it whole


def _dequote(text: str, at_line_start: bool) -> str:
    """``text`` without the "> " that opens each of its lines."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = _QUOTE_RE.match(line) if i or at_line_start else None
        if m is not None:
            lines[i] = line[m.end() :]
    return "\n".join(lines)


def _one_list(html: str) -> bool:
    """Is ``html`` exactly one list (which may hold nested lists)?"""
    depth = 0
    for m in _LIST_TAG_RE.finditer(html):
        depth += -1 if m[1] else 1
        if depth == 0:
            return m.end() == len(html)
    return False


def _continues_paragraph(line: str) -> bool:
    """Is ``line`` (after a paragraph line) sure to be more of the same paragraph?"""
    s = line.strip()
    return bool(s) and not (
        s[0] in ">|`~$\\"
        or _LIST_RE.match(line)
        or _ATX_RE.match(line)
        or _HR_RE.match(line)
        or not s.strip("=")
        or not s.strip("-")
    )


class StreamingMarkdown:
    """Incremental rendering of an answer that arrives token by token.

    The text is cut into blocks. A finished block is rendered once, handed out by
    :meth:`take_frozen` and never changes; only the open last block is rendered again by
    :meth:`tail_html`, so the work per update does not grow with the answer.

    A block is finished when a blank line follows it outside a fenced code block; a
    fenced code block is finished at its closing line; a heading or thematic break at the
    start of a block is finished at its own line end. After a list the cut waits for the
    next line's first character, since an indented line still belongs to the list item.

    Open blocks are kept short:

    * inside a fenced code block, every :attr:`FENCE_CHUNK_LINES` completed lines are
      frozen as their own ``<pre>`` with zero margins, so the chunks look continuous
      (the code header and its copy link come with the first chunk);
    * a table longer than :attr:`SOFT_LIMIT` characters is frozen a few rows at a time,
      each chunk a table of its own (column widths may differ between chunks);
    * any other block longer than :attr:`SOFT_LIMIT` characters (:attr:`COMPLEX_LIMIT`
      for blocks the tail cannot splice, such as nested lists) is frozen at a line end,
      before a top-level item in a list, or within one long line at a sentence end or
      word boundary; past :attr:`HARD_LIMIT` anywhere. A very long line of code is cut
      every :attr:`HARD_LIMIT` characters.

    Within the open block, the tail reuses what is settled: finished sentences and lines
    of a paragraph or blockquote, finished items of a list and rows of a table are
    rendered once, and only the unfinished rest is parsed per call. Where even that is
    expensive (pathological input with no safe cut), re-parsing happens only after the
    block has grown by an eighth, the newest characters shown as plain text meanwhile,
    which keeps the total work linear.

    These cuts only affect the streaming view (e.g. a split paragraph or a list restarting
    with a new ``<ul>``); :meth:`finish` renders the whole text exactly.

    A line past ``lines.LINE_CAP`` is cut as it arrives: the rest of it is only counted,
    and the tail shows how long it is so far.

    ``code_blocks`` grows as code blocks are finished (with their cut lines whole), numbered
    like ``render_markdown`` numbers them; the ``copy:N`` link of a long code block is frozen
    before the block is finished, so ``code_blocks[N]`` may not exist yet while it is still
    streaming.
    """

    FENCE_CHUNK_LINES: Final = 32
    SOFT_LIMIT: Final = 2000
    COMPLEX_LIMIT: Final = 600
    HARD_LIMIT: Final = 8000
    _RECHECK: Final = 200

    def __init__(self, *, dark: bool = False) -> None:
        self._dark = dark
        self._pal = _DARK if dark else _LIGHT
        self.code_blocks: list[str] = []
        self._parts: list[str] = []
        self._cr = ""
        self._cutter = _cutter()
        # The unfrozen text; it always starts at the beginning of the open block.
        self._buf = ""
        self._scan = 0  # start of the first line of _buf not yet looked at
        self._out: list[str] = []
        self._fence: _Fence | None = None
        self._cut: int | None = None  # end of a list followed by blank lines
        self._block_empty = True
        self._block_listy = False
        self._block_dedent = False
        self._block_lines = 0
        self._block_table = False
        self._table_head: str | None = None
        self._item_start = 0  # offset of the open list block's last top-level item
        self._list_ctx = False
        self._next_split = self.SOFT_LIMIT
        self._version = 0
        self._tail: tuple[int, str] = (0, "")
        self._epoch = 0  # bumped whenever _buf loses its head, invalidating offsets
        self._prefix_cache: tuple[int, int, str, int] = (-1, -1, "", 0)
        self._settled = _Settled(-1, "")
        # Open sentence or item: epoch, its offset in _buf, end of its settled part, HTML.
        self._words: tuple[int, int, int, str | None] = (-1, 0, 0, None)
        self._cost = 0  # characters parsed for the tail being computed
        # Last tail that was expensive to compute: epoch, len(_buf) then, cost, HTML.
        self._dear: tuple[int, int, int, str] = (-1, 0, 0, "")

    # ------------------------------------------------------------------ public

    def append(self, delta: str) -> None:
        """Add the next piece of the answer (any size, split anywhere)."""
        if not delta:
            return
        self._parts.append(delta)
        delta = self._cr + delta
        self._cr = ""
        if delta.endswith("\r"):
            self._cr, delta = "\r", delta[:-1]
        if "\r" in delta:
            delta = delta.replace("\r\n", "\n").replace("\r", "\n")
        delta = self._cutter.feed(delta)
        if not delta:
            return  # more of a line cut for display: only the tail's mark changes
        self._version += 1
        self._buf += delta
        if "\n" in delta:
            buf_find = self._buf.find
            while True:
                nl = buf_find("\n", self._scan)
                if nl < 0:
                    break
                line = self._buf[self._scan : nl + 1]
                self._scan = nl + 1
                self._on_line(line)
                buf_find = self._buf.find
        self._on_partial()

    def take_frozen(self) -> list[str]:
        """HTML fragments finished since the last call, in order; append them for good."""
        out, self._out = self._out, []
        return [_marks(html, self._cutter, self._pal) for html in out]

    def tail_html(self) -> str:
        """HTML of the still open end of the answer, to replace the previous tail."""
        version, html = self._tail
        if version != self._version or not self._version:
            html = _marks(self._render_tail(), self._cutter, self._pal)
            self._tail = (self._version, html)
        if self._cutter.open_length:
            return _with_open_mark(html, self._cutter.open_length, self._pal)
        return html

    @property
    def cutting(self) -> bool:
        """Is the line arriving now past the cap (so what arrives is not shown)?"""
        return self._cutter.open_length > 0

    def finish(self) -> Rendered:
        """The exact rendering of everything appended, as ``render_markdown`` gives it."""
        return render_markdown("".join(self._parts), dark=self._dark)

    # ------------------------------------------------------------------ lines

    def _on_line(self, line: str) -> None:
        if self._fence is not None:
            self._fence_line(line)
            return
        start = self._scan - len(line)
        if not line.strip():
            if self._cut is not None:
                return
            if self._block_empty:
                self._trim(self._scan)
                if self._table_head is not None:
                    self._reset_block(listy=False)
            elif self._block_listy:
                self._cut = start
            else:
                self._freeze(start)
                self._trim(self._scan)
            return
        if self._cut is not None:
            if line[0] in " \t":
                self._cut = None  # still inside the list item
            else:
                self._freeze(self._cut)
                self._trim(self._scan - len(line))
                start = 0
        elif (
            self._block_listy
            and start >= self.COMPLEX_LIMIT
            and self._complex()
            and _LIST_RE.match(line)
            and _indent_width(line) == _indent_width(self._buf)
        ):
            self._freeze(start)  # a long intricate list is cut before one of its items
            start = 0
        fence = _open_fence(line, self._block_listy or (self._block_empty and self._list_ctx))
        if fence is not None:
            self._start_block(line)
            fence.start = start
            self._fence = fence
            return
        first = self._block_empty
        self._start_block(line)
        if self._block_listy and start:
            item = _LIST_RE.match(line)
            first_item = _LIST_RE.match(self._buf)
            if (
                item is not None
                and first_item is not None
                and _list_kind(item[0]) == _list_kind(first_item[0])
                and _indent_width(line) == _indent_width(self._buf)
            ):
                self._item_start = start
        if first and (_ATX_RE.match(line) or _HR_RE.match(line)):
            self._freeze(self._scan)
            return
        if self._block_lines == 2 and not self._block_listy:
            self._block_table = _is_table_start(self._buf[:start], line)
        if self._scan >= self.SOFT_LIMIT or (
            self._scan >= self.COMPLEX_LIMIT and not self._block_listy and self._complex()
        ):
            if self._block_table:
                self._freeze_table_rows()
            else:
                self._freeze(self._scan)

    def _complex(self) -> bool:
        """Does the open block defeat tail splicing, so each tail renders it whole?"""
        st = self._settled
        return st.epoch == self._epoch and st.failed

    def _start_block(self, line: str) -> None:
        if self._block_empty:
            self._block_empty = False
            self._block_dedent = self._list_ctx and line[0] in " \t"
            self._block_listy = self._block_dedent
        if _LIST_RE.match(line):
            self._block_listy = True
        self._block_lines += 1

    def _fence_line(self, line: str) -> None:
        fence = self._fence
        assert fence is not None
        if _fence_closes(line, fence):
            self._fence = None
            if fence.chunked:
                self._out.append(_pre(_highlight("".join(fence.pending), fence.lang, self._pal), self._pal))
                self.code_blocks.append(self._cutter.restore("".join(fence.lines)).removesuffix("\n"))
                self._trim(self._scan)
                self._reset_block(listy=self._block_listy or fence.indent > 0)
            else:
                self._freeze(self._scan)
            return
        code = _strip_container(line, fence)
        fence.lines.append(code)
        if fence.chunked:
            fence.pending.append(code)
            self._trim(self._scan)
            if len(fence.pending) >= self.FENCE_CHUNK_LINES or sum(map(len, fence.pending)) > self.HARD_LIMIT:
                body = _highlight("".join(fence.pending), fence.lang, self._pal)
                self._out.append(_pre(body, self._pal, bottom="0"))
                fence.pending = []
                fence.reset_highlight()
        elif len(fence.lines) >= self.FENCE_CHUNK_LINES or self._scan > self.HARD_LIMIT:
            prefix = self._buf[: fence.start]
            if prefix.strip():
                html, codes = self._render_block(prefix)
                self._out.append(html)
                self.code_blocks.extend(codes)
            fence.index = len(self.code_blocks)
            fence.chunked = True
            fence.reset_highlight()
            body = _highlight("".join(fence.lines), fence.lang, self._pal)
            self._out.append(_code_header(fence.lang, fence.index, self._pal) + _pre(body, self._pal, bottom="0"))
            self._trim(self._scan)

    def _on_partial(self) -> None:
        size = len(self._buf)
        if self._cut is not None and size > self._scan:
            partial = self._buf[self._scan :]
            if partial[0] not in " \t":
                self._freeze(self._cut)
                self._trim(self._scan)
            elif partial.strip():
                self._cut = None
            return
        if self._fence is not None:
            if size - self._scan > self.HARD_LIMIT:
                piece = self._buf[self._scan : self._scan + self.HARD_LIMIT]
                self._scan += len(piece)
                self._fence_line(piece)
            return
        if size >= self._next_split and not self._block_table and self._cut is None:
            self._split_long_block()

    def _split_long_block(self) -> None:
        buf = self._buf
        if self._scan > 0:
            self._freeze(self._scan)  # the long line then starts a block of its own
            return
        floor = self.SOFT_LIMIT // 2
        # The rest must start with a letter, or it could read as a list item, heading...
        ends = [m.end() for m in _SENTENCE_END_RE.finditer(buf, floor) if buf[m.end() : m.end() + 1].isalpha()]
        spaces = [m.end() for m in _SPACE_BEFORE_LETTER_RE.finditer(buf, floor)]
        # A sentence end is the least visible cut, a word boundary the next best.
        for end in [*reversed(ends[-8:]), *reversed(spaces[-8:])]:
            if _cut_safe(buf[:end]):
                self._cut_inside_line(end)
                return
        if len(buf) >= self.HARD_LIMIT:
            self._cut_inside_line(spaces[-1] if spaces else len(buf))
            return
        self._next_split = len(buf) + self._RECHECK

    def _cut_inside_line(self, end: int) -> None:
        self._freeze(end)
        # The rest of the line is a plain paragraph now, whatever held the line before.
        self._list_ctx = False
        self._trim(len(self._buf) - len(self._buf.lstrip(" \t")))

    # ------------------------------------------------------------------ freezing

    def _render_block(self, text: str) -> tuple[str, list[str]]:
        if self._block_dedent:
            text = _dedent(text)
        head = self._table_head
        if head is not None:
            text = head + text
        html, codes = _render(text, self._pal, len(self.code_blocks), self._cutter.restore)
        if head is not None:
            html = _THEAD_RE.sub("", html, count=1)
        return html, codes

    def _freeze(self, end: int, *, keep_state: bool = False) -> None:
        """Render ``_buf[:end]`` as a finished block and drop it from the buffer."""
        text = self._buf[:end]
        if text.strip():
            html, codes = self._render_block(text)
            self._out.append(html)
            self.code_blocks.extend(codes)
        listy = self._block_listy
        self._trim(end)
        if not keep_state:
            self._reset_block(listy=listy)

    def _freeze_table_rows(self) -> None:
        head = self._table_head
        if head is None:
            first = self._buf.find("\n")
            second = self._buf.find("\n", first + 1)
            head = self._buf[: second + 1]
        self._freeze(self._scan, keep_state=True)
        self._table_head = head
        self._block_empty = True
        self._block_lines = 2
        self._block_table = True

    def _trim(self, end: int) -> None:
        if end <= 0:
            return
        self._buf = self._buf[end:]
        self._epoch += 1
        self._item_start = max(0, self._item_start - end)
        self._scan = max(0, self._scan - end)
        if self._cut is not None:
            self._cut = self._cut - end if self._cut >= end else None
        if self._fence is not None and not self._fence.chunked:
            self._fence.start = max(0, self._fence.start - end)

    def _reset_block(self, *, listy: bool) -> None:
        self._cut = None
        self._block_empty = True
        self._block_listy = False
        self._block_dedent = False
        self._block_lines = 0
        self._block_table = False
        self._table_head = None
        self._item_start = 0
        self._list_ctx = listy
        self._next_split = self.SOFT_LIMIT

    # ------------------------------------------------------------------ tail

    _HL_STEP: Final = 8
    _DEAR: Final = 512  # characters parsed for one tail that count as expensive

    def _highlight_open(self, fence: _Fence) -> str:
        """Completed lines of the open code block, highlighted.

        Each completed line is lexed on its own; every ``_HL_STEP`` lines the whole
        chunk is lexed again, so a multi-line string is coloured right a few lines later.
        """
        lines = fence.pending if fence.chunked else fence.lines
        n, done = len(lines), fence.hl_count
        if done == n:
            return fence.hl_html
        if done < fence.hl_stable_count or n - fence.hl_stable_count > self._HL_STEP:
            html = _highlight("".join(lines), fence.lang, self._pal)
            fence.hl_stable_count = n
        else:
            new = _highlight("".join(lines[done:]), fence.lang, self._pal)
            html = f"{fence.hl_html}\n{new}" if done > 0 else new
        fence.hl_count, fence.hl_html = n, html
        return html

    def _render_tail(self) -> str:
        fence = self._fence
        if fence is not None:
            partial = _strip_container(self._buf[self._scan :], fence)
            if partial.strip() and not partial.strip().strip(fence.char):
                partial = ""  # most likely the closing fence arriving
            has_lines = bool(fence.pending if fence.chunked else fence.lines)
            code = self._highlight_open(fence) if has_lines else ""
            if partial:
                code = f"{code}\n{_escape_code(partial)}" if has_lines else _escape_code(partial)
            if fence.chunked:
                return _pre(code, self._pal)
            prefix_html, ncodes = self._prefix_html(fence.start)
            index = len(self.code_blocks) + ncodes
            return prefix_html + _code_header(fence.lang, index, self._pal) + _pre(code, self._pal)
        if not self._buf.strip():
            return ""
        epoch, size, cost, dear = self._dear
        grown = len(self._buf) - size
        if epoch == self._epoch and cost > self._DEAR and 0 <= grown < max(64, cost // 8):
            # Re-rendering is expensive here (no safe cut): re-render only after
            # geometric growth, which keeps the total work linear; show new text plainly.
            fresh = self._buf[size:]
            closers = _CLOSERS_RE.search(dear)
            if closers is None or "\n" in fresh:
                return dear
            return f"{dear[: closers.start()]}{escapeHtml(fresh)}{closers[0]}"
        self._cost = 0
        html = self._render_open_block()
        self._dear = (self._epoch, len(self._buf), self._cost, html)
        return html

    def _render_open_block(self) -> str:
        if self._cut is None and not self._block_dedent:
            # Splice the settled part, rendered once, with a rendering of the rest.
            if self._block_table:
                html = self._splice_table()
            elif self._block_listy:
                html = self._splice_list() or self._splice_items()
            elif self._table_head is None:
                html = self._splice_paragraph(_QUOTE_RE.match(self._buf) is not None)
            else:
                html = None
            if html is not None:
                return html
        self._cost += len(self._buf)
        return self._render_block(self._buf)[0]

    def _state(self, kind: str) -> _Settled:
        st = self._settled
        if st.epoch != self._epoch or st.kind != kind:
            st = self._settled = _Settled(self._epoch, kind)
        return st

    def _inline(self, text: str, *, recurring: bool = False) -> str:
        if recurring:
            self._cost += len(text)  # work that every tail_html() call repeats
        return _render_inline(text, self._pal, len(self.code_blocks))

    def _prefix_html(self, end: int) -> tuple[str, int]:
        """Rendering of ``_buf[:end]`` and its number of code blocks, cached."""
        epoch, cached_end, html, ncodes = self._prefix_cache
        if (epoch, cached_end) != (self._epoch, end):
            text = self._buf[:end]
            if text.strip():
                html, codes = self._render_block(text)
                ncodes = len(codes)
            else:
                html, ncodes = "", 0
            self._prefix_cache = (self._epoch, end, html, ncodes)
        return html, ncodes

    def _splice_paragraph(self, quoted: bool) -> str | None:
        """A paragraph, or a one-paragraph blockquote: finished lines and sentences are
        rendered once, inline."""
        st = self._state("q" if quoted else "p")
        buf, scan = self._buf, self._scan
        if st.failed:
            return None

        def content(line: str) -> str | None:
            if not quoted:
                return line
            m = _QUOTE_RE.match(line)
            return None if m is None else line[m.end() :]

        def text_of(start: int, end: int) -> str:
            text = buf[start:end]
            return _dequote(text, start == 0 or buf[start - 1] == "\n") if quoted else text

        if not st.lines_checked:
            first_end = buf.find("\n")
            first = content(buf if first_end < 0 else buf[:first_end])
            if first is None or not first.strip() or first[0].isspace() or not _inline_start_ok(first.strip()):
                st.failed = first_end >= 0
                return None
            st.lines_checked = first_end + 1
        # Every later line must continue the paragraph; it might start another block.
        while 0 < st.lines_checked < scan:
            nl = buf.find("\n", st.lines_checked)
            line = content(buf[st.lines_checked : nl])
            if line is None or not _continues_paragraph(line):
                st.failed = True
                return None
            st.lines_checked = nl + 1
        if 0 < scan < len(buf):
            line = content(buf[scan:])
            if line is None or not _continues_paragraph(line):
                return None
        nl = buf.find("\n", max(st.pos, st.cuts_tried))
        while 0 <= nl < scan:
            text = text_of(st.pos, nl)
            body = text.rstrip(" \t")
            if len(text) - len(body) >= 2 or body.endswith("\\"):
                st.failed = True  # a hard line break
                return None
            settled = self._settle(body.strip())
            if settled is not None:
                st.html += settled + "\n"
                st.pos = nl + 1
            st.cuts_tried = nl + 1
            nl = buf.find("\n", nl + 1)
        for m in _SENTENCE_END_RE.finditer(buf, max(st.pos, scan, st.sentences_scanned)):
            end = m.end()
            if end >= len(buf):
                break
            if buf[end].isalpha():
                text = text_of(st.pos, end)
                body = text.rstrip()
                settled = self._settle(body.strip())
                if settled is not None:
                    st.html += settled + text[len(body) :]
                    st.pos = end
        st.sentences_scanned = max(st.sentences_scanned, len(buf) - 8)
        rest = self._inline_tail(text_of(st.pos, len(buf)), st.pos)
        html = f"<p>{st.html if rest else st.html.rstrip()}{rest}</p>\n"
        return f"<blockquote>\n{html}</blockquote>\n" if quoted else html

    def _settle(self, text: str) -> str | None:
        """Inline HTML of ``text`` if the paragraph can safely be cut right after it."""
        if not _cut_safe(text):
            return None
        html = self._inline(text)
        return None if _dangling(html) else html

    def _inline_tail(self, text: str, base: int) -> str:
        """Inline HTML of the open end of a paragraph or item starting at ``_buf[base]``.

        Markup-free trailing words are escaped directly; the part up to them is
        re-parsed only when new markup arrives.
        """
        body = text.strip()
        if "\n" in body:
            return self._inline(body, recurring=True)
        m = _LAST_SPECIAL_RE.match(body)
        if m is None:
            return escapeHtml(body)
        ws = _WS_RUN_RE.search(body, m.end())
        if ws is None:
            return self._inline(body, recurring=True)
        epoch, cached_base, cached_end, html = self._words
        if (epoch, cached_base, cached_end) != (self._epoch, base, ws.start()):
            html = self._settle(body[: ws.start()])
            self._words = (self._epoch, base, ws.start(), html)
        if html is None:
            return self._inline(body, recurring=True)
        return html + ws[0] + escapeHtml(body[ws.end() :])

    def _table_row(self, line: str, aligns: list[str], *, recurring: bool = False) -> str:
        cells = _table_cells(line)
        cells += [""] * (len(aligns) - len(cells))
        tds = "".join(
            f'<td align="{a}">{self._inline(c, recurring=recurring)}</td>\n'
            for a, c in zip(aligns, cells, strict=False)
        )
        return f"<tr>\n{tds}</tr>\n"

    def _splice_table(self) -> str | None:
        """A table: each finished row is rendered once."""
        st = self._state("table")
        buf, scan = self._buf, self._scan
        head = self._table_head
        if head is None:
            second = buf.find("\n", buf.find("\n") + 1)
            if st.failed or second < 0 or second >= scan:
                return None
            delimiter = buf[buf.find("\n") + 1 : second]
        else:
            second = -1
            delimiter = head[head.find("\n") + 1 :]
        if st.failed:
            return None
        if not st.html:
            table = self._render_block(buf[: second + 1])[0]
            if not table.endswith("</table>\n"):
                st.failed = True
                return None
            st.html = table[: -len("</table>\n")] + "<tbody>\n"
            st.pos = second + 1
        aligns = _table_aligns(delimiter)
        while st.pos < scan:
            nl = buf.find("\n", st.pos)
            line = buf[st.pos : nl]
            if not line.lstrip().startswith("|") or _indent_width(line) >= 4:
                st.failed = True
                return None
            st.html += self._table_row(line, aligns)
            st.pos = nl + 1
        partial = buf[scan:]
        row = ""
        if partial.strip():
            if not partial.lstrip().startswith("|") or _indent_width(partial) >= 4:
                return None
            row = self._table_row(partial, aligns, recurring=True)
        elif st.pos == second + 1:
            return None  # no body row yet: markdown-it then writes no <tbody>
        return f"{st.html}{row}</tbody>\n</table>\n"

    def _splice_list(self) -> str | None:
        """A tight list of one-line items: each finished item is rendered once."""
        st = self._state("list")
        buf, scan = self._buf, self._scan
        first_m = _LIST_RE.match(buf)
        if st.failed or first_m is None or scan == 0 or self._table_head is not None:
            return None
        kind = _list_kind(first_m[0])
        close = "</ol>\n" if kind in ".)" else "</ul>\n"
        if not st.html:
            nl = buf.find("\n")
            first = self._render_block(buf[: nl + 1])[0]
            if not first.endswith(close) or first.count("<li") != 1:
                st.failed = True
                return None
            st.html, st.pos = first[: -len(close)], nl + 1
        while st.pos < scan:
            nl = buf.find("\n", st.pos)
            content = self._item_content(buf[st.pos : nl], kind)
            if content is None:
                st.failed = True
                return None
            st.html += f"<li>{self._inline(content.strip())}</li>\n"
            st.pos = nl + 1
        partial = buf[scan:]
        if not partial:
            return st.html + close
        content = self._item_content(partial, kind)
        if content is None:
            return None
        stripped = content.lstrip()
        base = len(buf) - len(stripped)
        return f"{st.html}<li>{self._inline_tail(stripped, base)}</li>\n{close}"

    def _item_content(self, line: str, kind: str) -> str | None:
        """The text of a simple one-line item like the list's first, else None."""
        m = _LIST_RE.match(line)
        if m is None or _list_kind(m[0]) != kind or _indent_width(line) != _indent_width(self._buf):
            return None
        content = line[m.end() :]
        if _indent_width(content) >= 4 or not _inline_start_ok(content.strip()):
            return None
        return content

    def _splice_items(self) -> str | None:
        """A tight list: the items before the last top-level one are cached."""
        buf, scan = self._buf, self._scan
        first_m = _LIST_RE.match(buf)
        if first_m is None or self._table_head is not None or "\n\n" in buf:
            return None
        kind = _list_kind(first_m[0])
        start = self._item_start
        item_m = _LIST_RE.match(buf, scan)
        if (
            item_m is not None
            and _list_kind(item_m[0]) == kind
            and _indent_width(buf[scan:]) == _indent_width(buf)
        ):
            start = scan
        if not start:
            return None
        close = "</ol>\n" if kind in ".)" else "</ul>\n"
        head = self._prefix_html(start)[0]
        if not head.endswith(close):
            return None
        self._cost += len(buf) - start
        rest = self._render_block(buf[start:])[0]
        opened = _LIST_OPEN_RE.match(rest)
        if opened is None or not _one_list(rest):
            return None
        return head[: -len(close)] + rest[opened.end() :]
