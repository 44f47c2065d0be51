"""A fake midjourney-proxy speaking one of three real auth dialects.

The dialects disagree on header names, on whether ``Bearer `` is stripped
and on failure status/body; the client has to cope with all of them, so
each branch below mirrors what the real server does, quirks included.
"""

from __future__ import annotations

import json
import ssl
from typing import Literal

from .server import Conn, FakeApp, Request

__all__ = ["DIALECTS", "MODE_PREFIXES", "NEWAPI_INVALID_TOKEN_BODY", "RELAY_HTML", "Dialect", "FakeMidjourney"]

Dialect = Literal["novicezk", "trueai", "newapi"]
DIALECTS: tuple[Dialect, ...] = ("novicezk", "trueai", "newapi")

# Speed-mode prefixes put in front of /mj/... by trueai and new-api relays.
MODE_PREFIXES = ("/mj-relax", "/mj-fast", "/mj-turbo")

NEWAPI_INVALID_TOKEN_BODY: dict[str, object] = {
    "error": {"message": "无效的令牌 (request id: 20250101000000000000000)", "type": "new_api_error"}
}

# What the relay's web UI serves for anything outside /mj.
RELAY_HTML = (
    b"<!doctype html>\n"
    b'<html lang="zh">\n'
    b'<head><meta charset="utf-8" /><title>Midjourney Proxy</title>'
    b'<script type="module" src="/assets/index-3f9a2c1b.js"></script></head>\n'
    b'<body><div id="app"></div></body>\n'
    b"</html>\n"
)

_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def _strip_bearer(value: str) -> str:
    for prefix in ("Bearer ", "bearer "):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


class FakeMidjourney(FakeApp):
    """midjourney-proxy with ``POST [/mj-<mode>]/mj/task/list-by-condition``.

    ``tasks`` maps task id -> task object returned by list-by-condition (empty
    by default, so the answer is ``[]``). ``both_headers_seen`` becomes True
    once any request carried both ``Authorization`` and ``mj-api-secret``.
    """

    def __init__(
        self,
        secret: str,
        dialect: Dialect = "novicezk",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; expected one of {DIALECTS}")
        super().__init__(ssl_context=ssl_context)
        self.secret = secret
        self.dialect: Dialect = dialect
        self.tasks: dict[str, dict[str, object]] = {}
        self.both_headers_seen = False

    def handle(self, request: Request, conn: Conn) -> None:
        inner = self._inner_path(request.path)
        if inner is None:
            conn.send_response(200, RELAY_HTML, {"Content-Type": "text/html; charset=utf-8"})
            return
        if "authorization" in request.headers and "mj-api-secret" in request.headers:
            self.both_headers_seen = True
        # Auth runs before routing on the real servers (interceptor/middleware).
        if not self._authorize(request, conn):
            return
        if inner != "/mj/task/list-by-condition":
            conn.send_response(404, b"Not Found", _TEXT)
        elif request.method != "POST":
            conn.send_response(405, b"Method Not Allowed", {**_TEXT, "Allow": "POST"})
        else:
            self._list_by_condition(request, conn)

    @staticmethod
    def _inner_path(path: str) -> str | None:
        """The ``/mj/...`` path with any mode prefix removed; None if not an API path."""
        for prefix in MODE_PREFIXES:
            if path.startswith(prefix + "/"):
                path = path[len(prefix) :]
                break
        if path == "/mj" or path.startswith("/mj/"):
            return path
        return None

    def _authorize(self, request: Request, conn: Conn) -> bool:
        headers = request.headers
        if self.dialect == "novicezk":
            if headers.get("mj-api-secret") == self.secret:
                return True
            conn.send_response(401)  # novicezk's interceptor sets 401 and writes nothing
            return False
        if self.dialect == "trueai":
            # Authorization wins and is compared raw: "Bearer <secret>" does NOT match.
            token = headers.get("authorization", "").strip() or headers.get("mj-api-secret", "").strip()
            if token == self.secret:
                return True
            if not token:
                conn.send_response(401, b"Authorization header missing.", _TEXT)
            else:
                conn.send_response(403, "未登录".encode(), _TEXT)
            return False
        # newapi: Authorization (Bearer stripped), falling back to mj-api-secret when
        # absent or holding the placeholder key that midjourney-proxy clients send.
        token = _strip_bearer(headers.get("authorization", "")).strip()
        if not token or token == "midjourney-proxy":
            token = _strip_bearer(headers.get("mj-api-secret", "")).strip()
        if token == self.secret:
            return True
        conn.send_json(401, NEWAPI_INVALID_TOKEN_BODY)
        return False

    def _list_by_condition(self, request: Request, conn: Conn) -> None:
        try:
            payload = request.json()
        except (ValueError, UnicodeDecodeError):
            conn.send_json(400, {"code": 400, "description": "invalid JSON body"})
            return
        ids = payload.get("ids") if isinstance(payload, dict) else None
        if not isinstance(ids, list):
            conn.send_json(400, {"code": 400, "description": "ids must be a list"})
            return
        found = [self.tasks[i] for i in ids if isinstance(i, str) and i in self.tasks]
        conn.send_response(200, json.dumps(found).encode("utf-8"), {"Content-Type": "application/json"})
