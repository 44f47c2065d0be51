"""Profiles: a named server (OpenAI-compatible or midjourney-proxy) and how to reach it.

The non-secret half (name, kind, options) is in the settings file; the API key,
the base URL and the proxy URL are separate keyring entries keyed by profile id.
``ProfileService`` is the only code that reads or writes those entries: the CLI and the
profile form edit, draft and test profiles through it, and it tells its listeners (the
cache of resolved profiles in ``services/connections.py``) whenever a profile changes.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from desktop_client.core.errors import N_, ErrorKind, InputError, KeyholdError, NotFoundError, SecretStoreError
from desktop_client.core.redact import register_secret
from desktop_client.core.secrets import SecretStore, SecretStr, fingerprint
from desktop_client.core.settings import MjAuth, ProfileKind, ProfileRecord, SettingsStore
from desktop_client.core.text import has_unsafe_chars
from desktop_client.core.urls import (
    UrlWarning,
    host_of,
    is_loopback_url,
    normalize_base_url,
    validate_proxy_url,
)

if TYPE_CHECKING:
    from desktop_client.core.services.connection import ConnectionReport

log = logging.getLogger(__name__)

_NAME_RE = re.compile(r"^[^\s/\\][^/\\]{0,62}$")
SECRET_FIELDS = ("api_key", "base_url", "proxy_url")


DEFAULT_PROXY_ACCOUNT = "default/proxy_url"


def account(profile_id: str, field: str) -> str:
    return f"profile/{profile_id}/{field}"


@dataclass(frozen=True)
class ProfileSecrets:
    base_url: SecretStr
    api_key: SecretStr
    proxy_url: SecretStr | None = None


@dataclass(frozen=True)
class ResolvedProfile:
    """Everything needed to talk to the server. Never log it: the fields hide themselves anyway."""

    record: ProfileRecord
    secrets: ProfileSecrets

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def name(self) -> str:
        return self.record.name

    @property
    def kind(self) -> ProfileKind:
        return self.record.kind


@dataclass(frozen=True)
class EditableProfile:
    """A stored profile as the form shows it: the base URL and proxy in full, the key only as its
    fingerprint ("" when none is stored); ``ProfileService.reveal_key`` shows the key on demand."""

    record: ProfileRecord
    base_url: str
    proxy_url: str
    key_fingerprint: str


@dataclass(frozen=True)
class ProfileSummary:
    record: ProfileRecord
    host: str
    fingerprint: str
    secrets_available: bool


def clean_key(raw: str) -> str:
    key = raw.strip()
    if key.lower().startswith("bearer "):
        key = key[7:].strip()
    if not key:
        raise InputError(
            N_("Errors", "The API key is empty"), hint=N_("Errors", "Paste the key from your provider or relay")
        )
    if any(c.isspace() for c in key):
        raise InputError(
            N_("Errors", "The API key contains spaces or line breaks"),
            hint=N_("Errors", "Paste only the key itself"),
        )
    if not key.isprintable():
        raise InputError(
            N_("Errors", "The API key contains invisible characters"), hint=N_("Errors", "Copy the key again")
        )
    # Named, never the key itself: one character says what went wrong (a pasted "…" or a
    # typographic quote) and gives nothing away.
    odd = next((c for c in key if not c.isascii()), None)
    if odd is not None:
        raise InputError(
            N_(
                "Errors",
                "The API key contains the non-ASCII character %1 (U+%2); API keys are plain ASCII, "
                "so it was probably shortened when copied",
            )
            if odd == "…"
            else N_(
                "Errors",
                "The API key contains the non-ASCII character %1 (U+%2); API keys are plain ASCII, "
                "so it was probably changed when copied",
            ),
            hint=N_("Errors", "Copy the whole key again from your provider or relay"),
            args=(repr(odd), f"{ord(odd):04X}"),
        )
    return key


def check_plain_http(base_url: str, allow_http: bool) -> None:
    if base_url.lower().startswith("http://") and not allow_http and not is_loopback_url(base_url):
        raise InputError(
            "Plain http:// to a non-local server would send the key unencrypted",
            hint="Use https://, or tick 'Allow plain HTTP' (--allow-http) if you accept the risk",
            kind=ErrorKind.INSECURE_HTTP,
        )


Listener = Callable[[str | None], None]


class ProfileService:
    def __init__(self, settings: SettingsStore, secrets: SecretStore) -> None:
        self._settings = settings
        self.secrets = secrets
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()

    # ----- change notices ------------------------------------------------
    def on_change(self, listener: Listener) -> None:
        """``listener(profile_id)`` runs after a profile was added, changed, given a new key or
        removed, and ``listener(None)`` after the secret store was swapped (every profile may
        read differently now). It may run on a worker thread: the writes are keyring calls."""
        with self._listeners_lock:
            self._listeners.append(listener)

    def _changed(self, profile_id: str | None) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(profile_id)

    def use_store(self, secrets: SecretStore) -> None:
        """Reads and writes go to ``secrets`` from now on (the keyring opened, or the user chose
        session-only keys); everything resolved from the old store is forgotten."""
        self.secrets = secrets
        self._changed(None)

    # ----- reading -------------------------------------------------------
    def all(self) -> list[ProfileRecord]:
        return list(self._settings.settings.profiles)

    def find(self, name_or_id: str) -> ProfileRecord:
        for record in self._settings.settings.profiles:
            if name_or_id in (record.id, record.name):
                return record
        for record in self._settings.settings.profiles:
            if record.name.casefold() == name_or_id.casefold():
                return record
        raise NotFoundError("profile", name_or_id, hint=N_("Errors", "`keyhold profile list` shows the names"))

    def _read(self, record: ProfileRecord, field: str, label: str) -> str | None:
        value = self.secrets.get(account(record.id, field))
        register_secret(value, f"{label}:{record.name}")
        return value

    def resolve(self, name_or_id: str) -> ResolvedProfile:
        record = self.find(name_or_id)
        base = self._read(record, "base_url", "base-url")
        key = self._read(record, "api_key", "key")
        proxy = self._proxy_of(record)
        if not base or not key:
            session = not self.secrets.persistent
            if not base:
                gone = (
                    N_("Errors", "The base URL of profile %1 is not in this session")
                    if session
                    else N_("Errors", "The base URL of profile %1 is not in the keyring")
                )
            else:
                gone = (
                    N_("Errors", "The API key of profile %1 is not in this session")
                    if session
                    else N_("Errors", "The API key of profile %1 is not in the keyring")
                )
            raise SecretStoreError(
                gone,
                hint=N_("Errors", "Enter it again in Settings → Profiles, or run `keyhold profile rotate %2`"),
                args=(repr(record.name), record.name),
            )
        return ResolvedProfile(
            record, ProfileSecrets(SecretStr(base), SecretStr(key), SecretStr(proxy) if proxy else None)
        )

    def _proxy_of(self, record: ProfileRecord) -> str | None:
        """The profile's own proxy, else the default proxy unless it goes direct."""
        if record.has_proxy:
            return self._read(record, "proxy_url", "proxy")
        if record.no_proxy:
            return None
        return self.default_proxy() or None

    # ----- defaults (Settings ▸ Chat and Network) ------------------------------------
    def default_proxy(self) -> str:
        """The proxy of profiles without one of their own ("" when none is set). A keyring call."""
        if not self._settings.settings.has_default_proxy:
            return ""
        value = self.secrets.get(DEFAULT_PROXY_ACCOUNT) or ""
        register_secret(value, "proxy:default")
        return value

    def set_default_proxy(self, raw: str) -> str:
        """Checks and stores the default proxy ("" removes it); every profile resolves again."""
        register_secret(raw.strip(), "proxy:default")
        proxy = validate_proxy_url(raw)
        try:
            if proxy:
                self.secrets.set(DEFAULT_PROXY_ACCOUNT, proxy)
            else:
                self.secrets.delete(DEFAULT_PROXY_ACCOUNT)
            self._settings.update(lambda s: setattr(s, "has_default_proxy", bool(proxy)))
        finally:
            self._changed(None)
        log.info("default proxy %s", "set" if proxy else "removed")
        return proxy

    def default_for(self, kind: ProfileKind) -> str | None:
        """The id of the profile of ``kind`` new work starts with: the chosen default if it
        still exists, else the first of that kind (None: there is none)."""
        settings = self._settings.settings
        chosen = settings.default_mj_profile if kind is ProfileKind.MIDJOURNEY else settings.default_profile
        of_kind = [record.id for record in settings.profiles if record.kind is kind]
        return chosen if chosen in of_kind else next(iter(of_kind), None)

    def set_default(self, kind: ProfileKind, profile_id: str) -> None:
        record = self.find(profile_id)
        if record.kind is not kind:
            raise InputError(
                N_("Errors", "Profile %1 is not of kind %2"),
                hint=N_("Errors", "`keyhold profile list` shows each profile's kind"),
                args=(repr(record.name), kind.value),
            )
        field_name = "default_mj_profile" if kind is ProfileKind.MIDJOURNEY else "default_profile"
        self._settings.update(lambda s: setattr(s, field_name, record.id))

    def find_or_default(self, name_or_id: str | None, kind: ProfileKind) -> ProfileRecord:
        """``name_or_id``, or when not given the default profile of ``kind`` (the CLI's -p)."""
        if name_or_id:
            return self.find(name_or_id)
        chosen = self.default_for(kind)
        if chosen is None:
            raise InputError(
                N_("Errors", "No profile of kind %1 exists"),
                hint=N_("Errors", "Add one with `keyhold profile add`, or name one with -p"),
                args=(kind.value,),
            )
        return self.find(chosen)

    def summary(self, record: ProfileRecord) -> ProfileSummary:
        try:
            base = self._read(record, "base_url", "base-url")
            key = self._read(record, "api_key", "key")
        except SecretStoreError:
            return ProfileSummary(record, "", "", False)
        return ProfileSummary(record, host_of(base) if base else "", fingerprint(key or ""), bool(base and key))

    # ----- editing (the profile form and `keyhold profile test`) -------------
    def editable(self, name_or_id: str) -> EditableProfile:
        """What the form shows of a stored profile. A keyring call: run it off the GUI thread."""
        record = self.find(name_or_id)
        base = self._read(record, "base_url", "base-url")
        key = self._read(record, "api_key", "key")
        proxy = self._read(record, "proxy_url", "proxy") if record.has_proxy else None
        return EditableProfile(record, base or "", proxy or "", fingerprint(key or ""))

    def reveal_key(self, name_or_id: str) -> str:
        """The stored key in full, for a user who asked to see it ("" when none is stored)."""
        record = self.find(name_or_id)
        return self._read(record, "api_key", "key") or ""

    def draft(
        self,
        kind: ProfileKind,
        base_url: str,
        api_key: str = "",
        *,
        profile_id: str | None = None,
        name: str = "",
        default_model: str = "",
        mj_auth: MjAuth = MjAuth.MJ_API_SECRET,
        proxy_url: str = "",
        allow_http: bool = False,
        no_proxy: bool = False,
    ) -> ResolvedProfile:
        """A profile as typed, checked as ``add`` checks it but saved nowhere, for ``test``.
        Editing a stored profile (``profile_id``) without typing a key uses its stored key."""
        register_secret(base_url.strip(), "base-url")
        normalized = normalize_base_url(base_url, kind)
        register_secret(normalized.base, "base-url")
        check_plain_http(normalized.base, allow_http)
        key = self._draft_key(api_key, profile_id)
        register_secret(proxy_url.strip(), "proxy")
        proxy = validate_proxy_url(proxy_url)
        record = ProfileRecord(
            id=profile_id or "draft",
            name=name.strip() or "draft",
            kind=ProfileKind(kind),
            default_model=default_model.strip(),
            mj_auth=MjAuth(mj_auth),
            allow_http=allow_http,
            has_proxy=bool(proxy),
            no_proxy=no_proxy and not proxy,
        )
        # Tested the way it will run: without a proxy of its own, through the default one.
        proxy = proxy or ("" if record.no_proxy else self.default_proxy())
        return ResolvedProfile(
            record, ProfileSecrets(SecretStr(normalized.base), SecretStr(key), SecretStr(proxy) if proxy else None)
        )

    def _draft_key(self, typed: str, profile_id: str | None) -> str:
        if typed.strip():
            register_secret(typed.strip(), "key")
            return clean_key(typed)
        if profile_id is not None:
            stored = self.secrets.get(account(profile_id, "api_key"))
            if stored:
                return stored
        return clean_key("")  # raises: the key is empty

    async def test(self, draft: ResolvedProfile) -> ConnectionReport:
        """One cheap request with ``draft`` (from ``draft`` or ``resolve``), on a client of its own
        that is closed again; the report says, in plain words, what is wrong."""
        # Imported here: the GUI's first paint and `keyhold` alone must not pay for httpx.
        from desktop_client.core.net.client import SecureHttp
        from desktop_client.core.services.connection import check_connection

        http = SecureHttp(draft)
        try:
            report = await check_connection(http)
        finally:
            await http.aclose()
        return dataclasses.replace(report, plain_http=http.plain_http_warning)

    # ----- writing -------------------------------------------------------
    def _validate_name(self, name: str, own_id: str | None = None) -> str:
        name = name.strip()
        if has_unsafe_chars(name):
            # A name is printed by the CLI and shown in menus: it must show what it holds.
            raise InputError(
                N_(
                    "Errors",
                    "The profile name contains control characters, terminal escapes or invisible formatting "
                    "(such as bidi overrides)",
                ),
                hint=N_("Errors", "Type the name again with visible characters only"),
            )
        if not _NAME_RE.match(name):
            raise InputError(
                N_("Errors", "The profile name is empty, too long or contains slashes"),
                hint=N_("Errors", "Use up to 63 characters without / or \\"),
            )
        for record in self._settings.settings.profiles:
            if record.name.casefold() == name.casefold() and record.id != own_id:
                raise InputError(
                    N_("Errors", "A profile named %1 already exists"),
                    hint=N_("Errors", "Choose another name"),
                    args=(repr(name),),
                )
        return name

    def add(
        self,
        name: str,
        kind: ProfileKind,
        base_url: str,
        api_key: str,
        *,
        default_model: str = "",
        mj_auth: MjAuth = MjAuth.MJ_API_SECRET,
        proxy_url: str = "",
        allow_http: bool = False,
        no_proxy: bool = False,
    ) -> tuple[ProfileRecord, tuple[UrlWarning, ...]]:
        name = self._validate_name(name)
        register_secret(api_key.strip(), f"key:{name}")
        register_secret(base_url.strip(), f"base-url:{name}")
        key = clean_key(api_key)
        normalized = normalize_base_url(base_url, kind)
        register_secret(normalized.base, f"base-url:{name}")
        check_plain_http(normalized.base, allow_http)
        register_secret(proxy_url.strip(), f"proxy:{name}")
        proxy = validate_proxy_url(proxy_url)
        record = ProfileRecord(
            id=uuid.uuid4().hex,
            name=name,
            kind=ProfileKind(kind),
            default_model=default_model.strip(),
            mj_auth=MjAuth(mj_auth),
            allow_http=allow_http,
            has_proxy=bool(proxy),
            no_proxy=no_proxy and not proxy,
        )
        written: list[str] = []
        try:
            for field, value in (("base_url", normalized.base), ("api_key", key), ("proxy_url", proxy)):
                if value:
                    self.secrets.set(account(record.id, field), value)
                    written.append(field)
            self._settings.update(lambda s: s.profiles.append(record))
        except BaseException:
            self._forget(record.id, written)
            raise
        log.info("added %s profile %r", record.kind.value, record.name)
        self._changed(record.id)
        return record, normalized.warnings

    def update(
        self,
        name_or_id: str,
        *,
        name: str | None = None,
        base_url: str | None = None,
        default_model: str | None = None,
        mj_auth: MjAuth | None = None,
        proxy_url: str | None = None,
        allow_http: bool | None = None,
        api_key: str | None = None,
        no_proxy: bool | None = None,
    ) -> tuple[ProfileRecord, tuple[UrlWarning, ...]]:
        """Changes what is given; ``api_key`` (a new key) is checked before anything is written."""
        record = self.find(name_or_id)
        key = None
        if api_key is not None:
            register_secret(api_key.strip(), f"key:{record.name}")
            key = clean_key(api_key)
        try:
            new = replace(record)
            if name is not None:
                new.name = self._validate_name(name, own_id=record.id)
            if default_model is not None:
                new.default_model = default_model.strip()
            if mj_auth is not None:
                new.mj_auth = MjAuth(mj_auth)
            if allow_http is not None:
                new.allow_http = allow_http
            warnings: tuple[UrlWarning, ...] = ()
            if base_url is not None:
                register_secret(base_url.strip(), f"base-url:{new.name}")
                normalized = normalize_base_url(base_url, record.kind)
                check_plain_http(normalized.base, new.allow_http)
                self.secrets.set(account(record.id, "base_url"), normalized.base)
                warnings = normalized.warnings
            elif allow_http is False:
                current = self.secrets.get(account(record.id, "base_url")) or ""
                check_plain_http(current, False)
            if proxy_url is not None:
                register_secret(proxy_url.strip(), f"proxy:{new.name}")
                proxy = validate_proxy_url(proxy_url)
                if proxy:
                    self.secrets.set(account(record.id, "proxy_url"), proxy)
                else:
                    self.secrets.delete(account(record.id, "proxy_url"))
                new.has_proxy = bool(proxy)
            if no_proxy is not None:
                new.no_proxy = no_proxy
            new.no_proxy = new.no_proxy and not new.has_proxy

            def apply(settings_: object) -> None:
                profiles = self._settings.settings.profiles
                profiles[profiles.index(record)] = new

            self._settings.update(apply)
            if key is not None:
                self.secrets.set(account(record.id, "api_key"), key)
            log.info("updated profile %r", new.name)
            return new, warnings
        finally:
            # Also after a partial write: whatever was resolved before is stale either way.
            self._changed(record.id)

    def rotate_key(self, name_or_id: str, new_key: str) -> ProfileRecord:
        record = self.find(name_or_id)
        register_secret(new_key.strip(), f"key:{record.name}")
        key = clean_key(new_key)
        self.secrets.set(account(record.id, "api_key"), key)
        log.info("rotated the key of profile %r", record.name)
        self._changed(record.id)
        return record

    def remove(self, name_or_id: str) -> ProfileRecord:
        record = self.find(name_or_id)

        def drop(settings_: object) -> None:
            settings = self._settings.settings
            settings.profiles = [p for p in settings.profiles if p.id != record.id]

        try:
            self._forget(record.id, list(SECRET_FIELDS))
            self._settings.update(drop)
        finally:
            self._changed(record.id)  # also after a partial removal: some entries may be gone
        log.info("removed profile %r", record.name)
        return record

    def _forget(self, profile_id: str, fields: list[str]) -> None:
        errors: list[KeyholdError] = []
        for field in fields:
            try:
                self.secrets.delete(account(profile_id, field))
            except KeyholdError as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
