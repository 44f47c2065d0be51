"""Secrets live in the OS keyring, one entry per secret, and nowhere else.

``KeyringSecretStore`` accepts only the OS keyrings it knows (an allow-list of exact
keyring backend classes); any other backend, whatever its priority, is refused with the fix.
``MemorySecretStore`` is the explicit session-only fallback: secrets vanish on exit.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol

from desktop_client.core.errors import N_, InputError, KeyringLockedError, SecretStoreError, Template

log = logging.getLogger(__name__)

SERVICE = "keyhold"
# Windows Credential Manager refuses blobs over 2,560 bytes (stored as UTF-16).
MAX_SECRET_BYTES = 2560

_LINUX_KEYRINGS = "Secret Service (GNOME Keyring, KWallet, KeePassXC)"
# The backends that hand secrets to the OS's own store, by exact class (module + qualname): a
# subclass or a look-alike from another package could send them anywhere, and a plugin can
# claim any priority. libsecret is keyring's other Secret Service client.
TRUSTED_BACKENDS: dict[str, str] = {
    "keyring.backends.SecretService.Keyring": _LINUX_KEYRINGS,
    "keyring.backends.libsecret.Keyring": _LINUX_KEYRINGS,
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.kwallet.DBusKeyringKWallet4": "KWallet",
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
}
# keyring's chainer counts only through the trusted backends it chains.
CHAINER = "keyring.backends.chainer.ChainerBackend"
_UNTRUSTED = "it is not one of the OS keyrings Keyhold trusts"


class SecretStore(Protocol):
    @property
    def persistent(self) -> bool: ...

    @property
    def description(self) -> str: ...

    @property
    def label(self) -> str:
        """A name a user recognises, e.g. "Secret Service" or "macOS Keychain"."""
        ...

    def get(self, account: str) -> str | None: ...

    def set(self, account: str, value: str) -> None: ...

    def delete(self, account: str) -> None: ...


class SecretStr:
    """A string that never shows itself in a repr, a log line or an f-string."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return "SecretStr('<hidden>')"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("secrets are not picklable")


def fingerprint(key: str) -> str:
    """``sk-proj-abc…wxyz`` → ``sk-…wxyz``: enough to tell keys apart, useless to an attacker."""
    key = key.strip()
    if len(key) < 12:
        return "…" if key else ""
    prefix = key.split("-", 1)[0] + "-" if "-" in key[:8] else ""
    return f"{prefix}…{key[-4:]}"


def platform_fix_hint(platform: str = sys.platform) -> Template:
    if platform.startswith("linux") or platform.startswith("freebsd"):
        return N_(
            "Errors",
            "Install and unlock a Secret Service keyring: gnome-keyring (for example `sudo apt install "
            "gnome-keyring`) or KWallet 5.97+, or KeePassXC with Secret Service integration, inside a "
            "desktop session with D-Bus running",
        )
    if platform == "darwin":
        return N_("Errors", "Unlock the login keychain in Keychain Access, then retry")
    if platform.startswith("win"):
        return N_("Errors", "Make sure Windows Credential Manager is available for your account, then retry")
    return N_("Errors", "Install a keyring supported by the Python keyring package, then retry")


@dataclass(frozen=True)
class BackendCheck:
    secure: bool
    name: str
    reason: str = ""


def backend_name(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def friendly_name(backend: Any) -> str:
    return TRUSTED_BACKENDS.get(backend_name(backend), type(backend).__qualname__)


def check_backend(backend: Any) -> BackendCheck:
    name = backend_name(backend)
    if name not in TRUSTED_BACKENDS:
        return BackendCheck(False, name, _UNTRUSTED)
    try:
        # keyring's own viability test: raises where the store is missing (no D-Bus, not macOS…).
        type(backend).priority  # noqa: B018
    except Exception as exc:
        return BackendCheck(False, name, f"it is not available here ({type(exc).__name__})")
    return BackendCheck(True, name)


def select_backend(current: Any) -> Any:
    """``current`` itself if trusted, the first trusted backend a chainer holds, or SecretStoreError."""
    members = list(current.backends) if backend_name(current) == CHAINER else [current]
    checks: list[BackendCheck] = []
    for member in members:
        checks.append(check_backend(member))
        if checks[-1].secure:
            return member
    if backend_name(current) == CHAINER:
        chained = ", ".join(check.name for check in checks) or "no backend"
        problem = f"{CHAINER} over {chained}: none is an OS keyring Keyhold trusts and can use"
    else:
        problem = f"{checks[0].name}: {checks[0].reason}"
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        problem += "; chosen by PYTHON_KEYRING_BACKEND"
    raise SecretStoreError(
        N_("Errors", "No secure keyring is available (%1)"), hint=platform_fix_hint(), args=(problem,)
    )


def _pick_secure_backend() -> Any:
    import keyring

    return select_backend(keyring.get_keyring())


Action = Literal["read a secret", "store a secret", "delete a secret", "open the keyring"]
_FAILED_TO: Final[dict[Action, Template]] = {
    "read a secret": N_("Errors", "The keyring failed to read a secret (%1)"),
    "store a secret": N_("Errors", "The keyring failed to store a secret (%1)"),
    "delete a secret": N_("Errors", "The keyring failed to delete a secret (%1)"),
    "open the keyring": N_("Errors", "The keyring failed to open the keyring (%1)"),
}


def _translate(exc: Exception, action: Action) -> SecretStoreError:
    from keyring import errors as kerr

    text = str(exc)
    if isinstance(exc, kerr.KeyringLocked) or "dismissed" in text.lower() or "locked" in text.lower():
        return KeyringLockedError(
            f"The keyring is locked or the unlock was cancelled while trying to {action}",
            hint="Unlock your keyring (log in to the desktop or open your password manager) and retry; "
            "nothing was lost",
        )
    if isinstance(exc, kerr.NoKeyringError):
        return SecretStoreError(N_("Errors", "No keyring is available"), hint=platform_fix_hint())
    return SecretStoreError(
        _FAILED_TO[action],
        hint=N_("Errors", "Check that your keyring service is running and unlocked, then retry"),
        args=(type(exc).__name__,),
    )


class KeyringSecretStore:
    persistent = True

    def __init__(self, backend: Any | None = None) -> None:
        if backend is None:
            backend = _pick_secure_backend()
        check = check_backend(backend)
        if not check.secure:
            raise SecretStoreError(
                N_("Errors", "Refusing the keyring backend %1: %2"),
                hint=platform_fix_hint(),
                args=(check.name, check.reason),
            )
        self._backend = backend
        self._lock = threading.Lock()
        self.description = check.name
        self.label = friendly_name(backend)

    def get(self, account: str) -> str | None:
        try:
            with self._lock:
                value: str | None = self._backend.get_password(SERVICE, account)
        except Exception as exc:
            raise _translate(exc, "read a secret") from None
        return value

    def set(self, account: str, value: str) -> None:
        if len(value.encode("utf-16-le")) > MAX_SECRET_BYTES:
            raise InputError(
                N_("Errors", "This value is too long for the OS keyring (Windows allows 1,280 characters)"),
                hint=N_("Errors", "Check that you pasted only the key"),
            )
        try:
            with self._lock:
                self._backend.set_password(SERVICE, account, value)
        except Exception as exc:
            raise _translate(exc, "store a secret") from None

    def delete(self, account: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            with self._lock:
                self._backend.delete_password(SERVICE, account)
        except PasswordDeleteError:
            return  # already gone: deleting is idempotent
        except Exception as exc:
            raise _translate(exc, "delete a secret") from None


class MemorySecretStore:
    """Session-only secrets: held in this process, gone when it exits."""

    persistent = False
    description = "session-only memory"
    label = "memory (this session only)"

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, account: str) -> str | None:
        return self._values.get(account)

    def set(self, account: str, value: str) -> None:
        self._values[account] = value

    def delete(self, account: str) -> None:
        self._values.pop(account, None)

    def move_to(self, store: SecretStore) -> int:
        """Writes every secret into ``store`` and forgets it here; returns how many moved."""
        moved = 0
        for account, value in list(self._values.items()):
            store.set(account, value)
            del self._values[account]
            moved += 1
        return moved


class DeferredSecretStore:
    """Stands in while the keyring opens off the GUI thread, so the window can paint first.

    Calls (always made from worker threads) wait until the real store is known, then go to
    it, or raise the reason it could not be opened."""

    persistent = True
    description = "keyring (opening)"
    label = "opening…"

    def __init__(self, timeout: float = 120.0) -> None:
        self._ready = threading.Event()
        self._store: SecretStore | None = None
        self._error: SecretStoreError | None = None
        self._timeout = timeout

    def resolve(self, store: SecretStore) -> None:
        self._store = store
        self._ready.set()

    def fail(self, error: SecretStoreError) -> None:
        self._error = error
        self._ready.set()

    def _target(self) -> SecretStore:
        if not self._ready.wait(self._timeout):
            raise KeyringLockedError("The keyring did not open in time", hint="Unlock your keyring and retry")
        if self._error is not None:
            raise self._error
        assert self._store is not None
        return self._store

    def get(self, account: str) -> str | None:
        return self._target().get(account)

    def set(self, account: str, value: str) -> None:
        self._target().set(account, value)

    def delete(self, account: str) -> None:
        self._target().delete(account)


def open_secret_store() -> KeyringSecretStore:
    """The persistent store, or SecretStoreError naming the platform's fix."""
    try:
        return KeyringSecretStore()
    except SecretStoreError:
        raise
    except Exception as exc:
        raise _translate(exc, "open the keyring") from None
