"""Builders shared by core tests."""

from __future__ import annotations

from desktop_client.core.profiles import ProfileSecrets, ResolvedProfile
from desktop_client.core.redact import register_secret
from desktop_client.core.secrets import SecretStr
from desktop_client.core.settings import MjAuth, ProfileKind, ProfileRecord


def make_profile(
    base: str,
    key: str = "sk-test-000000000000",
    *,
    kind: ProfileKind = ProfileKind.OPENAI,
    proxy: str | None = None,
    allow_http: bool = False,
    mj_auth: MjAuth = MjAuth.MJ_API_SECRET,
    name: str = "test",
) -> ResolvedProfile:
    register_secret(key, f"key:{name}")
    record = ProfileRecord(
        id=f"id-{name}", name=name, kind=kind, allow_http=allow_http, mj_auth=mj_auth, has_proxy=bool(proxy)
    )
    return ResolvedProfile(
        record, ProfileSecrets(SecretStr(base), SecretStr(key), SecretStr(proxy) if proxy else None)
    )
