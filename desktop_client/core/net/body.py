"""Reading a response body with a limit on what it decodes to.

httpx decodes gzip and deflate without a bound on the output (a 2 MB body can inflate to
gigabytes in one call) and buffers whole bodies for ``.content``. Every read in Keyhold goes
through here instead: the raw bytes are inflated piece by piece with ``max_length``, the
*decoded* bytes are counted as they arrive, and the read stops the moment they pass the
limit, so memory stays near the limit whatever the server sends.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import AsyncGenerator, Iterator
from dataclasses import dataclass
from typing import Final, Literal

import httpx

from desktop_client.core.errors import N_, ApiError, ErrorKind, Template
from desktop_client.core.images import MAX_IMAGE_BYTES

MiB = 1024 * 1024
# What Keyhold asks for; any other coding a server sends anyway is refused.
ACCEPT_ENCODING = "gzip, deflate"
_PIECE = 256 * 1024  # decoded bytes per inflate step


@dataclass(frozen=True)
class Limits:
    """Decoded bytes Keyhold reads at most, per kind of answer."""

    json: int = 16 * MiB  # an API answer: a model list, a task list, a chat completion
    images_json: int = 2 * MAX_IMAGE_BYTES  # an images answer, base64 images inside
    error: int = 64 * 1024  # an error body: only its start is read, the rest is dropped
    image: int = MAX_IMAGE_BYTES
    sse_line: int = 8 * MiB  # one line of an event stream
    stream: int = 64 * MiB  # a whole streamed answer (a real one is rarely 1 MB; each MB costs ~10 in memory)


LIMITS = Limits()


def _size(count: int) -> str:
    if count >= MiB:
        return f"{count / MiB:,.0f} MB"
    return f"{count / 1024:,.0f} KB"


# What a body is, named in its too-large error: (the error, the error when its size was announced).
Body = Literal["answer", "image", "images answer", "model list", "task list"]
_TOO_LARGE: Final[dict[Body, tuple[Template, Template]]] = {
    "answer": (
        N_("Errors", "The server's answer is larger than %1; Keyhold stopped reading it"),
        N_("Errors", "The server's answer is larger than %1 (it announced %2); Keyhold stopped reading it"),
    ),
    "image": (
        N_("Errors", "The server's image is larger than %1; Keyhold stopped reading it"),
        N_("Errors", "The server's image is larger than %1 (it announced %2); Keyhold stopped reading it"),
    ),
    "images answer": (
        N_("Errors", "The server's images answer is larger than %1; Keyhold stopped reading it"),
        N_("Errors", "The server's images answer is larger than %1 (it announced %2); Keyhold stopped reading it"),
    ),
    "model list": (
        N_("Errors", "The server's model list is larger than %1; Keyhold stopped reading it"),
        N_("Errors", "The server's model list is larger than %1 (it announced %2); Keyhold stopped reading it"),
    ),
    "task list": (
        N_("Errors", "The server's task list is larger than %1; Keyhold stopped reading it"),
        N_("Errors", "The server's task list is larger than %1 (it announced %2); Keyhold stopped reading it"),
    ),
}


def too_large(what: Body, limit: int, *, announced: int | None = None) -> ApiError:
    plain, with_size = _TOO_LARGE[what]
    return ApiError(
        with_size if announced else plain,
        hint=N_("Errors", "Check the base URL; a server that sends this much is misbehaving"),
        kind=ErrorKind.TOO_LARGE,
        args=(_size(limit), _size(announced)) if announced else (_size(limit),),
    )


class _Inflater:
    """gzip (members in a row, as concatenated files decode) or deflate (zlib-wrapped or raw,
    both seen in the wild), inflated at most ``_PIECE`` bytes at a time."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._raw_fallback = coding == "deflate"
        self._obj = self._new()
        self._started = False
        self._ended = False

    def _new(self) -> zlib._Decompress:
        return zlib.decompressobj(zlib.MAX_WBITS | 16 if self._coding == "gzip" else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._ended:
            return
        pending = data
        while True:
            try:
                out = self._obj.decompress(pending, _PIECE)
            except zlib.error:
                if self._raw_fallback and not self._started:
                    self._raw_fallback = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._started = True
            if out:
                yield out
            pending = self._obj.unconsumed_tail
            if self._obj.eof:
                rest = self._obj.unused_data
                if not rest or self._coding != "gzip":
                    # Bytes after a deflate stream mean nothing; kept, zlib would pile them up.
                    self._ended = True
                    return
                self._obj = self._new()
                pending = rest
                continue
            if not pending and len(out) < _PIECE:
                return

    def flush(self) -> bytes:
        return self._obj.flush() if not self._obj.eof else b""


class BodyReader:
    """Decoded chunks of a streaming response, at most ``limit`` bytes of them."""

    def __init__(self, response: httpx.Response, limit: int, what: Body = "answer") -> None:
        self.response = response
        self.limit = limit
        self.what = what
        self.received = 0
        codings = [
            c.strip().lower()
            for c in response.headers.get("content-encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        codings = ["gzip" if c == "x-gzip" else c for c in codings]
        unknown = [c for c in codings if c not in ("gzip", "deflate")]
        if unknown:
            raise ApiError(
                f"The server compressed its answer as {unknown[0][:40]!r}, which Keyhold did not ask for",
                hint="Check the base URL; a relay or proxy in between may be misconfigured",
                kind=ErrorKind.PROTOCOL,
            )
        if len(codings) > 2:
            # Real servers compress once (a proxy may add a second layer); more is an attack.
            raise ApiError(
                f"The server compressed its answer {len(codings)} times over",
                hint="Check the base URL; a relay or proxy in between may be misconfigured",
                kind=ErrorKind.PROTOCOL,
            )
        # Applied in reverse order of how they were applied by the server.
        self._inflaters = [_Inflater(c) for c in reversed(codings)]
        length = response.headers.get("content-length", "")
        if not codings and length.isdigit() and int(length) > limit:
            raise too_large(what, limit, announced=int(length))

    def _decode(self, data: bytes, stage: int = 0) -> Iterator[bytes]:
        if stage == len(self._inflaters):
            yield data
            return
        for piece in self._inflaters[stage].feed(data):
            yield from self._decode(piece, stage + 1)

    def _count(self, piece: bytes) -> bytes:
        self.received += len(piece)
        if self.received > self.limit:
            raise too_large(self.what, self.limit)
        return piece

    async def chunks(self) -> AsyncGenerator[bytes, None]:
        """Decoded pieces; an empty one for raw bytes that decoded to nothing (so a reader can
        tell that something arrived, and judge whether it was worth anything)."""
        raw_received = 0
        try:
            async for raw in self.response.aiter_raw():
                raw_received += len(raw)
                if raw_received > self.limit:
                    # Compressed data is never larger than what it decodes to, except when it
                    # decodes to nothing at all: that much is too much already.
                    raise too_large(self.what, self.limit)
                produced = False
                for piece in self._decode(raw):
                    produced = True
                    yield self._count(piece)
                if not produced:
                    yield b""
            for stage, inflater in enumerate(self._inflaters):
                tail = inflater.flush()
                if tail:
                    for piece in self._decode(tail, stage + 1):
                        yield self._count(piece)
        except zlib.error:
            raise ApiError(
                "The server's compressed answer is damaged",
                hint="Retry; if it persists, a proxy in between is breaking the answer",
                kind=ErrorKind.PROTOCOL,
            ) from None

    async def read(self) -> bytes:
        body = bytearray()
        async for piece in self.chunks():
            body += piece
        return bytes(body)


async def read_prefix(response: httpx.Response, limit: int = LIMITS.error) -> bytes:
    """The start of a body whose rest does not matter (an error page): never an error for
    its size, and nothing at all when it cannot be decoded."""
    body = bytearray()
    try:
        reader = BodyReader(response, limit=1 << 62)
        async with contextlib.aclosing(reader.chunks()) as chunks:
            async for piece in chunks:
                body += piece
                if len(body) >= limit:
                    break
    except (ApiError, httpx.HTTPError):
        pass
    return bytes(body[:limit])
