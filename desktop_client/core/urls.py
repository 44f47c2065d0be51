"""Base URL normalisation for OpenAI-compatible and midjourney-proxy servers.

Users paste every variant: with and without ``/v1``, with a trailing slash, the
full ``/chat/completions`` endpoint, a relay's ``/mj-relax`` mode prefix. We keep
what they meant and never build ``/v1/v1``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal
from urllib.parse import SplitResult, urlsplit, urlunsplit

from desktop_client.core.errors import N_, InputError, Template
from desktop_client.core.settings import ProfileKind

_VERSION_TAIL = re.compile(r"/v\d+(?:alpha|beta)?\d*$")
_OPENAI_ENDPOINTS = (
    "/chat/completions",
    "/completions",
    "/models",
    "/images/generations",
    "/images/edits",
    "/embeddings",
    "/responses",
)
_MJ_MODE_PREFIX = re.compile(r"/mj-(?:relax|fast|turbo)$")


class UrlWarning(StrEnum):
    REMOVED_ENDPOINT = "removed_endpoint"
    TRAILING_MJ = "trailing_mj"
    PLAIN_HTTP = "plain_http"


WARNING_TEXT: dict[UrlWarning, str] = {
    UrlWarning.REMOVED_ENDPOINT: "The URL pointed at an endpoint; Keyhold kept only the base part.",
    UrlWarning.TRAILING_MJ: (
        "The base URL ends in /mj. Keyhold adds /mj/… itself, so requests would go to …/mj/mj/…. "
        "Remove the trailing /mj unless your server is really mounted there."
    ),
    UrlWarning.PLAIN_HTTP: "This URL uses plain http: the key and every prompt travel unencrypted.",
}


@dataclass(frozen=True)
class NormalizedUrl:
    base: str
    warnings: tuple[UrlWarning, ...] = ()


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    host = host.strip("[]").lower()
    # Only the literal name: other *.localhost names may be resolved through DNS.
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(url: str) -> str:
    """Host and port for display, without any user:password part."""
    try:
        return urlsplit(url).netloc.rsplit("@", 1)[-1]
    except ValueError:
        return ""


def is_loopback_url(url: str) -> bool:
    try:
        return is_loopback_host(urlsplit(url).hostname)
    except ValueError:
        return False


# Which address failed to parse: (not an address, non-ASCII host or port).
_UNPARSABLE: Final[dict[Literal["base URL", "proxy URL"], tuple[Template, Template]]] = {
    "base URL": (
        N_("Errors", "The base URL is not a valid address (check the host name, brackets and port)"),
        N_("Errors", "The base URL contains non-ASCII characters in the host or port"),
    ),
    "proxy URL": (
        N_("Errors", "The proxy URL is not a valid address (check the host name, brackets and port)"),
        N_("Errors", "The proxy URL contains non-ASCII characters in the host or port"),
    ),
}


def _parse(text: str, what: Literal["base URL", "proxy URL"]) -> SplitResult:
    """urlsplit with every parse failure as an InputError that does not repeat the input
    (which may hold a password)."""
    invalid, non_ascii = _UNPARSABLE[what]
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a malformed or out-of-range port
        hostname = parts.hostname
    except ValueError:
        raise InputError(
            invalid, hint=N_("Errors", "Use a form like https://host.example.com:8443 with ASCII characters only")
        ) from None
    if hostname and any(ord(c) > 127 for c in parts.netloc):
        raise InputError(
            non_ascii,
            hint=N_("Errors", "Check for full-width characters such as ： or ／ typed by an input method"),
        )
    return parts


def _split_checked(raw: str) -> tuple[str, str, str]:
    text = raw.strip()
    if not text:
        raise InputError(
            N_("Errors", "The base URL is empty"),
            hint=N_("Errors", "Enter the server address, for example https://api.openai.com"),
        )
    if "://" not in text:
        raise InputError(
            N_("Errors", "The base URL has no scheme"),
            hint=N_("Errors", "Start it with https:// (or http:// for a server on this computer)"),
        )
    parts = _parse(text, "base URL")
    if parts.scheme.lower() not in ("http", "https"):
        raise InputError(
            N_("Errors", "The base URL scheme %1 is not supported"),
            hint=N_("Errors", "Use https://"),
            args=(repr(parts.scheme),),
        )
    if not parts.hostname:
        raise InputError(
            N_("Errors", "The base URL has no host name"),
            hint=N_("Errors", "Use a form like https://api.example.com"),
        )
    if parts.query or parts.fragment:
        raise InputError(
            N_("Errors", "The base URL must not contain ? or #"),
            hint=N_("Errors", "Remove everything from the ? or # on"),
        )
    if any(c.isspace() for c in text):
        raise InputError(
            N_("Errors", "The base URL contains spaces"), hint=N_("Errors", "Remove the spaces inside the address")
        )
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    return parts.scheme.lower(), parts.netloc, path


def normalize_base_url(raw: str, kind: ProfileKind) -> NormalizedUrl:
    scheme, netloc, path = _split_checked(raw)
    warnings: list[UrlWarning] = []
    if kind is ProfileKind.OPENAI:
        lowered = path.lower()
        for endpoint in _OPENAI_ENDPOINTS:
            if lowered.endswith(endpoint):
                path = path[: -len(endpoint)].rstrip("/")
                warnings.append(UrlWarning.REMOVED_ENDPOINT)
                break
    else:
        index = path.lower().find("/mj/")
        if index >= 0:
            path = path[:index]
            warnings.append(UrlWarning.REMOVED_ENDPOINT)
        if path.lower().endswith("/mj"):
            warnings.append(UrlWarning.TRAILING_MJ)
    if scheme == "http" and not is_loopback_url(raw.strip()):
        warnings.append(UrlWarning.PLAIN_HTTP)
    return NormalizedUrl(urlunsplit((scheme, netloc, path, "", "")), tuple(warnings))


def openai_api_root(base: str) -> str:
    """``https://h`` and ``https://h/v1`` both give ``https://h/v1``; ``…/v4`` stays."""
    base = base.rstrip("/")
    if _VERSION_TAIL.search(urlsplit(base).path):
        return base
    return f"{base}/v1"


def openai_endpoint(base: str, path: str) -> str:
    return f"{openai_api_root(base)}/{path.lstrip('/')}"


def mj_endpoint(base: str, path: str) -> str:
    return f"{base.rstrip('/')}/mj/{path.lstrip('/')}"


def is_mode_prefixed(base: str) -> bool:
    return bool(_MJ_MODE_PREFIX.search(urlsplit(base).path))


def validate_proxy_url(raw: str) -> str:
    text = raw.strip()
    if not text:
        return ""
    parts = _parse(text, "proxy URL")
    if parts.scheme.lower() not in ("http", "https", "socks5", "socks5h"):
        raise InputError(
            N_("Errors", "The proxy scheme %1 is not supported")
            if parts.scheme
            else N_("Errors", "The proxy URL has no scheme"),
            hint=N_("Errors", "Use http://host:port, https://host:port or socks5://host:port"),
            args=(repr(parts.scheme),),
        )
    if not parts.hostname or not parts.port:
        raise InputError(
            N_("Errors", "The proxy URL needs a host and a port"),
            hint=N_("Errors", "For example socks5://127.0.0.1:1080"),
        )
    return text
