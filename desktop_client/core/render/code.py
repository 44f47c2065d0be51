"""Code blocks: Pygments highlighting in inline styles, the Copy header, and lines cut for display."""

from __future__ import annotations

import functools
import re
from typing import Any, Final

from markdown_it.common.utils import escapeHtml

from desktop_client.core.render.lines import CUT_OPEN, CUT_RE, LineCutter, mark
from desktop_client.core.render.style import (
    _CODE_GAP,
    _PRE_CSS,
    _Palette,
)


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
