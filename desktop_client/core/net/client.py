"""One long-lived ``httpx.AsyncClient`` per profile, with the security policy built in.

A request hook runs for every hop, redirects included, so it is the one place that
(1) refuses plain http to anything but loopback unless the profile allows it and
(2) attaches auth headers only when the request goes to the profile's own origin.
"""

from __future__ import annotations

import logging
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from desktop_client import __version__
from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.profiles import ResolvedProfile
from desktop_client.core.settings import MjAuth, ProfileKind
from desktop_client.core.urls import is_loopback_host, is_loopback_url

log = logging.getLogger(__name__)

AUTH_HEADERS = ("authorization", "mj-api-secret", "api-key", "x-api-key")
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    # Between two reads of a stream: keep-alive comments reset it.
    idle_read: float = 60.0
    write: float = 60.0
    pool: float = 10.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.idle_read, write=self.write, pool=self.pool)


def origin(url: httpx.URL | str) -> tuple[str, str, int]:
    parts = urlsplit(str(url))
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme, 0)


def same_host(url: httpx.URL | str, base_url: str) -> bool:
    """The profile's own server on any port or scheme: its address is a secret like the key."""
    return httpx.URL(url).host == httpx.URL(base_url).host


def auth_headers(profile: ResolvedProfile) -> dict[str, str]:
    key = profile.secrets.api_key.reveal()
    if profile.kind is ProfileKind.MIDJOURNEY and profile.record.mj_auth is MjAuth.MJ_API_SECRET:
        return {"mj-api-secret": key}
    return {"Authorization": f"Bearer {key}"}


class SecureHttp:
    """The transport policy for one profile. Use ``client`` for requests."""

    def __init__(
        self,
        profile: ResolvedProfile,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_redirects: int = 5,
    ) -> None:
        self.profile = profile
        self.base_url = profile.secrets.base_url.reveal()
        self._origin = origin(self.base_url)
        self._auth = auth_headers(profile)
        self.timeouts = timeouts or Timeouts()
        proxy = profile.secrets.proxy_url.reveal() if profile.secrets.proxy_url else None
        self._proxy_url = proxy
        self.client = httpx.AsyncClient(
            proxy=proxy,
            transport=transport,
            verify=True,
            trust_env=True,
            follow_redirects=True,
            max_redirects=max_redirects,
            timeout=self.timeouts.httpx(),
            headers={"User-Agent": f"Keyhold/{__version__}"},
            event_hooks={"request": [self._on_request]},
        )

    def _plain_text_leaves_machine(self, scheme: str, host: str) -> bool:
        """Plain http whose bytes travel beyond this computer: to a remote host, or to a
        loopback host through a remote proxy (which then sees the key in clear)."""
        if scheme != "http":
            return False
        if not is_loopback_host(host):
            return True
        proxy = self._proxy_url
        if proxy is None and not urllib.request.proxy_bypass(host):
            # The same environment variables httpx honours (trust_env=True).
            env = urllib.request.getproxies()
            proxy = env.get("http") or env.get("all")
        return bool(proxy) and not is_loopback_url(str(proxy))

    @property
    def plain_http_warning(self) -> bool:
        """True when the profile's plain http traffic leaves this computer (allowed, but shown)."""
        scheme, host, _ = self._origin
        return self._plain_text_leaves_machine(scheme, host)

    async def _on_request(self, request: httpx.Request) -> None:
        scheme, host, _ = origin(request.url)
        if self._plain_text_leaves_machine(scheme, host) and not self.profile.record.allow_http:
            raise KeyholdError(
                "Refused to send a request over plain http:// to a non-local server",
                hint="Use https://, or allow plain HTTP in the profile if you accept the risk",
                kind=ErrorKind.INSECURE_HTTP,
            )
        for name in AUTH_HEADERS:
            if name in request.headers:
                del request.headers[name]
        if origin(request.url) == self._origin:
            request.headers.update(self._auth)
        else:
            log.info("request to another origin: auth headers withheld")

    async def aclose(self) -> None:
        await self.client.aclose()


class HttpPool:
    """Owns one SecureHttp per profile id; rebuilt when a profile changes."""

    def __init__(self, timeouts: Timeouts | None = None, transport: httpx.AsyncBaseTransport | None = None):
        self._clients: dict[str, tuple[ResolvedProfile, SecureHttp]] = {}
        self._timeouts = timeouts
        self._transport = transport

    async def get(self, profile: ResolvedProfile) -> SecureHttp:
        cached = self._clients.get(profile.id)
        if cached is not None and cached[0] == profile:
            return cached[1]
        if cached is not None:
            await cached[1].aclose()
        http = SecureHttp(profile, timeouts=self._timeouts, transport=self._transport)
        self._clients[profile.id] = (profile, http)
        return http

    async def discard(self, profile_id: str) -> None:
        cached = self._clients.pop(profile_id, None)
        if cached is not None:
            await cached[1].aclose()

    async def aclose(self) -> None:
        for _, http in self._clients.values():
            await http.aclose()
        self._clients.clear()
