"""Turns transport failures and error responses into one clear KeyholdError.

Relays answer in many shapes (OpenAI's envelope, one-api/new-api, OpenRouter's
numeric codes, vLLM's top-level object, midjourney-proxy's empty 401, nginx and
Cloudflare HTML pages). Each gets a message naming the cause and the fix.
"""

from __future__ import annotations

import re
import ssl
from dataclasses import dataclass
from typing import Any, Final

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


@dataclass(frozen=True)
class _Says:
    """What Keyhold says about one case: the sentence (%1 for a number), the fix, the kind."""

    message: str
    hint: str
    kind: ErrorKind


_ANSWERS: Final[dict[str, _Says]] = {
    "quota": _Says(
        "Out of credit: the account behind this key has no quota left",
        "Top up the account or use another profile; Keyhold does not retry this",
        ErrorKind.QUOTA,
    ),
    "bad_key": _Says(
        "Bad key: the server rejected the API key",
        "Check the key for this profile (Settings → Profiles → Rotate key, or `keyhold profile rotate`)",
        ErrorKind.BAD_KEY,
    ),
    "region": _Says(
        "Forbidden: the provider does not serve your country or region",
        "Use a relay or a provider that serves your region",
        ErrorKind.FORBIDDEN,
    ),
    "forbidden": _Says(
        "Forbidden: the key is not allowed to do this",
        "Check the key's permissions, or log in to the relay and check the token's allowed models",
        ErrorKind.FORBIDDEN,
    ),
    "rate_limit": _Says(
        "Rate limited: the server asks to slow down", "Wait a moment and retry", ErrorKind.RATE_LIMIT
    ),
    "no_model": _Says(
        "Model not found: the server does not offer this model to this key",
        "Pick a model from the server's list",
        ErrorKind.NOT_FOUND,
    ),
    "no_endpoint": _Says(
        "Not found: the server has no such endpoint at this base URL", "Check the base URL", ErrorKind.NOT_FOUND
    ),
    "server": _Says(
        "Server error %1: the server or a gateway in front of it failed",
        "Retry later; if it persists, the relay or provider is down",
        ErrorKind.SERVER,
    ),
    "in_body": _Says("The server answered with an error", "See the server's message", ErrorKind.SERVER),
}
# Where the server's own words may be missing, the page's title or the body's start says what it was.
_BODY_AS_DETAIL = frozenset({"bad_key", "forbidden"})


def _answer_case(status: int, parsed: ErrorBody | None, html: bool, kind: ProfileKind) -> str:
    """Which case of ``_ANSWERS`` an error answer is, or "wrong_url" / "refused"."""
    detail = _detail(parsed.message).lower() if parsed else ""
    code = (parsed.code if parsed else "").lower()
    etype = (parsed.type if parsed else "").lower()
    if code in QUOTA_CODES or etype in QUOTA_CODES or status == 402 or "insufficient balance" in detail:
        return "quota"
    # trueai answers a wrong secret with 403 "未登录" (not logged in).
    mj_auth_refused = kind is ProfileKind.MIDJOURNEY and status == 403
    if status == 401 or code in ("invalid_api_key", "401") or mj_auth_refused:
        return "wrong_url" if html and status != 401 else "bad_key"
    if status == 403:
        return "region" if "country" in code or "region" in detail or "country" in detail else "forbidden"
    if status == 429:
        return "rate_limit"
    if html and (status < 300 or status == 404 or status == 405):
        return "wrong_url"
    if status == 404 or code == "model_not_found":
        return "no_model" if code == "model_not_found" or "model" in detail else "no_endpoint"
    if status >= 500:
        return "server"
    return "in_body" if 200 <= status < 300 else "refused"


def error_from_response(status: int, headers: httpx.Headers, body: bytes, kind: ProfileKind) -> KeyholdError:
    """For a non-2xx answer, or a 2xx whose body is an error or a web page."""
    parsed = parse_error_body(body)
    html = parsed is None and looks_like_html(headers, body)
    detail = _detail(parsed.message) if parsed else ""
    case = _answer_case(status, parsed, html, kind)
    if case == "wrong_url":
        return wrong_url_error(kind, status)
    if case == "refused":
        return ApiError(
            N_("Errors", "The server refused the request (HTTP %1)"),
            hint=N_("Errors", "See the server's message"),
            detail=detail or (html_title(body) if html else ""),
            kind=ErrorKind.BAD_INPUT if 400 <= status < 500 else ErrorKind.SERVER,
            status=status,
            args=(status,),
        )
    says = _ANSWERS[case]
    if case in _BODY_AS_DETAIL and not detail:
        detail = html_title(body) if html else body.decode("utf-8", "replace")[:MAX_DETAIL].strip()
    elif case == "server" and html:
        detail = html_title(body)
    return ApiError(
        says.message,
        hint=says.hint,
        detail=detail,
        # A 2xx error that is not even an error envelope: the answer is not the API's.
        kind=ErrorKind.PROTOCOL if case == "in_body" and parsed is None else says.kind,
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


_TRANSPORT: Final[dict[str, _Says]] = {
    "proxy": _Says(
        "Proxy problem: the proxy refused or failed the connection",
        "Check the proxy address and that the proxy is running",
        ErrorKind.PROXY,
    ),
    "connect_timeout": _Says(
        "Unreachable: connecting to the server timed out",
        "Check the address, your network and any proxy or firewall",
        ErrorKind.UNREACHABLE,
    ),
    "idle": _Says(
        "Timeout: the server sent nothing%1",
        "Retry; if it keeps happening, the server or relay is overloaded",
        ErrorKind.TIMEOUT,
    ),
    "timeout": _Says("Timeout: the server did not answer in time", "Retry later", ErrorKind.TIMEOUT),
    "tls": _Says(
        "TLS problem: the server's certificate could not be verified",
        "Check the address; a relay with a self-signed or expired certificate must fix it "
        "(Keyhold never disables verification)",
        ErrorKind.TLS,
    ),
    "dns": _Says(
        "Unreachable: the host name could not be resolved",
        "Check the spelling of the base URL and your DNS or proxy",
        ErrorKind.UNREACHABLE,
    ),
    "connect": _Says(
        "Unreachable: could not connect to the server",
        "Check the address and port, and that the server is running",
        ErrorKind.UNREACHABLE,
    ),
    "redirect_loop": _Says("Wrong URL: the server redirects in a loop", "Check the base URL", ErrorKind.WRONG_URL),
    "closed": _Says(
        "The server closed the connection unexpectedly",
        "Retry; if it persists, check the base URL and any proxy",
        ErrorKind.SERVER,
    ),
    "other": _Says("Network error (%1)", "Check your connection and retry", ErrorKind.UNREACHABLE),
}
# The cases whose exception text helps (an address, a proxy's words); the rest say it all.
_TEXT_AS_DETAIL = frozenset({"proxy", "tls", "connect", "closed", "other"})


def _transport_case(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ProxyError):
        return "proxy"
    if isinstance(exc, httpx.ConnectTimeout):
        return "connect_timeout"
    if isinstance(exc, httpx.ReadTimeout):
        return "idle"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, httpx.ConnectError):
        if _is_tls(exc):
            return "tls"
        lowered = str(exc).lower()
        if "name or service not known" in lowered or "nodename" in lowered or "getaddrinfo" in lowered:
            return "dns"
        return "connect"
    if isinstance(exc, httpx.TooManyRedirects):
        return "redirect_loop"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "closed"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "scheme"
    return "other"


def error_from_transport(exc: httpx.HTTPError, *, idle_read: float | None = None) -> KeyholdError:
    case = _transport_case(exc)
    if case == "scheme":
        return ApiError(
            N_("Errors", "The URL scheme is not supported"),
            hint=N_("Errors", "Use https://"),
            kind=ErrorKind.BAD_INPUT,
        )
    says = _TRANSPORT[case]
    # %1: how long the idle wait was, or which exception it was.
    arg = (f" for {idle_read:g} s" if idle_read else "") if case == "idle" else type(exc).__name__
    return ApiError(
        says.message,
        hint=says.hint,
        detail=str(exc) if case in _TEXT_AS_DETAIL else "",
        kind=says.kind,
        args=(arg,),
    )
