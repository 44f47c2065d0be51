import json

import pytest

from desktop_client.core.errors import ErrorKind, InputError, KeyholdError, KeyringLockedError, SecretStoreError
from desktop_client.core.profiles import ProfileService, account, clean_key
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import MjAuth, ProfileKind, SettingsStore
from desktop_client.core.urls import UrlWarning
from tests import keyring_control
from tests.conftest import find_canaries

pytestmark = pytest.mark.keyring


@pytest.fixture
def service(home, keyring_store) -> ProfileService:
    return ProfileService(SettingsStore(home.settings_file), keyring_store)


def test_add_keeps_secrets_in_the_keyring_only(service: ProfileService, home, canary_key: str) -> None:
    base = "https://relay.example.com/canary-base-77ab/v1/"
    record, warnings = service.add(
        "Work", ProfileKind.OPENAI, base, canary_key, default_model="gpt-4o-mini", proxy_url="socks5://127.0.0.1:9"
    )
    assert warnings == ()
    assert service.secrets.get(account(record.id, "api_key")) == canary_key
    assert service.secrets.get(account(record.id, "base_url")) == "https://relay.example.com/canary-base-77ab/v1"
    assert service.secrets.get(account(record.id, "proxy_url")) == "socks5://127.0.0.1:9"
    settings = json.loads(home.settings_file.read_text())
    assert settings["profiles"][0]["name"] == "Work"
    assert settings["profiles"][0]["default_model"] == "gpt-4o-mini"
    assert find_canaries(home.root, [canary_key, "canary-base-77ab", "relay.example.com"]) == []

    summary = service.summary(record)
    assert summary.host == "relay.example.com"
    assert summary.fingerprint == f"sk-…{canary_key[-4:]}"
    resolved = service.resolve("work")  # names match case-insensitively
    assert resolved.secrets.api_key.reveal() == canary_key
    assert canary_key not in repr(resolved)


def test_rotate_replaces_the_key_and_keeps_the_profile(service: ProfileService) -> None:
    record, _ = service.add(
        "MJ", ProfileKind.MIDJOURNEY, "https://mj.example.com", "old-secret-0001", mj_auth=MjAuth.BEARER
    )
    service.rotate_key("MJ", "Bearer new-secret-0002")
    resolved = service.resolve(record.id)
    assert resolved.secrets.api_key.reveal() == "new-secret-0002"
    assert resolved.record == record
    assert service.all() == [record]


def test_remove_deletes_keyring_entries(service: ProfileService) -> None:
    record, _ = service.add(
        "Gone",
        ProfileKind.OPENAI,
        "https://api.openai.com",
        "sk-gone-0000000000001",
        proxy_url="http://127.0.0.1:3128",
    )
    service.remove("Gone")
    assert service.all() == []
    for field in ("api_key", "base_url", "proxy_url"):
        assert service.secrets.get(account(record.id, field)) is None


def test_update_renames_and_changes_url(service: ProfileService) -> None:
    record, _ = service.add("A", ProfileKind.MIDJOURNEY, "https://mj.example.com", "secret-000001")
    updated, warnings = service.update(record.id, name="B", base_url="https://mj.example.com/mj/")
    assert warnings == (UrlWarning.TRAILING_MJ,)
    assert updated.name == "B" and updated.id == record.id
    assert service.resolve("B").secrets.base_url.reveal() == "https://mj.example.com/mj"


@pytest.mark.parametrize(
    ("kwargs", "kind"),
    [
        ({"name": ""}, ErrorKind.BAD_INPUT),
        ({"name": "a/b"}, ErrorKind.BAD_INPUT),
        ({"api_key": "  "}, ErrorKind.BAD_INPUT),
        ({"api_key": "sk-two words"}, ErrorKind.BAD_INPUT),
        ({"base_url": "relay.example.com"}, ErrorKind.BAD_INPUT),
        ({"base_url": "http://relay.example.com"}, ErrorKind.INSECURE_HTTP),
        ({"proxy_url": "1080"}, ErrorKind.BAD_INPUT),
    ],
)
def test_bad_input_writes_nothing(service: ProfileService, home, kwargs: dict, kind: ErrorKind) -> None:
    args = {
        "name": "P",
        "kind": ProfileKind.OPENAI,
        "base_url": "https://x.example.com",
        "api_key": "sk-0000000001",
    }
    args.update(kwargs)
    with pytest.raises(InputError) as info:
        service.add(**args)
    assert info.value.kind is kind
    assert info.value.hint
    assert service.all() == []
    assert not home.settings_file.exists()


def test_plain_http_allowed_explicitly_and_loopback_always(service: ProfileService) -> None:
    service.add("LAN", ProfileKind.OPENAI, "http://relay.example.com", "sk-0000000001", allow_http=True)
    service.add("Local", ProfileKind.OPENAI, "http://127.0.0.1:11434/v1", "ollama-key-01")
    with pytest.raises(InputError):
        service.update("LAN", allow_http=False)


def test_duplicate_names_are_refused(service: ProfileService) -> None:
    service.add("Same", ProfileKind.OPENAI, "https://x.example.com", "sk-0000000001")
    with pytest.raises(InputError, match="already exists"):
        service.add("same", ProfileKind.OPENAI, "https://x.example.com", "sk-0000000002")


def test_locked_keyring_loses_nothing_and_retry_works(service: ProfileService, home) -> None:
    service.add("Kept", ProfileKind.OPENAI, "https://x.example.com", "sk-kept-000000001")
    before = home.settings_file.read_bytes()
    keyring_control.lock()
    try:
        with pytest.raises(KeyringLockedError):
            service.add("New", ProfileKind.OPENAI, "https://y.example.com", "sk-new-0000000001")
        with pytest.raises(KeyringLockedError):
            service.remove("Kept")
        with pytest.raises(KeyringLockedError):
            service.resolve("Kept")
        assert service.summary(service.find("Kept")).secrets_available is False
    finally:
        keyring_control.unlock()
    assert home.settings_file.read_bytes() == before
    assert service.resolve("Kept").secrets.api_key.reveal() == "sk-kept-000000001"
    service.add("New", ProfileKind.OPENAI, "https://y.example.com", "sk-new-0000000001")
    assert [r.name for r in service.all()] == ["Kept", "New"]


def test_failed_settings_write_rolls_back_keyring(service: ProfileService, monkeypatch) -> None:
    def broken(_change) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(service._settings, "update", broken)
    with pytest.raises(OSError):
        service.add("P", ProfileKind.OPENAI, "https://x.example.com", "sk-rollback-00000001")
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        items = list(secretstorage.get_default_collection(connection).search_items({"service": "keyhold"}))
    finally:
        connection.close()
    assert items == []


def test_missing_secret_names_the_fix(home) -> None:
    settings = SettingsStore(home.settings_file)
    first = ProfileService(settings, MemorySecretStore())
    first.add("Session", ProfileKind.OPENAI, "https://x.example.com", "sk-session-00000001")
    # next run: the record is there, the session-only key is not
    second = ProfileService(settings, MemorySecretStore())
    with pytest.raises(SecretStoreError) as info:
        second.resolve("Session")
    assert "this session" in str(info.value)
    assert "keyhold profile rotate Session" in info.value.hint


def test_clean_key_strips_bearer_and_spaces() -> None:
    assert clean_key("  Bearer sk-abc123456789 \n") == "sk-abc123456789"
    with pytest.raises(KeyholdError):
        clean_key("sk-abc\u200b123")


@pytest.mark.parametrize(
    ("key", "shown", "why"),
    [
        ("sk-abcdefghijkl…", "'…' (U+2026)", "shortened"),
        ("sk-abc\u201cdefghijkl", "'\u201c' (U+201C)", "changed"),
        ("sk-abcdеfghijkl", "'е' (U+0435)", "changed"),  # a Cyrillic e
    ],
)
def test_a_key_with_a_non_ascii_character_is_refused_naming_only_that_character(key, shown, why) -> None:
    with pytest.raises(InputError) as info:
        clean_key(key)
    assert f"non-ASCII character {shown}" in info.value.message and why in info.value.message
    assert info.value.hint == "Copy the whole key again from your provider or relay"
    assert "abcd" not in info.value.one_line()


def test_a_rename_to_a_name_with_escapes_is_refused(home) -> None:
    service = ProfileService(SettingsStore(home.settings_file), MemorySecretStore())
    service.add("Plain", ProfileKind.OPENAI, "https://x.example.com", "sk-rename-0000001")
    with pytest.raises(InputError, match="control characters, terminal escapes or invisible formatting"):
        service.update("Plain", name="\x1b]0;pwned\x07Fancy")
    assert [r.name for r in service.all()] == ["Plain"]
