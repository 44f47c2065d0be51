"""A fake OpenAI-compatible API (``GET /v1/models``, ``POST /v1/chat/completions``) on loopback.

Response bodies copy the real service byte-for-byte where it matters
(pretty-printed model list, the ``invalid_api_key`` error body) so client
parsing is exercised against what users actually get.
"""

from __future__ import annotations

import json
import ssl
import threading
from typing import Self

from .openai_streams import OPENAI_STREAM_USAGE, Reply, play
from .server import Conn, FakeApp, Request

__all__ = ["INVALID_KEY_BODY", "MASKED_KEY", "SPA_HTML", "FakeOpenAI"]

# OpenAI echoes a masked form of the presented key; the fake echoes nothing of
# any key (presented or expected) so tests can assert keys never leak via bodies.
MASKED_KEY = "sk-...xxxx"

INVALID_KEY_BODY: dict[str, object] = {
    "error": {
        "message": (
            f"Incorrect API key provided: {MASKED_KEY}. You can find your API key at "
            "https://platform.openai.com/account/api-keys."
        ),
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }
}

# What a one-api style relay's NoRoute serves: its web UI's index.html.
SPA_HTML = (
    b"<!doctype html>\n"
    b'<html lang="en">\n'
    b"<head>\n"
    b'<meta charset="utf-8" />\n'
    b'<meta name="viewport" content="width=device-width,initial-scale=1" />\n'
    b"<title>One API</title>\n"
    b'<script defer="defer" src="/static/js/main.4c2b1a3e.js"></script>\n'
    b'<link href="/static/css/main.8f1d2c9a.css" rel="stylesheet" />\n'
    b"</head>\n"
    b'<body><noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div></body>\n'
    b"</html>\n"
)

_HTML_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


class FakeOpenAI(FakeApp):
    """OpenAI-compatible API; ``url`` is the origin (the client appends ``/v1``).

    ``spa_everywhere`` answers every path, including ``/v1/models``, with the
    HTML page, mimicking a base URL that points at a website.

    ``chat_replies`` scripts ``POST /v1/chat/completions`` (see ``openai_streams.Reply``):
    played in order, the last one repeating; empty means a plain OpenAI stream
    (``OPENAI_STREAM_USAGE``). ``chat_requests`` records the authorized chat calls.
    """

    def __init__(
        self,
        api_key: str,
        models: list[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        *,
        spa_everywhere: bool = False,
    ) -> None:
        super().__init__(ssl_context=ssl_context)
        self.api_key = api_key
        self.models: list[str] = list(models) if models is not None else ["gpt-4o", "gpt-4o-mini"]
        self.spa_everywhere = spa_everywhere
        self.chat_replies: list[Reply] = []
        self.chat_requests: list[Request] = []
        self._chat_lock = threading.Lock()
        self._chat_release = threading.Event()  # set by stop(): ends pauses and held sockets

    def handle(self, request: Request, conn: Conn) -> None:
        path = request.path
        if self.spa_everywhere or not path.startswith(("/v1/", "/api/")):
            conn.send_response(200, SPA_HTML, _HTML_HEADERS)
        elif request.method == "GET" and path == "/v1/models":
            self._models(request, conn)
        elif request.method == "POST" and path == "/v1/chat/completions":
            self._chat(request, conn)
        else:
            # OpenAI's answer for unknown routes (and wrong methods on known ones).
            conn.send_json(
                404,
                {
                    "error": {
                        "message": f"Invalid URL ({request.method} {path})",
                        "type": "invalid_request_error",
                        "param": None,
                        "code": None,
                    }
                },
            )

    def _models(self, request: Request, conn: Conn) -> None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            conn.send_response(401, _pretty(INVALID_KEY_BODY), {"Content-Type": "application/json"})
            return
        listing = {
            "object": "list",
            "data": [
                {"id": model, "object": "model", "created": 1700000000, "owned_by": "system"}
                for model in self.models
            ],
        }
        conn.send_response(200, _pretty(listing), {"Content-Type": "application/json"})

    def _chat(self, request: Request, conn: Conn) -> None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            conn.send_response(401, _pretty(INVALID_KEY_BODY), {"Content-Type": "application/json"})
            return
        with self._chat_lock:
            index = len(self.chat_requests)
            self.chat_requests.append(request)
            replies = list(self.chat_replies)
        reply = replies[min(index, len(replies) - 1)] if replies else Reply(OPENAI_STREAM_USAGE)
        play(conn, reply, self._chat_release)

    def start(self) -> Self:
        self._chat_release.clear()
        return super().start()

    def stop(self) -> None:
        self._chat_release.set()
        super().stop()


def _pretty(obj: object) -> bytes:
    # OpenAI pretty-prints with 2-space indent and a trailing newline.
    return (json.dumps(obj, indent=2) + "\n").encode("utf-8")
