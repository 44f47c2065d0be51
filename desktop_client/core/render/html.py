"""Markdown → HTML with markdown-it: untrusted input (raw HTML escaped, only safe links and
images), Qt's rich-text subset, math and cut lines put back in."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from desktop_client.core.render.code import (
    _code_header,
    _highlight_block,
    _marks,
    _pre,
)
from desktop_client.core.render.lines import CUT_OPEN, CUT_RE, LineCutter
from desktop_client.core.render.math import (
    _extract_math,
    _Math,
    _substitute_math,
)
from desktop_client.core.render.style import (
    _DARK,
    _FORGED_RE,
    _LIGHT,
    _MD_SPECIAL_RE,
    _MONO,
    _PH_OPEN,
    _PH_RE,
    _PRIVATE_RE,
    _SAFE_IMG_RE,
    _SAFE_LINK_RE,
    Rendered,
    _Palette,
)


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
