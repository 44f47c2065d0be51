"""A raw-socket, threaded HTTP/1.1 server bound to loopback, for tests.

Unlike ``http.server`` this gives handlers byte-level control over the wire
(``Conn.send`` writes exactly what it is given), which tests need to replay
real server output split at awkward boundaries (e.g. SSE frames).
"""

from __future__ import annotations

import contextlib
import http
import ipaddress
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "SOCKET_TIMEOUT",
    "Conn",
    "FakeApp",
    "Handler",
    "Headers",
    "LoopbackServer",
    "Request",
    "redirect",
]

# Every blocking socket operation is bounded so a broken test never hangs forever.
SOCKET_TIMEOUT = 30.0
# How often the accept loop wakes up to notice stop(); also bounds stop() latency.
_ACCEPT_POLL = 0.1
_MAX_LINE = 64 * 1024
_MAX_HEADERS = 200

Headers = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass
class Request:
    """One parsed HTTP request as the server received it."""

    method: str
    target: str  # the raw request-target, e.g. "/v1/models?x=1" or "http://h/p" (proxy form)
    path: str  # target without the query; left percent-encoded, as sent
    query: dict[str, str]  # last value wins
    headers: dict[str, str]  # lower-case names, last value wins
    raw_headers: list[tuple[str, str]]  # original case and order, duplicates kept
    body: bytes  # de-chunked if the client used Transfer-Encoding: chunked
    version: str = "HTTP/1.1"

    def json(self) -> Any:
        return json.loads(self.body)

    def header_tokens(self, name: str) -> set[str]:
        """Comma-separated tokens of a header, lower-cased (e.g. Connection)."""
        return {t.strip().lower() for t in self.headers.get(name.lower(), "").split(",") if t.strip()}


class _PeerClosed(Exception):
    """The peer closed (or timed out) in the middle of a message."""


class _BadRequest(ValueError):
    """The bytes on the wire were not a parseable HTTP/1.1 message."""


class _Reader:
    """Buffered reader over a socket; kept separate so proxies can reuse leftovers."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buf = bytearray()

    def _fill(self) -> bool:
        data = self._sock.recv(65536)
        if not data:
            return False
        self._buf += data
        return True

    def readline(self) -> bytes:
        """Return one line including its LF; b"" on clean EOF at a line start."""
        while True:
            idx = self._buf.find(b"\n")
            if idx >= 0:
                line = bytes(self._buf[: idx + 1])
                del self._buf[: idx + 1]
                return line
            if len(self._buf) > _MAX_LINE:
                raise _BadRequest("line too long")
            if not self._fill():
                if self._buf:
                    raise _PeerClosed("EOF in the middle of a line")
                return b""

    def read_exact(self, n: int) -> bytes:
        while len(self._buf) < n:
            if not self._fill():
                raise _PeerClosed(f"EOF after {len(self._buf)} of {n} body bytes")
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def take_buffered(self) -> bytes:
        data = bytes(self._buf)
        self._buf.clear()
        return data


def _is_blank(line: bytes) -> bool:
    return line in (b"\r\n", b"\n")


def _read_head(reader: _Reader) -> tuple[str, list[tuple[str, str]]] | None:
    """Read a request line and headers; None on a clean EOF before any byte."""
    line = reader.readline()
    while _is_blank(line):  # RFC 9112 2.2: ignore stray CRLFs before a request line
        line = reader.readline()
    if not line:
        return None
    headers: list[tuple[str, str]] = []
    while True:
        raw = reader.readline()
        if not raw:
            raise _PeerClosed("EOF inside the header block")
        if _is_blank(raw):
            break
        name, sep, value = raw.decode("latin-1").partition(":")
        if not sep or not name or name != name.strip():
            raise _BadRequest(f"malformed header line {raw!r}")
        headers.append((name, value.strip()))
        if len(headers) > _MAX_HEADERS:
            raise _BadRequest("too many headers")
    return line.decode("latin-1").rstrip("\r\n"), headers


def _read_chunked(reader: _Reader) -> bytes:
    out = bytearray()
    while True:
        size_line = reader.readline()
        if not size_line:
            raise _PeerClosed("EOF before a chunk size")
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as exc:
            raise _BadRequest(f"bad chunk size {size_line!r}") from exc
        if size == 0:
            break
        out += reader.read_exact(size)
        if not _is_blank(reader.readline()):
            raise _BadRequest("chunk not followed by CRLF")
    while True:  # trailer section, ignored
        trailer = reader.readline()
        if not trailer:
            raise _PeerClosed("EOF in chunked trailers")
        if _is_blank(trailer):
            return bytes(out)


def _read_body(reader: _Reader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        return _read_chunked(reader)
    length = headers.get("content-length")
    if length is None:
        return b""
    if not length.isdigit():
        raise _BadRequest(f"bad Content-Length {length!r}")
    return reader.read_exact(int(length))


def _split_target(target: str) -> tuple[str, dict[str, str]]:
    if target.startswith("/") or target == "*":
        # Not urlsplit: it would read "//x/y" as a netloc.
        path, _, qs = target.partition("?")
    else:  # absolute-form, as sent to proxies
        parts = urlsplit(target)
        path, qs = parts.path or "/", parts.query
    return path, dict(parse_qsl(qs, keep_blank_values=True))


def _header_items(headers: Headers | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return [(str(k), str(v)) for k, v in headers.items()]
    return [(str(k), str(v)) for k, v in headers]


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _format_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


class Conn:
    """One accepted client connection, handed to handlers.

    ``send`` is raw; the ``send_*`` helpers build well-formed responses.
    After the handler returns, the server keeps the connection for the next
    request unless ``close()`` was called or the request asked for close.
    """

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.closed = False
        self._head_only = False  # current request is HEAD: never write a body
        self._streaming = False  # inside start_chunked() .. end_chunked()
        self._sent_anything = False
        self._close_after = False  # a response said "Connection: close"

    def _begin(self, request: Request) -> None:
        self._head_only = request.method == "HEAD"
        self._streaming = False
        self._sent_anything = False

    def send(self, data: bytes) -> None:
        """Write bytes verbatim (the handler owns the framing)."""
        self._sent_anything = True
        if data:
            self.sock.sendall(data)

    def _head(self, status: int, items: list[tuple[str, str]], reason: str | None) -> bytes:
        lines = [f"HTTP/1.1 {status} {reason if reason is not None else _reason(status)}"]
        lines += [f"{name}: {value}" for name, value in items]
        if any(n.lower() == "connection" and "close" in v.lower() for n, v in items):
            self._close_after = True
        # UTF-8, not latin-1, so tests can deliberately send non-ASCII header bytes.
        return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")

    def send_response(
        self,
        status: int,
        body: bytes = b"",
        headers: Headers | None = None,
        reason: str | None = None,
    ) -> None:
        """Write a complete response; Content-Length is added unless given."""
        items = _header_items(headers)
        names = {name.lower() for name, _ in items}
        bodiless_status = status < 200 or status in (204, 304)
        if not bodiless_status and not names & {"content-length", "transfer-encoding"}:
            items.append(("Content-Length", str(len(body))))
        payload = b"" if self._head_only or bodiless_status else body
        self.send(self._head(status, items, reason) + payload)

    def send_json(self, status: int, obj: Any, headers: Headers | None = None) -> None:
        body = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        items = _header_items(headers)
        if not any(name.lower() == "content-type" for name, _ in items):
            items.insert(0, ("Content-Type", "application/json"))
        self.send_response(status, body, items)

    def start_chunked(self, status: int = 200, headers: Headers | None = None) -> None:
        items = _header_items(headers)
        if not any(name.lower() == "transfer-encoding" for name, _ in items):
            items.append(("Transfer-Encoding", "chunked"))
        self.send(self._head(status, items, None))
        self._streaming = True

    def send_chunk(self, data: bytes) -> None:
        # An empty chunk would terminate the stream, so it is skipped; use end_chunked().
        if data:
            self.send(f"{len(data):X}\r\n".encode("ascii") + data + b"\r\n")

    def end_chunked(self) -> None:
        self.send(b"0\r\n\r\n")
        self._streaming = False

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.close()


Handler = Callable[[Request, Conn], None]


def redirect(conn: Conn, location: str, status: int = 302) -> None:
    conn.send_response(status, b"", {"Location": location})


class _Managed:
    """``with service:`` starts it and always stops it."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class _TcpService(_Managed):
    """Loopback listener with an accept loop and one daemon thread per connection.

    Subclasses implement ``_serve(sock)``. ``stop()`` closes the listener,
    shuts every tracked socket down (which wakes blocked recv calls) and joins
    the threads with a timeout, so a stuck handler cannot hang the test run.
    """

    scheme = "tcp"

    def __init__(self, host: str = "127.0.0.1") -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"fakes only listen on loopback, not {host!r}")
        self.host = host
        self.connection_count = 0  # accepted connections; lets tests assert keep-alive reuse
        self._listener: socket.socket | None = None
        self._port = 0
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._accept_thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> Self:
        if self._listener is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        try:
            listener.bind((self.host, 0))
            listener.listen(64)
            listener.settimeout(_ACCEPT_POLL)
        except OSError:
            listener.close()
            raise
        self._listener = listener
        self._port = listener.getsockname()[1]
        self._stopping.clear()
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name=f"{type(self).__name__}-accept", daemon=True
        )
        self._accept_thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self._listener is not None:
            # Wakes a blocked accept() at once on Linux; elsewhere the poll timeout does.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
        if self._accept_thread is not None:
            self._accept_thread.join(timeout)
            self._accept_thread = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            socks = list(self._socks)
            threads = list(self._threads)
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout  # one budget for all threads, not one each
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:  # whatever a stuck thread still holds
            leftovers = list(self._socks)
            self._socks.clear()
            self._threads.clear()
        for sock in leftovers:
            with contextlib.suppress(OSError):
                sock.close()

    # -- addresses -------------------------------------------------------------------
    @property
    def port(self) -> int:
        if not self._port:
            raise RuntimeError("server not started")
        return self._port

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{_format_host(self.host)}:{self.port}"

    @property
    def url(self) -> str:
        return self.origin

    # -- internals -------------------------------------------------------------------
    def _track(self, sock: socket.socket) -> bool:
        """Register a socket for stop(); False (caller must close) if already stopping."""
        with self._lock:
            if self._stopping.is_set():
                return False
            self._socks.add(sock)
            return True

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.discard(sock)

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stopping.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(SOCKET_TIMEOUT)
            if not self._track(sock):
                sock.close()
                return
            thread = threading.Thread(
                target=self._run_conn, args=(sock,), name=f"{type(self).__name__}-conn", daemon=True
            )
            with self._lock:
                self.connection_count += 1
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(thread)
            thread.start()

    def _run_conn(self, sock: socket.socket) -> None:
        try:
            self._serve(sock)
        except Exception:
            pass  # a dying thread would surface as an unraisable warning (= error under pytest)
        finally:
            self._untrack(sock)
            with contextlib.suppress(OSError):
                sock.close()

    def _serve(self, sock: socket.socket) -> None:
        raise NotImplementedError


class LoopbackServer(_TcpService):
    """Threaded HTTP/1.1 server on 127.0.0.1:<random port> calling ``handler``.

    ``requests`` records every parsed request; ``errors`` records handler
    exceptions (answered with 500) and unparseable requests (answered with 400).
    """

    def __init__(
        self,
        handler: Handler,
        *,
        ssl_context: ssl.SSLContext | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        super().__init__(host)
        self.handler = handler
        self.ssl_context = ssl_context
        self.scheme = "https" if ssl_context is not None else "http"
        self.requests: list[Request] = []
        self.errors: list[BaseException] = []
        # TLS handshakes that failed, e.g. because the client rejected our certificate.
        self.handshake_errors: list[BaseException] = []

    def _record_error(self, exc: BaseException) -> None:
        # Errors caused by stop() tearing sockets down are noise, not test failures.
        if isinstance(exc, OSError) and self._stopping.is_set():
            return
        with self._lock:
            self.errors.append(exc)

    def _wrap_tls(self, sock: socket.socket) -> ssl.SSLSocket | None:
        assert self.ssl_context is not None
        # Wrapping detaches the plain socket, so stop() must track the TLS one instead.
        tls = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        self._untrack(sock)
        if not self._track(tls):
            tls.close()
            return None
        try:
            tls.do_handshake()
        except (OSError, ValueError) as exc:
            with self._lock:
                self.handshake_errors.append(exc)
            self._untrack(tls)
            tls.close()
            return None
        return tls

    def _serve(self, sock: socket.socket) -> None:
        if self.ssl_context is not None:
            wrapped = self._wrap_tls(sock)
            if wrapped is None:
                return
            sock = wrapped
        conn = Conn(sock)
        try:
            self._serve_requests(conn, _Reader(sock))
        finally:
            self._untrack(sock)
            conn.close()

    def _serve_requests(self, conn: Conn, reader: _Reader) -> None:
        while not conn.closed:
            try:
                request = self._read_request(conn, reader)
            except (_PeerClosed, TimeoutError, ConnectionError):
                return  # client went away or idled out: nothing to answer
            except _BadRequest as exc:
                self._record_error(exc)
                with contextlib.suppress(OSError):
                    conn.send_response(400, b"Bad Request", {"Content-Type": "text/plain", "Connection": "close"})
                return
            if request is None:
                return
            with self._lock:
                self.requests.append(request)
            conn._begin(request)
            try:
                self.handler(request, conn)
            except Exception as exc:
                self._record_error(exc)
                if not conn.closed and not conn._sent_anything:
                    with contextlib.suppress(OSError):
                        conn.send_response(
                            500, b"Internal Server Error", {"Content-Type": "text/plain", "Connection": "close"}
                        )
                return
            if conn.closed:
                return
            if not conn._sent_anything:
                self._record_error(RuntimeError(f"handler sent no response to {request.method} {request.target}"))
                with contextlib.suppress(OSError):
                    conn.send_response(500, b"handler sent no response", {"Connection": "close"})
                return
            if conn._streaming or conn._close_after:
                return  # an unfinished chunked body cannot be followed by another response
            wants_close = "close" in request.header_tokens("connection")
            if request.version == "HTTP/1.0" and "keep-alive" not in request.header_tokens("connection"):
                wants_close = True
            if wants_close:
                return

    def _read_request(self, conn: Conn, reader: _Reader) -> Request | None:
        head = _read_head(reader)
        if head is None:
            return None
        request_line, raw_headers = head
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise _BadRequest(f"malformed request line {request_line!r}")
        method, target, version = parts
        headers = {name.lower(): value for name, value in raw_headers}
        if headers.get("expect", "").lower() == "100-continue":
            conn.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = _read_body(reader, headers)
        path, query = _split_target(target)
        return Request(method, target, path, query, headers, raw_headers, body, version)


class FakeApp(_Managed):
    """Base for fake services: a LoopbackServer whose handler first consults
    ``route_overrides[(method, path)]``, so tests can bolt on routes (redirects,
    broken responses) without subclassing."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.route_overrides: dict[tuple[str, str], Handler] = {}
        self.server = LoopbackServer(self._dispatch, ssl_context=ssl_context)

    def _dispatch(self, request: Request, conn: Conn) -> None:
        override = self.route_overrides.get((request.method, request.path))
        if override is not None:
            override(request, conn)
        else:
            self.handle(request, conn)

    def handle(self, request: Request, conn: Conn) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def origin(self) -> str:
        return self.server.origin

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def requests(self) -> list[Request]:
        return self.server.requests

    @property
    def errors(self) -> list[BaseException]:
        return self.server.errors

    def start(self) -> Self:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()
