"""Over-long lines, cut for display.

Qt lays out a line with no break opportunity in time that grows with the square of its
length: a 5 MB line would hold the GUI thread for hours. What is displayed keeps the first
``LINE_CAP`` characters of such a line and a marker that gives its length; what is stored,
copied and exported keeps every character.

For the renderer, a cut is a token (its index between two private-use characters the input
is scrubbed of, so a model cannot forge one); rendered HTML carries a mark (the line's length),
which the UI puts in its own words with :func:`fill_marks`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

__all__ = ["LINE_CAP", "LineCutter", "cut_plain", "fill_marks"]

# Qt lays out a line of 5,000 characters with no space in about 7 ms, 10,000 in 25 ms, 16,000
# in 60 ms, and one update may lay a line out two or three times (inserting the next block
# touches the last one, a resize redoes both): at 10,000 a stall passed 50 ms.
# benchmarks/long_lines.py measures what the window sees.
LINE_CAP: Final = 5_000

CUT_OPEN: Final = "\ue013"
CUT_CLOSE: Final = "\ue014"
CUT_RE: Final = re.compile("\ue013(\\d+)\ue014")
MARK_OPEN: Final = "\ue015"
MARK_CLOSE: Final = "\ue016"
MARK_RE: Final = re.compile("\ue015(\\d+)\ue016")


def mark(length: int) -> str:
    """A cut line's mark in rendered HTML: its full length, for the UI to put in words."""
    return f"{MARK_OPEN}{length}{MARK_CLOSE}"


def words_for(template: str, length: int) -> str:
    """``template`` ("… %1 characters …") for a cut line of ``length`` characters."""
    return template.replace("%1", f"{length:,}")


def fill_marks(text: str, template: str, escape: Callable[[str], str] = str) -> str:
    """``text`` with each mark put in words (escaped with ``escape``, for HTML)."""
    if MARK_OPEN not in text:
        return text
    return MARK_RE.sub(lambda m: escape(words_for(template, int(m[1]))), text)


def _cut_token(index: int, length: int) -> str:
    return f"{CUT_OPEN}{index}{CUT_CLOSE}"


class LineCutter:
    """Cuts the over-long lines of a text that arrives in pieces, split anywhere.

    :meth:`feed` returns what to display: every line up to ``cap`` characters as it is,
    the first ``cap`` characters of a longer one followed by ``token(index, length)`` just
    before its line end (or from :meth:`close` if the text ends first). A line still
    arriving past the cap is not finished: :attr:`open_length` tells how long it is so far.
    What is displayed passes through ``clean`` first (and only that: a regular expression
    over a 5 MB line holds the interpreter for 40 ms).
    """

    def __init__(
        self,
        cap: int = LINE_CAP,
        *,
        token: Callable[[int, int], str] = _cut_token,
        clean: Callable[[str], str] = str,
        keep_tails: bool = False,
    ) -> None:
        self.cap = cap
        self._token = token
        self._clean = clean
        self._keep = keep_tails
        self.column = 0  # characters of the open line so far
        self.lengths: list[int] = []  # full length of each finished cut line
        self.tails: list[str] = []  # what each cut took away, as it came (with keep_tails)
        self._tail: list[str] = []

    @property
    def open_length(self) -> int:
        """Length so far of the open line if it is being cut, else 0."""
        return self.column if self.column > self.cap else 0

    def feed(self, text: str) -> str:
        if "\n" not in text:
            return self._more(text)  # the usual streamed piece: more of the open line
        lines = text.split("\n")
        # Fast path, in C: no line reaches past the cap.
        if self.column + len(lines[0]) <= self.cap and max(map(len, lines)) <= self.cap:
            self.column = len(lines[-1])
            return self._clean(text)
        out = [self._more(lines[0])]
        for line in lines[1:]:
            out.append(self._end_line())
            out.append("\n")
            out.append(self._more(line))
        return "".join(out)

    def close(self) -> str:
        """The token of the last line if the text ended while it was being cut."""
        return self._end_line()

    def restore(self, text: str) -> str:
        """``text`` (made with keep_tails) with each cut token replaced by what it cut."""
        if CUT_OPEN not in text:
            return text
        return CUT_RE.sub(lambda m: self.tails[int(m[1])], text)

    def marks(self, text: str, make: Callable[[int], str] = mark) -> str:
        """``text`` with each cut token replaced by ``make(length)``."""
        if CUT_OPEN not in text:
            return text
        return CUT_RE.sub(lambda m: make(self.lengths[int(m[1])]), text)

    def _more(self, piece: str) -> str:
        room = self.cap - self.column
        self.column += len(piece)
        if len(piece) <= room:
            return self._clean(piece)
        if self._keep:
            self._tail.append(piece[max(room, 0) :])
        return self._clean(piece[:room]) if room > 0 else ""

    def _end_line(self) -> str:
        length, self.column = self.column, 0
        if length <= self.cap:
            return ""
        index = len(self.lengths)
        self.lengths.append(length)
        if self._keep:
            self.tails.append("".join(self._tail))
            self._tail = []
        return self._token(index, length)


def cut_plain(text: str, template: str, cap: int = LINE_CAP) -> str:
    """``text`` for a plain-text view: each over-long line cut, ``template`` in its place."""
    if len(text) <= cap:
        return text
    cutter = LineCutter(cap, token=lambda _index, length: words_for(template, length))
    return cutter.feed(text) + cutter.close()
