"""The Chat page driven like a user: send, stream, stop, regenerate, edit, interrupted state."""

import asyncio
import json

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QTextCursor

from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Status
from tests.core.sse_helpers import ChatScript, chunk, stream_of
from tests.fakes.server import LoopbackServer
from tests.ui.conftest import wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]

MARKDOWN_ANSWER = [
    "Here is a table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n",
    "And code:\n\n```python\nprint('hi')\n```\n\n",
    "Math: $\\alpha^2$ done.",
]


@pytest.fixture
def chat(make_window, keyring_store):
    servers = []

    async def open_chat(*bodies, pause=0.0):
        script = ChatScript(*bodies, pause=pause)
        server = LoopbackServer(script).start()
        servers.append(server)
        window, core = make_window()
        core.profiles.add("relay", ProfileKind.OPENAI, server.url, "sk-chat-ui-000000001", default_model="m")
        window._update_mode()
        window.chat_page.refresh_profiles()
        window.nav.setCurrentRow(0)
        page = window.chat_page
        # load() lists conversations and opens the first; a test racing it would be superseded
        await wait_until(lambda: page.loaded, message="chat page loaded")
        return window, core, page, script

    yield open_chat
    for server in servers:
        server.stop()


def press_enter(widget, shift=False) -> None:
    modifiers = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    widget.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return, modifiers))


async def test_enter_sends_and_the_answer_renders(chat) -> None:
    window, core, page, script = await chat(stream_of(MARKDOWN_ANSWER, reasoning="thinking it over"))
    page.composer.edit.setPlainText("first line")
    page.composer.edit.moveCursor(QTextCursor.MoveOperation.End)
    press_enter(page.composer.edit, shift=True)
    assert page.composer.edit.toPlainText() == "first line\n"
    page.composer.edit.insertPlainText("second line")
    press_enter(page.composer.edit)
    await wait_until(lambda: page.conversation is not None and not page.tasks, message="answer done")
    assert script.requests[0]["messages"][-1]["content"] == "first line\nsecond line"
    widgets = list(page.view.widgets.values())
    assert [w.message.role for w in widgets] == ["user", "assistant"]
    answer = widgets[1]
    html = answer.body.toHtml()
    assert "<table" in html and "print" in html and "α" in answer.body.toPlainText()
    assert answer.reasoning_toggle.isVisible() and "thinking it over" in answer.reasoning_view.toPlainText()
    assert "in ·" in answer.meta_label.text()  # token usage
    assert page.conversations.count() == 1 and page.conversations.titles() == ["first line"]


async def test_stop_keeps_partial_and_offers_continue(chat) -> None:
    window, core, page, script = await chat(stream_of(["one ", "two ", "three"]))
    script.hold_after = 2
    page.composer.edit.setPlainText("count")
    await page.send()
    await wait_until(lambda: any("two" in w.body.toPlainText() for w in page.view.widgets.values()))
    assert page.composer.stop_btn.isVisible()
    page.composer.stop_btn.click()
    await wait_until(lambda: not page.tasks)
    script.release.set()
    answer = list(page.view.widgets.values())[1]
    assert answer.message.status is Status.STOPPED
    assert answer.body.toPlainText().strip() == "one two"
    assert answer.continue_btn.isVisible() and answer.regenerate_btn.isVisible()
    assert page.composer.send_btn.isVisible()


async def test_regenerate_keeps_both_versions(chat) -> None:
    window, core, page, script = await chat(stream_of(["first answer"]), stream_of(["second answer"]))
    page.composer.edit.setPlainText("q")
    await page.send()
    await wait_until(lambda: not page.tasks and len(page.view.widgets) == 2)
    list(page.view.widgets.values())[1].regenerate_btn.click()
    await wait_until(
        lambda: not page.tasks and any("second answer" in w.body.toPlainText() for w in page.view.widgets.values())
    )
    answer = list(page.view.widgets.values())[1]
    assert answer.version_label.text() == "2/2"
    answer.prev_btn.click()
    await wait_until(lambda: "first answer" in list(page.view.widgets.values())[1].body.toPlainText())
    assert list(page.view.widgets.values())[1].version_label.text() == "1/2"


async def test_edit_and_resend(chat) -> None:
    window, core, page, script = await chat(stream_of(["answer one"]), stream_of(["answer two"]))
    page.composer.edit.setPlainText("original")
    await page.send()
    await wait_until(lambda: not page.tasks and len(page.view.widgets) == 2)
    question = list(page.view.widgets.values())[0]
    question.edit_btn.click()
    assert question.editor.isVisible()
    question.editor.setPlainText("edited")
    question.save_edit_btn.click()
    await wait_until(
        lambda: not page.tasks and any("answer two" in w.body.toPlainText() for w in page.view.widgets.values())
    )
    shown = [w.body.toPlainText().strip() for w in page.view.widgets.values()]
    assert shown == ["edited", "answer two"]
    assert script.requests[1]["messages"][-1]["content"] == "edited"
    assert list(page.view.widgets.values())[0].version_label.text() == "2/2"


async def test_interrupted_answer_reopens_marked_with_continue(chat, home) -> None:
    window, core, page, script = await chat(stream_of([" and the rest."]))
    profile_id = core.profiles.find("relay").id
    store = core.chat.store
    conv = store.create_conversation(profile_id=profile_id, model="m", title="crashed")
    q = store.add_message(conv.id, "user", "tell me", parent_id=None)
    store.add_message(
        conv.id, "assistant", "The begin", parent_id=q.id, status=Status.STREAMING, stream_owner=999_999
    )
    assert store.mark_interrupted() == 1  # what the next start does
    await page.refresh_list()
    await page.open_conversation(conv.id)
    answer = list(page.view.widgets.values())[1]
    assert answer.message.status is Status.INTERRUPTED
    assert "Interrupted" in answer.status_label.text()
    assert answer.continue_btn.isVisible() and answer.regenerate_btn.isVisible()
    answer.continue_btn.click()
    await wait_until(lambda: not page.tasks and "the rest" in answer.body.toPlainText())
    assert store.message(answer.message.id).content == "The begin and the rest."
    assert store.message(answer.message.id).status is Status.COMPLETE


async def test_mid_stream_error_is_shown_and_partial_kept(chat) -> None:
    broken = chunk("Partial text") + b'data: {"error":{"message":"Provider disconnected"}}\n\n'
    window, core, page, script = await chat(broken)
    page.composer.edit.setPlainText("q")
    await page.send()
    await wait_until(lambda: not page.tasks and len(page.view.widgets) == 2)
    answer = list(page.view.widgets.values())[1]
    assert answer.body.toPlainText().strip() == "Partial text"
    assert "Provider disconnected" in answer.status_label.text()
    assert page.notice.isVisible()


async def test_delete_undo_pin_search_and_export(chat, tmp_path, monkeypatch) -> None:
    window, core, page, script = await chat(stream_of(["a searchable answer about relays"]))
    page.composer.edit.setPlainText("about relays")
    await page.send()
    await wait_until(lambda: not page.tasks)
    conv_id = page.conversation.id
    await page.delete(conv_id)
    assert page.conversations.count() == 0 and page.conversations.undo_bar.isVisible()
    page.conversations.undo_btn.click()
    await wait_until(lambda: page.conversations.count() == 1)
    await page.set_pinned(conv_id, True)
    assert page.conversations.headers() == ["Pinned"]  # listed under its own group
    page.conversations.search_edit.setText("searchable")
    await wait_until(lambda: page.conversations.count() == 1)
    page.conversations.search_edit.setText("nothing like this")
    await wait_until(lambda: page.conversations.count() == 0)
    page.conversations.search_edit.clear()
    await wait_until(lambda: page.conversations.count() == 1)

    target = tmp_path / "out.json"
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "open", lambda self: self.fileSelected.emit(str(target)))
    await page.export("json")
    document = json.loads(target.read_text())
    assert document["messages"][1]["content"] == "a searchable answer about relays"
    assert "sk-chat-ui" not in target.read_text()


async def test_chinese_ui(chat) -> None:
    from desktop_client.core.settings import Language

    window, core, page, script = await chat(stream_of(["你好"]))
    window.set_language(Language.CHINESE)
    await asyncio.sleep(0.05)
    assert page.composer.send_btn.text() == "发送"
    window.set_language(Language.ENGLISH)


# ----------------------------------------------------------------------------- over-long lines

BIG_LINE = "".join(chr(0x61 + i % 26) for i in range(5 * 2**20))  # 5 MB, not one space


def longest_shown_line(*browsers) -> int:
    """The longest line (block) the documents of these text browsers show."""
    longest = 0
    for browser in browsers:
        block = browser.document().begin()
        while block.isValid():
            # stripped: Qt turns the line end after a closing tag into a space
            longest = max(longest, len(block.text().strip()))
            block = block.next()
    return longest


def shown_in(widget) -> list:
    return [*widget.body.segments, widget.body.tail]


async def test_a_5mb_line_is_cut_for_display_and_kept_whole(chat, home, tmp_path, make_window) -> None:
    from PySide6.QtGui import QGuiApplication

    from desktop_client.core.render.lines import LINE_CAP
    from tests.procs import run_cli

    long_thought = "ponder" * 20_000  # 120,000 characters of reasoning on one line
    question = "q" * 30_000 + "\nand a short second line"
    pieces = [BIG_LINE[i : i + 16384] for i in range(0, len(BIG_LINE), 16384)]
    window, core, page, script = await chat(stream_of(pieces, reasoning=long_thought))
    page.composer.edit.setPlainText(question)
    await page.send()
    await wait_until(
        lambda: (
            not page.tasks
            and len(page.view.widgets) == 2
            and not any(w.streaming for w in page.view.widgets.values())
        ),
        timeout=60,
        message="the 5 MB answer streamed",
    )
    user, answer = page.view.widgets.values()
    words = max(answer._cut_words(), answer._reasoning_cut_words(), key=len)
    marker = len(words.replace("%1", f"{len(BIG_LINE):,}"))
    assert core.chat.store.message(answer.message.id).content == BIG_LINE
    # What is shown is cut: the line's start, then the marker, in one of the answer's documents.
    assert LINE_CAP // 2 < longest_shown_line(*shown_in(answer)) <= LINE_CAP + marker
    assert "".join(answer.body.toPlainText().split()).startswith(BIG_LINE[:LINE_CAP])
    assert f"{len(BIG_LINE):,} characters" in answer.body.toPlainText()
    assert LINE_CAP <= longest_shown_line(answer.reasoning_view) <= LINE_CAP + marker
    assert "120,000 characters" in answer.reasoning_view.toPlainText()
    assert LINE_CAP <= longest_shown_line(*shown_in(user)) <= LINE_CAP + marker
    assert "and a short second line" in user.body.toPlainText()

    # Copy, and an export, keep every character.
    QGuiApplication.clipboard().clear()
    answer.copy_btn.click()
    assert QGuiApplication.clipboard().text() == BIG_LINE
    user.copy_btn.click()
    assert QGuiApplication.clipboard().text() == question
    exported = tmp_path / "export.json"
    result = await asyncio.to_thread(
        run_cli, home.root, "history", "export", page.conversation.id[:12], "--format", "json", "-o", str(exported)
    )
    assert result.returncode == 0, result.stderr
    messages = json.loads(exported.read_text())["messages"]
    assert messages[1]["content"] == BIG_LINE and messages[1]["reasoning"] == long_thought
    assert messages[0]["content"] == question

    # The next start opens the conversation again: cut the same way.
    again, _ = make_window(core)
    again.nav.setCurrentRow(0)
    reopened = again.chat_page
    await wait_until(lambda: reopened.loaded and len(reopened.view.widgets) == 2, message="reopened")
    answer = list(reopened.view.widgets.values())[1]
    await wait_until(lambda: f"{len(BIG_LINE):,} characters" in answer.body.toPlainText(), message="rendered")
    assert LINE_CAP // 2 < longest_shown_line(*shown_in(answer)) <= LINE_CAP + marker
    answer.copy_btn.click()
    assert QGuiApplication.clipboard().text() == BIG_LINE


async def test_a_100k_code_line_is_cut_for_display_and_its_copy_link_copies_it_whole(chat) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QGuiApplication

    from desktop_client.core.render.lines import LINE_CAP

    code = "data = [" + ", ".join(str(i % 997) for i in range(30_000)) + "]"  # about 130,000 characters
    answer_text = f"Here:\n\n```python\n{code}\nprint(len(data))\n```\n\nDone."
    pieces = [answer_text[i : i + 700] for i in range(0, len(answer_text), 700)]
    window, core, page, script = await chat(stream_of(pieces))
    page.composer.edit.setPlainText("a long line of code, please")
    await page.send()
    await wait_until(
        lambda: (
            not page.tasks
            and len(page.view.widgets) == 2
            and not any(w.streaming for w in page.view.widgets.values())
        ),
        timeout=30,
        message="answer streamed",
    )
    answer = list(page.view.widgets.values())[1]
    marker = len(answer._cut_words().replace("%1", f"{len(code):,}"))
    shown = answer.body.toPlainText()
    assert LINE_CAP // 2 < longest_shown_line(*shown_in(answer)) <= LINE_CAP + marker
    assert f"{len(code):,} characters" in shown and "print(len(data))" in shown and "Done." in shown
    QGuiApplication.clipboard().clear()
    answer._on_anchor(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == f"{code}\nprint(len(data))"


async def test_a_long_streamed_answer_keeps_its_paragraphs_and_headings(chat) -> None:
    from desktop_client.ui.chat.message_widget import LONG_ANSWER

    sections = [
        f"## Part {i}\n\nParagraph {i}: " + " ".join(f"w{i}x{k}" for k in range(150)) + "\n\n" for i in range(30)
    ]
    text = "".join(sections)
    assert len(text) > LONG_ANSWER  # what streamed stays on screen: no final re-render
    window, core, page, script = await chat(stream_of(pieces_of(text, 40)))
    page.composer.edit.setPlainText("a long answer")
    await page.send()
    await wait_until(
        lambda: (
            not page.tasks and len(page.view.widgets) == 2 and not list(page.view.widgets.values())[1].streaming
        ),
        message="answer streamed",
    )
    answer = list(page.view.widgets.values())[1]
    blocks = []
    for browser in shown_in(answer):
        block = browser.document().begin()
        while block.isValid():
            blocks.append((block.text().strip(), block.blockFormat().headingLevel()))
            block = block.next()
    for i in range(30):
        # Each streamed block is a block of its own: no paragraph runs into the next one.
        assert (f"Part {i}", 2) in blocks
        assert (f"Paragraph {i}: " + " ".join(f"w{i}x{k}" for k in range(150)), 0) in blocks


def pieces_of(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


async def test_a_new_conversation_is_listed_with_its_question_while_the_answer_streams(chat) -> None:
    window, core, page, script = await chat(stream_of(["one ", "two ", "three"]))
    script.hold_after = 1  # the answer waits after its first piece
    page.composer.edit.setPlainText("Which relay is fastest?")
    await page.send()
    await wait_until(lambda: page.conversations.count() == 1, message="listed before the answer ended")
    assert page.tasks  # still answering
    assert page.conversations.titles() == ["Which relay is fastest?"]
    assert page.header.title_label.text() == "Which relay is fastest?"
    script.release.set()
    await wait_until(lambda: not page.tasks)
