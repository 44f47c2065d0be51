"""Makes text from a server, a model or a file inert before it is stored or printed.

A terminal obeys escape sequences (set the window title, move the cursor, in some terminals
write the clipboard) and control characters; bidi overrides and zero-width characters make
text show something other than what it holds. None of them belong in a name, a title or a
one-line message.
"""

from __future__ import annotations

import re

# Escape sequences, removed whole where they can be recognised (ECMA-48): CSI with its parameter
# and intermediate bytes, OSC / DCS / SOS / PM / APC strings up to their terminator, and two-byte
# escapes. Both the 7-bit (ESC [) and the 8-bit (U+009B) forms. Whatever is left of an
# unterminated one loses its ESC below and is plain text.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x90\x98\x9c-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
# Bidi embeddings, overrides, isolates and marks; zero-width and invisible formatting
# characters; interlinear annotations; tag characters (invisible ASCII look-alikes).
_HIDING = (
    "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f"
)
_BREAKS = "\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_HIDING}]")
_ONE_LINE_DROP = re.compile(f"[\x00-\x1f\x7f-\x9f{_HIDING}]")
_MULTI_LINE_DROP = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_HIDING}]")
_ONE_LINE_BREAK = re.compile(f"[{_BREAKS}]+")


def has_unsafe_chars(text: str) -> bool:
    """True if ``text`` holds a control character (line breaks and tabs included), an escape
    sequence, a bidi control or an invisible formatting character."""
    return _UNSAFE.search(text) is not None


def inert(text: str) -> str:
    """One line with nothing a terminal obeys and nothing hidden: sequences and controls are
    removed, line breaks and tabs become a space."""
    text = _SEQUENCE.sub("", text)
    text = _ONE_LINE_BREAK.sub(" ", text)
    return _ONE_LINE_DROP.sub("", text)


def inert_text(text: str) -> str:
    """Like ``inert`` for several lines: keeps line breaks (as ``\\n``) and tabs."""
    text = _SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return _MULTI_LINE_DROP.sub("", text)
