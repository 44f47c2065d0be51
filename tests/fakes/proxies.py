"""Loopback forward proxies (HTTP CONNECT/absolute-form and SOCKS5) for tests.

Both refuse any target that is not a loopback address *before* connecting:
the sandbox forbids non-loopback traffic, and a test that accidentally
reaches out should fail loudly instead of hanging on the network. Hostnames
other than ``localhost`` are refused without a DNS lookup for the same reason.
"""

from __future__ import annotations

import contextlib
import ipaddress
import selectors
import socket
import threading
from urllib.parse import urlsplit

from .server import SOCKET_TIMEOUT, _BadRequest, _PeerClosed, _read_body, _read_head, _Reader, _TcpService

__all__ = ["HttpProxy", "Socks5Proxy"]

# Headers that describe the client<->proxy hop and must not be forwarded upstream.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authorization",
        "proxy-authenticate",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",  # re-added after de-chunking
    }
)


def _loopback_address(host: str) -> str | None:
    """IP literal to connect to if ``host`` is loopback, else None."""
    if host.lower().rstrip(".") == "localhost":
        return "127.0.0.1"  # the fakes bind IPv4; avoids ::1-first resolution
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    return str(ip) if ip.is_loopback else None


def _endpoint(url: str) -> tuple[str, int] | None:
    """(host, port) of an absolute URL or a "//host:port" authority; None if malformed."""
    parts = urlsplit(url)
    try:
        port = parts.port or (80 if parts.scheme == "http" else None)
    except ValueError:
        return None
    if not parts.hostname or port is None:
        return None
    return parts.hostname, port


def _relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until both sides reach EOF, an error, or an idle timeout."""
    peers = {a: b, b: a}
    with selectors.DefaultSelector() as sel:
        for sock in peers:
            sel.register(sock, selectors.EVENT_READ)
        open_sides = 2
        while open_sides:
            events = sel.select(SOCKET_TIMEOUT)
            if not events:
                return  # idle: give up rather than pin a thread forever
            for key, _ in events:
                src = key.fileobj
                assert isinstance(src, socket.socket)
                dst = peers[src]
                try:
                    data = src.recv(65536)
                    if data:
                        dst.sendall(data)
                        continue
                except OSError:
                    return
                # EOF from src: pass the half-close on and stop watching src.
                sel.unregister(src)
                open_sides -= 1
                with contextlib.suppress(OSError):
                    dst.shutdown(socket.SHUT_WR)


def _copy_until_eof(src: socket.socket, dst: socket.socket) -> None:
    while True:
        data = src.recv(65536)
        if not data:
            return
        dst.sendall(data)


class _ProxyBase(_TcpService):
    def __init__(self) -> None:
        super().__init__("127.0.0.1")
        self._seen_lock = threading.Lock()

    def _connect(self, address: str, port: int) -> socket.socket:
        upstream = socket.create_connection((address, port), timeout=SOCKET_TIMEOUT)
        if not self._track(upstream):
            upstream.close()
            raise ConnectionAbortedError("proxy is stopping")
        return upstream

    def _release(self, upstream: socket.socket) -> None:
        self._untrack(upstream)
        upstream.close()


class HttpProxy(_ProxyBase):
    """HTTP forward proxy: ``CONNECT host:port`` tunnels and absolute-form requests.

    ``seen`` lists request lines' method and target, e.g. ``"CONNECT 127.0.0.1:1234"``
    or ``"GET http://127.0.0.1:1234/v1/models"``; ``refused`` the non-loopback ones.
    Absolute-form requests are sent upstream with ``Connection: close`` and the
    client connection is closed after the response.
    """

    scheme = "http"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.refused: list[str] = []

    @staticmethod
    def _reply(sock: socket.socket, status: int, reason: str) -> None:
        body = f"{status} {reason}\n".encode()
        sock.sendall(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )

    def _serve(self, sock: socket.socket) -> None:
        reader = _Reader(sock)
        try:
            head = _read_head(reader)
        except _BadRequest:
            self._reply(sock, 400, "Bad Request")
            return
        if head is None:
            return
        request_line, raw_headers = head
        parts = request_line.split(" ")
        if len(parts) != 3:
            self._reply(sock, 400, "Bad Request")
            return
        method, target, _version = parts
        with self._seen_lock:
            self.seen.append(f"{method} {target}")
        if method != "CONNECT" and not target.startswith("http://"):
            self._reply(sock, 400, "Bad Request")  # origin-form, or https:// which must use CONNECT
            return
        endpoint = _endpoint(target if method != "CONNECT" else "//" + target)
        if endpoint is None:
            self._reply(sock, 400, "Bad Request")
            return
        host, port = endpoint
        address = _loopback_address(host)
        if address is None:
            with self._seen_lock:
                self.refused.append(f"{method} {target}")
            self._reply(sock, 403, "Forbidden")
            return
        try:
            upstream = self._connect(address, port)
        except OSError:
            self._reply(sock, 502, "Bad Gateway")
            return
        try:
            if method == "CONNECT":
                sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                leftover = reader.take_buffered()
                if leftover:
                    upstream.sendall(leftover)
                _relay(sock, upstream)
            else:
                self._forward(sock, reader, upstream, method, target, raw_headers)
        finally:
            self._release(upstream)

    def _forward(
        self,
        sock: socket.socket,
        reader: _Reader,
        upstream: socket.socket,
        method: str,
        target: str,
        raw_headers: list[tuple[str, str]],
    ) -> None:
        headers = {name.lower(): value for name, value in raw_headers}
        try:
            body = _read_body(reader, headers)
        except _BadRequest:
            self._reply(sock, 400, "Bad Request")
            return
        url = urlsplit(target)
        origin_target = (url.path or "/") + (f"?{url.query}" if url.query else "")
        lines = [f"{method} {origin_target} HTTP/1.1"]
        lines += [f"{n}: {v}" for n, v in raw_headers if n.lower() not in _HOP_BY_HOP]
        if body or "content-length" in headers or "transfer-encoding" in headers:
            lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: close")
        upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

        # Rewrite only the response head (to say we close); relay the body verbatim.
        up_reader = _Reader(upstream)
        try:
            response_head = _read_head(up_reader)
        except (_BadRequest, _PeerClosed):
            response_head = None
        if response_head is None:
            self._reply(sock, 502, "Bad Gateway")
            return
        status_line, response_headers = response_head
        out = [status_line]
        out += [f"{n}: {v}" for n, v in response_headers if n.lower() not in {"connection", "keep-alive"}]
        out.append("Connection: close")
        sock.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + up_reader.take_buffered())
        _copy_until_eof(upstream, sock)


# SOCKS5 constants (RFC 1928).
_SOCKS_VERSION = 5
_NO_AUTH = 0x00
_NO_ACCEPTABLE_METHOD = 0xFF
_CMD_CONNECT = 1
_ATYP_IPV4, _ATYP_DOMAIN, _ATYP_IPV6 = 1, 3, 4
_REP_OK, _REP_NOT_ALLOWED, _REP_REFUSED = 0x00, 0x02, 0x05
_REP_CMD_UNSUPPORTED, _REP_ATYP_UNSUPPORTED = 0x07, 0x08


class Socks5Proxy(_ProxyBase):
    """SOCKS5 proxy: no-auth method only, CONNECT only, IPv4/domain/IPv6 targets.

    ``seen`` lists every requested ``(host, port)`` as sent (IP text or domain);
    ``refused`` the non-loopback ones (answered with "not allowed by ruleset").
    """

    scheme = "socks5"

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, int]] = []
        self.refused: list[tuple[str, int]] = []

    @staticmethod
    def _reply(sock: socket.socket, code: int, bound: tuple[str, int] = ("0.0.0.0", 0)) -> None:
        host, port = bound[0], bound[1]
        if ":" in host:
            addr = bytes([_ATYP_IPV6]) + socket.inet_pton(socket.AF_INET6, host)
        else:
            addr = bytes([_ATYP_IPV4]) + socket.inet_pton(socket.AF_INET, host)
        sock.sendall(bytes([_SOCKS_VERSION, code, 0]) + addr + port.to_bytes(2, "big"))

    def _serve(self, sock: socket.socket) -> None:
        reader = _Reader(sock)
        version, n_methods = reader.read_exact(2)
        if version != _SOCKS_VERSION:
            return
        if _NO_AUTH not in reader.read_exact(n_methods):
            sock.sendall(bytes([_SOCKS_VERSION, _NO_ACCEPTABLE_METHOD]))
            return
        sock.sendall(bytes([_SOCKS_VERSION, _NO_AUTH]))

        version, command, _reserved, atyp = reader.read_exact(4)
        if version != _SOCKS_VERSION:
            return
        if atyp == _ATYP_IPV4:
            host = socket.inet_ntop(socket.AF_INET, reader.read_exact(4))
        elif atyp == _ATYP_IPV6:
            host = socket.inet_ntop(socket.AF_INET6, reader.read_exact(16))
        elif atyp == _ATYP_DOMAIN:
            host = reader.read_exact(reader.read_exact(1)[0]).decode("ascii", "replace")
        else:
            self._reply(sock, _REP_ATYP_UNSUPPORTED)
            return
        port = int.from_bytes(reader.read_exact(2), "big")
        with self._seen_lock:
            self.seen.append((host, port))
        if command != _CMD_CONNECT:
            self._reply(sock, _REP_CMD_UNSUPPORTED)
            return
        address = _loopback_address(host)
        if address is None:
            with self._seen_lock:
                self.refused.append((host, port))
            self._reply(sock, _REP_NOT_ALLOWED)
            return
        try:
            upstream = self._connect(address, port)
        except OSError:
            self._reply(sock, _REP_REFUSED)
            return
        try:
            self._reply(sock, _REP_OK, upstream.getsockname()[:2])
            leftover = reader.take_buffered()
            if leftover:
                upstream.sendall(leftover)
            _relay(sock, upstream)
        finally:
            self._release(upstream)
