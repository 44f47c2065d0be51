"""The window paints before the core opens; then the core opens once and the pages load."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from desktop_client.core.context import Core, build_core
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import ProfileKind
from desktop_client.ui.mainwindow import NAV_KEYS
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_core_opens_after_the_first_paint_and_then_the_pages_load(make_window, monkeypatch) -> None:
    painted_at_open: list[bool] = []
    windows = []
    real_open = Core.open_blocking

    def watched(self: Core) -> Core:
        painted_at_open.append(bool(windows) and windows[0]._painted)
        return real_open(self)

    monkeypatch.setattr(Core, "open_blocking", watched)
    window, core = make_window(opened=False, secrets=MemorySecretStore())
    windows.append(window)
    assert not core.is_open
    core.profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", "sk-startup-00000000001")
    window._update_mode()  # a profile: the workspace instead of the onboarding
    window.go_to("gallery")  # before the core is open: the page waits rather than fails
    assert window._gallery_holder.page is None
    await wait_until(lambda: window.chat_page.loaded, message="the chat page loaded")
    assert core.is_open and painted_at_open == [True]
    await wait_until(lambda: window._gallery_holder.page is not None, message="the gallery page built")
    await wait_until(lambda: window.gallery_page.browser.loaded, message="the gallery page loaded")
    assert window.pages.currentIndex() == NAV_KEYS.index("gallery")


async def test_the_list_shows_from_the_database_before_the_services_are_built(
    make_window, home, monkeypatch
) -> None:
    seed = build_core(home, secrets=MemorySecretStore()).open_blocking()
    profile, _warnings = seed.profiles.add(
        "relay", ProfileKind.OPENAI, "https://relay.example.com/v1", "sk-startup-02"
    )
    seed.chat.store.create_conversation(title="Kept from yesterday", model="m", profile_id=profile.id)
    seed.database.close()
    release = threading.Event()
    real_build = Core._build_services

    def held(self: Core, chats: Any) -> Any:
        release.wait(10)  # the services (and httpx) still loading
        return real_build(self, chats)

    monkeypatch.setattr(Core, "_build_services", held)
    window, core = make_window(opened=False, secrets=MemorySecretStore())
    try:
        await wait_until(lambda: window.chat_page.listed, message="the stored conversations listed")
        assert not core.is_open
        assert window.chat_page.conversations.titles() == ["Kept from yesterday"]
    finally:
        release.set()
    await wait_until(lambda: window.chat_page.loaded, message="the chat page loaded")
    assert core.is_open
    await wait_until(lambda: window.chat_page.conversation is not None, message="the first conversation opened")
