"""The midjourney-proxy API (novicezk, trueai/plus, new-api relays) over core.net.

Groundwork for the Midjourney workspace: submit calls with every return code of the three
dialects turned into a result or one clear error, tasks parsed leniently (unknown keys
ignored, an empty body or ``task_no_found`` meaning "not found"), and button lookup by
label, emoji or customId. See shared/reference/midjourney-proxy.md.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from desktop_client.core.api.mj_types import MjStatus, MjTask, SubmitResult, parse_task, valid_task_id
from desktop_client.core.errors import N_, ApiError, ErrorKind
from desktop_client.core.jsonsafe import as_int, as_str, loads
from desktop_client.core.net.client import Reply, SecureHttp
from desktop_client.core.net.errors import error_from_response, looks_like_html, wrong_url_error
from desktop_client.core.settings import ProfileKind
from desktop_client.core.urls import mj_endpoint

__all__ = ["MjClient", "MjStatus", "MjTask", "SubmitResult", "parse_task", "submit_error", "unusable_task_id"]


def unusable_task_id() -> ApiError:
    return ApiError(
        "The server gave the task an id Keyhold cannot use (empty, too long, or with characters such as / or ..)",
        hint="The server is misbehaving; the task cannot be followed from Keyhold",
        kind=ErrorKind.PROTOCOL,
    )


def submit_error(code: int, description: str, properties: dict[str, Any]) -> ApiError | None:
    """Every failing submit code of the three dialects as one clear error (None: accepted)."""
    if code in (1, 21, 22):
        return None
    detail = description.strip()
    if code == 24:
        word = as_str(properties.get("bannedWord") or properties.get("banned_word"), 200)
        return ApiError(
            N_("Errors", "Midjourney refused the prompt: it contains the banned word %1")
            if word
            else N_("Errors", "Midjourney refused the prompt as possibly sensitive"),
            hint=N_("Errors", "Rephrase the prompt without that word"),
            detail=detail,
            kind=ErrorKind.BAD_INPUT,
            args=(repr(word),) if word else (),
        )
    message, hint, kind = _SUBMIT_CODES.get(
        code, ("Midjourney submit failed (code %1)", "See the server's message", ErrorKind.SERVER)
    )
    return ApiError(message, hint=hint, detail=detail, kind=kind, args=(code,))


# A failing submit code → what Keyhold says (codes 1, 21, 22 are accepted, 24 names the word).
_SUBMIT_CODES: dict[int, tuple[str, str, ErrorKind]] = {
    23: ("The Midjourney queue is full", "Retry in a few minutes", ErrorKind.RATE_LIMIT),
    30: ("Rate limited by the relay", "Wait a moment and retry", ErrorKind.RATE_LIMIT),
    3: (
        "Not found: the task no longer exists, or the server has no Midjourney account available",
        "Check the task id, or ask the server's owner about its accounts",
        ErrorKind.NOT_FOUND,
    ),
    4: (
        N_("Errors", "The server rejected the request as invalid"),
        N_("Errors", "Check the prompt and images"),
        ErrorKind.BAD_INPUT,
    ),
}


class MjClient:
    def __init__(self, http: SecureHttp) -> None:
        self.http = http

    def _url(self, path: str) -> str:
        return mj_endpoint(self.http.base_url, path)

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Reply:
        return await self.http.request(method, self._url(path), json=body)

    @staticmethod
    def _task_path(task_id: str, tail: str) -> str:
        # Checked and escaped: a server-supplied id must not steer the request elsewhere.
        if not valid_task_id(task_id):
            raise unusable_task_id()
        return f"task/{quote(task_id, safe='')}/{tail}"

    @staticmethod
    def _json(response: Reply) -> Any:
        if response.status_code >= 400:
            # Error bodies are read for an envelope only; a gateway's HTML page is a server
            # error (error_from_response says so), not a wrong URL.
            try:
                return loads(response.content) if response.content.strip() else None
            except ValueError:
                return None
        if looks_like_html(response.headers, response.content):
            raise wrong_url_error(ProfileKind.MIDJOURNEY, response.status_code)
        if not response.content.strip():
            return None
        try:
            payload = loads(response.content)
        except ValueError:
            raise ApiError(
                "The server's answer was not understood",
                hint="Check that the base URL points at a midjourney-proxy server",
                kind=ErrorKind.PROTOCOL,
            ) from None
        if isinstance(payload, dict) and payload.get("success") is False and "id" not in payload:
            # trueai's refusal with status 200: {"success": false, "code": -1, "message": "请重新登录"}
            message = as_str(payload.get("message") or payload.get("description"), 2000)
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
            code = as_int(payload.get("code")) if isinstance(payload, dict) else None
            if isinstance(payload, dict) and code is not None and response.status_code in (400, 404, 429):
                error = submit_error(code, as_str(payload.get("description"), 2000), {})
                if error is not None:
                    raise error
            raise error_from_response(
                response.status_code, response.headers, response.content, ProfileKind.MIDJOURNEY
            )
        code = as_int(payload.get("code")) if isinstance(payload, dict) else None
        if not isinstance(payload, dict) or code is None:
            raise ApiError(
                "The server's answer was not understood", hint="Check the base URL", kind=ErrorKind.PROTOCOL
            )
        description = as_str(payload.get("description"), 2000)
        properties = payload.get("properties") if isinstance(payload.get("properties"), dict) else {}
        error = submit_error(code, description, properties or {})
        if error is not None:
            raise error
        result = payload.get("result")
        task_id = as_str(result[0] if isinstance(result, list) and result else result, 1000)
        if not valid_task_id(task_id):
            # Nothing could be polled or saved under it: say so now rather than on every poll.
            raise unusable_task_id()
        return SubmitResult(
            task_id=task_id,
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
                N_("Errors", "Blend takes 2 to 5 images"),
                hint=N_("Errors", "Choose between two and five images"),
                kind=ErrorKind.BAD_INPUT,
            )
        return await self._submit("submit/blend", {"base64Array": list(images), "dimensions": dimensions.upper()})

    async def shorten(self, prompt: str) -> SubmitResult:
        return await self._submit("submit/shorten", {"prompt": prompt})

    async def change(self, task_id: str, action: str, index: int) -> SubmitResult:
        return await self._submit("submit/change", {"taskId": task_id, "action": action.upper(), "index": index})

    async def fetch(self, task_id: str) -> MjTask | None:
        response = await self._request("GET", self._task_path(task_id, "fetch"))
        if response.status_code == 204:
            return None
        payload = self._json(response)
        if response.status_code >= 400:
            if isinstance(payload, dict) and "task_no_found" in as_str(payload.get("description"), 2000):
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
        if items is None:
            return []
        if not isinstance(items, list):
            raise ApiError(
                "The server's task list was not understood",
                hint="Check that the base URL points at a midjourney-proxy server",
                kind=ErrorKind.PROTOCOL,
            )
        # A malformed record is skipped; the others still count.
        return [t for t in (parse_task(item) for item in items) if t is not None]

    async def image_seed(self, task_id: str) -> str:
        response = await self._request("GET", self._task_path(task_id, "image-seed"))
        payload = self._json(response)
        if response.status_code >= 400 or not isinstance(payload, dict):
            raise error_from_response(
                response.status_code, response.headers, response.content, ProfileKind.MIDJOURNEY
            )
        error = submit_error(as_int(payload.get("code")) or 0, as_str(payload.get("description"), 2000), {})
        if error is not None:
            raise error
        return as_str(payload.get("result"), 200)
