"""An incremental Server-Sent Events decoder that survives what real servers send.

Bytes are buffered and split on CR, LF or CRLF *before* decoding, so a multi-byte UTF-8
character or a CRLF split across two reads is never broken, and U+2028 inside JSON is
never taken for a line break. A leading BOM is dropped; comments and unknown fields are
ignored; ``data`` lines are joined with ``\\n``; ``id`` and ``retry`` are kept.
"""

from __future__ import annotations

from dataclasses import dataclass

_BOM = b"\xef\xbb\xbf"
DEFAULT_MAX_LINE = 8 * 1024 * 1024


class LineTooLong(ValueError):
    """A line (or an event's data) grew past the decoder's limit before it ended."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"an event stream line is longer than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class SseEvent:
    data: str
    event: str = ""
    id: str = ""


class SseDecoder:
    def __init__(self, max_line: int = DEFAULT_MAX_LINE) -> None:
        self.max_line = max_line
        self._data_size = 0
        self._buffer = bytearray()
        self._started = False
        self._skip_lf = False  # a CR ended the previous read: a leading LF belongs to it
        self._scanned = 0  # bytes at the buffer's start already known to hold no line break
        self._data: list[str] = []
        self._event = ""
        self._has_fields = False
        self.last_id = ""
        self.retry_ms: int | None = None
        self.comments = 0

    def feed(self, chunk: bytes) -> list[SseEvent]:
        if not chunk:
            return []
        if not self._started:
            self._buffer += chunk
            if len(self._buffer) < len(_BOM) and _BOM.startswith(bytes(self._buffer)):
                return []
            if self._buffer.startswith(_BOM):
                del self._buffer[: len(_BOM)]
            self._started = True
            chunk = bytes(self._buffer)
            self._buffer.clear()
        if self._skip_lf and chunk[:1] == b"\n":
            chunk = chunk[1:]
        self._skip_lf = False
        self._buffer += chunk
        events: list[SseEvent] = []
        start = 0
        buffer = self._buffer
        length = len(buffer)
        # Where the next CR and LF are: each is searched for again only once passed, so a
        # chunk of a million LF-only (or CR-only) lines is read once, not a million times.
        cr = lf = -2
        while start < length:
            # A long event arriving in many reads is scanned once, not once per read.
            origin = max(start, self._scanned)
            if cr == -2 or 0 <= cr < origin:
                cr = buffer.find(b"\r", origin)
            if lf == -2 or 0 <= lf < origin:
                lf = buffer.find(b"\n", origin)
            if cr < 0 and lf < 0:
                self._scanned = length
                if length - start > self.max_line:
                    # No line ends in sight: stop before the buffer eats the memory.
                    raise LineTooLong(self.max_line)
                break
            if cr < 0 or (0 <= lf < cr):
                end, after = lf, lf + 1
            elif cr + 1 < length:
                end, after = cr, cr + 2 if buffer[cr + 1] == 0x0A else cr + 1
            else:
                end, after = cr, cr + 1
                self._skip_lf = True
            event = self._line(bytes(buffer[start:end]))
            if event is not None:
                events.append(event)
            start = after
        del buffer[:start]
        self._scanned = max(0, self._scanned - start)
        return events

    def flush(self) -> list[SseEvent]:
        """At EOF: a last event without its blank line is dispatched (a line cut in the
        middle is left for the JSON parser to reject)."""
        events: list[SseEvent] = []
        if self._buffer:
            event = self._line(bytes(self._buffer))
            self._buffer.clear()
            self._scanned = 0
            if event is not None:
                events.append(event)
        event = self._dispatch()
        if event is not None:
            events.append(event)
        return events

    def _line(self, raw: bytes) -> SseEvent | None:
        if not raw:
            return self._dispatch()
        line = raw.decode("utf-8", errors="replace")
        if line.startswith(":"):
            self.comments += 1
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data_size += len(value) + 1  # the line break it is joined with counts too
            if self._data_size > self.max_line:
                raise LineTooLong(self.max_line)
            self._data.append(value)
            self._has_fields = True
        elif name == "event":
            self._event = value
            self._has_fields = True
        elif name == "id":
            if "\0" not in value:
                self.last_id = value
            self._has_fields = True
        elif name == "retry":
            if value.isascii() and value.isdigit() and len(value) < 10:
                self.retry_ms = int(value)
            self._has_fields = True
        return None

    def _dispatch(self) -> SseEvent | None:
        if not self._has_fields:
            return None
        data = "\n".join(self._data)
        event = SseEvent(data=data, event=self._event, id=self.last_id)
        self._data = []
        self._data_size = 0
        self._event = ""
        self._has_fields = False
        # Events with no data (id/retry only, keep-alives) carry nothing for us.
        return event if data.strip() else None
