"""Editing, drafting and testing a profile go through the profile service (the form and
`keyhold profile test` only show and collect), and every change is announced."""

from __future__ import annotations

import asyncio

import pytest

from desktop_client.core.errors import ErrorKind, InputError, KeyholdError
from desktop_client.core.profiles import ProfileService, account
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.services import connection
from desktop_client.core.services.connection import ConnectionReport
from desktop_client.core.settings import MjAuth, ProfileKind, SettingsStore
from tests.fakes.openai_fake import FakeOpenAI

KEY = "sk-editing-test-0000000a1b2"


@pytest.fixture
def service(home) -> ProfileService:
    return ProfileService(SettingsStore(home.settings_file), MemorySecretStore())


def test_editable_shows_urls_in_full_and_the_key_as_its_fingerprint(service) -> None:
    record, _ = service.add(
        "relay", ProfileKind.OPENAI, "https://relay.example.com/v1/", KEY, proxy_url="socks5://127.0.0.1:9"
    )
    shown = service.editable(record.id)
    assert shown.record == record
    assert shown.base_url == "https://relay.example.com/v1"
    assert shown.proxy_url == "socks5://127.0.0.1:9"
    assert shown.key_fingerprint == "sk-…a1b2" and KEY not in repr(shown)
    assert service.reveal_key("relay") == KEY
    service.secrets.delete(account(record.id, "api_key"))
    assert service.editable(record.id).key_fingerprint == ""
    assert service.reveal_key(record.id) == ""


def test_a_draft_is_checked_like_a_profile_and_saved_nowhere(service, home) -> None:
    draft = service.draft(ProfileKind.MIDJOURNEY, "https://mj.example.com/", KEY, mj_auth=MjAuth.BEARER)
    assert draft.kind is ProfileKind.MIDJOURNEY and draft.record.mj_auth is MjAuth.BEARER
    assert draft.secrets.base_url.reveal() == "https://mj.example.com"
    assert draft.name == "draft" and service.all() == []
    with pytest.raises(KeyholdError) as plain:
        service.draft(ProfileKind.OPENAI, "http://relay.example.com", KEY)
    assert plain.value.kind is ErrorKind.INSECURE_HTTP
    with pytest.raises(InputError, match="no scheme"):
        service.draft(ProfileKind.OPENAI, "relay.example.com", KEY)
    with pytest.raises(InputError, match="empty"):
        service.draft(ProfileKind.OPENAI, "https://relay.example.com", "")


def test_a_draft_of_a_stored_profile_uses_its_stored_key_unless_one_is_typed(service) -> None:
    record, _ = service.add("relay", ProfileKind.OPENAI, "https://relay.example.com", KEY)
    kept = service.draft(ProfileKind.OPENAI, "https://other.example.com", profile_id=record.id, name="relay")
    assert kept.secrets.api_key.reveal() == KEY and kept.id == record.id
    assert kept.secrets.base_url.reveal() == "https://other.example.com"
    typed = service.draft(
        ProfileKind.OPENAI, "https://relay.example.com", "Bearer sk-typed-0000001", profile_id=record.id
    )
    assert typed.secrets.api_key.reveal() == "sk-typed-0000001"


def test_the_connection_test_of_a_draft(service) -> None:
    with FakeOpenAI(KEY, models=["gpt-4o", "o3"]) as fake:
        good = asyncio.run(service.test(service.draft(ProfileKind.OPENAI, fake.url, KEY)))
        bad = asyncio.run(service.test(service.draft(ProfileKind.OPENAI, fake.url, "sk-wrong-00000000001")))
    assert good.ok and good.models == ["gpt-4o", "o3"] and not good.plain_http
    assert not bad.ok and bad.error is not None and bad.error.kind is ErrorKind.BAD_KEY


def test_the_connection_test_says_when_plain_http_leaves_the_computer(service, monkeypatch) -> None:
    clients = []

    async def answered(http) -> ConnectionReport:
        clients.append(http)
        return ConnectionReport(True, http.profile.kind)

    monkeypatch.setattr(connection, "check_connection", answered)
    draft = service.draft(ProfileKind.OPENAI, "http://relay.example.com", KEY, allow_http=True)
    report = asyncio.run(service.test(draft))
    assert report.ok and report.plain_http
    assert clients[0].client.is_closed, "the test's own client is closed again"


def test_every_change_is_announced_once_with_the_profile_id(service) -> None:
    heard: list[str | None] = []
    service.on_change(heard.append)
    record, _ = service.add("relay", ProfileKind.OPENAI, "https://relay.example.com", KEY)
    service.update(record.id, default_model="gpt-4o")
    service.rotate_key(record.id, "sk-editing-rotated-000001")
    service.use_store(MemorySecretStore())
    service.remove(record.id)
    assert heard == [record.id, record.id, record.id, None, record.id]


def test_a_new_key_in_an_update_is_checked_before_anything_is_written(service) -> None:
    record, _ = service.add("relay", ProfileKind.OPENAI, "https://relay.example.com", KEY)
    with pytest.raises(InputError, match="spaces"):
        service.update(record.id, name="renamed", base_url="https://new.example.com", api_key="sk bad key")
    assert service.find(record.id).name == "relay"
    assert service.secrets.get(account(record.id, "base_url")) == "https://relay.example.com"
    updated, _ = service.update(record.id, name="renamed", api_key="Bearer sk-editing-new-0000001")
    assert updated.name == "renamed"
    assert service.reveal_key(record.id) == "sk-editing-new-0000001"
