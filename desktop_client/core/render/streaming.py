"""Rendering an answer while it streams: finished blocks are converted once and frozen, only
the still-open block is rendered again on each update, so the work per update stays flat."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from markdown_it.common.utils import escapeHtml

from desktop_client.core.render.blocks import (
    _dedent,
    _Fence,
    _fence_closes,
    _indent_width,
    _is_table_start,
    _open_fence,
    _strip_container,
    _table_cells,
)
from desktop_client.core.render.code import (
    _code_header,
    _escape_code,
    _highlight,
    _marks,
    _pre,
    _with_open_mark,
)
from desktop_client.core.render.html import (
    _cutter,
    _render,
    _render_inline,
    render_markdown,
)
from desktop_client.core.render.style import (
    _ATX_RE,
    _DARK,
    _HR_RE,
    _LAST_SPECIAL_RE,
    _LIGHT,
    _LIST_RE,
    _REFDEF_RE,
    _SENTENCE_END_RE,
    _SPACE_BEFORE_LETTER_RE,
    _THEAD_RE,
    _WS_RUN_RE,
    Rendered,
)

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

    These cuts show (e.g. a split paragraph or a list restarting with a new ``<ul>``), and
    they stay when the answer ends: the view keeps what streamed rather than reflow it.
    :meth:`finish` renders the whole text exactly, as a stored answer is shown.

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
            self._on_blank(start)
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
        self._on_text(line, start)

    def _on_blank(self, start: int) -> None:
        if self._cut is not None:
            return
        if self._block_empty:
            self._trim(self._scan)
            if self._table_head is not None:
                self._reset_block(listy=False)
        elif self._block_listy:
            self._cut = start  # a blank line in a list: the list may go on
        else:
            self._freeze(start)
            self._trim(self._scan)

    def _on_text(self, line: str, start: int) -> None:
        """A line of text (not a fence) joins the open block, which may then be frozen."""
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
        if st.failed or not self._still_paragraph(st, quoted) or not self._settle_lines(st, quoted):
            return None
        self._settle_sentences(st, quoted)
        rest = self._inline_tail(self._text_of(st.pos, len(self._buf), quoted), st.pos)
        html = f"<p>{st.html if rest else st.html.rstrip()}{rest}</p>\n"
        return f"<blockquote>\n{html}</blockquote>\n" if quoted else html

    @staticmethod
    def _content(line: str, quoted: bool) -> str | None:
        """The line without its quote marker; None when a quoted paragraph's line has none."""
        if not quoted:
            return line
        m = _QUOTE_RE.match(line)
        return None if m is None else line[m.end() :]

    def _text_of(self, start: int, end: int, quoted: bool) -> str:
        text = self._buf[start:end]
        return _dequote(text, start == 0 or self._buf[start - 1] == "\n") if quoted else text

    def _still_paragraph(self, st: _Settled, quoted: bool) -> bool:
        """Does the open block still read as one paragraph (marks ``st.failed`` when it never will)?"""
        buf, scan = self._buf, self._scan
        if not st.lines_checked:
            first_end = buf.find("\n")
            first = self._content(buf if first_end < 0 else buf[:first_end], quoted)
            if first is None or not first.strip() or first[0].isspace() or not _inline_start_ok(first.strip()):
                st.failed = first_end >= 0
                return False
            st.lines_checked = first_end + 1
        # Every later line must continue the paragraph; it might start another block.
        while 0 < st.lines_checked < scan:
            nl = buf.find("\n", st.lines_checked)
            line = self._content(buf[st.lines_checked : nl], quoted)
            if line is None or not _continues_paragraph(line):
                st.failed = True
                return False
            st.lines_checked = nl + 1
        if 0 < scan < len(buf):
            line = self._content(buf[scan:], quoted)
            if line is None or not _continues_paragraph(line):
                return False
        return True

    def _settle_lines(self, st: _Settled, quoted: bool) -> bool:
        """Renders the finished lines once; False (and failed) at a hard line break."""
        buf, scan = self._buf, self._scan
        nl = buf.find("\n", max(st.pos, st.cuts_tried))
        while 0 <= nl < scan:
            text = self._text_of(st.pos, nl, quoted)
            body = text.rstrip(" \t")
            if len(text) - len(body) >= 2 or body.endswith("\\"):
                st.failed = True  # a hard line break
                return False
            settled = self._settle(body.strip())
            if settled is not None:
                st.html += settled + "\n"
                st.pos = nl + 1
            st.cuts_tried = nl + 1
            nl = buf.find("\n", nl + 1)
        return True

    def _settle_sentences(self, st: _Settled, quoted: bool) -> None:
        """Renders the finished sentences of the line being written once."""
        buf = self._buf
        for m in _SENTENCE_END_RE.finditer(buf, max(st.pos, self._scan, st.sentences_scanned)):
            end = m.end()
            if end >= len(buf):
                break
            if buf[end].isalpha():
                text = self._text_of(st.pos, end, quoted)
                body = text.rstrip()
                settled = self._settle(body.strip())
                if settled is not None:
                    st.html += settled + text[len(body) :]
                    st.pos = end
        st.sentences_scanned = max(st.sentences_scanned, len(buf) - 8)

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
