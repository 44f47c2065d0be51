"""Running blocking calls (keyring, SQLite, disk) off the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from desktop_client.core.errors import KeyringLockedError

P = ParamSpec("P")
T = TypeVar("T")

# Long enough for a person to type a keyring password into the system prompt.
KEYRING_TIMEOUT = 120.0


async def keyring_call(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """A keyring call that cannot freeze the app: a stuck unlock prompt becomes a clear error."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(fn, *args, **kwargs), KEYRING_TIMEOUT)
    except TimeoutError:
        raise KeyringLockedError(
            f"The keyring did not answer within {KEYRING_TIMEOUT:g} s",
            hint="Unlock your keyring or answer its password prompt, then check the profile list and retry",
        ) from None
