import subprocess
import sys

import keyring.backends.fail
import keyring.backends.null
import pytest

from desktop_client.core.errors import ErrorKind, InputError, KeyringLockedError, SecretStoreError
from desktop_client.core.secrets import (
    SERVICE,
    TRUSTED_BACKENDS,
    KeyringSecretStore,
    MemorySecretStore,
    SecretStr,
    check_backend,
    fingerprint,
    platform_fix_hint,
    select_backend,
)
from tests import hostile_keyring, keyring_control


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("sk-proj-abcdefghijklmnopa1b2", "sk-…a1b2"),
        ("sk-abcdefghijklmnopqrstuvwxyza1b2", "sk-…a1b2"),
        ("abcdefghijklmnopqrstuvwxyzc3d4", "…c3d4"),
        ("short", "…"),
        ("", ""),
    ],
)
def test_fingerprint(key: str, shown: str) -> None:
    assert fingerprint(key) == shown


def test_secret_str_hides_itself() -> None:
    secret = SecretStr("sk-covert-value-123456")
    assert "covert" not in repr(secret) and "covert" not in f"{secret}" and "covert" not in str([secret])
    assert secret.reveal() == "sk-covert-value-123456"
    with pytest.raises(TypeError):
        __import__("pickle").dumps(secret)


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()])
def test_insecure_builtin_backends_are_refused(backend: object) -> None:
    assert not check_backend(backend).secure
    with pytest.raises(SecretStoreError) as info:
        KeyringSecretStore(backend)
    assert "Refusing" in str(info.value)
    assert info.value.hint == platform_fix_hint()


def test_keyrings_alt_file_backends_are_refused() -> None:
    # keyrings.alt's PlaintextKeyring and the base64 "encrypted" file keep the secret in a file.
    for cls_name in ("PlaintextKeyring", "EncryptedKeyring"):
        cls = type(cls_name, (), {"priority": 1.5, "__module__": "keyrings.alt.file"})
        assert not check_backend(cls()).secure


def test_a_backend_outside_the_allow_list_is_refused_whatever_its_priority(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(hostile_keyring.ENV_FILE, str(tmp_path / "plain.json"))
    greedy = hostile_keyring.GreedyKeyring()
    assert greedy.priority == 100
    check = check_backend(greedy)
    assert not check.secure
    assert check.name == "tests.hostile_keyring.GreedyKeyring"
    assert check.reason == "it is not one of the OS keyrings Keyhold trusts"
    with pytest.raises(SecretStoreError) as info:
        select_backend(greedy)
    assert "tests.hostile_keyring.GreedyKeyring" in str(info.value)
    assert info.value.hint == platform_fix_hint()
    with pytest.raises(SecretStoreError):
        KeyringSecretStore(greedy)
    assert not (tmp_path / "plain.json").exists()


def test_the_allow_list_names_real_classes_and_needs_them_available() -> None:
    import importlib

    for name in TRUSTED_BACKENDS:
        module, _, qualname = name.rpartition(".")
        cls = getattr(importlib.import_module(module), qualname)
        assert f"{cls.__module__}.{cls.__qualname__}" == name
    # Trusted but absent on this machine (not macOS, not Windows): refused as unavailable.
    for name in ("keyring.backends.macOS.Keyring", "keyring.backends.Windows.WinVaultKeyring"):
        module, _, qualname = name.rpartition(".")
        check = check_backend(getattr(importlib.import_module(module), qualname)())
        assert not check.secure and check.reason.startswith("it is not available here")


@pytest.mark.keyring
def test_the_chainer_counts_only_through_its_trusted_members(tmp_path, monkeypatch, keyring_store) -> None:
    from keyring.backends.chainer import ChainerBackend
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring

    monkeypatch.setenv(hostile_keyring.ENV_FILE, str(tmp_path / "plain.json"))
    chainer = ChainerBackend()
    # keyring itself would try the greedy plugin first.
    assert type(chainer.backends[0]) is hostile_keyring.GreedyKeyring
    assert type(select_backend(chainer)) is SecretServiceKeyring
    assert check_backend(SecretServiceKeyring()).secure


def test_platform_hints_name_the_fix() -> None:
    assert "gnome-keyring" in platform_fix_hint("linux")
    assert "KWallet" in platform_fix_hint("linux")
    assert "Keychain" in platform_fix_hint("darwin")
    assert "Credential Manager" in platform_fix_hint("win32")


def test_memory_store_is_session_only() -> None:
    store = MemorySecretStore()
    assert not store.persistent
    store.set("a", "b")
    assert store.get("a") == "b"
    store.delete("a")
    store.delete("a")
    assert store.get("a") is None


def test_no_dbus_means_a_clear_error_not_a_file(tmp_path) -> None:
    code = (
        "from desktop_client.core.secrets import open_secret_store\n"
        "from desktop_client.core.errors import SecretStoreError\n"
        "try:\n    open_secret_store()\nexcept SecretStoreError as e:\n    print('ERR', e)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("ERR"), out.stderr
    assert "gnome-keyring" in out.stdout
    assert not any(tmp_path.rglob("*.cfg")), "a keyring file was written"


@pytest.mark.keyring
def test_real_keyring_round_trip(keyring_store: KeyringSecretStore) -> None:
    import secretstorage

    assert keyring_store.persistent
    assert "SecretService" in keyring_store.description
    keyring_store.set("profile/x/api_key", "sk-roundtrip-000000000001")
    assert keyring_store.get("profile/x/api_key") == "sk-roundtrip-000000000001"
    # one entry per secret, findable by libsecret tools under the service "keyhold"
    connection = secretstorage.dbus_init()
    try:
        items = list(secretstorage.get_default_collection(connection).search_items({"service": SERVICE}))
        assert [i.get_attributes()["username"] for i in items] == ["profile/x/api_key"]
    finally:
        connection.close()
    keyring_store.delete("profile/x/api_key")
    keyring_store.delete("profile/x/api_key")  # idempotent
    assert keyring_store.get("profile/x/api_key") is None


@pytest.mark.keyring
def test_oversized_secret_is_refused_before_the_keyring(keyring_store: KeyringSecretStore) -> None:
    with pytest.raises(InputError) as info:
        keyring_store.set("profile/x/api_key", "k" * 1281)
    assert "1,280" in str(info.value)
    keyring_store.set("profile/x/api_key", "k" * 1280)


@pytest.mark.keyring
def test_locked_keyring_gives_a_clear_error_and_retry_works(keyring_store: KeyringSecretStore) -> None:
    keyring_store.set("profile/x/api_key", "sk-before-lock-0000000001")
    keyring_control.lock()
    try:
        with pytest.raises(KeyringLockedError) as info:
            keyring_store.get("profile/x/api_key")
        assert info.value.kind is ErrorKind.KEYRING_LOCKED
        assert "Unlock" in info.value.hint and "nothing was lost" in info.value.hint
        with pytest.raises(KeyringLockedError):
            keyring_store.set("profile/x/api_key", "sk-during-lock-000000001")
    finally:
        keyring_control.unlock()
    assert keyring_store.get("profile/x/api_key") == "sk-before-lock-0000000001"
