"""Profiles: a named server (OpenAI-compatible or midjourney-proxy) and how to reach it.

The non-secret half (name, kind, options) is in the settings file; the API key,
the base URL and the proxy URL are separate keyring entries keyed by profile id.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass, replace

from desktop_client.core.errors import ErrorKind, InputError, KeyholdError, NotFoundError, SecretStoreError
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

log = logging.getLogger(__name__)

_NAME_RE = re.compile(r"^[^\s/\\][^/\\]{0,62}$")
SECRET_FIELDS = ("api_key", "base_url", "proxy_url")


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
        raise InputError("The API key is empty", hint="Paste the key from your provider or relay")
    if any(c.isspace() for c in key):
        raise InputError("The API key contains spaces or line breaks", hint="Paste only the key itself")
    if not key.isprintable():
        raise InputError("The API key contains invisible characters", hint="Copy the key again")
    # Named, never the key itself: one character says what went wrong (a pasted "…" or a
    # typographic quote) and gives nothing away.
    odd = next((c for c in key if not c.isascii()), None)
    if odd is not None:
        why = "it was probably shortened when copied" if odd == "…" else "it was probably changed when copied"
        raise InputError(
            f"The API key contains the non-ASCII character {odd!r} (U+{ord(odd):04X}); API keys are plain "
            f"ASCII, so {why}",
            hint="Copy the whole key again from your provider or relay",
        )
    return key


def check_plain_http(base_url: str, allow_http: bool) -> None:
    if base_url.lower().startswith("http://") and not allow_http and not is_loopback_url(base_url):
        raise InputError(
            "Plain http:// to a non-local server would send the key unencrypted",
            hint="Use https://, or tick 'Allow plain HTTP' (--allow-http) if you accept the risk",
            kind=ErrorKind.INSECURE_HTTP,
        )


class ProfileService:
    def __init__(self, settings: SettingsStore, secrets: SecretStore) -> None:
        self._settings = settings
        self.secrets = secrets

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
        raise NotFoundError("profile", name_or_id, named=True, hint="`keyhold profile list` shows the names")

    def _read(self, record: ProfileRecord, field: str, label: str) -> str | None:
        value = self.secrets.get(account(record.id, field))
        register_secret(value, f"{label}:{record.name}")
        return value

    def resolve(self, name_or_id: str) -> ResolvedProfile:
        record = self.find(name_or_id)
        base = self._read(record, "base_url", "base-url")
        key = self._read(record, "api_key", "key")
        proxy = self._read(record, "proxy_url", "proxy") if record.has_proxy else None
        if not base or not key:
            where = "this session" if not self.secrets.persistent else "the keyring"
            raise SecretStoreError(
                f"The {'base URL' if not base else 'API key'} of profile {record.name!r} is not in {where}",
                hint=f"Enter it again in Settings → Profiles, or run `keyhold profile rotate {record.name}`",
            )
        return ResolvedProfile(
            record, ProfileSecrets(SecretStr(base), SecretStr(key), SecretStr(proxy) if proxy else None)
        )

    def summary(self, record: ProfileRecord) -> ProfileSummary:
        try:
            base = self._read(record, "base_url", "base-url")
            key = self._read(record, "api_key", "key")
        except SecretStoreError:
            return ProfileSummary(record, "", "", False)
        return ProfileSummary(record, host_of(base) if base else "", fingerprint(key or ""), bool(base and key))

    # ----- writing -------------------------------------------------------
    def _validate_name(self, name: str, own_id: str | None = None) -> str:
        name = name.strip()
        if has_unsafe_chars(name):
            # A name is printed by the CLI and shown in menus: it must show what it holds.
            raise InputError(
                "The profile name contains control characters, terminal escapes or invisible formatting "
                "(such as bidi overrides)",
                hint="Type the name again with visible characters only",
            )
        if not _NAME_RE.match(name):
            raise InputError(
                "The profile name is empty, too long or contains slashes",
                hint="Use up to 63 characters without / or \\",
            )
        for record in self._settings.settings.profiles:
            if record.name.casefold() == name.casefold() and record.id != own_id:
                raise InputError(f"A profile named {name!r} already exists", hint="Choose another name")
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
    ) -> tuple[ProfileRecord, tuple[UrlWarning, ...]]:
        record = self.find(name_or_id)
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

        def apply(settings_: object) -> None:
            profiles = self._settings.settings.profiles
            profiles[profiles.index(record)] = new

        self._settings.update(apply)
        log.info("updated profile %r", new.name)
        return new, warnings

    def rotate_key(self, name_or_id: str, new_key: str) -> ProfileRecord:
        record = self.find(name_or_id)
        register_secret(new_key.strip(), f"key:{record.name}")
        key = clean_key(new_key)
        self.secrets.set(account(record.id, "api_key"), key)
        log.info("rotated the key of profile %r", record.name)
        return record

    def remove(self, name_or_id: str) -> ProfileRecord:
        record = self.find(name_or_id)
        self._forget(record.id, list(SECRET_FIELDS))

        def drop(settings_: object) -> None:
            settings = self._settings.settings
            settings.profiles = [p for p in settings.profiles if p.id != record.id]

        self._settings.update(drop)
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
