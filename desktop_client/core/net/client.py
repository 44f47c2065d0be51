"""One long-lived ``httpx.AsyncClient`` per profile, with the security policy built in.

A request hook runs for every hop, redirects included, so it is the one place that
(1) refuses plain http to anything but loopback unless the profile allows it and
(2) attaches auth headers only when the request goes to the profile's own origin.

Redirects are followed here, not by httpx, so each hop is judged: a POST (the body holds
the whole conversation) never follows a redirect to another origin, and a download a server
named never reaches a loopback, link-local or private address unless the profile's own
server is there. Bodies are read through ``body.BodyReader``, bounded by what they decode to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from desktop_client import __version__
from desktop_client.core.errors import N_, ApiError, ErrorKind, KeyholdError
from desktop_client.core.images import sniff_image
from desktop_client.core.net.body import ACCEPT_ENCODING, LIMITS, Body, BodyReader, Limits, read_prefix
from desktop_client.core.net.errors import error_from_transport
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
    # A streamed answer with no data for this long has stalled, keep-alive comments or not.
    stream_idle: float = 180.0
    # A whole (not streamed) answer, from the request to its last byte.
    total: float = 120.0

    def httpx(self) -> httpx.Timeout:
        return httpx.Timeout(connect=self.connect, read=self.idle_read, write=self.write, pool=self.pool)


def _host(name: str) -> str:
    # "relay.example.com.", "RELAY.example.com" and "relay%2Eexample.com" are one host, and
    # so are "::ffff:127.0.0.1" and "127.0.0.1".
    host = unquote(name).lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return str(mapped or ip)


def origin(url: httpx.URL | str) -> tuple[str, str, int]:
    """Scheme, host and port; for an address that can't be parsed (a server's port 99999),
    one that equals no real origin."""
    try:
        parts = urlsplit(str(url))
        scheme = parts.scheme.lower()
        return scheme, _host(parts.hostname or ""), parts.port or DEFAULT_PORTS.get(scheme, 0)
    except ValueError:
        return "", "", -1


def same_host(url: httpx.URL | str, base_url: str) -> bool:
    """The profile's own server on any port or scheme: its address is a secret like the key."""
    own = origin(base_url)[1]
    return bool(own) and origin(url)[1] == own


def auth_headers(profile: ResolvedProfile) -> dict[str, str]:
    key = profile.secrets.api_key.reveal()
    if profile.kind is ProfileKind.MIDJOURNEY and profile.record.mj_auth is MjAuth.MJ_API_SECRET:
        return {"mj-api-secret": key}
    return {"Authorization": f"Bearer {key}"}


UNTRUSTED = "keyhold.untrusted"  # request extension: the URL came from a server's answer


@dataclass(frozen=True)
class Reply:
    """A whole answer, read within its limit (an error status keeps only the body's start)."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    url: httpx.URL

    def image(self, failed: str, not_image: str, hint: str) -> tuple[bytes, str]:
        """The image this answer holds and its type (see ``checked_image``)."""
        return checked_image(self.status_code, self.content, failed, not_image, hint)


def checked_image(status: int, data: bytes, failed: str, not_image: str, hint: str) -> tuple[bytes, str]:
    """``data`` and its image type. A link that failed (``failed``, %1 the status) is the server's
    trouble, not the key's; bytes that are no image are ``not_image``."""
    if status >= 300:
        raise ApiError(failed, hint=hint, kind=ErrorKind.SERVER, status=status, args=(status,))
    mime = sniff_image(data)
    if mime is None:
        raise ApiError(not_image, hint=hint, kind=ErrorKind.PROTOCOL)
    return data, mime


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_V4_COMPATIBLE = ipaddress.ip_network("::/96")


def _is_public(address: str) -> bool:
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.is_site_local:
            return False
        # An IPv4 address inside an IPv6 one reaches that IPv4 host: judge it instead.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and (ip in _NAT64 or ip in _V4_COMPATIBLE):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return ip.is_global and not ip.is_multicast


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


class SecureHttp:
    """The transport policy for one profile. Use ``send``/``request`` for requests."""

    def __init__(
        self,
        profile: ResolvedProfile,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        max_redirects: int = 5,
        limits: Limits = LIMITS,
        on_unauthorized: Callable[[], None] | None = None,
    ) -> None:
        self.profile = profile
        # Told when the profile's own server answers 401: the key it was given may be stale.
        self._on_unauthorized = on_unauthorized
        self.base_url = profile.secrets.base_url.reveal()
        self._origin = origin(self.base_url)
        self._auth = auth_headers(profile)
        self.timeouts = timeouts or Timeouts()
        self.limits = limits
        self.max_redirects = max_redirects
        proxy = profile.secrets.proxy_url.reveal() if profile.secrets.proxy_url else None
        self._proxy_url = proxy
        self._own_addresses: set[str] | None = None
        self.client = httpx.AsyncClient(
            proxy=proxy,
            transport=transport,
            verify=True,
            trust_env=True,
            # Followed in send(), hop by hop: httpx would read each redirect's body whole.
            follow_redirects=False,
            timeout=self.timeouts.httpx(),
            headers={"User-Agent": f"Keyhold/{__version__}", "Accept-Encoding": ACCEPT_ENCODING},
            event_hooks={"request": [self._on_request], "response": [self._on_response]},
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
        port = request.url.port
        if port is not None and not 0 < port < 65536:
            # httpx takes port 99999 from a server's Location; the socket layer would crash on it.
            raise ApiError(
                N_("Errors", "The server named an address that is not a valid URL (its port is out of range)"),
                hint=N_("Errors", "Check the base URL; the server is misbehaving"),
                kind=ErrorKind.REFUSED if request.extensions.get(UNTRUSTED) else ErrorKind.PROTOCOL,
            )
        if request.extensions.get(UNTRUSTED):
            await self._check_target(request.url)
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

    async def _on_response(self, response: httpx.Response) -> None:
        told = self._on_unauthorized
        if told is not None and response.status_code == 401 and origin(response.request.url) == self._origin:
            told()

    async def _addresses(self, host: str, port: int) -> set[str]:
        literal = _literal(host)
        if literal is not None:
            return {literal}
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError, ValueError):
            return set()  # the connection will fail and say so; through a proxy, the proxy resolves
        return {str(info[4][0]) for info in infos}

    async def _check_target(self, url: httpx.URL) -> None:
        """A URL a server named: never into this machine or the local network, unless the
        profile's own server lives there (then its address, and only that, is fine)."""
        host = url.host
        addresses = await self._addresses(host, url.port or DEFAULT_PORTS.get(url.scheme, 443))
        private = {a for a in addresses if not _is_public(a)}
        if not private or host == self._origin[1]:
            return
        if self._own_addresses is None:
            _scheme, own_host, own_port = self._origin
            self._own_addresses = await self._addresses(own_host, own_port)
        if private <= self._own_addresses:
            return
        raise ApiError(
            N_("Errors", "Refused to fetch %1: the server named an address on this computer or the local network"),
            hint=N_(
                "Errors", "Keyhold only fetches images from public addresses or from the profile's own server"
            ),
            kind=ErrorKind.REFUSED,
            args=(host,),
        )

    async def send(self, request: httpx.Request, *, untrusted: bool = False) -> httpx.Response:
        """Sends with Keyhold's redirect policy and returns the streaming response (close it).

        httpx errors pass through; a refused redirect is a KeyholdError naming the new host."""
        if untrusted:
            request.extensions = {**request.extensions, UNTRUSTED: True}
        for _hop in range(self.max_redirects + 1):
            try:
                response = await self.client.send(request, stream=True, follow_redirects=False)
            except (ValueError, UnicodeError, httpx.InvalidURL):
                # httpx builds the next hop from the server's Location before returning.
                raise ApiError(
                    N_("Errors", "The server redirected to an address that is not a valid URL"),
                    hint=N_("Errors", "Check the base URL; the server is misbehaving"),
                    kind=ErrorKind.REFUSED if request.extensions.get(UNTRUSTED) else ErrorKind.PROTOCOL,
                ) from None
            following = response.next_request
            if following is None:
                return response
            await response.aclose()
            if origin(following.url) != self._origin:
                # Where a redirect leads is the server's choice: judged like any address it names.
                following.extensions = {**following.extensions, UNTRUSTED: True}
            if request.method not in ("GET", "HEAD") and (
                response.status_code not in (307, 308) or origin(following.url) != origin(request.url)
            ):
                # Following it would send the body (the whole conversation) or a changed request
                # somewhere the user never chose.
                raise ApiError(
                    f"The server redirected the request to {following.url.host} "
                    f"(HTTP {response.status_code}); Keyhold did not follow it",
                    hint="If that is the server's new address, put it in the profile's base URL",
                    kind=ErrorKind.WRONG_URL,
                    status=response.status_code,
                )
            request = following
        raise ApiError(
            "Wrong URL: the server redirects in a loop", hint="Check the base URL", kind=ErrorKind.WRONG_URL
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        limit: int | None = None,
        what: Body = "answer",
        untrusted: bool = False,
        read_timeout: httpx.Timeout | float | None = None,
        idle_read: float | None = None,
        on_bytes: Callable[[int, int | None], None] | None = None,
        total: float | None = None,
        **content: Any,
    ) -> Reply:
        """One whole answer, bounded: a 2xx body within ``limit`` decoded bytes (or an error
        naming the size), an error status with the start of its body, all within ``total``
        seconds (a byte now and then must not hold a poll forever). Transport failures become
        one clear KeyholdError."""
        seconds = self.timeouts.total if total is None else total
        try:
            async with asyncio.timeout(seconds):
                return await self._request(
                    method, url, limit, what, untrusted, read_timeout, idle_read, on_bytes, content
                )
        except TimeoutError:
            raise ApiError(
                f"Timeout: the server took more than {seconds:g} s to send its answer",
                hint="Retry; if it keeps happening, the server or relay is overloaded or misbehaving",
                kind=ErrorKind.TIMEOUT,
            ) from None

    async def _request(
        self,
        method: str,
        url: str,
        limit: int | None,
        what: Body,
        untrusted: bool,
        read_timeout: httpx.Timeout | float | None,
        idle_read: float | None,
        on_bytes: Callable[[int, int | None], None] | None,
        content: dict[str, Any],
    ) -> Reply:
        extra: dict[str, Any] = {} if read_timeout is None else {"timeout": read_timeout}
        try:
            request = self.client.build_request(method, url, **content, **extra)
            response = await self.send(request, untrusted=untrusted)
        except (httpx.InvalidURL, ValueError, UnicodeError):
            # A server's address that can't even be parsed won't get better on a retry.
            raise ApiError(
                N_("Errors", "The server named an address that is not a valid URL"),
                kind=ErrorKind.REFUSED if untrusted else ErrorKind.PROTOCOL,
            ) from None
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, idle_read) from None
        try:
            if response.status_code >= 300:
                body = await read_prefix(response, self.limits.error)
            elif on_bytes is None:
                body = await BodyReader(response, limit or self.limits.json, what).read()
            else:
                length = response.headers.get("content-length", "")
                total = int(length) if length.isdigit() else None
                received = bytearray()
                async for piece in BodyReader(response, limit or self.limits.json, what).chunks():
                    received += piece
                    on_bytes(len(received), total)
                body = bytes(received)
        except httpx.HTTPError as exc:
            raise self._transport_error(exc, idle_read) from None
        finally:
            await response.aclose()
        return Reply(response.status_code, response.headers, body, response.url)

    def _transport_error(self, exc: httpx.HTTPError, idle_read: float | None) -> KeyholdError:
        return error_from_transport(exc, idle_read=self.timeouts.idle_read if idle_read is None else idle_read)

    async def aclose(self) -> None:
        await self.client.aclose()


class HttpPool:
    """Owns one SecureHttp per profile id; rebuilt when a profile changes."""

    def __init__(
        self,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        *,
        on_unauthorized: Callable[[str], None] | None = None,
    ) -> None:
        self._clients: dict[str, tuple[ResolvedProfile, SecureHttp]] = {}
        self._timeouts = timeouts
        self._transport = transport
        self._on_unauthorized = on_unauthorized  # called with the profile id

    async def get(self, profile: ResolvedProfile) -> SecureHttp:
        cached = self._clients.get(profile.id)
        if cached is not None and cached[0] == profile:
            return cached[1]
        told = self._on_unauthorized
        # Building the client loads the CA certificates into a TLS context: 50-150 ms that
        # would stall the GUI's event loop, so it happens on a worker thread.
        http = await asyncio.to_thread(
            SecureHttp,
            profile,
            timeouts=self._timeouts,
            transport=self._transport,
            on_unauthorized=(lambda: told(profile.id)) if told is not None else None,
        )
        cached = self._clients.get(profile.id)  # again: another caller may have built one meanwhile
        if cached is not None and cached[0] == profile:
            await http.aclose()
            return cached[1]
        if cached is not None:
            await cached[1].aclose()
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
