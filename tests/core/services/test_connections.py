"""One cached way from a profile id to its client: the keyring is read once per profile, and
again only after the profile changed, the secret store was swapped or its server said 401."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest

from desktop_client.core.context import build_core
from desktop_client.core.errors import InputError, NotFoundError
from desktop_client.core.profiles import ProfileService
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.services.connections import Connections
from desktop_client.core.settings import ProfileKind, SettingsStore
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.mj_sim import solid_png

pytestmark = pytest.mark.asyncio
SECRET = "mj-connections-secret-0001"
KEY = "sk-connections-test-000000001"


class CountingStore(MemorySecretStore):
    """Session memory that counts its reads (each one a D-Bus call with a real keyring)."""

    def __init__(self) -> None:
        super().__init__()
        self.gets = 0

    def get(self, account: str) -> str | None:
        self.gets += 1
        return super().get(account)


def mj_task(status: str, progress: str, image: str = "") -> dict:
    return {
        "id": "T1",
        "action": "IMAGINE",
        "status": status,
        "progress": progress,
        "imageUrl": image,
        "prompt": "a lighthouse",
        "properties": {"finalPrompt": "a lighthouse --v 6"},
        "buttons": [],
    }


async def test_a_midjourney_poll_round_reads_the_keyring_only_the_first_time(home) -> None:
    store = CountingStore()
    core = build_core(home, secrets=store).open_blocking()
    fake = FakeMidjourney(SECRET, dialect="novicezk").start()
    png = solid_png(8, 8, (200, 40, 40))
    fake.route_overrides[("GET", "/attachments/grid.png")] = lambda r, c: c.send_response(
        200, png, {"Content-Type": "image/png"}
    )
    try:
        record, _ = core.profiles.add("MJ", ProfileKind.MIDJOURNEY, fake.url, SECRET)
        service = core.midjourney
        service.store.add(record.id, "T1", action="IMAGINE", prompt="a lighthouse")
        poller = service.poller()
        fake.tasks["T1"] = mj_task("IN_PROGRESS", "20%")
        store.gets = 0
        [first] = await poller.poll_once(record.id)
        assert first.progress == 20
        after_first = store.gets
        assert after_first > 0, "the first round resolves the profile from the store"
        fake.tasks["T1"] = mj_task("IN_PROGRESS", "60%")
        [second] = await poller.poll_once(record.id)
        # The last round also fetches the image and saves it: a second client, still no read.
        fake.tasks["T1"] = mj_task("SUCCESS", "100%", f"{fake.url}/attachments/grid.png")
        [third] = await poller.poll_once(record.id)
        assert second.progress == 60 and not third.open and third.image_path
        assert store.gets == after_first, "later rounds use the resolved profile"
    finally:
        fake.stop()
        await core.aclose()


@pytest.fixture
def profiles(home) -> ProfileService:
    return ProfileService(SettingsStore(home.settings_file), CountingStore())


async def test_a_changed_profile_is_read_again_and_its_old_client_closed(profiles) -> None:
    connections = Connections(profiles)
    store = profiles.secrets
    assert isinstance(store, CountingStore)
    record, _ = profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", KEY)
    try:
        first = await connections.client_for(record.id, ProfileKind.OPENAI)
        reads = store.gets
        assert await connections.client_for(record.id, ProfileKind.OPENAI) is first
        assert store.gets == reads
        await asyncio.to_thread(profiles.rotate_key, record.id, "sk-connections-rotated-00001")
        second = await connections.client_for(record.id, ProfileKind.OPENAI)
        assert store.gets > reads
        assert second is not first and first.client.is_closed
        assert second.profile.secrets.api_key.reveal() == "sk-connections-rotated-00001"
        profiles.remove(record.id)
        with pytest.raises(NotFoundError):
            await connections.client_for(record.id, ProfileKind.OPENAI)
        assert second.client.is_closed, "a removed profile's client is closed at the next request"
    finally:
        await connections.aclose()


async def test_a_swapped_store_is_read_from_then_on(profiles) -> None:
    connections = Connections(profiles)
    record, _ = profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", KEY)
    try:
        await connections.client_for(record.id, ProfileKind.OPENAI)
        other = MemorySecretStore()
        profiles.secrets.move_to(other)
        other.set(f"profile/{record.id}/api_key", "sk-connections-moved-000001")
        profiles.use_store(other)
        http = await connections.client_for(record.id, ProfileKind.OPENAI)
        assert http.profile.secrets.api_key.reveal() == "sk-connections-moved-000001"
    finally:
        await connections.aclose()


async def test_a_profile_of_the_other_kind_is_refused_with_the_services_words(home) -> None:
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    try:
        mj, _ = core.profiles.add("MJ", ProfileKind.MIDJOURNEY, "https://mj.example.com", SECRET)
        openai, _ = core.profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", KEY)
        with pytest.raises(InputError) as chat:
            await core.chat.client(mj.id)
        assert str(chat.value).startswith("Profile 'MJ' is a Midjourney profile")
        assert chat.value.hint == "Choose an OpenAI-compatible profile for chat"
        with pytest.raises(InputError) as images:
            await core.images.client(mj.id)
        assert images.value.hint == "Choose an OpenAI-compatible profile to generate images"
        with pytest.raises(InputError) as midjourney:
            await core.midjourney.client(openai.id)
        assert str(midjourney.value).startswith("Profile 'relay' is not a Midjourney profile")
    finally:
        await core.aclose()


async def test_a_401_from_the_profiles_own_server_reads_the_key_again(profiles) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401 if request.url.host == "relay.example.com" else 200)

    connections = Connections(profiles, transport=httpx.MockTransport(answer))
    store = profiles.secrets
    assert isinstance(store, CountingStore)
    record, _ = profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", KEY)
    try:
        http = await connections.client_for(record.id, ProfileKind.OPENAI)
        reads = store.gets
        await http.client.get("https://cdn.example.com/image.png")  # someone else's 401 is theirs
        await connections.client_for(record.id, ProfileKind.OPENAI)
        assert store.gets == reads
        await http.client.get("https://relay.example.com/v1/models")
        await connections.client_for(record.id, ProfileKind.OPENAI)
        assert store.gets > reads, "perhaps another process rotated the key: read it again"
    finally:
        await connections.aclose()


async def test_a_change_while_resolving_is_not_lost(profiles) -> None:
    """A resolve that began before a change must not cache what it read."""
    connections = Connections(profiles)
    record, _ = profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", KEY)
    store = profiles.secrets
    assert isinstance(store, CountingStore)
    reading, release = threading.Event(), threading.Event()
    real_get = store.get

    def slow_get(account: str) -> str | None:
        value = real_get(account)
        if account.endswith("api_key"):
            reading.set()  # the old key is read: now the profile changes
            release.wait(5)
        return value

    store.get = slow_get
    try:
        pending = asyncio.ensure_future(connections.resolve(record.id))
        await asyncio.to_thread(reading.wait, 5)
        profiles.rotate_key(record.id, "sk-connections-during-0000001")
        release.set()
        assert (await pending).secrets.api_key.reveal() == KEY  # what it read, handed out once
        store.get = real_get
        again = await connections.resolve(record.id)
        assert again.secrets.api_key.reveal() == "sk-connections-during-0000001"
    finally:
        release.set()
        await connections.aclose()
