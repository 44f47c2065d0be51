"""One error hierarchy for the whole app.

Every error carries a ``kind`` (what went wrong, for the UI to translate), a plain
English ``message`` naming the cause, a ``hint`` naming the fix and optional
``detail`` (what the server said). All text passes the redactor when rendered.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

from desktop_client.core.redact import redact
from desktop_client.core.text import inert


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    USAGE = 2
    AUTH = 3
    QUOTA = 4
    NETWORK = 5
    LOCAL = 6


class ErrorKind(StrEnum):
    BAD_INPUT = "bad_input"
    BAD_KEY = "bad_key"
    FORBIDDEN = "forbidden"
    QUOTA = "quota"
    RATE_LIMIT = "rate_limit"
    WRONG_URL = "wrong_url"
    NOT_FOUND = "not_found"
    UNREACHABLE = "unreachable"
    TLS = "tls"
    TIMEOUT = "timeout"
    SERVER = "server"
    PROXY = "proxy"
    INSECURE_HTTP = "insecure_http"
    PROTOCOL = "protocol"
    REFUSED = "refused"  # the server asked for something Keyhold will not do (a private address)
    TOO_LARGE = "too_large"  # the server sent more than Keyhold reads
    KEYRING_UNAVAILABLE = "keyring_unavailable"
    KEYRING_LOCKED = "keyring_locked"
    STORAGE = "storage"
    DISK_FULL = "disk_full"
    INTERNAL = "internal"


_EXIT_CODES: dict[ErrorKind, ExitCode] = {
    ErrorKind.BAD_INPUT: ExitCode.USAGE,
    ErrorKind.INSECURE_HTTP: ExitCode.USAGE,
    ErrorKind.BAD_KEY: ExitCode.AUTH,
    ErrorKind.FORBIDDEN: ExitCode.AUTH,
    ErrorKind.QUOTA: ExitCode.QUOTA,
    ErrorKind.RATE_LIMIT: ExitCode.QUOTA,
    ErrorKind.WRONG_URL: ExitCode.NETWORK,
    ErrorKind.NOT_FOUND: ExitCode.NETWORK,
    ErrorKind.UNREACHABLE: ExitCode.NETWORK,
    ErrorKind.TLS: ExitCode.NETWORK,
    ErrorKind.TIMEOUT: ExitCode.NETWORK,
    ErrorKind.SERVER: ExitCode.NETWORK,
    ErrorKind.PROXY: ExitCode.NETWORK,
    ErrorKind.PROTOCOL: ExitCode.NETWORK,
    ErrorKind.REFUSED: ExitCode.NETWORK,
    ErrorKind.TOO_LARGE: ExitCode.NETWORK,
    ErrorKind.KEYRING_UNAVAILABLE: ExitCode.LOCAL,
    ErrorKind.KEYRING_LOCKED: ExitCode.LOCAL,
    ErrorKind.STORAGE: ExitCode.LOCAL,
    ErrorKind.DISK_FULL: ExitCode.LOCAL,
    ErrorKind.INTERNAL: ExitCode.INTERNAL,
}


class KeyholdError(Exception):
    kind: ErrorKind = ErrorKind.INTERNAL

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        detail: str = "",
        kind: ErrorKind | None = None,
        status: int | None = None,
    ) -> None:
        if kind is not None:
            self.kind = kind
        self.message = redact(message)
        self.hint = redact(hint)
        self.detail = redact(detail)
        self.status = status
        super().__init__(self.one_line())

    @property
    def exit_code(self) -> ExitCode:
        return _EXIT_CODES[self.kind]

    def one_line(self) -> str:
        text = self.message
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        if self.detail:
            text = f"{text.rstrip('.')}. Server said: {self.detail}"
        # A server's detail can hold terminal escapes or bidi overrides: none reach the terminal.
        return redact(" ".join(inert(text).split()))

    def __str__(self) -> str:
        return self.one_line()


class InputError(KeyholdError):
    kind = ErrorKind.BAD_INPUT


class ApiError(KeyholdError):
    """Something the remote API (or the way to it) refused or broke."""


class SecretStoreError(KeyholdError):
    kind = ErrorKind.KEYRING_UNAVAILABLE


class KeyringLockedError(SecretStoreError):
    kind = ErrorKind.KEYRING_LOCKED


class StorageError(KeyholdError):
    kind = ErrorKind.STORAGE
