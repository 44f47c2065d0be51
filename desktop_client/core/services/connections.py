"""The one way from a profile id to its HTTP client, for every service.

A profile's secrets are read from the keyring once (each read may be a D-Bus call, or a
password prompt) and the resolved profile is kept until it can no longer be right:
``ProfileService`` says the profile changed (added, edited, new key, removed) or its secret
store was swapped, or the profile's own server answered 401 (the key may have been replaced
by another Keyhold process, e.g. ``keyhold profile rotate``; the next request reads it again).
The HTTP clients themselves live in the ``HttpPool``, one per profile, rebuilt when the
resolved profile differs.

Cheap to build: httpx is imported when the first client is asked for, not on the way to the
first paint."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading
from typing import TYPE_CHECKING, Final, Literal

from desktop_client.core.aio import keyring_call
from desktop_client.core.errors import N_, InputError, Template
from desktop_client.core.profiles import ProfileService, ResolvedProfile
from desktop_client.core.settings import ProfileKind

if TYPE_CHECKING:
    import httpx

    from desktop_client.core.net.client import HttpPool, SecureHttp, Timeouts


# What an OpenAI-compatible profile is wanted for, and the hint that says so.
Purpose = Literal["", "for chat", "to generate images"]
_CHOOSE: Final[dict[Purpose, Template]] = {
    "": N_("Errors", "Choose an OpenAI-compatible profile"),
    "for chat": N_("Errors", "Choose an OpenAI-compatible profile for chat"),
    "to generate images": N_("Errors", "Choose an OpenAI-compatible profile to generate images"),
}


def wrong_kind(profile: ResolvedProfile, wanted: ProfileKind, purpose: Purpose) -> InputError:
    """The error for a profile of the other kind; ``purpose`` ends the hint ("for chat")."""
    if wanted is ProfileKind.MIDJOURNEY:
        return InputError(
            N_("Errors", "Profile %1 is not a Midjourney profile"),
            hint=N_("Errors", "Choose a profile of kind midjourney"),
            args=(repr(profile.name),),
        )
    return InputError(
        N_("Errors", "Profile %1 is a Midjourney profile"), hint=_CHOOSE[purpose], args=(repr(profile.name),)
    )


def _load_http() -> None:
    """Imports httpx, and the anyio backend its first request would import, on a worker
    thread: on the GUI thread they took 100-300 ms, the window frozen meanwhile."""
    importlib.import_module("desktop_client.core.net.client")
    with contextlib.suppress(ImportError):  # httpx's internals: only a head start
        importlib.import_module("anyio._backends._asyncio")


class Connections:
    def __init__(
        self,
        profiles: ProfileService,
        *,
        timeouts: Timeouts | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.profiles = profiles
        self._timeouts = timeouts
        self._transport = transport
        self._pool: HttpPool | None = None
        self._resolved: dict[str, ResolvedProfile] = {}
        self._stale: set[str] = set()  # profile ids whose pooled client should be closed
        # Bumped by every change: a resolve that was under way meanwhile is not cached.
        self._epoch = 0
        # Changes arrive from worker threads (profile writes are keyring calls).
        self._lock = threading.Lock()
        profiles.on_change(self.forget)

    @property
    def pool(self) -> HttpPool:
        if self._pool is None:
            from desktop_client.core.net.client import HttpPool

            self._pool = HttpPool(self._timeouts, self._transport, on_unauthorized=self.forget)
        return self._pool

    async def client_for(self, profile_id: str, kind: ProfileKind, purpose: Purpose = "") -> SecureHttp:
        """The HTTP client of a profile of ``kind``; InputError for a profile of the other kind
        (``purpose`` completes its hint), NotFoundError for an unknown one, SecretStoreError
        when its secrets cannot be read."""
        await self._close_stale()
        profile = await self.resolve(profile_id)
        if profile.kind is not kind:
            raise wrong_kind(profile, kind, purpose)
        if self._pool is None:
            await asyncio.to_thread(_load_http)
        return await self.pool.get(profile)

    async def resolve(self, profile_id: str) -> ResolvedProfile:
        """The profile with its secrets: from the keyring the first time, then from memory."""
        with self._lock:
            cached = self._resolved.get(profile_id)
            epoch = self._epoch
        if cached is not None:
            return cached
        profile = await keyring_call(self.profiles.resolve, profile_id)
        with self._lock:
            if self._epoch == epoch:
                self._resolved[profile_id] = profile
        return profile

    def forget(self, profile_id: str | None = None) -> None:
        """Drops what was resolved for ``profile_id`` (None: for every profile); its HTTP client
        is closed before the next one is handed out. Safe from any thread."""
        with self._lock:
            self._epoch += 1
            if profile_id is None:
                self._stale.update(profile.id for profile in self._resolved.values())
                self._resolved.clear()
                return
            self._stale.add(profile_id)
            for key, profile in list(self._resolved.items()):
                if profile_id in (key, profile.id):
                    del self._resolved[key]

    async def _close_stale(self) -> None:
        with self._lock:
            stale, self._stale = self._stale, set()
        if self._pool is not None:
            for profile_id in stale:
                await self._pool.discard(profile_id)

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
