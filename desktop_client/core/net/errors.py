"""Turns transport failures and error responses into one clear KeyholdError.

Relays answer in many shapes (OpenAI's envelope, one-api/new-api, OpenRouter's
numeric codes, vLLM's top-level object, midjourney-proxy's empty 401, nginx and
Cloudflare HTML pages). Each gets a message naming the cause and the fix.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from typing import Any

import httpx

from desktop_client.core.errors import N_, ApiError, ErrorKind, KeyholdError
from desktop_client.core.jsonsafe import as_str, loads
from desktop_client.core.settings import ProfileKind

_TITLE = re.compile(rb"<title>\s*(.*?)\s*</title>", re.I | re.S)
QUOTA_CODES = {"insufficient_quota", "credit_balance_exhausted", "insufficient_balance", "quota_exceeded"}
MAX_DETAIL = 300


@dataclass(frozen=True)
class ErrorBody:
    message: str = ""
    code: str = ""
    type: str = ""


def _text(value: Any) -> str:
    text = as_str(value, MAX_DETAIL * 4)
    return "" if text == "None" else text


def parse_error_body(body: bytes) -> ErrorBody | None:
    """Reads the error envelope of any dialect; None when the body is not a JSON error."""
    try:
        data = loads(body.decode("utf-8", errors="replace")) if body.strip() else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    inner = data.get("error", data)
    if isinstance(inner, str):
        return ErrorBody(message=inner)
    if not isinstance(inner, dict):
        return None
    message = _text(inner.get("message") or inner.get("description") or inner.get("msg") or data.get("message"))
    code = _text(inner.get("code"))
    kind = _text(inner.get("type"))
    if not (message or code or kind):
        return None
    return ErrorBody(message=message.strip(), code=code, type=kind)


def looks_like_html(headers: httpx.Headers, body: bytes) -> bool:
    ctype = headers.get("content-type", "").lower()
    if "text/html" in ctype:
        return True
    head = body.lstrip()[:256].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def html_title(body: bytes) -> str:
    match = _TITLE.search(body[:4096])
    return match.group(1).decode("utf-8", "replace").strip() if match else ""


def _detail(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


def wrong_url_error(kind: ProfileKind, status: int) -> ApiError:
    if kind is ProfileKind.MIDJOURNEY:
        hint = (
            "Check the base URL: use the server root such as https://mj.example.com (or a mode prefix "
            "such as https://relay.example.com/mj-relax); Keyhold adds /mj/… itself"
        )
    else:
        hint = (
            "Check the base URL: use the API root such as https://relay.example.com or "
            "https://relay.example.com/v1, not the address of its web page"
        )
    return ApiError(
        "Wrong URL: this base URL serves a web page, not the API",
        hint=hint,
        kind=ErrorKind.WRONG_URL,
        status=status,
    )


def not_the_api_error(kind: ProfileKind, status: int) -> ApiError:
    """A 2xx whose body is JSON, but not the API's (a different service at that address)."""
    return ApiError(
        "Wrong URL: the server answered, but not like the API",
        hint=wrong_url_error(kind, status).hint,
        kind=ErrorKind.WRONG_URL,
        status=status,
    )


def error_from_response(status: int, headers: httpx.Headers, body: bytes, kind: ProfileKind) -> KeyholdError:
    """For a non-2xx answer, or a 2xx whose body is an error or a web page."""
    parsed = parse_error_body(body)
    html = parsed is None and looks_like_html(headers, body)
    detail = _detail(parsed.message) if parsed else ""
    code = (parsed.code if parsed else "").lower()
    etype = (parsed.type if parsed else "").lower()
    lowered = detail.lower()

    if code in QUOTA_CODES or etype in QUOTA_CODES or status == 402 or "insufficient balance" in lowered:
        return ApiError(
            "Out of credit: the account behind this key has no quota left",
            hint="Top up the account or use another profile; Keyhold does not retry this",
            detail=detail,
            kind=ErrorKind.QUOTA,
            status=status,
        )
    # trueai answers a wrong secret with 403 "未登录" (not logged in).
    mj_auth_refused = kind is ProfileKind.MIDJOURNEY and status == 403
    if status == 401 or code in ("invalid_api_key", "401") or mj_auth_refused:
        if html and status != 401:
            return wrong_url_error(kind, status)
        return ApiError(
            "Bad key: the server rejected the API key",
            hint="Check the key for this profile (Settings → Profiles → Rotate key, or `keyhold profile rotate`)",
            detail=detail or (html_title(body) if html else body.decode("utf-8", "replace")[:MAX_DETAIL].strip()),
            kind=ErrorKind.BAD_KEY,
            status=status,
        )
    if status == 403:
        if "country" in code or "region" in lowered or "country" in lowered:
            return ApiError(
                "Forbidden: the provider does not serve your country or region",
                hint="Use a relay or a provider that serves your region",
                detail=detail,
                kind=ErrorKind.FORBIDDEN,
                status=status,
            )
        return ApiError(
            "Forbidden: the key is not allowed to do this",
            hint="Check the key's permissions, or log in to the relay and check the token's allowed models",
            detail=detail or (html_title(body) if html else body.decode("utf-8", "replace")[:MAX_DETAIL].strip()),
            kind=ErrorKind.FORBIDDEN,
            status=status,
        )
    if status == 429:
        return ApiError(
            "Rate limited: the server asks to slow down",
            hint="Wait a moment and retry",
            detail=detail,
            kind=ErrorKind.RATE_LIMIT,
            status=status,
        )
    if html and (status < 300 or status == 404 or status == 405):
        return wrong_url_error(kind, status)
    if status == 404 or code == "model_not_found":
        if code == "model_not_found" or "model" in lowered:
            return ApiError(
                "Model not found: the server does not offer this model to this key",
                hint="Pick a model from the server's list",
                detail=detail,
                kind=ErrorKind.NOT_FOUND,
                status=status,
            )
        return ApiError(
            "Not found: the server has no such endpoint at this base URL",
            hint="Check the base URL",
            detail=detail,
            kind=ErrorKind.NOT_FOUND,
            status=status,
        )
    if status >= 500:
        what = html_title(body) if html else detail
        return ApiError(
            f"Server error {status}: the server or a gateway in front of it failed",
            hint="Retry later; if it persists, the relay or provider is down",
            detail=what,
            kind=ErrorKind.SERVER,
            status=status,
        )
    if 200 <= status < 300:
        return ApiError(
            "The server answered with an error",
            hint="See the server's message",
            detail=detail,
            kind=ErrorKind.SERVER if parsed else ErrorKind.PROTOCOL,
            status=status,
        )
    return ApiError(
        N_("Errors", "The server refused the request (HTTP %1)"),
        hint=N_("Errors", "See the server's message"),
        detail=detail or (html_title(body) if html else ""),
        kind=ErrorKind.BAD_INPUT if 400 <= status < 500 else ErrorKind.SERVER,
        status=status,
        args=(status,),
    )


def _is_tls(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        text = str(current)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text or "TLS" in text:
            return True
        current = current.__cause__ or current.__context__
    return False


def error_from_transport(exc: httpx.HTTPError, *, idle_read: float | None = None) -> KeyholdError:
    text = str(exc)
    if isinstance(exc, httpx.ProxyError):
        return ApiError(
            "Proxy problem: the proxy refused or failed the connection",
            hint="Check the proxy address and that the proxy is running",
            detail=text,
            kind=ErrorKind.PROXY,
        )
    if isinstance(exc, httpx.ConnectTimeout):
        return ApiError(
            "Unreachable: connecting to the server timed out",
            hint="Check the address, your network and any proxy or firewall",
            kind=ErrorKind.UNREACHABLE,
        )
    if isinstance(exc, httpx.ReadTimeout):
        wait = f" for {idle_read:g} s" if idle_read else ""
        return ApiError(
            f"Timeout: the server sent nothing{wait}",
            hint="Retry; if it keeps happening, the server or relay is overloaded",
            kind=ErrorKind.TIMEOUT,
        )
    if isinstance(exc, httpx.TimeoutException):
        return ApiError("Timeout: the server did not answer in time", hint="Retry later", kind=ErrorKind.TIMEOUT)
    if isinstance(exc, httpx.ConnectError):
        if _is_tls(exc):
            return ApiError(
                "TLS problem: the server's certificate could not be verified",
                hint="Check the address; a relay with a self-signed or expired certificate must fix it "
                "(Keyhold never disables verification)",
                detail=text,
                kind=ErrorKind.TLS,
            )
        lowered = text.lower()
        if "name or service not known" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
            return ApiError(
                "Unreachable: the host name could not be resolved",
                hint="Check the spelling of the base URL and your DNS or proxy",
                kind=ErrorKind.UNREACHABLE,
            )
        return ApiError(
            "Unreachable: could not connect to the server",
            hint="Check the address and port, and that the server is running",
            detail=text,
            kind=ErrorKind.UNREACHABLE,
        )
    if isinstance(exc, httpx.TooManyRedirects):
        return ApiError(
            "Wrong URL: the server redirects in a loop",
            hint="Check the base URL",
            kind=ErrorKind.WRONG_URL,
        )
    if isinstance(exc, httpx.RemoteProtocolError):
        return ApiError(
            "The server closed the connection unexpectedly",
            hint="Retry; if it persists, check the base URL and any proxy",
            detail=text,
            kind=ErrorKind.SERVER,
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return ApiError(
            N_("Errors", "The URL scheme is not supported"),
            hint=N_("Errors", "Use https://"),
            kind=ErrorKind.BAD_INPUT,
        )
    return ApiError(
        f"Network error ({type(exc).__name__})",
        hint="Check your connection and retry",
        detail=text,
        kind=ErrorKind.UNREACHABLE,
    )
