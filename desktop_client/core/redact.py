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
# Base URL paths every relay shares: registering them would punch holes in ordinary text.
_GENERIC_PATH = re.compile(r"(?i)(?:/(?:v\d+(?:alpha|beta)?\d*|api|openai|mj(?:-\w+)?|proxy|relay))*/?")
SERVER = "server:"  # what a link on the profile's own server keeps of its address
_GENERIC_PATTERNS = (
    re.compile(r"\bsk-[A-Za-z0-9_\-]{12,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=\-]{8,}"),
    re.compile(r"(?i)(mj-api-secret[\"']?\s*[:=]\s*[\"']?)[^\s\"',}]{4,}"),
)


class Redactor:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, str] = {}
        self._origins: set[str] = set()  # scheme://host[:port] of registered base URLs
        self._pattern: re.Pattern[str] | None = None
        self._known: tuple[re.Pattern[str], tuple[str, ...]] | None = None

    def add(self, secret: str | None, label: str = "secret") -> None:
        if not secret:
            return
        forms = {secret, secret.strip(), quote(secret, safe=""), quote(secret, safe="/:")}
        stripped = secret.strip().rstrip("/")
        forms.add(stripped)
        forms.update(_url_parts(stripped))
        origins: set[str] = set()
        if label.startswith("base-url"):
            forms.update(_path_parts(stripped))
            origins = _origins(stripped)
        with self._lock:
            for form in forms:
                if len(form) >= _MIN_SECRET_LEN:
                    self._secrets[form] = label
            self._origins.update(o.casefold() for o in origins)
            self._pattern = None
            self._known = None

    def clear(self) -> None:
        with self._lock:
            self._secrets.clear()
            self._origins.clear()
            self._pattern = None
            self._known = None

    def _compiled(self) -> re.Pattern[str] | None:
        with self._lock:
            if self._pattern is None and self._secrets:
                # Longest first so a base URL is replaced whole, not piecewise.
                alternatives = sorted(self._secrets, key=len, reverse=True)
                # Any case: a host or path written in capitals is the same address.
                self._pattern = re.compile("|".join(re.escape(a) for a in alternatives), re.IGNORECASE)
            return self._pattern

    def _label(self, found: str) -> str:
        label = self._secrets.get(found)
        if label is None:
            folded = found.casefold()
            label = next((v for k, v in self._secrets.items() if k.casefold() == folded), "secret")
        return label

    def _known_pattern(self) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
        with self._lock:
            if self._known is None and (self._secrets or self._origins):
                forms = sorted({*self._secrets, *self._origins}, key=len, reverse=True)
                self._known = (
                    re.compile("|".join(re.escape(f) for f in forms), re.IGNORECASE),
                    tuple(f.casefold() for f in forms),
                )
            return self._known

    def redact_known(self, text: str) -> str:
        """Only the registered secrets, for text that is the user's own (a model's answer):
        a link on a profile's server keeps its path as ``server:/path``, like Midjourney's
        image URLs; the generic key patterns are not applied (answers may discuss keys)."""
        known = self._known_pattern()
        if not text or known is None:
            return text
        origins = self._origins
        return known[0].sub(
            lambda m: SERVER if m.group(0).casefold() in origins else f"<{self._label(m.group(0))}>", text
        )

    def stream(self) -> StreamRedactor:
        return StreamRedactor(self)

    def redact(self, text: str) -> str:
        if not text:
            return text
        pattern = self._compiled()
        if pattern is not None:
            text = pattern.sub(lambda m: f"<{self._label(m.group(0))}>", text)
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


def _origins(url: str) -> set[str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return set()
    # Unlike a bare host, an origin is specific enough to replace even on loopback.
    if not parts.scheme or not parts.netloc:
        return set()
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return {f"{parts.scheme}://{netloc}", f"{parts.scheme.lower()}://{netloc.lower()}"}


def _path_parts(url: str) -> set[str]:
    """A base URL's own path (``/u/7f3a…/v1``): relays echo it in error pages, and some put
    a token there."""
    try:
        path = urlsplit(url).path.rstrip("/")
    except ValueError:
        return set()
    if not path or _GENERIC_PATH.fullmatch(path):
        return set()
    forms = {path}
    forms.update(seg for seg in path.split("/") if len(seg) >= 8 and not _GENERIC_PATH.fullmatch("/" + seg))
    return forms


class StreamRedactor:
    """``redact_known`` over text that arrives in pieces: a secret split across two deltas is
    still caught, because a tail that could be the start of one waits for the next piece."""

    def __init__(self, redactor: Redactor) -> None:
        self._redactor = redactor
        self._held = ""

    def feed(self, text: str) -> str:
        known = self._redactor._known_pattern()
        if known is None:
            out, self._held = self._held + text, ""
            return out
        buffer = self._redactor.redact_known(self._held + text)
        forms = known[1]
        longest = len(forms[0])
        starts = {form[0] for form in forms}
        cut = len(buffer)
        for index in range(max(0, len(buffer) - longest + 1), len(buffer)):
            if buffer[index].casefold() in starts:
                tail = buffer[index:].casefold()
                if any(len(form) > len(tail) and form.startswith(tail) for form in forms):
                    cut = index
                    break
        self._held = buffer[cut:]
        return buffer[:cut]

    def flush(self) -> str:
        out, self._held = self._held, ""
        return out


REDACTOR = Redactor()


def redact(text: str) -> str:
    return REDACTOR.redact(text)


def register_secret(secret: str | None, label: str = "secret") -> None:
    REDACTOR.add(secret, label)
