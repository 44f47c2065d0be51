"""A hostile server over a real loopback socket: compression bombs, bodies that announce
gigabytes, endless lines, malformed JSON, redirects of a POST to another origin, and
image links into this machine. Every read stops at its limit, with one clear error."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import zlib

import pytest

from desktop_client.core.api.chat import ChatClient, collect
from desktop_client.core.api.images import ImagesClient
from desktop_client.core.api.midjourney import MjClient
from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.net.body import LIMITS, MiB
from desktop_client.core.net.client import SecureHttp, Timeouts
from desktop_client.core.services.mj_images import fetch_image
from desktop_client.core.settings import ProfileKind
from tests.core.helpers import make_profile
from tests.core.sse_helpers import chunk
from tests.fakes.hostile import (
    GiB,
    Sent,
    announced_length,
    compression_bomb,
    deep_json,
    endless_line,
    json_body,
)
from tests.fakes.server import Conn, LoopbackServer, Request, redirect

pytestmark = pytest.mark.asyncio
KEY = "sk-hostile-net-000000000000001"
MESSAGES = [{"role": "user", "content": "hi"}]


async def raises(coro, kind: ErrorKind) -> KeyholdError:
    with pytest.raises(KeyholdError) as info:
        await coro
    assert info.value.kind is kind, info.value.one_line()
    return info.value


async def broken_stream(url: str, **options) -> tuple[list[str], KeyholdError]:
    """Streams an answer that must fail: the text that arrived first, and the error."""
    http = SecureHttp(make_profile(url, KEY), **options)
    deltas: list[str] = []
    try:
        with pytest.raises(KeyholdError) as info:
            async for delta in ChatClient(http).stream("m", MESSAGES):
                deltas.append(delta.content)
    finally:
        await http.aclose()
    return deltas, info.value


def stopped_early(sent: Sent, limit: int) -> None:
    """The client hung up: the server never got to send the whole bomb."""
    assert sent.done.wait(10)
    assert not sent.finished
    assert sent.wire < limit * 2


# -- bounded reads --------------------------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
async def test_a_compression_bomb_as_the_model_list_stops_at_the_json_limit(coding) -> None:
    sent = Sent()
    with LoopbackServer(compression_bomb(sent, coding=coding)) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            error = await raises(ChatClient(http).list_models(), ErrorKind.TOO_LARGE)
        finally:
            await http.aclose()
    assert "model list is larger than 16 MB" in error.message
    # 2 GiB decoded from about 2 MB on the wire; the client read about 16 KB of it.
    stopped_early(sent, 1 * MiB)


async def test_a_10_gib_content_length_is_refused_before_the_body_is_read() -> None:
    sent = Sent()
    with LoopbackServer(announced_length(sent, length=10 * GiB)) as server:
        http = SecureHttp(make_profile(server.url, KEY, kind=ProfileKind.MIDJOURNEY))
        try:
            error = await raises(MjClient(http).list_by_condition(["1"]), ErrorKind.TOO_LARGE)
        finally:
            await http.aclose()
    assert "announced 10,240 MB" in error.message
    stopped_early(sent, LIMITS.json)


async def test_an_error_body_of_10_gib_costs_only_its_start() -> None:
    sent = Sent()
    with LoopbackServer(announced_length(sent, length=10 * GiB, status=502, content_type="text/html")) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            error = await raises(ChatClient(http).list_models(), ErrorKind.SERVER)
        finally:
            await http.aclose()
    assert error.status == 502
    stopped_early(sent, 8 * MiB)


async def test_a_compression_the_client_never_asked_for_is_refused() -> None:
    def brotli(request: Request, conn: Conn) -> None:
        assert request.headers["accept-encoding"] == "gzip, deflate"
        conn.send_response(200, b"\x1b\x00\x00", {"Content-Type": "application/json", "Content-Encoding": "br"})

    with LoopbackServer(brotli) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            error = await raises(ChatClient(http).list_models(), ErrorKind.PROTOCOL)
        finally:
            await http.aclose()
    assert "'br'" in error.message


async def test_an_endless_sse_line_stops_the_stream_after_the_text_before_it() -> None:
    sent = Sent()
    handler = endless_line(sent, prefix=chunk("Hello"), size=200 * MiB)
    with LoopbackServer(handler) as server:
        deltas, error = await broken_stream(server.url)
    assert error.kind is ErrorKind.TOO_LARGE
    assert "longer than 8 MB" in error.message
    assert "".join(deltas) == "Hello"
    stopped_early(sent, LIMITS.sse_line)


async def test_a_gzip_bomb_as_an_image_stops_at_the_image_limit() -> None:
    sent = Sent()
    with LoopbackServer(compression_bomb(sent, content_type="image/png")) as server:
        http = SecureHttp(make_profile(server.url, KEY, kind=ProfileKind.MIDJOURNEY))
        try:
            await raises(fetch_image(http, f"{server.url}/cdn/grid.png", 30), ErrorKind.TOO_LARGE)
            images = ImagesClient(http)
            await raises(images.download(f"{server.url}/cdn/dalle.png"), ErrorKind.TOO_LARGE)
        finally:
            await http.aclose()


# -- malformed JSON ------------------------------------------------------------------------------


async def test_json_nested_100k_deep_is_an_error_not_a_crash() -> None:
    def deep(request: Request, conn: Conn) -> None:
        conn.send_response(200, deep_json(), {"Content-Type": "application/json"})

    with LoopbackServer(deep) as server:
        for kind in (ProfileKind.OPENAI, ProfileKind.MIDJOURNEY):
            http = SecureHttp(make_profile(server.url, KEY, kind=kind))
            try:
                if kind is ProfileKind.OPENAI:
                    await raises(ChatClient(http).list_models(), ErrorKind.WRONG_URL)
                else:
                    await raises(MjClient(http).list_by_condition(["1"]), ErrorKind.PROTOCOL)
            finally:
                await http.aclose()


async def test_nan_and_infinity_in_usage_keep_the_answer_and_drop_the_usage() -> None:
    body = (
        chunk("Fine")
        + chunk(" answer", finish="stop")
        + b'data: {"choices":[],"usage":{"prompt_tokens":NaN,"completion_tokens":Infinity,'
        b'"total_tokens":1e999,"completion_tokens_details":{"reasoning_tokens":-Infinity}}}\n\n'
        + b'data: {"choices":[{"delta":{"content":'
        + deep_json(50_000, '"x"')
        + b"}}]}\n\n"
        + b"data: [DONE]\n\n"
    )

    def handle(request: Request, conn: Conn) -> None:
        conn.send_response(200, body, {"Content-Type": "text/event-stream"})

    with LoopbackServer(handle) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            answer, _reasoning, finish, usage = await collect(ChatClient(http).stream("m", MESSAGES))
        finally:
            await http.aclose()
    assert (answer, finish, usage) == ("Fine answer", "stop", None)


async def test_a_task_list_of_the_wrong_type_is_an_error_and_a_bad_record_is_skipped() -> None:
    answers = [
        {"data": 5},
        [
            {"id": {"x": 1}, "status": "SUCCESS"},
            {"id": "../../etc", "status": "SUCCESS"},
            {"id": "T1", "status": ["no"], "progress": float("nan"), "buttons": 5, "submitTime": float("inf")},
            {"id": "T2", "status": "IN_PROGRESS", "progress": "9" * 400 + "%", "failReason": {"a": 1}},
        ],
    ]

    def handle(request: Request, conn: Conn) -> None:
        conn.send_response(200, json_body(answers.pop(0)), {"Content-Type": "application/json"})

    with LoopbackServer(handle) as server:
        http = SecureHttp(make_profile(server.url, KEY, kind=ProfileKind.MIDJOURNEY))
        client = MjClient(http)
        try:
            error = await raises(client.list_by_condition(["T1"]), ErrorKind.PROTOCOL)
            tasks = await client.list_by_condition(["T1", "T2"])
        finally:
            await http.aclose()
    assert "task list was not understood" in error.message
    assert [(t.id, t.status.value, t.progress, t.buttons, t.submit_time) for t in tasks] == [
        ("T1", "UNKNOWN", 0, (), None),
        ("T2", "IN_PROGRESS", 0, (), None),
    ]


# -- redirects and addresses a server names -------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_post_is_never_redirected_to_another_origin(status) -> None:
    elsewhere: list[Request] = []

    def collector(request: Request, conn: Conn) -> None:
        elsewhere.append(request)
        conn.send_response(200, chunk("stolen") + b"data: [DONE]\n\n", {"Content-Type": "text/event-stream"})

    with LoopbackServer(collector) as other:

        def bounce(request: Request, conn: Conn) -> None:
            redirect(conn, f"http://localhost:{other.port}/v1/chat/completions", status=status)

        with LoopbackServer(bounce) as server:
            http = SecureHttp(make_profile(server.url, KEY))
            try:
                error = await raises(
                    collect(ChatClient(http, max_retries=0).stream("m", MESSAGES)), ErrorKind.WRONG_URL
                )
            finally:
                await http.aclose()
    assert elsewhere == []  # the conversation never left for the other server
    assert f"redirected the request to localhost (HTTP {status})" in error.message


async def test_a_get_follows_a_redirect_but_a_server_named_download_never_reaches_another_local_address() -> None:
    hits: list[str] = []

    def image(request: Request, conn: Conn) -> None:
        hits.append(request.path)
        conn.send_response(200, b"\x89PNG\r\n\x1a\n" + bytes(64), {"Content-Type": "image/png"})

    with LoopbackServer(image, host="127.0.0.2") as private, LoopbackServer(image) as own:

        def bounce(request: Request, conn: Conn) -> None:
            redirect(conn, f"{private.url}/internal.png")

        with LoopbackServer(bounce) as bouncer:
            http = SecureHttp(make_profile(own.url, KEY, kind=ProfileKind.MIDJOURNEY))
            try:
                # The profile's own server (on loopback) is fine; another local address is not.
                data, kind, _source = await fetch_image(http, f"{own.url}/ok.png", 10)
                assert kind == "image/png"
                await raises(fetch_image(http, f"{private.url}/direct.png", 10), ErrorKind.REFUSED)
                await raises(fetch_image(http, f"http://127.0.0.1:{bouncer.port}/hop.png", 10), ErrorKind.REFUSED)
                for address in ("169.254.169.254", "10.0.0.1", "192.168.1.1", "[::ffff:10.0.0.1]", "[fd00::1]"):
                    for scheme in ("http", "https"):
                        url = f"{scheme}://{address}/meta.png"
                        error = await raises(fetch_image(http, url, 10), ErrorKind.REFUSED)
                        assert "local network" in error.message
                # The same rule for a chat answer's or a generated image's link.
                await raises(ImagesClient(http).download(f"{private.url}/x.png"), ErrorKind.REFUSED)
            finally:
                await http.aclose()
    assert hits == ["/ok.png"]


async def test_keep_alive_comments_alone_end_the_stream_at_the_idle_limit() -> None:
    def trickle(request: Request, conn: Conn) -> None:
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        try:
            conn.send_chunk(chunk("Partial"))
            for _ in range(200):
                conn.send_chunk(b": keep-alive\n\n")
                time.sleep(0.05)
        except OSError:
            pass

    with LoopbackServer(trickle) as server:
        deltas, error = await broken_stream(server.url, timeouts=Timeouts(stream_idle=0.6))
    assert error.kind is ErrorKind.TIMEOUT
    assert "only keep-alive signals" in error.message
    assert deltas == ["Partial"]


async def test_json_error_bodies_with_deep_nesting_or_odd_types_still_give_one_error() -> None:
    bodies = [
        deep_json(),
        json.dumps({"error": {"message": {"nested": [1, 2]}, "code": NotImplemented.__class__.__name__}}).encode(),
        b'{"error": {"message": NaN}}',
    ]

    def handle(request: Request, conn: Conn) -> None:
        conn.send_response(400, bodies.pop(0), {"Content-Type": "application/json"})

    with LoopbackServer(handle) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            for _ in range(3):
                await raises(ChatClient(http).list_models(), ErrorKind.BAD_INPUT)
        finally:
            await http.aclose()
    await asyncio.sleep(0)


# -- what a hostile-server review found --------------------------------------------------------


async def test_a_flood_of_blank_lines_ends_without_piling_up_or_hanging() -> None:
    # 64 MB of newlines from about 64 KB of gzip: once parsed line by line on every read
    # (minutes of CPU on the GUI thread), now dropped as it comes and cut at 16 MB.
    sent = Sent()
    handler = compression_bomb(sent, decoded=64 * MiB, content_type="text/event-stream", byte=b"\n")
    with LoopbackServer(handler) as server:
        deltas, error = await broken_stream(server.url)
    assert deltas == []
    assert error.kind is ErrorKind.TOO_LARGE and "without any text" in error.message


async def test_blank_lines_or_empty_gzip_members_are_no_progress_either() -> None:
    import gzip

    def blank_lines(request: Request, conn: Conn) -> None:
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        with contextlib.suppress(OSError):
            for _ in range(100):
                conn.send_chunk(b"\n")
                time.sleep(0.05)

    def empty_members(request: Request, conn: Conn) -> None:
        conn.start_chunked(200, {"Content-Type": "text/event-stream", "Content-Encoding": "gzip"})
        with contextlib.suppress(OSError):
            conn.send_chunk(gzip.compress(chunk("Partial")))
            for _ in range(100):
                conn.send_chunk(gzip.compress(b""))
                time.sleep(0.05)

    for handler, before in ((blank_lines, []), (empty_members, ["Partial"])):
        with LoopbackServer(handler) as server:
            deltas, error = await broken_stream(server.url, timeouts=Timeouts(stream_idle=0.5))
        assert error.kind is ErrorKind.TIMEOUT and deltas == before


async def test_bytes_after_the_end_of_a_deflate_stream_count_against_the_limit() -> None:
    def trailing(request: Request, conn: Conn) -> None:
        conn.start_chunked(200, {"Content-Type": "application/json", "Content-Encoding": "deflate"})
        with contextlib.suppress(OSError):
            conn.send_chunk(zlib.compress(b'{"object":"list","data":[{"id":"m"}]}'))
            for _ in range(64):
                conn.send_chunk(b"x" * MiB)
            conn.end_chunked()

    with LoopbackServer(trailing) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            await raises(ChatClient(http).list_models(), ErrorKind.TOO_LARGE)
        finally:
            await http.aclose()


@pytest.mark.parametrize(
    "headers",
    [
        {"Location": "http://127.0.0.1:99999/v1/models"},
        {"Location": "http://xn--ls8h.test/"},
        {"Content-Encoding": ", ".join(["deflate"] * 3000)},
    ],
)
async def test_a_server_cannot_make_the_client_raise_anything_but_a_keyhold_error(headers) -> None:
    def handle(request: Request, conn: Conn) -> None:
        status = 302 if "Location" in headers else 200
        conn.send_response(status, b"{}", {"Content-Type": "application/json", **headers})

    with LoopbackServer(handle) as server:
        for kind in (ProfileKind.OPENAI, ProfileKind.MIDJOURNEY):
            http = SecureHttp(make_profile(server.url, KEY, kind=kind))
            try:
                with pytest.raises(KeyholdError):
                    if kind is ProfileKind.OPENAI:
                        await ChatClient(http).list_models()
                    else:
                        await MjClient(http).fetch("1700000000000001")
            finally:
                await http.aclose()


async def test_odd_retry_fields_and_far_dates_are_ignored_not_fatal() -> None:
    answers = [
        (503, {"Retry-After": "Mon, 01 Jan 10000 00:00:00 GMT"}, b""),
        (
            200,
            {"Content-Type": "text/event-stream"},
            b"retry: \xc2\xb2\nretry: " + b"9" * 5000 + b"\n" + chunk("ok"),
        ),
    ]

    def handle(request: Request, conn: Conn) -> None:
        status, headers, body = answers.pop(0)
        conn.send_response(status, body + (b"data: [DONE]\n\n" if status == 200 else b""), headers)

    with LoopbackServer(handle) as server:
        http = SecureHttp(make_profile(server.url, KEY))

        async def no_wait(_seconds: float) -> None:
            pass

        try:
            answer, *_ = await collect(ChatClient(http, sleep=no_wait).stream("m", MESSAGES))
        finally:
            await http.aclose()
    assert answer == "ok"


async def test_a_whole_answer_has_a_total_time_limit_however_slowly_it_drips() -> None:
    def drip(request: Request, conn: Conn) -> None:
        conn.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
        with contextlib.suppress(OSError):
            for _ in range(100):
                conn.send(b" ")
                time.sleep(0.1)

    with LoopbackServer(drip) as server:
        http = SecureHttp(make_profile(server.url, KEY), timeouts=Timeouts(idle_read=5, total=1.0))
        try:
            error = await raises(ChatClient(http).list_models(), ErrorKind.TIMEOUT)
        finally:
            await http.aclose()
    assert "more than 1 s" in error.message


async def test_json_of_a_million_empty_objects_is_refused_before_it_is_built() -> None:
    def handle(request: Request, conn: Conn) -> None:
        body = b'{"object":"list","data":[' + b"{}," * 1_000_000 + b"{}]}"
        conn.send_response(200, body, {"Content-Type": "application/json"})

    with LoopbackServer(handle) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            await raises(ChatClient(http).list_models(), ErrorKind.WRONG_URL)
        finally:
            await http.aclose()


@pytest.mark.parametrize(
    "address",
    ["[64:ff9b::a00:1]", "[2002:a00:1::]", "[::127.0.0.1]", "[fec0::1]", "[::ffff:127.0.0.2]", "0.0.0.0"],
)
async def test_ipv4_hidden_in_ipv6_and_other_local_forms_are_refused(address) -> None:
    http = SecureHttp(make_profile("https://relay.example.com", KEY))
    try:
        await raises(ImagesClient(http).download(f"https://{address}/x.png"), ErrorKind.REFUSED)
    finally:
        await http.aclose()


@pytest.mark.parametrize("url", ["https://a.example:99999/x.png", "https://[::1/x.png", "ftp://a.example/x"])
async def test_an_image_address_that_cannot_work_is_refused_for_good(url) -> None:
    http = SecureHttp(make_profile("https://relay.example.com", KEY, kind=ProfileKind.MIDJOURNEY))
    try:
        await raises(fetch_image(http, url, 5), ErrorKind.REFUSED)
    finally:
        await http.aclose()
