"""Small SSE builders for tests of storage, services and the CLI (the byte-level
conformance fixtures live in tests/fakes/openai_streams.py)."""

from __future__ import annotations

import json
import threading
import time

from tests.fakes.server import Conn, Request


def chunk(
    content: str = "", *, reasoning: str = "", finish: str | None = None, usage: dict | None = None
) -> bytes:
    delta: dict[str, str] = {}
    if content:
        delta["content"] = content
    if reasoning:
        delta["reasoning_content"] = reasoning
    payload: dict = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        payload["usage"] = usage
    return b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n"


def stream_of(words: list[str], *, usage: dict | None = None, reasoning: str = "") -> bytes:
    body = b""
    if reasoning:
        body += chunk(reasoning=reasoning)
    body += b"".join(chunk(w) for w in words)
    body += chunk(finish="stop")
    body += (
        b'data: {"id":"c1","choices":[],"usage":'
        + json.dumps(
            usage or {"prompt_tokens": 7, "completion_tokens": len(words), "total_tokens": 7 + len(words)}
        ).encode()
        + b"}\n\n"
    )
    return body + b"data: [DONE]\n\n"


class ChatScript:
    """A chat-completions handler: answers from a queue of bodies, records request bodies,
    optionally pauses between chunks or holds until released."""

    def __init__(self, *bodies: bytes, pause: float = 0.0) -> None:
        self.bodies = list(bodies)
        self.pause = pause
        self.requests: list[dict] = []
        self.release = threading.Event()
        self.hold_after: int | None = None  # hold after this many chunks until release is set

    def __call__(self, request: Request, conn: Conn) -> None:
        self.requests.append(request.json())
        body = self.bodies.pop(0) if len(self.bodies) > 1 else self.bodies[0]
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        events = [e + b"\n\n" for e in body.split(b"\n\n") if e]
        for index, event in enumerate(events):
            if self.hold_after is not None and index == self.hold_after:
                self.release.wait(30)
            conn.send_chunk(event)
            if self.pause:
                time.sleep(self.pause)
        conn.end_chunked()
