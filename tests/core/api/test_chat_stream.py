"""ChatClient.stream against every stream, error and retry shape of openai-wire.md section 6
(items 1-10), over a real loopback socket, delivered whole, one byte per write and split
inside UTF-8 sequences and inside CRLF."""

from __future__ import annotations

import email.utils
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from desktop_client.core.api.chat import ChatClient, ChatDelta, ChatOptions, StreamError, Usage, collect
from desktop_client.core.api.retry import RetryNotice
from desktop_client.core.errors import ApiError, ErrorKind, KeyholdError
from desktop_client.core.net.client import SecureHttp
from tests.core.helpers import make_profile
from tests.fakes import openai_streams as s
from tests.fakes.openai_fake import SPA_HTML, FakeOpenAI
from tests.fakes.openai_streams import Reply, StreamServer, html_reply, json_reply, sse

pytestmark = pytest.mark.asyncio

KEY = "sk-chat-stream-test-00000000000000001"
MODEL = "gpt-4o-mini"
MESSAGES = [{"role": "user", "content": "Say it\u2019s a nice day \U0001f60a"}]


# -- harness ------------------------------------------------------------------------------------


@dataclass
class Harness:
    client: ChatClient
    server: StreamServer
    delays: list[float]  # what ChatClient asked to sleep (nothing really waits)
    notices: list[RetryNotice]


@asynccontextmanager
async def serve(*replies: Reply, **options: Any) -> AsyncIterator[Harness]:
    delays: list[float] = []
    notices: list[RetryNotice] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    with StreamServer(*replies) as server:
        http = SecureHttp(make_profile(server.url, KEY))
        try:
            client = ChatClient(http, sleep=fake_sleep, on_retry=notices.append, **options)
            yield Harness(client, server, delays, notices)
        finally:
            await http.aclose()
        assert server.errors == []


async def recording(stream: AsyncIterator[ChatDelta], into: list[ChatDelta]) -> AsyncIterator[ChatDelta]:
    async for delta in stream:
        into.append(delta)
        yield delta


async def run(h: Harness) -> tuple[tuple[str, str, str | None, Usage | None], list[ChatDelta]]:
    deltas: list[ChatDelta] = []
    result = await collect(recording(h.client.stream(MODEL, MESSAGES), deltas))
    return result, deltas


async def run_failing(h: Harness) -> tuple[BaseException, list[ChatDelta]]:
    """Collects the deltas by hand, so what arrived before the error can be checked."""
    deltas: list[ChatDelta] = []
    with pytest.raises(KeyholdError) as info:
        async for delta in h.client.stream(MODEL, MESSAGES):
            deltas.append(delta)
    return info.value, deltas


def text_of(deltas: list[ChatDelta]) -> str:
    return "".join(d.content for d in deltas)


def delivered(body: bytes, mode: str, **options: Any) -> Reply:
    """``body`` as a Reply in one of the delivery modes."""
    splits: list[int] = []
    if mode == "utf8":
        splits = s.offsets_inside_utf8(body)
    elif mode == "crlf":
        splits = s.offsets_inside_crlf(body)
    elif mode == "split7":
        splits = list(range(7, len(body), 7))
    wire_mode = {"whole": "whole", "bytewise": "bytewise"}.get(mode, "split")
    return Reply(body=body, mode=wire_mode, splits=splits, **options)


def modes_for(body: bytes) -> list[str]:
    modes = ["whole", "bytewise", "split7"]
    if any(byte >= 0x80 for byte in body):
        modes.append("utf8")
    if b"\r\n" in body:
        modes.append("crlf")
    return modes


# -- the stream matrix (items 1, 2, 4, 5, 6, 8, 9) ---------------------------------------------------

OPENAI_USAGE = Usage(prompt_tokens=13, completion_tokens=7, total_tokens=20, reasoning_tokens=0, cached_tokens=0)
JSON = s.JSON_HEADERS
NO_TYPE: tuple[tuple[str, str], ...] = (("x-request-id", "req_no_content_type"),)


@dataclass(frozen=True)
class Case:
    body: bytes
    answer: str
    reasoning: str = ""
    finish: str | None = "stop"
    usage: Usage | None = None
    headers: tuple[tuple[str, str], ...] = s.SSE_HEADERS
    chunked: bool = True


CASES: dict[str, Case] = {
    # 1. real-shaped OpenAI, with and without include_usage
    "openai-include-usage": Case(s.OPENAI_STREAM_USAGE, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "openai-no-usage": Case(s.OPENAI_STREAM, s.OPENAI_ANSWER),
    "gpt5-length-no-content": Case(
        s.GPT5_LENGTH_NO_CONTENT,
        "",
        finish="length",
        usage=Usage(11, 64, 75, reasoning_tokens=64, cached_tokens=0),
    ),
    # 2. line endings, data: without a space, BOM
    "crlf": Case(s.OPENAI_CRLF, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "cr-only": Case(s.OPENAI_CR, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "no-space": Case(s.OPENAI_NO_SPACE, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "no-space-crlf": Case(s.NO_SPACE_CRLF, "a", finish=None),
    "bom": Case(s.OPENAI_BOM, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "bom-crlf": Case(s.OPENAI_BOM_CRLF, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    # 3. keep-alive comments before and between events (the idle gaps are tested below)
    "keep-alives": Case(s.OPENAI_KEEPALIVES, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    # 4. id:, retry:, : ping and extra blank lines
    "id-retry-blank-lines": Case(s.OPENAI_ID_RETRY, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "multi-line-data": Case(s.MULTILINE_DATA, "two lines"),
    "raw-u2028": Case(s.RAW_U2028, s.RAW_U2028_ANSWER),
    # 5. reasoning
    "deepseek-reasoner": Case(
        s.DEEPSEEK_REASONER,
        "Hello \U0001f60a",
        reasoning="Hmm, the user said hello.",
        usage=Usage(6, 169, 175, reasoning_tokens=117, cached_tokens=0),
    ),
    "ollama-reasoning": Case(
        s.OLLAMA_REASONING, "Hello! \U0001f44b", reasoning="Okay, the user greeted me.", usage=Usage(11, 25, 36)
    ),
    "inline-think": Case(
        s.INLINE_THINK, "\n\nHi there \u2019<", reasoning="\nThe user says hi.\n", usage=Usage(9, 12, 21)
    ),
    "upper-case-stop": Case(
        s.UPPER_STOP, "Bonjour \u00e0 vous", reasoning="A greeting in French.", usage=Usage(4, 3, 7)
    ),
    "openrouter-reasoning-three-ways": Case(
        s.OPENROUTER_REASONING,
        "Hi!",
        reasoning="Greeting. Reply.",
        usage=Usage(5, 9, 14, reasoning_tokens=6),
    ),
    "vllm-usage-choices-null": Case(s.VLLM_CHOICES_NULL, "Hey", usage=Usage(8, 2, 10)),
    "usage-on-every-chunk": Case(s.USAGE_ON_EVERY_CHUNK, "AB", finish="eos", usage=Usage(5, 2, 7)),
    # provider shapes
    "openrouter": Case(s.OPENROUTER_STREAM, "Hi", usage=Usage(29, 2, 31)),
    "ollama": Case(s.OLLAMA_STREAM, "Hello", finish="length", usage=Usage(17, 40, 57)),
    # 6. Azure: empty-choices first chunk, a choice without delta, annotations after stop, blocked
    "azure": Case(s.AZURE_STREAM, "Hallo"),
    "azure-annotation-after-stop": Case(s.AZURE_TRAILING_ANNOTATION, "Hallo"),
    "azure-content-filter": Case(s.AZURE_BLOCKED, "Hallo", finish="content_filter"),
    # 8. endings
    "duplicate-done": Case(s.ONEAPI_DOUBLE_DONE, "ok"),
    "done-two-spaces": Case(s.DONE_TWO_SPACES, "ok"),
    "no-done-with-finish": Case(s.NO_DONE_WITH_FINISH, "ok"),
    "no-done-no-finish": Case(s.NO_DONE_NO_FINISH, "Partial answer", finish=None),
    "no-blank-line-at-eof": Case(s.NO_BLANK_LINE_AT_EOF, "ok"),
    # 9. content types
    "sse-no-content-type": Case(s.OPENAI_STREAM_USAGE, s.OPENAI_ANSWER, usage=OPENAI_USAGE, headers=NO_TYPE),
    "json-answer": Case(s.JSON_COMPLETION, s.OPENAI_ANSWER, usage=OPENAI_USAGE, headers=JSON, chunked=False),
    "json-answer-chunked": Case(s.JSON_COMPLETION, s.OPENAI_ANSWER, usage=OPENAI_USAGE, headers=JSON),
    "json-labelled-sse": Case(s.JSON_COMPLETION, s.OPENAI_ANSWER, usage=OPENAI_USAGE),
    "json-no-content-type": Case(
        s.JSON_COMPLETION, s.OPENAI_ANSWER, usage=OPENAI_USAGE, headers=NO_TYPE, chunked=False
    ),
    "json-leading-blank-lines": Case(
        s.DEEPSEEK_JSON_BLANK_LINES,
        "Hello \U0001f60a",
        reasoning="Hmm, the user said hello.",
        usage=Usage(6, 40, 46, reasoning_tokens=31, cached_tokens=0),
        headers=(("Content-Type", "application/json; charset=utf-8"),),
    ),
    "json-leading-blank-lines-no-content-type": Case(
        s.DEEPSEEK_JSON_BLANK_LINES,
        "Hello \U0001f60a",
        reasoning="Hmm, the user said hello.",
        usage=Usage(6, 40, 46, reasoning_tokens=31, cached_tokens=0),
        headers=NO_TYPE,
    ),
}

MATRIX = [
    pytest.param(name, mode, id=f"{name}-{mode}") for name, case in CASES.items() for mode in modes_for(case.body)
]


@pytest.mark.parametrize(("name", "mode"), MATRIX)
async def test_stream_cases(name: str, mode: str) -> None:
    case = CASES[name]
    reply = delivered(case.body, mode, headers=case.headers, chunked=case.chunked)
    async with serve(reply) as h:
        (answer, reasoning, finish, usage), deltas = await run(h)
    assert answer == case.answer
    assert reasoning == case.reasoning
    assert finish == case.finish
    assert usage == case.usage
    # No empty deltas: keep-alives, id:/retry: lines and blank lines produce nothing.
    assert all(d.content or d.reasoning or d.finish_reason or d.usage for d in deltas)
    assert len(h.server.chat_requests) == 1
    assert h.delays == [] and h.notices == []


async def test_matrix_covers_every_mode() -> None:
    modes = {mode for _, mode in (p.values for p in MATRIX)}
    assert modes == {"whole", "bytewise", "split7", "utf8", "crlf"}
    assert len(s.offsets_inside_utf8(s.OPENAI_STREAM_USAGE, "\u2019")) == 2
    assert s.offsets_inside_crlf(b"a\r\nb\r\n") == [2, 5]


async def test_reasoning_is_kept_apart_from_the_answer_delta_by_delta() -> None:
    async with serve(sse(s.DEEPSEEK_REASONER, mode="bytewise")) as h:
        _, deltas = await run(h)
    assert [d.reasoning for d in deltas if d.reasoning] == ["Hmm, the user said hello."]
    assert all(not d.content for d in deltas if d.reasoning)
    assert deltas[-1].model == "deepseek-reasoner"


async def test_request_body_and_headers() -> None:
    async with serve(sse(s.OPENAI_STREAM_USAGE)) as h:
        options = ChatOptions(temperature=0.2, max_tokens=50, extra={"top_p": 0.9})
        await collect(h.client.stream(MODEL, MESSAGES, options))
    request = h.server.chat_requests[0]
    assert request.method == "POST"
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert "text/event-stream" in request.headers["accept"]
    assert request.headers["content-type"] == "application/json"
    assert request.json() == {
        "model": MODEL,
        "messages": MESSAGES,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0.2,
        "max_tokens": 50,
        "top_p": 0.9,
    }


# -- 7. mid-stream errors: partial text kept, StreamError, no retry -------------------------------

MID_STREAM_ERRORS = {
    "openrouter": (s.OPENROUTER_MIDSTREAM_ERROR, "Partial", "Provider disconnected unexpectedly"),
    "vllm": (s.VLLM_MIDSTREAM_ERROR, "Hi", "The engine is dead"),
    "lmstudio-event-error": (s.LMSTUDIO_ERROR, "Hel", "The model has crashed"),
}


@pytest.mark.parametrize("mode", ["whole", "bytewise", "split7"])
@pytest.mark.parametrize("name", list(MID_STREAM_ERRORS))
async def test_mid_stream_error_keeps_the_partial_text(name: str, mode: str) -> None:
    body, partial, detail = MID_STREAM_ERRORS[name]
    async with serve(delivered(body, mode)) as h:
        error, deltas = await run_failing(h)
    assert isinstance(error, StreamError)
    assert error.kind is ErrorKind.SERVER
    assert "middle of the answer" in error.message
    assert detail in error.detail
    assert text_of(deltas) == partial
    assert len(h.server.chat_requests) == 1
    assert h.delays == [] and h.notices == []


@pytest.mark.parametrize("mode", ["whole", "bytewise", "utf8"])
async def test_connection_dropped_mid_line(mode: str) -> None:
    """The socket closes inside an event's JSON, without the terminating chunk."""
    body = s.CUT_MID_LINE
    async with serve(delivered(body, mode, drop_at=len(body))) as h:
        error, deltas = await run_failing(h)
    assert isinstance(error, StreamError)
    assert "connection broke" in error.message
    assert text_of(deltas) == s.CUT_MID_LINE_PARTIAL
    assert len(h.server.chat_requests) == 1  # nothing is retried after the first byte
    assert h.delays == [] and h.notices == []


@pytest.mark.parametrize("mode", ["whole", "bytewise"])
async def test_clean_end_in_the_middle_of_a_line(mode: str) -> None:
    """The body ends properly at the HTTP level, but inside an event: the cut line is not JSON."""
    async with serve(delivered(s.CUT_MID_LINE, mode)) as h:
        error, deltas = await run_failing(h)
    assert isinstance(error, StreamError)
    assert text_of(deltas) == s.CUT_MID_LINE_PARTIAL
    assert len(h.server.chat_requests) == 1


async def test_dropped_between_events_is_requested_once() -> None:
    cut = s.OPENAI_STREAM_USAGE.index(b"data: ", s.OPENAI_STREAM_USAGE.index(b'" nice"'))
    async with serve(sse(s.OPENAI_STREAM_USAGE, drop_at=cut), max_retries=5) as h:
        error, deltas = await run_failing(h)
    assert isinstance(error, StreamError)
    assert text_of(deltas) == "It\u2019s a nice"
    assert len(h.server.chat_requests) == 1
    assert h.delays == [] and h.notices == []


async def test_dropped_json_answer_is_not_retried() -> None:
    body = s.JSON_COMPLETION
    async with serve(json_reply(200, body, drop_at=len(body) // 2), max_retries=3) as h:
        error, deltas = await run_failing(h)
    assert deltas == []
    assert error.kind is ErrorKind.SERVER
    assert len(h.server.chat_requests) == 1


# -- 8. [DONE] with the socket kept open ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [(s.OPENAI_STREAM_USAGE, s.OPENAI_ANSWER), (s.ONEAPI_DOUBLE_DONE, "ok")],
    ids=["openai", "double-done"],
)
@pytest.mark.parametrize("mode", ["whole", "bytewise"])
async def test_done_then_socket_kept_open_does_not_hang(body: bytes, expected: str, mode: str) -> None:
    async with serve(delivered(body, mode, keep_open=True), idle_timeout=10.0) as h:
        started = time.monotonic()
        answer, _, finish, _ = await collect(h.client.stream(MODEL, MESSAGES))
        elapsed = time.monotonic() - started
    assert (answer, finish) == (expected, "stop")
    assert elapsed < 1.0  # the client closes at [DONE]; it never waits for the idle timeout


# -- 3. idle gaps and the idle timeout -------------------------------------------------------------


def comment_offsets(body: bytes) -> list[int]:
    return [i for i in range(len(body)) if body.startswith(b": ", i) and (i == 0 or body[i - 1] == 0x0A)]


async def test_gaps_shorter_than_the_idle_timeout_with_keep_alives_succeed() -> None:
    body = s.OPENAI_KEEPALIVES
    pauses = [(offset, 0.15) for offset in comment_offsets(body)[:4]]
    async with serve(sse(body, pauses=pauses), idle_timeout=0.5) as h:
        started = time.monotonic()
        answer, _, finish, usage = await collect(h.client.stream(MODEL, MESSAGES))
        elapsed = time.monotonic() - started
    assert (answer, finish, usage) == (s.OPENAI_ANSWER, "stop", OPENAI_USAGE)
    assert elapsed > 0.5  # longer in total than the idle timeout: each keep-alive reset it


async def test_silent_gap_in_the_middle_raises_a_timeout_quickly() -> None:
    body = s.OPENAI_STREAM_USAGE
    gap = body.index(b"data: ", body.index(b'" a"'))
    async with serve(sse(body, pauses=[(gap, 5.0)]), idle_timeout=0.5) as h:
        started = time.monotonic()
        error, deltas = await run_failing(h)
        elapsed = time.monotonic() - started
    assert isinstance(error, StreamError)
    assert error.kind is ErrorKind.TIMEOUT
    assert text_of(deltas) == "It\u2019s a"
    assert elapsed < 2.0
    assert len(h.server.chat_requests) == 1


async def test_silent_after_the_headers_is_a_timeout_not_retried() -> None:
    async with serve(sse(s.OPENAI_STREAM_USAGE, pauses=[(0, 5.0)]), idle_timeout=0.5) as h:
        started = time.monotonic()
        error, deltas = await run_failing(h)
        elapsed = time.monotonic() - started
    assert deltas == []
    assert error.kind is ErrorKind.TIMEOUT
    assert elapsed < 2.0
    assert len(h.server.chat_requests) == 1


async def test_silent_before_the_headers_is_retried() -> None:
    async with serve(sse(b"", head_delay=5.0), sse(s.OPENAI_STREAM_USAGE), idle_timeout=0.5) as h:
        answer, _, _, _ = await collect(h.client.stream(MODEL, MESSAGES))
    assert answer == s.OPENAI_ANSWER
    assert len(h.server.chat_requests) == 2
    assert len(h.delays) == 1 and 0.375 <= h.delays[0] <= 0.5
    assert [n.attempt for n in h.notices] == [1]
    assert "Timeout" in h.notices[0].reason


# -- 9. HTML, null, and error bodies with 200 ---------------------------------------------------------


@pytest.mark.parametrize("mode", ["whole", "bytewise", "split7"])
@pytest.mark.parametrize(
    "headers", [s.HTML_HEADERS, NO_TYPE, s.SSE_HEADERS], ids=["text-html", "no-content-type", "labelled-sse"]
)
async def test_html_page_means_wrong_url(headers: tuple[tuple[str, str], ...], mode: str) -> None:
    """one-api's NoRoute serves its SPA index.html with 200 for a base URL without /v1."""
    async with serve(delivered(SPA_HTML, mode, headers=headers, chunked=False), max_retries=2) as h:
        error, deltas = await run_failing(h)
    assert deltas == []
    assert error.kind is ErrorKind.WRONG_URL
    assert "base URL" in error.hint
    assert len(h.server.chat_requests) == 1


@pytest.mark.parametrize("status", [404, 405])
async def test_html_error_page_for_the_path_means_wrong_url(status: int) -> None:
    async with serve(html_reply(status, s.nginx_page(status, "Not Found"), headers=s.NGINX_HEADERS)) as h:
        error, _ = await run_failing(h)
    assert error.kind is ErrorKind.WRONG_URL
    assert "base URL" in error.hint
    assert len(h.server.chat_requests) == 1


@pytest.mark.parametrize("headers", [JSON, NO_TYPE], ids=["json", "no-content-type"])
@pytest.mark.parametrize("mode", ["whole", "bytewise"])
async def test_null_body(headers: tuple[tuple[str, str], ...], mode: str) -> None:
    async with serve(delivered(s.NULL_BODY, mode, headers=headers, chunked=False)) as h:
        error, deltas = await run_failing(h)
    assert deltas == []
    assert error.kind is ErrorKind.PROTOCOL
    assert len(h.server.chat_requests) == 1


@pytest.mark.parametrize("headers", [JSON, s.SSE_HEADERS], ids=["json", "labelled-sse"])
@pytest.mark.parametrize("mode", ["whole", "bytewise"])
async def test_error_body_with_200(mode: str, headers: tuple[tuple[str, str], ...]) -> None:
    async with serve(delivered(s.ONEAPI_200_ERROR, mode, headers=headers, chunked=False)) as h:
        error, deltas = await run_failing(h)
    assert deltas == []
    assert error.kind is ErrorKind.NOT_FOUND
    assert "does not exist" in error.detail
    assert len(h.server.chat_requests) == 1


# -- 10. HTTP errors and retries -----------------------------------------------------------------------

OK = sse(s.OPENAI_STREAM_USAGE)

NOT_RETRIED = {
    "400": (json_reply(400, s.OPENAI_400, headers=(("Content-Length", "245"), *JSON)), ErrorKind.BAD_INPUT),
    "404-model": (
        json_reply(
            404, s.OPENAI_404, headers={"Content-Type": "application/json; charset=utf-8", "vary": "Origin"}
        ),
        ErrorKind.NOT_FOUND,
    ),
    "404-ollama": (json_reply(404, s.OLLAMA_404), ErrorKind.NOT_FOUND),
    "401-openai": (json_reply(401, s.OPENAI_401), ErrorKind.BAD_KEY),
    "401-no-code": (json_reply(401, s.OPENAI_401_NO_CODE), ErrorKind.BAD_KEY),
    "401-new-api": (json_reply(401, s.NEWAPI_401), ErrorKind.BAD_KEY),
    "401-litellm": (json_reply(401, s.LITELLM_401), ErrorKind.BAD_KEY),
    "402-deepseek": (json_reply(402, s.DEEPSEEK_402), ErrorKind.QUOTA),
    "402-openrouter": (json_reply(402, s.OPENROUTER_402), ErrorKind.QUOTA),
    "403": (json_reply(403, s.OPENAI_403), ErrorKind.FORBIDDEN),
    "429-insufficient-quota": (json_reply(429, s.OPENAI_429_QUOTA), ErrorKind.QUOTA),
    "429-credit-exhausted": (json_reply(429, s.CREDIT_EXHAUSTED_429), ErrorKind.QUOTA),
    "429-request-too-large": (json_reply(429, s.OPENAI_429_TOO_LARGE), ErrorKind.RATE_LIMIT),
    "429-x-should-retry-false": (
        json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("x-should-retry", "false"), ("retry-after", "1"))),
        ErrorKind.RATE_LIMIT,
    ),
    "503-x-should-retry-false": (
        html_reply(503, s.NGINX_503, headers=(*s.NGINX_HEADERS, ("x-should-retry", "false"))),
        ErrorKind.SERVER,
    ),
    "429-retry-after-above-cap": (
        json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("retry-after", "3600"))),
        ErrorKind.RATE_LIMIT,
    ),
}


@pytest.mark.parametrize("name", list(NOT_RETRIED))
async def test_errors_that_are_not_retried(name: str) -> None:
    reply, kind = NOT_RETRIED[name]
    async with serve(reply, OK, max_retries=2) as h:
        error, deltas = await run_failing(h)
    assert deltas == []
    assert isinstance(error, ApiError)
    assert error.kind is kind
    assert error.status == reply.status
    assert len(h.server.chat_requests) == 1
    assert h.delays == [] and h.notices == []


async def test_error_messages_name_the_cause() -> None:
    async with serve(json_reply(404, s.OPENAI_404)) as h:
        error, _ = await run_failing(h)
    assert error.message.startswith("Model not found")
    assert "gpt-4.1-nano-wrong" in error.detail
    async with serve(json_reply(400, s.OPENAI_400)) as h:
        error, _ = await run_failing(h)
    assert "max_completion_tokens" in error.detail
    async with serve(json_reply(403, s.OPENAI_403)) as h:
        error, _ = await run_failing(h)
    assert "region" in error.message


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


RETRIED = {
    "429-retry-after-1": (json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("retry-after", "1"))), (1.0, 1.0)),
    "429-retry-after-ms-250": (
        json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("retry-after-ms", "250"))),
        (0.25, 0.25),
    ),
    "429-azure-ms-wins": (
        json_reply(429, s.AZURE_429, headers=(*JSON, ("retry-after", "6"), ("retry-after-ms", "250"))),
        (0.25, 0.25),
    ),
    "429-http-date": (None, (3.0, 5.0)),  # built in the test: the date must be fresh
    "429-no-header": (json_reply(429, s.OPENAI_429_RATE), (0.375, 0.5)),
    "400-x-should-retry-true": (
        json_reply(400, s.OPENAI_400, headers=(*JSON, ("x-should-retry", "true"))),
        (0.375, 0.5),
    ),
    "500-json": (json_reply(500, s.OPENAI_500), (0.375, 0.5)),
    **{
        f"{status}-nginx-html": (html_reply(status, page, headers=s.NGINX_HEADERS), (0.375, 0.5))
        for status, page in s.NGINX_PAGES.items()
    },
}


@pytest.mark.parametrize("name", list(RETRIED))
async def test_retried_before_the_first_byte_then_succeeds(name: str) -> None:
    reply, (low, high) = RETRIED[name]
    if reply is None:
        reply = json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("retry-after", _http_date(5))))
    async with serve(reply, OK, max_retries=2) as h:
        answer, _, finish, usage = await collect(h.client.stream(MODEL, MESSAGES))
    assert (answer, finish, usage) == (s.OPENAI_ANSWER, "stop", OPENAI_USAGE)
    assert len(h.server.chat_requests) == 2
    assert h.server.bodies[0] == h.server.bodies[1]
    assert len(h.delays) == 1
    assert low <= h.delays[0] <= high
    assert h.notices == [RetryNotice(attempt=1, of=2, delay=h.delays[0], reason=h.notices[0].reason)]
    assert h.notices[0].reason


@pytest.mark.parametrize("status", sorted(s.NGINX_PAGES))
async def test_gateway_errors_retried_then_server_error(status: int) -> None:
    page = s.NGINX_PAGES[status]
    async with serve(html_reply(status, page, headers=s.NGINX_HEADERS), max_retries=2) as h:
        error, deltas = await run_failing(h)
    assert deltas == []
    assert error.kind is ErrorKind.SERVER
    assert error.status == status
    assert str(status) in error.detail  # the page title, e.g. "502 Bad Gateway"
    assert "<html>" not in str(error)
    assert len(h.server.chat_requests) == 3
    assert len(h.delays) == 2
    assert 0.375 <= h.delays[0] <= 0.5
    assert 0.75 <= h.delays[1] <= 1.0
    assert [(n.attempt, n.of) for n in h.notices] == [(1, 2), (2, 2)]
    assert all(n.reason.startswith(f"Server error {status}") for n in h.notices)


async def test_rate_limit_exhausts_retries() -> None:
    limited = json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("retry-after-ms", "250")))
    async with serve(limited, max_retries=1) as h:
        error, _ = await run_failing(h)
    assert error.kind is ErrorKind.RATE_LIMIT
    assert len(h.server.chat_requests) == 2
    assert h.delays == [0.25]


async def test_error_body_cut_off_is_judged_by_its_status_and_retried() -> None:
    """A 5xx whose body breaks off must still become a KeyholdError (not a raw httpx error)."""
    cut = json_reply(500, s.OPENAI_500, drop_at=20)
    async with serve(cut, OK, max_retries=2) as h:
        answer, _, _, _ = await collect(h.client.stream(MODEL, MESSAGES))
    assert answer == s.OPENAI_ANSWER
    assert len(h.server.chat_requests) == 2
    async with serve(html_reply(502, s.NGINX_502, headers=s.NGINX_HEADERS, drop_at=30), max_retries=1) as h:
        error, _ = await run_failing(h)
    assert error.kind is ErrorKind.SERVER
    assert error.status == 502
    assert len(h.server.chat_requests) == 2
    async with serve(json_reply(401, s.OPENAI_401, drop_at=20), OK, max_retries=2) as h:
        error, _ = await run_failing(h)
    assert error.kind is ErrorKind.BAD_KEY
    assert len(h.server.chat_requests) == 1


async def test_connection_closed_before_the_head_is_retried() -> None:
    async with serve(Reply(close_before_head=True), OK, max_retries=2) as h:
        answer, _, _, _ = await collect(h.client.stream(MODEL, MESSAGES))
    assert answer == s.OPENAI_ANSWER
    assert len(h.server.chat_requests) == 2
    assert len(h.notices) == 1


async def test_unreachable_server_is_retried_then_fails() -> None:
    with StreamServer(OK) as server:
        url = server.url  # the port is closed once the server stops
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    http = SecureHttp(make_profile(url, KEY))
    try:
        client = ChatClient(http, sleep=fake_sleep, max_retries=2)
        with pytest.raises(KeyholdError) as info:
            await collect(client.stream(MODEL, MESSAGES))
    finally:
        await http.aclose()
    assert info.value.kind is ErrorKind.UNREACHABLE
    assert len(delays) == 2


# -- the fakes themselves -------------------------------------------------------------------------------


async def test_bytewise_really_arrives_one_byte_per_read() -> None:
    body = s.OPENAI_STREAM_USAGE[:300]
    with StreamServer(sse(body, mode="bytewise")) as server:
        async with httpx.AsyncClient() as client:
            async with client.stream("POST", f"{server.url}/v1/chat/completions", json={}) as response:
                pieces = [piece async for piece in response.aiter_raw()]
    assert b"".join(pieces) == body
    assert {len(piece) for piece in pieces} == {1}


async def test_split_inside_utf8_and_crlf_arrives_as_cut() -> None:
    body = s.OPENAI_CRLF
    utf8 = s.offsets_inside_utf8(body, "\u2019")
    crlf = s.offsets_inside_crlf(body)[:3]
    with StreamServer(sse(body, mode="split", splits=[*utf8, *crlf])) as server:
        async with httpx.AsyncClient() as client:
            async with client.stream("POST", f"{server.url}/v1/chat/completions", json={}) as response:
                pieces = [piece async for piece in response.aiter_raw()]
    assert b"".join(pieces) == body
    assert pieces[0].endswith(b"\r") and pieces[1].startswith(b"\n")
    assert any(piece.endswith(b"\xe2") for piece in pieces)
    assert any(piece.startswith(b"\x80") and len(piece) == 1 for piece in pieces)


async def test_fake_openai_chat_route() -> None:
    with FakeOpenAI(KEY) as fake:
        fake.chat_replies = [json_reply(429, s.OPENAI_429_RATE, headers=(*JSON, ("retry-after-ms", "10"))), OK]
        delays: list[float] = []

        async def fake_sleep(seconds: float) -> None:
            delays.append(seconds)

        http = SecureHttp(make_profile(fake.url, KEY))
        wrong = SecureHttp(make_profile(fake.url, "sk-wrong-key-000000000000", name="wrong"))
        try:
            result = await collect(ChatClient(http, sleep=fake_sleep).stream(MODEL, MESSAGES))
            with pytest.raises(KeyholdError) as info:
                await collect(ChatClient(wrong, sleep=fake_sleep).stream(MODEL, MESSAGES))
        finally:
            await http.aclose()
            await wrong.aclose()
        assert fake.errors == []
    assert result == (s.OPENAI_ANSWER, "", "stop", OPENAI_USAGE)
    assert delays == [0.01]
    assert len(fake.chat_requests) == 2
    assert fake.chat_requests[0].json()["stream"] is True
    assert info.value.kind is ErrorKind.BAD_KEY
    assert info.value.detail.startswith("Incorrect API key provided")  # the fake's INVALID_KEY_BODY
