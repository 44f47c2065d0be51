"""One error hierarchy for the whole app, and the catalogue of what each kind of error means.

Every error carries a ``kind`` (what went wrong), a plain English ``message`` naming the cause
in this case, a ``hint`` naming this case's fix and optional ``detail`` (what the server said).
``KINDS`` gives each kind its exit code, headline and fix once: the GUI translates them with
Qt, the CLI reads the same translations from a JSON file (``core.i18n.error_texts``). A raise site
whose words matter marks them with N_ (a ``Template``, data such as names and sizes passed as
``args``), so they are said in the reader's language too. All text passes the redactor when rendered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from types import MappingProxyType
from typing import Final, Literal

from desktop_client.core.redact import redact
from desktop_client.core.text import inert

# The translation context of every catalogue string, in the .ts file and in errors_<lang>.json.
CONTEXT: Final = "Errors"


class Template(str):
    """A catalogue sentence (marked with N_, may hold %1, %2…): an error raised with one is said in
    the reader's language, its args filled in after translating."""

    __slots__ = ()


def N_(context: Literal["Errors"], text: str) -> Template:
    """Marks ``text`` for lupdate and returns it as a Template: it is translated where it is shown.

    scripts/i18n.py passes ``-tr-function-alias QT_TRANSLATE_NOOP+=N_``; lupdate only reads
    literal arguments, so each call spells out ``"Errors"`` and one literal sentence.
    """
    return Template(text)


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
    MISSING = "missing"  # a conversation, message, task or image that is not (or no longer) stored here
    REFUSED = "refused"  # the server asked for something Keyhold will not do (a private address)
    TOO_LARGE = "too_large"  # the server sent more than Keyhold reads
    KEYRING_UNAVAILABLE = "keyring_unavailable"
    KEYRING_LOCKED = "keyring_locked"
    STORAGE = "storage"
    DISK_FULL = "disk_full"
    INTERNAL = "internal"


@dataclass(frozen=True)
class KindSpec:
    exit_code: ExitCode
    headline: str
    fix: str
    # The raising site's own sentence names the exact input, file or platform: it is shown in place
    # of the generic fix (a "Correct the value" says less than "dall-e-3 makes 1 to 1 images").
    own_words: bool = False


KINDS: Final[Mapping[ErrorKind, KindSpec]] = MappingProxyType(
    {
        ErrorKind.BAD_INPUT: KindSpec(
            ExitCode.USAGE,
            N_("Errors", "Invalid input"),
            N_("Errors", "Correct the highlighted value and try again."),
            own_words=True,
        ),
        ErrorKind.BAD_KEY: KindSpec(
            ExitCode.AUTH,
            N_("Errors", "Bad key: the server rejected the API key"),
            N_(
                "Errors",
                "Check the key of this profile, or rotate it (Settings → Profiles, or `keyhold profile rotate`).",
            ),
        ),
        ErrorKind.FORBIDDEN: KindSpec(
            ExitCode.AUTH,
            N_("Errors", "Forbidden: the key may not do this, or your region is not served"),
            N_("Errors", "Check the key's permissions, or use a relay that serves your region."),
        ),
        ErrorKind.QUOTA: KindSpec(
            ExitCode.QUOTA,
            N_("Errors", "Out of credit: the account has no quota left"),
            N_("Errors", "Top up the account or switch to another profile. Keyhold does not retry this."),
        ),
        ErrorKind.RATE_LIMIT: KindSpec(
            ExitCode.QUOTA,
            N_("Errors", "Rate limited: the server asks to slow down"),
            N_("Errors", "Wait a moment and retry."),
        ),
        ErrorKind.WRONG_URL: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Wrong URL: the server returned a web page, not the API"),
            N_("Errors", "Use the API root, e.g. https://relay.example.com/v1, not the address of its web page."),
        ),
        ErrorKind.NOT_FOUND: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Not found: the server has no such model or endpoint"),
            N_("Errors", "Check the base URL and pick a model from the server's list."),
        ),
        ErrorKind.MISSING: KindSpec(
            ExitCode.USAGE,
            N_("Errors", "Not found: it is not stored here, or was deleted"),
            N_("Errors", "Check the id, or reload the list."),
            own_words=True,
        ),
        ErrorKind.UNREACHABLE: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Unreachable: could not connect to the server"),
            N_("Errors", "Check the address, your network, and any proxy or firewall."),
        ),
        ErrorKind.TLS: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "TLS problem: the server's certificate could not be verified"),
            N_("Errors", "Check the address. A relay with a self-signed or expired certificate must fix it."),
        ),
        ErrorKind.TIMEOUT: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Timeout: the server stopped answering"),
            N_("Errors", "Retry. If it keeps happening, the server or relay is overloaded."),
        ),
        ErrorKind.SERVER: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Server error: the server or a gateway failed"),
            N_("Errors", "Retry later. If it persists, the relay or provider is down."),
        ),
        ErrorKind.PROXY: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Proxy problem"),
            N_("Errors", "Check the proxy address and that the proxy is running."),
        ),
        ErrorKind.INSECURE_HTTP: KindSpec(
            ExitCode.USAGE,
            N_("Errors", "Plain HTTP refused: the key would travel unencrypted"),
            N_("Errors", "Use https://, or allow plain HTTP in the profile if you accept the risk."),
        ),
        ErrorKind.PROTOCOL: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "The server's answer was not understood"),
            N_("Errors", "Check that the base URL points at an OpenAI-compatible or midjourney-proxy API."),
        ),
        ErrorKind.REFUSED: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Refused: the server asked for something unsafe"),
            N_(
                "Errors",
                "Keyhold does not fetch addresses on this computer or the local network that a server names, "
                "and does not resend a request to another server.",
            ),
            own_words=True,
        ),
        ErrorKind.TOO_LARGE: KindSpec(
            ExitCode.NETWORK,
            N_("Errors", "Too large: the server sent more than Keyhold reads"),
            N_(
                "Errors",
                "Keyhold stopped reading and kept what arrived. Check the base URL; the relay is misbehaving.",
            ),
            own_words=True,
        ),
        ErrorKind.KEYRING_UNAVAILABLE: KindSpec(
            ExitCode.LOCAL,
            N_("Errors", "No secure keyring is available"),
            N_("Errors", "Install or unlock your system keyring, or use session-only keys for this run."),
            own_words=True,
        ),
        ErrorKind.KEYRING_LOCKED: KindSpec(
            ExitCode.LOCAL,
            N_("Errors", "The keyring is locked, or unlocking was cancelled"),
            N_("Errors", "Unlock your keyring and retry. Nothing was lost."),
        ),
        ErrorKind.STORAGE: KindSpec(
            ExitCode.LOCAL,
            N_("Errors", "Could not read or write Keyhold's data"),
            N_("Errors", "Check free disk space and permissions."),
            own_words=True,
        ),
        ErrorKind.DISK_FULL: KindSpec(
            ExitCode.LOCAL,
            N_("Errors", "The disk is full: this could not be saved"),
            N_("Errors", "Free some disk space. An answer is shown whole and can be copied; then regenerate it."),
        ),
        ErrorKind.INTERNAL: KindSpec(
            ExitCode.INTERNAL,
            N_("Errors", "Something went wrong inside Keyhold"),
            N_("Errors", "The details are in the log file."),
            own_words=True,
        ),
    }
)

# What the server said, shown below (GUI) or after (CLI) the rest.
SERVER_SAID: Final = N_("Errors", "Server said: %1")

# A catalogue string → the reader's language (QCoreApplication.translate in the GUI, a lookup in the
# CLI). The identity is English.
Translate = Callable[[str], str]


def english(text: str) -> str:
    return text


def headline_and_fix(kind: ErrorKind, tr: Translate = english) -> tuple[str, str]:
    spec = KINDS[kind]
    return tr(spec.headline), tr(spec.fix)


def fill(template: str, args: tuple[str, ...]) -> str:
    """%1, %2… replaced in one pass (an argument holding "%2" is never filled again)."""
    if not args or "%" not in template:
        return template
    return re.sub(r"%(\d+)", lambda m: args[int(m[1]) - 1] if 0 < int(m[1]) <= len(args) else m[0], template)


def _sentence(text: str) -> str:
    # A translation brings its own full stop (。); an English sentence gets one.
    text = text.strip()
    return text if text[-1:] in (".", "。", "!", "！", "?", "？") else f"{text}."


def server_said(detail: str, tr: Translate = english) -> str:
    return fill(tr(SERVER_SAID), (detail,))


def describe(error: BaseException, tr: Translate = english) -> tuple[str, str]:
    """(headline, body) for a dialog or a notice line: the kind's headline, then this case's own
    words where the kind has them (else the kind's fix), then what the server said. Redacted."""
    if isinstance(error, KeyholdError):
        spec = KINDS[error.kind]
        headline, fix = headline_and_fix(error.kind, tr)
        body = fix
        # In another language an English sentence would stand out: the kind's fix stands in for
        # own words that were not raised as a template (the exact words stay in error.message).
        if spec.own_words and (error.template or tr(spec.headline) == spec.headline):
            body = error.own_words(tr)
        if error.detail:
            body += "\n" + server_said(error.detail, tr)
        return headline, redact(body)
    headline, fix = headline_and_fix(ErrorKind.INTERNAL, tr)
    return headline, redact(f"{fix}\n{type(error).__name__}: {error}")


def error_line(error: KeyholdError, texts: Mapping[str, str]) -> str:
    """The CLI's one line, in the language of ``texts`` (from ``core.i18n.error_texts``).

    In English it is the raising site's sentence: it opens with the kind's headline in words fitted
    to this case ("Timeout: the server sent nothing for 30 s") and names this case's fix, which
    scripts and their tests have always read. In another language the catalogue leads (headline,
    then fix or the own words of a kind that has them) and only data stays as it came: those own
    words and the server's.
    """
    if not texts:
        return error.one_line()

    def tr(text: str) -> str:
        return texts.get(text) or text

    spec = KINDS[error.kind]
    headline = tr(spec.headline)
    if spec.own_words and error.template:
        text = f"{headline}: {error.own_words(tr)}"
    elif spec.own_words:
        # Untranslatable own words stay (a script's user needs the exact cause), after the
        # translated headline.
        own = f"{error.message.rstrip('.')}. {error.hint}".strip(". ")
        text = f"{headline}: {own}"
    else:
        text = f"{headline}. {tr(spec.fix)}"
    if error.detail:
        text = f"{text} {server_said(error.detail, tr)}"
    return redact(" ".join(inert(text).split()))


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
        args: tuple[object, ...] = (),
    ) -> None:
        if kind is not None:
            self.kind = kind
        # A ``message`` marked with N_ is a catalogue template (and so is its hint), kept as data so
        # the GUI and the CLI can say it in the user's language; ``args`` fill its %1, %2….
        self.template = message if isinstance(message, Template) else ""
        self.hint_template = hint if self.template else ""
        self.args_ = tuple(str(a) for a in args)
        self.message = redact(fill(message, self.args_))
        self.hint = redact(fill(hint, self.args_))
        self.detail = redact(detail)
        self.status = status
        super().__init__(self.one_line())

    def own_words(self, tr: Translate = english) -> str:
        """This case's sentence and fix, translated when they were raised as templates."""
        if self.template:
            message, hint = fill(tr(self.template), self.args_), fill(tr(self.hint_template), self.args_)
        else:
            message, hint = self.message, self.hint
        return redact(" ".join(_sentence(part) for part in (message, hint) if part.strip()))

    @property
    def exit_code(self) -> ExitCode:
        return KINDS[self.kind].exit_code

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


# What a store holds, and how its not-found is said: one sentence each, so every one reads alike.
Stored = Literal["profile", "conversation", "message", "Midjourney task", "image", "folder"]
_NOT_FOUND: Final[Mapping[Stored, Template]] = MappingProxyType(
    {
        "profile": N_("Errors", "No profile named %1"),
        "conversation": N_("Errors", "No conversation with id %1"),
        "message": N_("Errors", "No message with id %1"),
        "Midjourney task": N_("Errors", "No Midjourney task with id %1"),
        "image": N_("Errors", "No image with id %1"),
        "folder": N_("Errors", "No folder with id %1"),
    }
)


class NotFoundError(KeyholdError):
    """A profile, conversation, message, Midjourney task or gallery image that is not stored here
    (or no longer is). Every store lookup raises this one shape; ``what`` and ``key`` say which."""

    kind = ErrorKind.MISSING

    def __init__(self, what: Stored, key: str | int, *, hint: Template | None = None) -> None:
        self.what = what
        self.key = key
        # The key is data, quoted as Python quotes it (an int bare), as scripts have always read it.
        super().__init__(_NOT_FOUND[what], hint=hint or "", args=(repr(key),))


class ApiError(KeyholdError):
    """Something the remote API (or the way to it) refused or broke."""


class SecretStoreError(KeyholdError):
    kind = ErrorKind.KEYRING_UNAVAILABLE


class KeyringLockedError(SecretStoreError):
    kind = ErrorKind.KEYRING_LOCKED


class StorageError(KeyholdError):
    kind = ErrorKind.STORAGE
