"""Streaming chat completions against any OpenAI-compatible server or relay.

One request, one ``AsyncIterator[ChatDelta]``. The parser accepts every framing in
shared/reference/openai-wire.md (CR/LF/CRLF, ``data:`` with or without a space, BOM,
comments, ``id:``/``retry:``, multi-line data, duplicate or missing ``[DONE]``, a socket
left open after ``[DONE]``), reasoning in ``reasoning_content``/``reasoning``/inline
``<think>``, usage wherever it arrives, and a server that answers ``stream: true`` with
a whole JSON completion. Retries happen only before the first byte of the body.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from desktop_client.core.api.chat_wire import (
    DONE,
    ChatDelta,
    StreamError,
    ThinkSplitter,
    Usage,
    delta_of,
    events,
    finish_of,
    payload_of,
    reasoning_of,
    text_of,
)
from desktop_client.core.api.models import parse_model_list
from desktop_client.core.api.retry import RetryNotice, retry_delay, should_retry
from desktop_client.core.api.sse import SseDecoder
from desktop_client.core.errors import N_, ApiError, ErrorKind, KeyholdError
from desktop_client.core.jsonsafe import as_str, loads
from desktop_client.core.net.body import BodyReader, read_prefix, too_large
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.net.errors import (
    error_from_response,
    error_from_transport,
    looks_like_html,
    not_the_api_error,
    parse_error_body,
    wrong_url_error,
)
from desktop_client.core.settings import ProfileKind
from desktop_client.core.urls import openai_endpoint

log = logging.getLogger(__name__)


Message = dict[str, Any]


@dataclass
class ChatOptions:
    temperature: float | None = None
    max_tokens: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class _Progress:
    """Whether a stream still says something: text or reasoning within ``idle`` seconds, and
    within ``max_bytes`` of whatever else (comments, blank lines, empty events). Also gives
    the event loop a turn while a fast server floods it, so the window and Stop keep working."""

    YIELD_EVERY = 0.008

    def __init__(self, idle: float, max_bytes: int) -> None:
        self.idle = idle
        self.max_bytes = max_bytes
        self._since = time.monotonic()
        self._bytes = 0
        self._yielded = time.monotonic()

    def received(self, count: int) -> None:
        self._bytes += count

    def progressed(self) -> None:
        self._since = time.monotonic()
        self._bytes = 0

    async def check(self) -> None:
        now = time.monotonic()
        if now - self._yielded > self.YIELD_EVERY:
            await asyncio.sleep(0)
            self._yielded = time.monotonic()
        if now - self._since > self.idle:
            raise StreamError(
                f"The server sent only keep-alive signals, no text, for {self.idle:g} s",
                hint="What arrived is kept; retry or continue",
                kind=ErrorKind.TIMEOUT,
            )
        if self._bytes > self.max_bytes:
            raise StreamError(
                N_("Errors", "The server sent %1 MB without any text; Keyhold stopped reading"),
                hint=N_("Errors", "What arrived is kept; the relay is misbehaving"),
                kind=ErrorKind.TOO_LARGE,
                args=(self.max_bytes // (1024 * 1024),),
            )


class ChatClient:
    def __init__(
        self,
        http: SecureHttp,
        *,
        max_retries: int = 2,
        max_retry_delay: float = 60.0,
        idle_timeout: float | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.http = http
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.idle_timeout = http.timeouts.stream_idle if idle_timeout is None else idle_timeout
        self.on_retry = on_retry
        self._sleep = sleep

    @property
    def _kind(self) -> ProfileKind:
        return self.http.profile.kind

    async def list_models(self) -> list[str]:
        """``GET {root}/models``; also what Test connection asks of an OpenAI-compatible server."""
        response = await self.http.request("GET", openai_endpoint(self.http.base_url, "models"), what="model list")
        body = response.content
        if response.status_code >= 300 or looks_like_html(response.headers, body):
            raise error_from_response(response.status_code, response.headers, body, self._kind)
        try:
            payload = loads(body) if body.strip() else None
        except ValueError:
            raise not_the_api_error(self._kind, response.status_code) from None
        if isinstance(payload, dict) and payload.get("error"):
            raise error_from_response(response.status_code, response.headers, body, self._kind)
        try:
            return parse_model_list(payload)
        except ValueError:
            raise not_the_api_error(self._kind, response.status_code) from None

    async def _open(self, body: dict[str, Any]) -> httpx.Response:
        """Sends the request, retrying before the first byte; returns a 2xx streaming response."""
        client = self.http.client
        timeout = httpx.Timeout(
            connect=self.http.timeouts.connect, read=self.idle_timeout, write=60.0, pool=self.http.timeouts.pool
        )
        url = openai_endpoint(self.http.base_url, "chat/completions")
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            request = client.build_request(
                "POST",
                url,
                json=body,
                headers={"Accept": "text/event-stream, application/json"},
                timeout=timeout,
            )
            try:
                response = await self.http.send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.RemoteProtocolError) as exc:
                error = error_from_transport(exc, idle_read=self.idle_timeout)
                delay = retry_delay(None, attempt, self.max_retry_delay)
                # A certificate problem will not fix itself in a second.
                if attempt + 1 >= attempts or delay is None or error.kind is ErrorKind.TLS:
                    raise error from None
                await self._notify_and_wait(attempt, attempts, delay, error.message)
                continue
            except httpx.HTTPError as exc:
                raise error_from_transport(exc, idle_read=self.idle_timeout) from None
            if response.status_code < 400:
                return response
            # An error body that breaks off or never ends: its start is enough to judge it.
            try:
                raw = await read_prefix(response, self.http.limits.error)
            finally:
                await response.aclose()
            error = error_from_response(response.status_code, response.headers, raw, self._kind)
            parsed = parse_error_body(raw)
            if attempt + 1 < attempts and should_retry(response.status_code, response.headers, parsed):
                delay = retry_delay(response.headers, attempt, self.max_retry_delay)
                if delay is not None:
                    await self._notify_and_wait(attempt, attempts, delay, error.message)
                    continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    async def _notify_and_wait(self, attempt: int, attempts: int, delay: float, reason: str) -> None:
        notice = RetryNotice(attempt=attempt + 1, of=attempts - 1, delay=delay, reason=reason)
        log.info("retry %d of %d in %.2f s: %s", notice.attempt, notice.of, delay, reason)
        if self.on_retry is not None:
            self.on_retry(notice)
        await self._sleep(delay)

    async def stream(
        self, model: str, messages: Sequence[Message], options: ChatOptions | None = None
    ) -> AsyncGenerator[ChatDelta, None]:
        options = options or ChatOptions()
        body: dict[str, Any] = {
            "model": model,
            "messages": list(messages),
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if options.temperature is not None:
            body["temperature"] = options.temperature
        if options.max_tokens is not None:
            body["max_tokens"] = options.max_tokens
        body.update(options.extra)
        response = await self._open(body)
        try:
            async for delta in self._read(response):
                yield delta
        finally:
            # Also after [DONE] on a socket the server keeps open: never wait for its end.
            await response.aclose()

    async def _read(self, response: httpx.Response) -> AsyncIterator[ChatDelta]:
        ctype = response.headers.get("content-type", "").lower()
        chunks = BodyReader(response, self.http.limits.stream, "answer").chunks()
        head = b""
        # Decide by content type, or by the first bytes when a server sends none. Leading
        # whitespace says nothing either way: it is dropped as it comes, within the same
        # bounds as keep-alives later on (it can't pile up, and can't hold the stream open).
        guard = _Progress(self.idle_timeout, 2 * self.http.limits.sse_line)
        try:
            # A page starting with "<" may arrive in small reads: read enough of it to
            # recognise "<!doctype html" (an SSE body never starts with "<").
            while not head or (head[:1] == b"<" and len(head) < len(b"<!doctype html")):
                chunk = await anext(chunks, None)
                if chunk is None:
                    break
                if not head:
                    guard.received(len(chunk))
                    chunk = chunk.lstrip()
                    await guard.check()
                head += chunk
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, idle_read=self.idle_timeout) from None
        first = head.lstrip()[:1]
        if "text/html" in ctype or looks_like_html(response.headers, head):
            raise wrong_url_error(self._kind, response.status_code)
        # Fix: a JSON body labelled text/event-stream was read as SSE and gave an empty answer
        # with no error; no SSE stream starts with "{", so such a body is a whole JSON answer.
        if (
            "json" in ctype
            or first == b"{"
            or (not ctype.startswith("text/event-stream") and first in (b"[", b"n"))
        ):
            async for delta in self._read_whole(response, head, chunks):
                yield delta
            return
        async for delta in self._read_sse(head, chunks):
            yield delta

    async def _read_whole(
        self, response: httpx.Response, head: bytes, chunks: AsyncIterator[bytes]
    ) -> AsyncIterator[ChatDelta]:
        body = bytearray(head)
        limit = self.http.limits.json
        try:
            async for chunk in chunks:
                body += chunk
                if len(body) > limit:
                    raise too_large("answer", limit)
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, idle_read=self.idle_timeout) from None
        try:
            payload = loads(body) if body.strip() else None
        except ValueError:
            raise ApiError(
                "The server's answer was not understood",
                hint="Check that the base URL points at an OpenAI-compatible API",
                kind=ErrorKind.PROTOCOL,
            ) from None
        if not isinstance(payload, dict):
            raise ApiError(
                "The server answered with an empty completion",
                hint="Retry; if it persists, the relay is misbehaving",
                kind=ErrorKind.PROTOCOL,
            )
        if payload.get("error"):
            raise error_from_response(response.status_code, response.headers, bytes(body), self._kind)
        splitter = ThinkSplitter()
        choices = payload.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
        message = choice.get("message") or choice.get("delta") or {}
        content = text_of(message.get("content")) if isinstance(message, dict) else ""
        reasoning = reasoning_of(message) if isinstance(message, dict) else ""
        answer, thought = splitter.feed(content)
        tail_answer, tail_thought = splitter.flush()
        yield ChatDelta(
            content=answer + tail_answer,
            reasoning=reasoning + thought + tail_thought,
            finish_reason=finish_of(choice.get("finish_reason")),
            usage=Usage.from_json(payload.get("usage")),
            model=as_str(payload.get("model"), 200) or None,
        )

    async def _read_sse(self, head: bytes, chunks: AsyncIterator[bytes]) -> AsyncIterator[ChatDelta]:
        decoder = SseDecoder(max_line=self.http.limits.sse_line)
        splitter = ThinkSplitter()
        pending = [head] if head else []
        done = False
        # Keep-alive comments, blank lines and empty events reset httpx's read timeout; only
        # text or reasoning counts as progress here.
        guard = _Progress(self.idle_timeout, 2 * self.http.limits.sse_line)
        while not done:
            chunk = pending.pop() if pending else await self._next_chunk(chunks)
            at_eof = chunk is None
            guard.received(len(chunk or b""))
            for event in events(decoder, chunk):
                payload = payload_of(event, at_eof)
                if payload is DONE:
                    done = True
                    break
                if payload is None:
                    continue
                delta = delta_of(payload, splitter)
                if delta is not None:
                    if delta.content or delta.reasoning:
                        guard.progressed()
                    yield delta
            if at_eof:
                break
            if not done:
                await guard.check()
        answer, thought = splitter.flush()
        if answer or thought:
            yield ChatDelta(content=answer, reasoning=thought)

    async def _next_chunk(self, chunks: AsyncIterator[bytes]) -> bytes | None:
        """The next piece of the stream (None at its end); a broken or silent stream is an error."""
        try:
            return await anext(chunks, None)
        except httpx.ReadTimeout as exc:
            raise StreamError(
                f"The server stopped sending for {self.idle_timeout:g} s in the middle of the answer",
                hint="What arrived is kept; retry or continue",
                kind=ErrorKind.TIMEOUT,
            ) from exc
        except httpx.HTTPError as exc:
            raise StreamError(
                "The connection broke in the middle of the answer",
                hint="What arrived is kept; retry or continue",
                detail=str(error_from_transport(exc).message),
            ) from None


async def collect(stream: AsyncIterator[ChatDelta]) -> tuple[str, str, str | None, Usage | None]:
    """Drains a stream into (answer, reasoning, finish_reason, usage); for tests and scripts."""
    answer: list[str] = []
    reasoning: list[str] = []
    finish: str | None = None
    usage: Usage | None = None
    async for delta in stream:
        answer.append(delta.content)
        reasoning.append(delta.reasoning)
        finish = delta.finish_reason or finish
        usage = delta.usage or usage
    return "".join(answer), "".join(reasoning), finish, usage


__all__ = [
    "ChatClient",
    "ChatDelta",
    "ChatOptions",
    "KeyholdError",
    "StreamError",
    "ThinkSplitter",
    "Usage",
    "collect",
]
