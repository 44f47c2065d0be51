"""A hostile server's tricks, as handlers for ``LoopbackServer``: compression bombs, bodies
that announce gigabytes, lines that never end, JSON nested beyond reason.

Each bomb is produced lazily and stops as soon as the client hangs up, so a test costs what
the client reads, not what the bomb promises. ``Sent`` records how many bytes went out.
"""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.fakes.server import Conn, Request

MiB = 1024 * 1024
GiB = 1024 * MiB


@dataclass
class Sent:
    """Bytes a handler wrote before the client went away (or it finished)."""

    wire: int = 0
    finished: bool = False
    done: threading.Event = field(default_factory=threading.Event)

    def send(self, conn: Conn, data: bytes, *, chunked: bool = True) -> None:
        if chunked:
            conn.send_chunk(data)
        else:
            conn.send(data)
        self.wire += len(data)


def _until_the_client_leaves(sent: Sent, conn: Conn, write: Callable[[], None]) -> None:
    """Runs ``write``; a client that hangs up ends it early (that is the point of the test)."""
    try:
        write()
        sent.finished = True
    except OSError:
        pass
    finally:
        sent.done.set()
        conn.close()


def _zeros_compressed(coding: str, decoded: int, piece: int = MiB, byte: bytes = b"\0"):
    """The compressed form of ``decoded`` bytes all alike, piece by piece (about 1 KB a MiB)."""
    wbits = zlib.MAX_WBITS | 16 if coding == "gzip" else zlib.MAX_WBITS
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = byte * piece
    left = decoded
    while left > 0:
        out = compressor.compress(zeros[: min(piece, left)])
        left -= piece
        if out:
            yield out
    yield compressor.flush()


def compression_bomb(
    sent: Sent,
    *,
    coding: str = "gzip",
    decoded: int = 2 * GiB,
    content_type: str = "application/json",
    byte: bytes = b"\0",
) -> Callable[[Request, Conn], None]:
    """A 2xx whose body inflates to ``decoded`` bytes (2 GiB from about 2 MB on the wire) of
    ``byte``."""

    def handle(request: Request, conn: Conn) -> None:
        def write() -> None:
            conn.start_chunked(200, {"Content-Type": content_type, "Content-Encoding": coding})
            for piece in _zeros_compressed(coding, decoded, byte=byte):
                sent.send(conn, piece)
            conn.end_chunked()

        _until_the_client_leaves(sent, conn, write)

    return handle


def announced_length(
    sent: Sent, *, length: int = 10 * GiB, status: int = 200, content_type: str = "application/json"
) -> Callable[[Request, Conn], None]:
    """Announces ``length`` bytes, then sends them slowly forever (until the client leaves)."""

    def handle(request: Request, conn: Conn) -> None:
        def write() -> None:
            head = f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
            conn.send(head.encode())
            block = b"[" * (64 * 1024)
            for _ in range(length // len(block)):
                sent.send(conn, block, chunked=False)

        _until_the_client_leaves(sent, conn, write)

    return handle


def endless_line(
    sent: Sent, *, prefix: bytes = b"", size: int = 200 * MiB, content_type: str = "text/event-stream"
) -> Callable[[Request, Conn], None]:
    """``prefix`` (e.g. a good first event), then a ``data:`` line of ``size`` bytes with no
    line break."""

    def handle(request: Request, conn: Conn) -> None:
        def write() -> None:
            conn.start_chunked(200, {"Content-Type": content_type})
            if prefix:
                sent.send(conn, prefix)
            sent.send(conn, b"data: ")
            block = b"a" * MiB
            for _ in range(size // MiB):
                sent.send(conn, block)
            conn.end_chunked()

        _until_the_client_leaves(sent, conn, write)

    return handle


def deep_json(depth: int = 100_000, inner: str = "1") -> bytes:
    return ("[" * depth + inner + "]" * depth).encode()


def json_body(obj: object) -> bytes:
    # allow_nan: a hostile server writes NaN and Infinity, which strict JSON forbids.
    return json.dumps(obj, allow_nan=True).encode()
