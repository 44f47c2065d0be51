"""How an OpenAI-compatible answer reads, piece by piece: events and their JSON, the text,
reasoning (fields or inline <think>), finish reason and usage, and errors inside a stream.
Every field a server sends is read through jsonsafe's typed readers: malformed is skipped."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final

from desktop_client.core.api.sse import LineTooLong, SseDecoder, SseEvent
from desktop_client.core.errors import N_, ApiError, ErrorKind
from desktop_client.core.jsonsafe import as_str, finite_number, loads

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    reasoning_tokens: int | None = None
    cached_tokens: int | None = None

    @classmethod
    def from_json(cls, raw: object) -> Usage | None:
        if not isinstance(raw, dict):
            return None

        def number(value: object) -> int | None:
            # NaN, Infinity, strings or absurd counts: no usage is better than a wrong one.
            found = finite_number(value)
            return int(found) if found is not None and 0 <= found < 1e15 else None

        details = raw.get("completion_tokens_details") or {}
        prompt_details = raw.get("prompt_tokens_details") or {}
        usage = cls(
            prompt_tokens=number(raw.get("prompt_tokens", raw.get("input_tokens"))),
            completion_tokens=number(raw.get("completion_tokens", raw.get("output_tokens"))),
            total_tokens=number(raw.get("total_tokens")),
            reasoning_tokens=number(details.get("reasoning_tokens")) if isinstance(details, dict) else None,
            cached_tokens=number(prompt_details.get("cached_tokens"))
            if isinstance(prompt_details, dict)
            else None,
        )
        if usage.prompt_tokens is None and usage.completion_tokens is None and usage.total_tokens is None:
            return None
        return usage


@dataclass(frozen=True)
class ChatDelta:
    content: str = ""
    reasoning: str = ""
    finish_reason: str | None = None
    usage: Usage | None = None
    model: str | None = None


class StreamError(ApiError):
    """The stream failed after it started: what arrived is kept, nothing is retried."""

    kind = ErrorKind.SERVER


class ThinkSplitter:
    """Separates inline ``<think>…</think>`` (llama.cpp, mlx) from the answer, even when a
    tag is split across deltas."""

    OPEN = "<think>"
    CLOSE = "</think>"

    def __init__(self) -> None:
        self.inside = False
        self._pending = ""

    def feed(self, text: str) -> tuple[str, str]:
        if not self._pending and "<" not in text:  # the common case, once per token
            return ("", text) if self.inside else (text, "")
        text = self._pending + text
        self._pending = ""
        answer: list[str] = []
        thought: list[str] = []
        while text:
            tag = self.CLOSE if self.inside else self.OPEN
            index = text.find(tag)
            if index >= 0:
                (thought if self.inside else answer).append(text[:index])
                text = text[index + len(tag) :]
                self.inside = not self.inside
                continue
            # Hold back a suffix that may be the start of a tag split across deltas.
            keep = 0
            for size in range(min(len(tag) - 1, len(text)), 0, -1):
                if tag.startswith(text[-size:]):
                    keep = size
                    break
            body, self._pending = (text[:-keep], text[-keep:]) if keep else (text, "")
            (thought if self.inside else answer).append(body)
            break
        return "".join(answer), "".join(thought)

    def flush(self) -> tuple[str, str]:
        pending, self._pending = self._pending, ""
        return ("", pending) if self.inside else (pending, "")


def text_of(value: object, depth: int = 0) -> str:
    """Content may be a string, null, a list of parts, or (one relay) an object; nesting
    deeper than any real answer is ignored rather than recursed into."""
    if isinstance(value, str):
        return value
    if depth > 4:
        return ""
    if isinstance(value, list):
        return "".join(text_of(part.get("text") if isinstance(part, dict) else part, depth + 1) for part in value)
    if isinstance(value, dict):
        return text_of(value.get("text") or value.get("content") or "", depth + 1)
    return ""


def finish_of(value: object) -> str | None:
    text = as_str(value, 64).lower()
    return text or None


def reasoning_of(delta: dict[str, Any]) -> str:
    if len(delta) == 1 and "content" in delta:  # most deltas carry nothing else
        return ""
    for key in ("reasoning_content", "reasoning"):
        text = text_of(delta.get(key))
        if text:
            return text
    details = delta.get("reasoning_details")
    if isinstance(details, list):
        return "".join(text_of(d.get("text")) for d in details if isinstance(d, dict))
    return ""


def error_message(payload: dict[str, Any]) -> str:
    error = payload.get("error")
    if isinstance(error, dict):
        return as_str(error.get("message") or error.get("code"), 2000) or "the server reported an error"
    if isinstance(error, str) and error:
        return error[:2000]
    return as_str(payload.get("message"), 2000) or "the server reported an error"


def delta_of(payload: dict[str, Any], splitter: ThinkSplitter) -> ChatDelta | None:
    raw_usage = payload.get("usage")
    usage = Usage.from_json(raw_usage) if raw_usage else None
    model = as_str(payload.get("model"), 200) or None
    choices = payload.get("choices")
    content = reasoning = ""
    finish: str | None = None
    if isinstance(choices, list) and choices:
        choice = choices[0] if isinstance(choices[0], dict) else {}
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            message = choice.get("message")
            delta = message if isinstance(message, dict) else {}
        reasoning = reasoning_of(delta)
        answer, thought = splitter.feed(text_of(delta.get("content")))
        content = answer
        reasoning += thought
        finish = finish_of(choice.get("finish_reason"))
    if not (content or reasoning or finish or usage):
        return None
    return ChatDelta(content=content, reasoning=reasoning, finish_reason=finish, usage=usage, model=model)


DONE: Final[dict[str, Any]] = {}  # the [DONE] marker (compared by identity)


def events(decoder: SseDecoder, chunk: bytes | None) -> list[SseEvent]:
    """The events ``chunk`` completes (all that is left at the end, for None)."""
    try:
        return decoder.flush() if chunk is None else decoder.feed(chunk)
    except LineTooLong as exc:
        raise StreamError(
            N_(
                "Errors",
                "The server sent a line longer than %1 MB without a break; Keyhold stopped reading",
            ),
            hint=N_("Errors", "What arrived is kept; the relay is misbehaving"),
            kind=ErrorKind.TOO_LARGE,
            args=(exc.limit // (1024 * 1024),),
        ) from None


def payload_of(event: SseEvent, at_eof: bool) -> dict[str, Any] | None:
    """An event's JSON object; DONE at [DONE]; None for an event to skip. An error event, or a
    piece cut off by the end of the stream, is an error."""
    data = event.data.strip()
    if data.startswith("[DONE]"):
        return DONE
    try:
        payload = loads(data)
    except ValueError:
        if at_eof:
            raise StreamError(
                "The connection broke in the middle of the answer",
                hint="What arrived is kept; retry or continue",
            ) from None
        log.warning("skipped an event that is not JSON (%d bytes)", len(data))
        return None
    if not isinstance(payload, dict):
        return None
    if payload.get("error") or event.event == "error":
        raise StreamError(
            "The server reported an error in the middle of the answer",
            hint="What arrived is kept; retry or regenerate",
            detail=error_message(payload),
        )
    return payload
