"""What every part of the renderer shares: the result type, the light and dark palettes
(Qt styles inline only), fonts, and the private-use placeholders model output can never forge."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final


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
