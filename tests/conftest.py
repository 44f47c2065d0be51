"""Shared fixtures: an isolated data home per test, canaries, and the real keyring."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: no display is needed, and none is used.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from desktop_client.core.context import Core, build_core
from desktop_client.core.paths import ENV_HOME, DataHome
from desktop_client.core.redact import REDACTOR
from desktop_client.core.secrets import MemorySecretStore

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "keyhold-home"))
    # The OS trash (freedesktop: $XDG_DATA_HOME/Trash) of a deleted gallery image stays in the test.
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    # send2trash reads it once, at import: point this process's copy at the test's folder too.
    import send2trash.plat_other as trash_impl

    data_home = os.fsencode(str(tmp_path / "xdg-data"))
    monkeypatch.setattr(trash_impl, "XDG_DATA_HOME", data_home)
    monkeypatch.setattr(trash_impl, "HOMETRASH_B", os.path.join(data_home, b"Trash"))
    monkeypatch.setattr(trash_impl, "HOMETRASH", os.fsdecode(os.path.join(data_home, b"Trash")))
    yield
    REDACTOR.clear()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_keyhold", False)]:
        root.removeHandler(handler)
        handler.close()


@pytest.fixture
def home(tmp_path: Path) -> DataHome:
    return DataHome(tmp_path / "keyhold-home").ensure()


@pytest.fixture
def core(home: DataHome) -> Iterator[Core]:
    """A core over a fresh data home, opened, with session-only keys; its database closed after."""
    built = build_core(home, secrets=MemorySecretStore()).open_blocking()
    yield built
    if built.is_open:
        built.database.close()


@pytest.fixture
def canary_key() -> str:
    return f"sk-canary-{secrets.token_hex(20)}"


def encodings_of(secret: str) -> dict[str, bytes]:
    """Every form a careless program might write a secret in."""
    raw = secret.encode()
    forms = {
        "plain": raw,
        "hex": binascii.hexlify(raw),
        "HEX": binascii.hexlify(raw).upper(),
        "utf16": secret.encode("utf-16-le"),
        "urlenc": secret.replace(":", "%3A").replace("/", "%2F").encode(),
    }
    # Inside a longer blob the secret starts at one of three alignments; one of these
    # aligned slices then appears verbatim in the blob's base64.
    for shift in range(3):
        aligned = raw[shift:]
        aligned = aligned[: len(aligned) // 3 * 3]
        forms[f"b64+{shift}"] = base64.b64encode(aligned)
        forms[f"b64url+{shift}"] = base64.urlsafe_b64encode(aligned)
    return forms


def find_canaries(root: Path, canaries: list[str]) -> list[str]:
    hits: list[str] = []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        for canary in canaries:
            for name, form in encodings_of(canary).items():
                if form and form in data:
                    hits.append(f"{path.relative_to(root)}: {name} of {canary[:14]}…")
    return hits


def _keyring_or_skip() -> object:
    from desktop_client.core.errors import SecretStoreError
    from desktop_client.core.secrets import KeyringSecretStore

    try:
        return KeyringSecretStore()
    except SecretStoreError as exc:
        if os.environ.get("KEYHOLD_REQUIRE_KEYRING"):
            pytest.fail(f"the real Secret Service is required here but unavailable: {exc}")
        pytest.skip("needs the real Secret Service: run ./scripts/test")


def purge_keyring() -> None:
    """Deletes every keyhold entry from the private test keyring."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        for item in collection.search_items({"service": "keyhold"}):
            item.delete()
    finally:
        connection.close()


@pytest.fixture
def keyring_store() -> Iterator[object]:
    store = _keyring_or_skip()
    purge_keyring()
    yield store
    purge_keyring()
