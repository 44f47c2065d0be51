"""The Chat page's presenter and panels: a new answer's rows are put into the shown branch
(never read back, never re-rendered), what the panels ask for reaches the service, and a failing
slot says why in the notice."""

import asyncio

import pytest

from desktop_client.core.errors import NotFoundError
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import ProfileKind
from desktop_client.ui.errors import describe
from desktop_client.ui.qtutils import spawn
from tests.core.sse_helpers import ChatScript, stream_of
from tests.fakes.openai_fake import FakeOpenAI
from tests.fakes.server import LoopbackServer
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture
def chat(make_window):
    servers = []

    async def open_chat(*bodies):
        server = LoopbackServer(ChatScript(*bodies)).start()
        servers.append(server)
        window, core = make_window(secrets=MemorySecretStore())
        core.profiles.add("relay", ProfileKind.OPENAI, server.url, "sk-presenter-00000001", default_model="m")
        window._update_mode()
        window.chat_page.refresh_profiles()
        window.nav.setCurrentRow(0)
        page = window.chat_page
        await wait_until(lambda: page.loaded, message="chat page loaded")
        return core, page

    yield open_chat
    for server in servers:
        server.stop()


async def ask(page, text: str) -> None:
    page.composer.edit.setPlainText(text)
    await page.send()
    await wait_until(lambda: not page.tasks and not any(w.streaming for w in page.view.widgets.values()))


def shown_text(page) -> list[str]:
    return [w.body.toPlainText().strip() for w in page.view.widgets.values()]


def counting_opens(core, monkeypatch) -> list[str]:
    opened: list[str] = []
    real = core.chat.open

    async def open_(conversation_id):
        opened.append(conversation_id)
        return await real(conversation_id)

    monkeypatch.setattr(core.chat, "open", open_)
    return opened


async def test_a_new_answer_is_appended_and_nothing_shown_is_read_or_rendered_again(chat, monkeypatch) -> None:
    core, page = await chat(stream_of(["first answer"]), stream_of(["second answer"]))
    await ask(page, "one")
    before = list(page.view.widgets.values())
    renders = [w.renders for w in before]
    opened = counting_opens(core, monkeypatch)
    await ask(page, "two")
    shown = list(page.view.widgets.values())
    assert shown[:2] == before and [w.renders for w in before] == renders
    assert shown_text(page) == ["one", "first answer", "two", "second answer"]
    assert opened == []


async def test_the_branch_it_builds_is_the_one_the_service_reads(chat) -> None:
    core, page = await chat(stream_of(["a1"]), stream_of(["a1 again"]), stream_of(["a2"]), stream_of(["a2'"]))
    await ask(page, "q1")
    answer = list(page.view.widgets.values())[1]
    page.presenter.regenerate(answer.message.id)
    await wait_until(lambda: not page.tasks and "a1 again" in shown_text(page)[1])
    await ask(page, "q2")
    question = list(page.view.widgets.values())[2]
    page.presenter.edit(question.message.id, "q2, edited")
    await wait_until(lambda: not page.tasks and "a2'" in shown_text(page)[3])
    stored = await core.chat.open(page.conversation.id)
    assert page.presenter.path == stored.path
    assert {m.id: page.presenter.siblings[m.id] for m in stored.path} == stored.siblings
    assert [w.version_label.text() for w in page.view.widgets.values()] == ["", "2/2", "2/2", ""]


async def test_what_the_list_asks_for_reaches_the_service(chat) -> None:
    core, page = await chat(stream_of(["fine"]))
    await ask(page, "keep me")
    conversation_id = page.conversation.id
    signals = page.conversations
    signals.rename_requested.emit(conversation_id, "Renamed")
    await wait_until(lambda: page.conversation.title == "Renamed")
    assert page.header.title_label.text() == "Renamed"
    signals.pin_requested.emit(conversation_id, True)
    await wait_until(
        lambda: signals.count() == 1 and signals.titles() == ["Renamed"] and signals.headers() == ["Pinned"]
    )
    signals.delete_requested.emit(conversation_id)
    await wait_until(lambda: signals.count() == 0 and page.conversation is None)
    assert signals.undo_bar.isVisible() and "Renamed" in signals.undo_label.text()
    signals.undo_requested.emit()
    await wait_until(lambda: page.conversation is not None and page.conversation.id == conversation_id)
    assert signals.count() == 1 and len(page.view.widgets) == 2


async def test_a_failing_slot_says_why_in_the_notice(chat) -> None:
    core, page = await chat(stream_of(["unused"]))
    page.conversations.open_requested.emit("c-gone-000000")
    await wait_until(lambda: page.notice.isVisible(), message="the notice")
    with pytest.raises(NotFoundError) as raised:
        await core.chat.open("c-gone-000000")
    headline, fix = describe(raised.value)
    assert page.notice.is_error and page.notice.text() == f"{headline} — {fix}"


@pytest.mark.parametrize("started_late", [False, True], ids=["in-order", "started-after-the-end"])
async def test_a_refused_send_shows_failed_with_regenerate_whatever_the_order(
    make_window, monkeypatch, started_late
) -> None:
    """No model anywhere (the server lists only an embedding model): the answer fails with
    "Pick a model…" and offers Regenerate, also when the page hears of its start only after
    its end (a race that used to leave it "Answering…" for good)."""
    with FakeOpenAI("sk-refused-000000000001", models=["text-embedding-3-small"]) as fake:
        window, core = make_window(secrets=MemorySecretStore())
        core.profiles.add("relay", ProfileKind.OPENAI, fake.url, "sk-refused-000000000001")
        window._update_mode()
        window.chat_page.refresh_profiles()
        window.nav.setCurrentRow(0)
        page = window.chat_page
        await wait_until(lambda: page.loaded, message="chat page loaded")
        presenter = page.presenter
        if started_late:
            ended: set[str] = set()
            real_started, real_finished = presenter.on_started, presenter.on_finished

            def on_finished(message) -> None:
                real_finished(message)
                ended.add(message.id)

            def on_started(user, assistant) -> None:
                async def later() -> None:
                    await wait_until(lambda: assistant.id in ended, message="the end first")
                    real_started(user, assistant)

                spawn(later())

            monkeypatch.setattr(presenter, "on_started", on_started)
            monkeypatch.setattr(presenter, "on_finished", on_finished)
        await ask(page, "hello?")
        await wait_until(lambda: len(page.view.widgets) == 2, message="question and answer shown")
        await asyncio.sleep(0.1)  # a late start would land now
        answer = list(page.view.widgets.values())[-1]
        assert answer.message.role == "assistant" and not answer.streaming
        assert "Answering" not in answer.status_label.text()
        assert "Pick a model" in answer.status_label.text()
        assert answer.regenerate_btn.isVisible() and answer.pick_model_btn.isVisible()
        assert "Pick a model" in page.notice.text()
        assert fake.chat_requests == []
