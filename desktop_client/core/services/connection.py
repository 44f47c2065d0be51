"""Test connection: one cheap request that tells the user, in plain words, what is wrong."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from desktop_client.core.api.chat import ChatClient
from desktop_client.core.errors import KeyholdError
from desktop_client.core.jsonsafe import loads
from desktop_client.core.model_names import chat_first, first_chat_model
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.net.errors import error_from_response, looks_like_html, not_the_api_error
from desktop_client.core.settings import ProfileKind
from desktop_client.core.urls import mj_endpoint

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionReport:
    ok: bool
    kind: ProfileKind
    models: list[str] = field(default_factory=list)  # likely chat models first
    error: KeyholdError | None = None
    # The profile's plain-http traffic leaves this computer: allowed by the user, worth a warning.
    plain_http: bool = False

    @property
    def summary(self) -> str:
        if self.ok:
            if self.kind is ProfileKind.OPENAI:
                return f"OK ({len(self.models)} models)"
            return "OK (the midjourney-proxy API answered)"
        assert self.error is not None
        return str(self.error)

    def model_for(self, current: str) -> str:
        """The default model to offer: the one already chosen, else the first chat model listed."""
        return current.strip() or first_chat_model(self.models)


async def check_connection(http: SecureHttp) -> ConnectionReport:
    kind = http.profile.kind
    if kind is ProfileKind.OPENAI:
        try:
            models = await ChatClient(http).list_models()
        except KeyholdError as exc:
            log.info("test connection of %r failed: %s", http.profile.name, exc.kind.value)
            return ConnectionReport(False, kind, error=exc)
        log.info("test connection of %r: OK, %d models", http.profile.name, len(models))
        return ConnectionReport(True, kind, models=chat_first(models))
    try:
        response = await http.request(
            "POST", mj_endpoint(http.base_url, "task/list-by-condition"), json={"ids": []}, what="task list"
        )
    except KeyholdError as exc:
        log.info("test connection of %r failed: %s", http.profile.name, exc.kind.value)
        return ConnectionReport(False, kind, error=exc)

    body = response.content
    status = response.status_code
    if status >= 300 or looks_like_html(response.headers, body):
        error = error_from_response(status, response.headers, body, kind)
        log.info("test connection of %r: HTTP %s -> %s", http.profile.name, status, error.kind.value)
        return ConnectionReport(False, kind, error=error)
    try:
        payload = loads(body) if body.strip() else None
    except ValueError:
        return ConnectionReport(False, kind, error=not_the_api_error(kind, status))
    if isinstance(payload, dict) and payload.get("error"):
        return ConnectionReport(False, kind, error=error_from_response(status, response.headers, body, kind))
    # midjourney-proxy answers a list of tasks; relays may wrap it as {"code":…,"data":[…]}.
    if isinstance(payload, list) or (isinstance(payload, dict) and isinstance(payload.get("data"), list)):
        log.info("test connection of %r: OK", http.profile.name)
        return ConnectionReport(True, kind)
    if isinstance(payload, dict) and payload.get("code") not in (None, 1):
        return ConnectionReport(False, kind, error=error_from_response(400, response.headers, body, kind))
    return ConnectionReport(False, kind, error=not_the_api_error(kind, status))
