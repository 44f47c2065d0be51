"""Work that ends while the window is elsewhere is announced: a long chat answer and an image
generation as well as a Midjourney task; a short answer, or one seen as it ends, is not."""

import pytest

from desktop_client.core.settings import ProfileKind
from tests.core.sse_helpers import ChatScript, stream_of
from tests.fakes.server import LoopbackServer
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_long_answer_is_announced_and_a_short_one_is_not(make_window) -> None:
    server = LoopbackServer(ChatScript(stream_of(["quick"]), stream_of(["slow"]))).start()
    try:
        window, core = make_window()
        core.profiles.add("relay", ProfileKind.OPENAI, server.url, "sk-notify-000000001", default_model="m")
        window._profiles_changed()
        window.go_to("chat")
        page = window.chat_page
        await wait_until(lambda: page.loaded)
        window.notifier.window.isActiveWindow = lambda: False  # the user is in another app
        page.composer.edit.setPlainText("Tell me quickly")
        await page.send()
        await wait_until(lambda: page.conversation is not None and not page.tasks)
        assert window.notifier.sent == []  # quick: nothing to announce
        core.settings.settings.notifications.long_answer_seconds = 0  # every answer is "long" now
        page.composer.edit.setPlainText("And slowly")
        await page.send()
        await wait_until(lambda: window.notifier.sent, message="the long answer announced")
        title, body = window.notifier.sent[0]
        assert title == "Chat: the answer is ready" and body == "Tell me quickly"
    finally:
        server.stop()


async def test_image_generations_are_announced_with_what_they_made(make_window) -> None:
    window, _core = make_window()
    window.notifier.window.isActiveWindow = lambda: False
    window.images_page.generation_ended.emit(2, 0)
    window.images_page.generation_ended.emit(1, 1)
    window.images_page.generation_ended.emit(0, 1)
    assert [title for title, _ in window.notifier.sent] == [
        "Images: 2 image(s) ready",
        "Images: 1 image(s) ready",
        "Images: the generation failed",
    ]
    assert [body for _, body in window.notifier.sent] == ["", "1 image(s) failed", "1 image(s) failed"]
