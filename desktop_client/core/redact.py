"""Removes every known secret from text before it is logged, shown or raised.

Secrets are registered when they enter the process (read from the keyring, typed
into a form, read from stdin). A few generic patterns catch key-shaped strings
that were never registered, as a second line of defence.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import threading
from urllib.parse import quote, urlsplit

# Short hand-picked secrets (an mj-api-secret such as "m1dj") still count; shorter ones
# would turn ordinary words into holes.
_MIN_SECRET_LEN = 4
_GENERIC_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_\-]{12,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}"),
    re.compile(r"(?i)(mj-api-secret[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{4,}"),
)


class Redactor:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}
        self._pattern: re.Pattern[str] | None = None

    def add(self, secret: str | None, label: str = "secret") -> None:
        if not secret:
            return
        forms = {secret, secret.strip(), quote(secret, safe=""), quote(secret, safe="/:")}
        stripped = secret.strip().rstrip("/")
        forms.add(stripped)
        forms.update(_url_parts(stripped))
        with self._lock:
            for form in forms:
                if len(form) >= _MIN_SECRET_LEN:
                    self._secrets[form] = label
            self._pattern = None

    def clear(self) -> None:
        with self._lock:
            self._secrets.clear()
            self._pattern = None

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._secrets:
                # Longest first so a base URL is replaced whole, not piecewise.
                alternatives = sorted(self._secrets, key=len, reverse=True)
                self._pattern = re.compile("|".join(re.escape(a) for a in alternatives))
            return self._pattern

    def redact(self, text: str) -> str:
        if not text:
            return text
        pattern = self._compiled()
        if pattern is not None:
            secrets = self._secrets
            text = pattern.sub(lambda m: f"<{secrets.get(m.group(0), 'secret')}>", text)
        text = _GENERIC_PATTERNS[0].sub("<key>", text)
        text = _GENERIC_PATTERNS[1].sub(lambda m: m.group(1) + "<key>", text)
        return _GENERIC_PATTERNS[2].sub(lambda m: m.group(1) + "<key>", text)


def _url_parts(text: str) -> set[str]:
    """The host and host:port of a URL secret: TLS and DNS errors name the host alone."""
    if "://" not in text:
        return set()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        netloc = parts.netloc.rsplit("@", 1)[-1]
    except ValueError:
        return set()
    if not host or host == "localhost":
        return set()
    try:
        if ipaddress.ip_address(host.strip("[]")).is_loopback:
            return set()
    except ValueError:
        pass
    forms = {host, netloc, netloc.lower()}
    if parts.username or parts.password:
        forms.add(parts.netloc)
        forms.update(p for p in (parts.username, parts.password) if p)
    with contextlib.suppress(UnicodeError):
        forms.add(host.encode("idna").decode("ascii"))
    return forms


REDACTOR = Redactor()


def redact(text: str) -> str:
    return REDACTOR.redact(text)


def register_secret(secret: str | None, label: str = "secret") -> None:
    REDACTOR.add(secret, label)
