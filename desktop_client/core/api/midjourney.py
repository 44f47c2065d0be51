"""The midjourney-proxy API (novicezk, trueai/plus, new-api relays) over core.net.

Groundwork for the Midjourney workspace: submit calls with every return code of the three
dialects turned into a result or one clear error, tasks parsed leniently (unknown keys
ignored, an empty body or ``task_no_found`` meaning "not found"), and button lookup by
label, emoji or customId. See shared/reference/midjourney-proxy.md.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from desktop_client.core.api.mj_types import MjStatus, MjTask, SubmitResult, as_int, parse_task
from desktop_client.core.errors import ApiError, ErrorKind
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.net.errors import (
    error_from_response,
    error_from_transport,
    looks_like_html,
    wrong_url_error,
)
from desktop_client.core.settings import ProfileKind
from desktop_client.core.urls import mj_endpoint

__all__ = ["MjClient", "MjStatus", "MjTask", "SubmitResult", "parse_task", "submit_error"]


def submit_error(code: int, description: str, properties: dict[str, Any]) -> ApiError | None:
    """Every failing submit code of the three dialects as one clear error (None: accepted)."""
    if code in (1, 21, 22):
        return None
    detail = description.strip()
    if code == 24:
        word = properties.get("bannedWord") or properties.get("banned_word") or ""
        return ApiError(
            f"Midjourney refused the prompt: it contains the banned word {word!r}"
            if word
            else "Midjourney refused the prompt as possibly sensitive",
            hint="Rephrase the prompt without that word",
            detail=detail,
            kind=ErrorKind.BAD_INPUT,
        )
    if code == 23:
        return ApiError(
            "The Midjourney queue is full", hint="Retry in a few minutes", detail=detail, kind=ErrorKind.RATE_LIMIT
        )
    if code == 30:
        return ApiError(
            "Rate limited by the relay", hint="Wait a moment and retry", detail=detail, kind=ErrorKind.RATE_LIMIT
        )
    if code == 3:
        return ApiError(
            "Not found: the task no longer exists, or the server has no Midjourney account available",
            hint="Check the task id, or ask the server's owner about its accounts",
            detail=detail,
            kind=ErrorKind.NOT_FOUND,
        )
    if code == 4:
        return ApiError(
            "The server rejected the request as invalid",
            hint="Check the prompt and images",
            detail=detail,
            kind=ErrorKind.BAD_INPUT,
        )
    return ApiError(
        f"Midjourney submit failed (code {code})",
        hint="See the server's message",
        detail=detail,
        kind=ErrorKind.SERVER,
    )


class MjClient:
    def __init__(self, http: SecureHttp) -> None:
        self.http = http

    def _url(self, path: str) -> str:
        return mj_endpoint(self.http.base_url, path)

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        try:
            return await self.http.client.request(method, self._url(path), json=body)
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, idle_read=self.http.timeouts.idle_read) from None

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        if response.status_code >= 400:
            # Error bodies are read for an envelope only; a gateway's HTML page is a server
            # error (error_from_response says so), not a wrong URL.
            try:
                return json.loads(response.content) if response.content.strip() else None
            except ValueError:
                return None
        if looks_like_html(response.headers, response.content):
            raise wrong_url_error(ProfileKind.MIDJOURNEY, response.status_code)
        if not response.content.strip():
            return None
        try:
            payload = json.loads(response.content)
        except ValueError:
            raise ApiError(
                "The server's answer was not understood",
                hint="Check that the base URL points at a midjourney-proxy server",
                kind=ErrorKind.PROTOCOL,
            ) from None
        if isinstance(payload, dict) and payload.get("success") is False and "id" not in payload:
            # trueai's refusal with status 200: {"success": false, "code": -1, "message": "请重新登录"}
            message = str(payload.get("message") or payload.get("description") or "")
            login = "登录" in message or "login" in message.lower()
            raise ApiError(
                "The server asks to log in again: the key was not accepted"
                if login
                else "The server refused the request",
                hint="Check the key in the profile" if login else "See the server's message",
                detail=message,
                kind=ErrorKind.BAD_KEY if login else ErrorKind.SERVER,
            )
        return payload

    async def _submit(self, path: str, body: dict[str, Any]) -> SubmitResult:
        response = await self._request("POST", path, body)
        payload = self._json(response)
        if response.status_code >= 400:
            # new-api: {"description", "type": "upstream_error", "code"}; trueai: 404 with code 3.
            if (
                isinstance(payload, dict)
                and isinstance(payload.get("code"), int)
                and response.status_code in (400, 404, 429)
            ):
                error = submit_error(int(payload["code"]), str(payload.get("description") or ""), {})
                if error is not None:
                    raise error
            raise error_from_response(
                response.status_code, response.headers, response.content, ProfileKind.MIDJOURNEY
            )
        if not isinstance(payload, dict) or "code" not in payload:
            raise ApiError(
                "The server's answer was not understood", hint="Check the base URL", kind=ErrorKind.PROTOCOL
            )
        code = int(payload.get("code") or 0)
        description = str(payload.get("description") or "")
        properties = payload.get("properties") if isinstance(payload.get("properties"), dict) else {}
        error = submit_error(code, description, properties or {})
        if error is not None:
            raise error
        result = payload.get("result")
        return SubmitResult(
            task_id=str(result[0] if isinstance(result, list) and result else result or ""),
            code=code,
            description=description,
            properties=dict(properties or {}),
            needs_modal=code == 21 or "waiting for window confirm" in description.lower(),
            # new-api rewrites 22 to 1 but keeps the queue length.
            queue_position=as_int((properties or {}).get("numberOfQueues")) or None,
        )

    async def imagine(
        self, prompt: str, *, images: list[str] | None = None, bot_type: str = "MID_JOURNEY"
    ) -> SubmitResult:
        body: dict[str, Any] = {"prompt": prompt, "botType": bot_type}
        if images:
            body["base64Array"] = list(images)
        return await self._submit("submit/imagine", body)

    async def action(self, task_id: str, custom_id: str) -> SubmitResult:
        return await self._submit("submit/action", {"taskId": task_id, "customId": custom_id})

    async def modal(self, task_id: str, prompt: str = "", mask_base64: str | None = None) -> SubmitResult:
        body: dict[str, Any] = {"taskId": task_id, "prompt": prompt}
        if mask_base64:
            body["maskBase64"] = mask_base64
        return await self._submit("submit/modal", body)

    async def describe(self, image: str, *, bot_type: str = "MID_JOURNEY") -> SubmitResult:
        return await self._submit("submit/describe", {"base64": image, "botType": bot_type})

    async def blend(self, images: list[str], dimensions: str = "SQUARE") -> SubmitResult:
        if not 2 <= len(images) <= 5:
            raise ApiError(
                "Blend takes 2 to 5 images", hint="Choose between two and five images", kind=ErrorKind.BAD_INPUT
            )
        return await self._submit("submit/blend", {"base64Array": list(images), "dimensions": dimensions.upper()})

    async def shorten(self, prompt: str) -> SubmitResult:
        return await self._submit("submit/shorten", {"prompt": prompt})

    async def change(self, task_id: str, action: str, index: int) -> SubmitResult:
        return await self._submit("submit/change", {"taskId": task_id, "action": action.upper(), "index": index})

    async def fetch(self, task_id: str) -> MjTask | None:
        response = await self._request("GET", f"task/{task_id}/fetch")
        if response.status_code == 204:
            return None
        payload = self._json(response)
        if response.status_code >= 400:
            if isinstance(payload, dict) and "task_no_found" in str(payload.get("description", "")):
                return None
            raise error_from_response(
                response.status_code, response.headers, response.content, ProfileKind.MIDJOURNEY
            )
        return parse_task(payload)

    async def list_by_condition(self, ids: list[str]) -> list[MjTask]:
        response = await self._request("POST", "task/list-by-condition", {"ids": list(ids)})
        payload = self._json(response)
        if response.status_code >= 400:
            raise error_from_response(
                response.status_code, response.headers, response.content, ProfileKind.MIDJOURNEY
            )
        items = payload.get("data") if isinstance(payload, dict) else payload
        return [t for t in (parse_task(item) for item in items or []) if t is not None]

    async def image_seed(self, task_id: str) -> str:
        response = await self._request("GET", f"task/{task_id}/image-seed")
        payload = self._json(response)
        if response.status_code >= 400 or not isinstance(payload, dict):
            raise error_from_response(
                response.status_code, response.headers, response.content, ProfileKind.MIDJOURNEY
            )
        error = submit_error(int(payload.get("code") or 0), str(payload.get("description") or ""), {})
        if error is not None:
            raise error
        return str(payload.get("result") or "")
