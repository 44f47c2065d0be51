"""The secure HTTP layer over real loopback sockets (and MockTransport for the pure policy)."""

import time

import httpx
import pytest

from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.net.client import SecureHttp, Timeouts
from desktop_client.core.net.errors import error_from_transport
from desktop_client.core.settings import MjAuth, ProfileKind
from tests.core.helpers import make_profile
from tests.fakes.proxies import HttpProxy, Socks5Proxy
from tests.fakes.server import Conn, LoopbackServer, Request, redirect
from tests.fakes.tls import make_self_signed

pytestmark = pytest.mark.asyncio

KEY = "sk-redirect-canary-0000000001"


def recorder() -> tuple[LoopbackServer, list[Request]]:
    seen: list[Request] = []

    def handle(request: Request, conn: Conn) -> None:
        seen.append(request)
        conn.send_json(200, {"object": "list", "data": []})

    return LoopbackServer(handle), seen


@pytest.mark.parametrize(
    ("kind", "mj_auth", "header"),
    [
        (ProfileKind.OPENAI, MjAuth.MJ_API_SECRET, "authorization"),
        (ProfileKind.MIDJOURNEY, MjAuth.MJ_API_SECRET, "mj-api-secret"),
        (ProfileKind.MIDJOURNEY, MjAuth.BEARER, "authorization"),
    ],
)
async def test_cross_origin_redirect_drops_auth(kind, mj_auth, header) -> None:
    other, other_seen = recorder()
    with other:

        def bounce(request: Request, conn: Conn) -> None:
            assert header in request.headers  # the first hop carries the key
            redirect(conn, f"{other.url}/landing", status=307)

        with LoopbackServer(bounce) as first:
            http = SecureHttp(make_profile(first.url, KEY, kind=kind, mj_auth=mj_auth))
            try:
                response = await http.request("GET", f"{first.url}/anything")
            finally:
                await http.aclose()
    assert response.status_code == 200
    assert len(other_seen) == 1
    leaked = {k: v for k, v in other_seen[0].headers.items() if KEY in v}
    assert leaked == {}
    for name in ("authorization", "mj-api-secret", "api-key"):
        assert name not in other_seen[0].headers


async def test_same_origin_redirect_keeps_auth_and_never_sends_both_headers() -> None:
    seen: list[Request] = []

    def handle(request: Request, conn: Conn) -> None:
        seen.append(request)
        if request.path == "/old":
            redirect(conn, "/new", status=308)
        else:
            conn.send_json(200, [])

    with LoopbackServer(handle) as server:
        http = SecureHttp(make_profile(server.url, KEY, kind=ProfileKind.MIDJOURNEY))
        try:
            await http.request("POST", f"{server.url}/old", json={"ids": []})
        finally:
            await http.aclose()
    assert [r.path for r in seen] == ["/old", "/new"]
    for request in seen:
        assert request.headers["mj-api-secret"] == KEY
        assert "authorization" not in request.headers


async def test_plain_http_to_a_remote_host_is_refused_before_any_traffic() -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200))
    http = SecureHttp(make_profile("http://relay.example.com", KEY), transport=transport)
    try:
        with pytest.raises(KeyholdError) as info:
            await http.client.get("http://relay.example.com/v1/models")
    finally:
        await http.aclose()
    assert info.value.kind is ErrorKind.INSECURE_HTTP
    assert sent == []


async def test_redirect_to_plain_http_remote_is_refused_on_the_hop() -> None:
    def bounce(request: Request, conn: Conn) -> None:
        redirect(conn, "http://relay.example.invalid/v1/models")

    with LoopbackServer(bounce) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            with pytest.raises(KeyholdError) as info:
                await http.request("GET", f"{server.url}/v1/models")
        finally:
            await http.aclose()
    assert info.value.kind is ErrorKind.INSECURE_HTTP


async def test_plain_http_allowed_by_the_profile_goes_through_with_a_warning() -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200, json={"data": []}))
    http = SecureHttp(make_profile("http://relay.example.com", KEY, allow_http=True), transport=transport)
    try:
        await http.client.get("http://relay.example.com/v1/models")
    finally:
        await http.aclose()
    assert http.plain_http_warning
    assert sent[0].headers["authorization"] == f"Bearer {KEY}"


async def test_loopback_http_needs_no_permission() -> None:
    server, seen = recorder()
    with server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            await http.client.get(f"{server.url}/v1/models")
        finally:
            await http.aclose()
    assert not http.plain_http_warning
    assert seen[0].headers["authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("proxy_cls", [HttpProxy, Socks5Proxy])
async def test_profile_proxy_carries_the_traffic(proxy_cls) -> None:
    server, seen = recorder()
    with server, proxy_cls() as proxy:
        http = SecureHttp(make_profile(server.url, KEY, proxy=proxy.url))
        try:
            response = await http.client.get(f"{server.url}/v1/models")
        finally:
            await http.aclose()
    assert response.status_code == 200
    assert len(seen) == 1
    assert proxy.seen, "the request bypassed the proxy"


async def test_system_proxy_from_the_environment(monkeypatch) -> None:
    server, seen = recorder()
    with server, Socks5Proxy() as proxy:
        monkeypatch.setenv("ALL_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            await http.client.get(f"{server.url}/v1/models")
        finally:
            await http.aclose()
    assert proxy.seen and len(seen) == 1


async def test_dead_proxy_is_named() -> None:
    with Socks5Proxy() as proxy:
        dead = proxy.url
    http = SecureHttp(make_profile("http://127.0.0.1:9", KEY, proxy=dead))
    try:
        with pytest.raises(httpx.HTTPError) as info:
            await http.client.get("http://127.0.0.1:9/v1/models")
    finally:
        await http.aclose()
    assert error_from_transport(info.value).kind in (ErrorKind.PROXY, ErrorKind.UNREACHABLE)


async def test_idle_read_timeout_between_bytes() -> None:
    def stall(request: Request, conn: Conn) -> None:
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        conn.send_chunk(b": keep-alive\n\n")
        time.sleep(1.5)
        conn.close()

    with LoopbackServer(stall) as server:
        http = SecureHttp(make_profile(server.url, KEY), timeouts=Timeouts(idle_read=0.4))
        started = time.monotonic()
        try:
            with pytest.raises(httpx.ReadTimeout) as info:
                async with http.client.stream("GET", f"{server.url}/v1/stream") as response:
                    async for _ in response.aiter_bytes():
                        pass
        finally:
            elapsed = time.monotonic() - started
            await http.aclose()
    assert elapsed < 1.4
    error = error_from_transport(info.value, idle_read=0.4)
    assert error.kind is ErrorKind.TIMEOUT and "0.4 s" in str(error)


async def test_self_signed_tls_is_a_tls_problem(tmp_path) -> None:
    context, _cert = make_self_signed(tmp_path)
    tls_server = LoopbackServer(lambda r, c: c.send_json(200, {}), ssl_context=context)
    with tls_server:
        http = SecureHttp(make_profile(tls_server.url, KEY))
        try:
            with pytest.raises(httpx.ConnectError) as info:
                await http.client.get(f"{tls_server.url}/v1/models")
        finally:
            await http.aclose()
    error = error_from_transport(info.value)
    assert error.kind is ErrorKind.TLS
    assert "certificate" in str(error)


async def test_closed_port_is_unreachable() -> None:
    server, _ = recorder()
    with server:
        url = server.url
    http = SecureHttp(make_profile(url, KEY))
    try:
        with pytest.raises(httpx.ConnectError) as info:
            await http.client.get(f"{url}/v1/models")
    finally:
        await http.aclose()
    assert error_from_transport(info.value).kind is ErrorKind.UNREACHABLE


async def test_loopback_http_through_a_remote_proxy_is_plain_text_on_the_wire(monkeypatch) -> None:
    server, seen = recorder()
    with server:
        monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.invalid:3128")
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            assert http.plain_http_warning
            with pytest.raises(KeyholdError) as info:
                await http.client.get(f"{server.url}/v1/models")
        finally:
            await http.aclose()
    assert info.value.kind is ErrorKind.INSECURE_HTTP
    assert seen == []


async def test_loopback_http_through_a_loopback_proxy_is_fine() -> None:
    server, seen = recorder()
    with server, HttpProxy() as proxy:
        http = SecureHttp(make_profile(server.url, KEY, proxy=proxy.url))
        try:
            assert not http.plain_http_warning
            await http.client.get(f"{server.url}/v1/models")
        finally:
            await http.aclose()
    assert len(seen) == 1


async def test_the_pool_builds_clients_off_the_event_loop_thread_and_one_per_profile(monkeypatch) -> None:
    import asyncio
    import threading

    from desktop_client.core.net import client as client_module

    built_on: list[int] = []
    real_init = SecureHttp.__init__

    def recording_init(self, *args, **kwargs) -> None:
        built_on.append(threading.get_ident())
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(client_module.SecureHttp, "__init__", recording_init)
    pool = client_module.HttpPool()
    profile = make_profile("http://127.0.0.1:9", KEY)
    try:
        # Two callers at once: both get the same client; the spare one is closed.
        first, second = await asyncio.gather(pool.get(profile), pool.get(profile))
        assert first is second and await pool.get(profile) is first
        assert built_on and threading.get_ident() not in built_on  # the TLS set-up is a worker's
    finally:
        await pool.aclose()
