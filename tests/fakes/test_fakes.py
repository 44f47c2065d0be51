"""Smoke tests proving the loopback fakes behave like the servers they mimic."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.mj_fake import NEWAPI_INVALID_TOKEN_BODY, FakeMidjourney
from tests.fakes.openai_fake import MASKED_KEY, FakeOpenAI
from tests.fakes.proxies import HttpProxy, Socks5Proxy
from tests.fakes.server import Conn, LoopbackServer, Request, redirect
from tests.fakes.tls import make_self_signed

KEY = "sk-test-0123456789abcdef"
SECRET = "mj-secret-42"


@pytest.fixture
def openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(KEY, models=["gpt-4o", "o3"]) as fake:
        yield fake


@pytest.fixture
def tls(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """(server context, client context trusting the self-signed cert)."""
    server_ctx, cert_path = make_self_signed(tmp_path)
    return server_ctx, ssl.create_default_context(cafile=str(cert_path))


def _auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


# -- FakeOpenAI ------------------------------------------------------------------------


def test_models_ok(openai: FakeOpenAI) -> None:
    resp = httpx.get(f"{openai.url}/v1/models", headers=_auth())
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/json"
    assert [m["id"] for m in resp.json()["data"]] == ["gpt-4o", "o3"]
    assert resp.text.startswith('{\n  "object": "list"')  # pretty-printed like OpenAI
    assert openai.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert openai.errors == []


@pytest.mark.parametrize("headers", [{}, _auth("sk-wrong-key-9999"), {"Authorization": KEY}])
def test_models_rejects_bad_key_without_echoing_it(openai: FakeOpenAI, headers: dict[str, str]) -> None:
    resp = httpx.get(f"{openai.url}/v1/models", headers=headers)
    assert resp.status_code == 401
    error = resp.json()["error"]
    assert error["code"] == "invalid_api_key"
    assert error["type"] == "invalid_request_error"
    assert MASKED_KEY in error["message"]
    assert KEY not in resp.text
    assert "9999" not in resp.text


def test_spa_html_outside_api_and_everywhere_when_switched(openai: FakeOpenAI) -> None:
    with httpx.Client(base_url=openai.url, headers=_auth()) as client:
        page = client.get("/models")  # base URL without /v1: the web UI answers
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert page.text.startswith("<!doctype html>")
        assert client.get("/v1/nope").status_code == 404

        openai.spa_everywhere = True
        models = client.get("/v1/models")
        assert models.status_code == 200
        assert models.headers["content-type"].startswith("text/html")


def test_route_override_redirect(openai: FakeOpenAI) -> None:
    openai.route_overrides[("GET", "/old/v1/models")] = lambda req, conn: redirect(conn, "/v1/models", 301)
    with httpx.Client(base_url=openai.url, headers=_auth(), follow_redirects=True) as client:
        resp = client.get("/old/v1/models")
    assert resp.status_code == 200
    assert [r.status_code for r in resp.history] == [301]
    assert [r.path for r in openai.requests] == ["/old/v1/models", "/v1/models"]


# -- LoopbackServer --------------------------------------------------------------------


def test_keep_alive_reuses_connection_unless_close_requested(openai: FakeOpenAI) -> None:
    with httpx.Client(base_url=openai.url, headers=_auth()) as client:
        assert client.get("/v1/models").status_code == 200
        assert client.get("/v1/models").status_code == 200
        assert openai.server.connection_count == 1
        client.get("/v1/models", headers={"Connection": "close"})
        client.get("/v1/models")
    assert openai.server.connection_count == 2


def test_chunked_response_is_read_incrementally() -> None:
    release = threading.Event()

    def handler(request: Request, conn: Conn) -> None:
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        conn.send_chunk(b"data: one\n\n")
        # Block until the client has seen the first chunk: proves nothing is buffered.
        assert release.wait(5), "client never read the first chunk"
        conn.send_chunk(b"data: two\n\n")
        conn.end_chunked()

    with LoopbackServer(handler) as server, httpx.Client() as client:
        with client.stream("GET", f"{server.url}/stream") as resp:
            assert resp.headers["transfer-encoding"] == "chunked"
            chunks = resp.iter_raw()
            assert next(chunks) == b"data: one\n\n"
            release.set()
            assert b"".join(chunks) == b"data: two\n\n"
        # The connection survives a finished chunked body (release is still set).
        assert client.get(f"{server.url}/stream").text == "data: one\n\ndata: two\n\n"
        assert server.connection_count == 1
        assert server.errors == []


def test_request_parsing_chunked_body_query_and_raw_headers() -> None:
    def echo(request: Request, conn: Conn) -> None:
        conn.send_response(200, request.body, [("X-Seen", request.path)])

    with LoopbackServer(echo) as server, httpx.Client() as client:
        resp = client.post(
            f"{server.url}/echo?a=1&a=2&b=",
            content=iter([b"ab", b"cd"]),  # an iterator makes httpx send chunked
            headers={"X-Mixed-Case": "v"},
        )
    assert resp.content == b"abcd"
    assert resp.headers["x-seen"] == "/echo"
    assert "content-type" not in resp.headers  # none added unless asked for
    request = server.requests[0]
    assert (request.method, request.target) == ("POST", "/echo?a=1&a=2&b=")
    assert request.query == {"a": "2", "b": ""}
    assert request.headers["transfer-encoding"] == "chunked"
    assert ("X-Mixed-Case", "v") in request.raw_headers


def test_handler_exception_becomes_500_and_is_recorded() -> None:
    def boom(request: Request, conn: Conn) -> None:
        raise RuntimeError("boom")

    with LoopbackServer(boom) as server:
        resp = httpx.get(server.url)
    assert resp.status_code == 500
    assert [str(e) for e in server.errors] == ["boom"]


# -- FakeMidjourney --------------------------------------------------------------------

_BEARER = {"Authorization": f"Bearer {SECRET}"}
_MJ_SECRET = {"mj-api-secret": SECRET}

MJ_CASES = [
    ("novicezk", _MJ_SECRET, 200, b"[]"),
    ("novicezk", {"mj-api-secret": "nope"}, 401, b""),
    ("novicezk", _BEARER, 401, b""),
    ("trueai", _MJ_SECRET, 200, b"[]"),
    ("trueai", {"Authorization": SECRET}, 200, b"[]"),
    ("trueai", _BEARER, 403, "未登录".encode()),  # Bearer is not stripped by trueai
    ("trueai", {**_BEARER, **_MJ_SECRET}, 403, "未登录".encode()),  # Authorization wins
    ("trueai", {}, 401, b"Authorization header missing."),
    ("newapi", _BEARER, 200, b"[]"),
    ("newapi", {"Authorization": f"bearer {SECRET}"}, 200, b"[]"),
    ("newapi", _MJ_SECRET, 200, b"[]"),
    ("newapi", {"Authorization": "Bearer midjourney-proxy", **_MJ_SECRET}, 200, b"[]"),
    ("newapi", {"Authorization": "Bearer nope"}, 401, None),
    ("newapi", {}, 401, None),
]


@pytest.mark.parametrize("prefix", ["", "/mj-fast"])
@pytest.mark.parametrize(("dialect", "headers", "status", "body"), MJ_CASES)
def test_mj_auth_matrix(
    dialect: str, headers: dict[str, str], status: int, body: bytes | None, prefix: str
) -> None:
    with FakeMidjourney(SECRET, dialect) as mj:  # type: ignore[arg-type]
        resp = httpx.post(f"{mj.url}{prefix}/mj/task/list-by-condition", json={"ids": ["1"]}, headers=headers)
    assert resp.status_code == status
    if body is None:
        assert resp.json() == NEWAPI_INVALID_TOKEN_BODY
    else:
        assert resp.content == body
    assert SECRET not in resp.text
    assert mj.both_headers_seen == ("Authorization" in headers and "mj-api-secret" in headers)


def test_mj_relay_ui_and_seeded_tasks() -> None:
    with FakeMidjourney(SECRET, "newapi") as mj, httpx.Client(base_url=mj.url, headers=_BEARER) as client:
        assert client.get("/").headers["content-type"].startswith("text/html")
        mj.tasks["t1"] = {"id": "t1", "status": "SUCCESS"}
        resp = client.post("/mj-relax/mj/task/list-by-condition", json={"ids": ["t1", "t2"]})
        assert resp.json() == [{"id": "t1", "status": "SUCCESS"}]
    with pytest.raises(ValueError, match="dialect"):
        FakeMidjourney(SECRET, "other")  # type: ignore[arg-type]


# -- proxies ---------------------------------------------------------------------------


def test_http_proxy_forwards_absolute_form(openai: FakeOpenAI) -> None:
    with HttpProxy() as proxy, httpx.Client(proxy=proxy.url, headers=_auth()) as client:
        resp = client.get(f"{openai.url}/v1/models")
    assert resp.status_code == 200
    assert resp.json()["data"][0]["id"] == "gpt-4o"
    assert proxy.seen == [f"GET {openai.url}/v1/models"]
    assert openai.requests[0].target == "/v1/models"  # origin-form upstream
    assert "proxy-connection" not in openai.requests[0].headers


def test_http_proxy_tunnels_tls_via_connect(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_ctx, client_ctx = tls
    with (
        FakeOpenAI(KEY, ssl_context=server_ctx) as fake,
        HttpProxy() as proxy,
        httpx.Client(proxy=proxy.url, verify=client_ctx, headers=_auth()) as client,
    ):
        assert fake.url.startswith("https://")
        assert client.get(f"{fake.url}/v1/models").status_code == 200
    assert proxy.seen == [f"CONNECT 127.0.0.1:{fake.port}"]


def test_http_proxy_refuses_non_loopback() -> None:
    with HttpProxy() as proxy, httpx.Client(proxy=proxy.url) as client:
        assert client.get("http://example.com/").status_code == 403
        with pytest.raises(httpx.ProxyError):
            client.get("https://example.com/")  # CONNECT refused
    assert proxy.refused == ["GET http://example.com/", "CONNECT example.com:443"]


def test_socks5_proxy_relays(openai: FakeOpenAI) -> None:
    with Socks5Proxy() as proxy, httpx.Client(proxy=proxy.url, headers=_auth()) as client:
        assert client.get(f"{openai.url}/v1/models").status_code == 200
        assert client.get(f"http://localhost:{openai.port}/v1/models").status_code == 200
    assert proxy.seen == [("127.0.0.1", openai.port), ("localhost", openai.port)]


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        assert more, "proxy closed early"
        data += more
    return data


def _socks_connect(proxy: Socks5Proxy, atyp_and_addr: bytes, port: int) -> tuple[socket.socket, bytes]:
    """Raw SOCKS5 CONNECT; returns the socket and the full reply."""
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    sock.sendall(b"\x05\x01\x00")
    assert _recv_exact(sock, 2) == b"\x05\x00"
    sock.sendall(b"\x05\x01\x00" + atyp_and_addr + port.to_bytes(2, "big"))
    reply = _recv_exact(sock, 4)
    addr_len = 16 if reply[3] == 4 else 4
    return sock, reply + _recv_exact(sock, addr_len + 2)


def test_socks5_refuses_non_loopback_and_handles_ipv6() -> None:
    with Socks5Proxy() as proxy:
        sock, reply = _socks_connect(proxy, b"\x03\x0bexample.com", 443)
        sock.close()
        assert reply[1] == 0x02  # connection not allowed by ruleset
        sock, reply = _socks_connect(proxy, b"\x01" + bytes([10, 0, 0, 1]), 80)
        sock.close()
        assert reply[1] == 0x02
        assert proxy.refused == [("example.com", 443), ("10.0.0.1", 80)]

        try:
            ipv6_server = LoopbackServer(lambda r, c: c.send_response(204), host="::1").start()
        except OSError:
            pytest.skip("no IPv6 loopback here")
        with ipv6_server:
            sock, reply = _socks_connect(
                proxy, b"\x04" + socket.inet_pton(socket.AF_INET6, "::1"), ipv6_server.port
            )
            with sock:
                assert reply[:2] == b"\x05\x00"
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                assert sock.recv(100).startswith(b"HTTP/1.1 204 No Content")
        assert proxy.seen[-1] == ("::1", ipv6_server.port)


# -- TLS -------------------------------------------------------------------------------


def test_tls_rejected_by_default_and_accepted_with_cert(tls: tuple[ssl.SSLContext, ssl.SSLContext]) -> None:
    server_ctx, client_ctx = tls
    with FakeOpenAI(KEY, ssl_context=server_ctx) as fake:
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{fake.url}/v1/models", headers=_auth())
        resp = httpx.get(f"{fake.url}/v1/models", headers=_auth(), verify=client_ctx)
        assert resp.status_code == 200
        assert len(fake.server.handshake_errors) == 1
        assert fake.requests[-1].path == "/v1/models"
