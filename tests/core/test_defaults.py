"""The settings a user expects: the default profiles, the default proxy (in the secret store, used
by profiles without a proxy of their own, over a real loopback proxy) and the notification
choices with their checked range."""

import json

import pytest

from desktop_client.core.errors import InputError
from desktop_client.core.profiles import DEFAULT_PROXY_ACCOUNT, ProfileService
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.services.connections import Connections
from desktop_client.core.settings import ProfileKind as Kind
from desktop_client.core.settings import Settings, SettingsError, SettingsStore
from tests.fakes.proxies import HttpProxy, Socks5Proxy
from tests.fakes.server import Conn, LoopbackServer, Request

KEY = "sk-defaults-0000000000001"


@pytest.fixture
def profiles(home) -> ProfileService:
    return ProfileService(SettingsStore(home.settings_file), MemorySecretStore())


def test_new_work_starts_with_the_chosen_default_else_the_first_of_its_kind(profiles, home) -> None:
    assert profiles.default_for(Kind.OPENAI) is None
    first, _ = profiles.add("first", Kind.OPENAI, "https://a.example.com/v1", KEY)
    second, _ = profiles.add("second", Kind.OPENAI, "https://b.example.com/v1", KEY)
    mj, _ = profiles.add("mj", Kind.MIDJOURNEY, "https://mj.example.com", KEY)
    assert profiles.default_for(Kind.OPENAI) == first.id
    assert profiles.default_for(Kind.MIDJOURNEY) == mj.id
    profiles.set_default(Kind.OPENAI, "second")
    assert profiles.default_for(Kind.OPENAI) == second.id
    assert json.loads(home.settings_file.read_text())["default_profile"] == second.id
    assert profiles.find_or_default(None, Kind.OPENAI).id == second.id
    assert profiles.find_or_default("first", Kind.OPENAI).id == first.id  # -p wins
    with pytest.raises(InputError, match="not of kind"):
        profiles.set_default(Kind.OPENAI, "mj")
    profiles.remove("second")
    assert profiles.default_for(Kind.OPENAI) == first.id  # a removed default falls back
    profiles.remove("mj")
    with pytest.raises(InputError, match="No profile of kind"):
        profiles.find_or_default(None, Kind.MIDJOURNEY)


def test_the_default_proxy_is_a_secret_and_applies_to_profiles_without_their_own(profiles, home) -> None:
    plain, _ = profiles.add("plain", Kind.OPENAI, "https://a.example.com/v1", KEY)
    own, _ = profiles.add("own", Kind.OPENAI, "https://b.example.com/v1", KEY, proxy_url="http://127.0.0.1:3128")
    direct, _ = profiles.add("direct", Kind.OPENAI, "https://c.example.com/v1", KEY, no_proxy=True)
    assert profiles.resolve("plain").secrets.proxy_url is None
    with pytest.raises(InputError, match="proxy scheme"):
        profiles.set_default_proxy("ftp://127.0.0.1:21")
    with pytest.raises(InputError, match="host and a port"):
        profiles.set_default_proxy("socks5://127.0.0.1")
    canary = "socks5://user:pw-canary-9f3a@127.0.0.1:1080"
    assert profiles.set_default_proxy(f"  {canary} ") == canary
    assert profiles.secrets.get(DEFAULT_PROXY_ACCOUNT) == canary
    assert "pw-canary" not in home.settings_file.read_text()  # only "one is set" is in the file
    assert profiles.default_proxy() == canary

    def proxy_of(name: str) -> str | None:
        secret = profiles.resolve(name).secrets.proxy_url
        return secret.reveal() if secret else None

    assert proxy_of("plain") == canary
    assert proxy_of("own") == "http://127.0.0.1:3128"
    assert proxy_of("direct") is None
    assert "pw-canary" not in repr(profiles.resolve("plain"))
    # The connection test drafts a profile the way it will run.
    assert profiles.draft(Kind.OPENAI, "https://d.example.com/v1", KEY).secrets.proxy_url is not None
    assert profiles.draft(Kind.OPENAI, "https://d.example.com/v1", KEY, no_proxy=True).secrets.proxy_url is None
    # A profile given a proxy of its own stops going direct; one that drops it may choose again.
    record, _ = profiles.update("direct", proxy_url="http://127.0.0.1:8080")
    assert record.has_proxy and not record.no_proxy
    record, _ = profiles.update("direct", proxy_url="", no_proxy=True)
    assert not record.has_proxy and record.no_proxy
    assert {plain.id, own.id, direct.id} == {r.id for r in profiles.all()}
    profiles.set_default_proxy("")
    assert profiles.secrets.get(DEFAULT_PROXY_ACCOUNT) is None and proxy_of("plain") is None


@pytest.mark.asyncio
@pytest.mark.parametrize("proxy_cls", [HttpProxy, Socks5Proxy])
async def test_requests_go_through_the_default_proxy(profiles, proxy_cls) -> None:
    seen: list[Request] = []

    def handle(request: Request, conn: Conn) -> None:
        seen.append(request)
        conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})

    connections = Connections(profiles)
    with LoopbackServer(handle) as server, proxy_cls() as proxy:
        record, _ = profiles.add("relay", Kind.OPENAI, server.url, KEY)
        try:
            http = await connections.client_for(record.id, Kind.OPENAI)
            await http.client.get(f"{server.url}/v1/models")
            assert not proxy.seen, "no default proxy yet: the request goes direct"
            profiles.set_default_proxy(proxy.url)  # every resolved profile is forgotten
            http = await connections.client_for(record.id, Kind.OPENAI)
            await http.client.get(f"{server.url}/v1/models")
            assert proxy.seen, "the request bypassed the default proxy"
            assert len(seen) == 2
        finally:
            await connections.aclose()


def test_notification_choices_are_stored_and_checked(home) -> None:
    store = SettingsStore(home.settings_file)
    assert store.settings.notifications.enabled and store.settings.notifications.long_answer_seconds == 10

    def quieter(settings: Settings) -> None:
        settings.notifications.images = False
        settings.notifications.long_answer_seconds = 30

    store.update(quieter)
    again = SettingsStore(home.settings_file).settings.notifications
    assert (again.images, again.chat, again.long_answer_seconds) == (False, True, 30)
    data = json.loads(home.settings_file.read_text())
    data["notifications"]["long_answer_seconds"] = 99999
    with pytest.raises(SettingsError, match="long_answer_seconds"):
        Settings.from_json(json.dumps(data))
    data["notifications"]["long_answer_seconds"] = "10"
    with pytest.raises(SettingsError, match="whole number"):
        Settings.from_json(json.dumps(data))
    # A file from before these settings: the defaults.
    for key in ("notifications", "default_profile", "default_mj_profile", "has_default_proxy"):
        data.pop(key)
    old = Settings.from_json(json.dumps(data))
    assert old.notifications.long_answer_seconds == 10 and old.default_profile == ""
