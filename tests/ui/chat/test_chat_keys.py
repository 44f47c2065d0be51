"""The chat from the keyboard on the real window: Esc stops an answer, Ctrl+Shift+C copies the
last answer, F2 renames and Delete deletes (with undo) the selected conversation."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

from desktop_client.core.storage.chats import Status
from tests.core.sse_helpers import stream_of
from tests.ui.chat.test_chat_page import chat  # noqa: F401 - the fixture
from tests.ui.conftest import wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]


async def active(window) -> None:
    window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is window, message="window active")


def press(window, sequence: str) -> None:
    QTest.keySequence(QApplication.focusWidget() or window, QKeySequence(sequence))


async def test_esc_stops_the_answer_and_ctrl_shift_c_copies_it(chat) -> None:  # noqa: F811
    window, core, page, script = await chat(stream_of(["one ", "two ", "three"]), stream_of(["whole answer"]))
    await active(window)
    script.hold_after = 2
    page.composer.edit.setFocus()
    QTest.keyClicks(page.composer.edit, "count")
    QTest.keyClick(page.composer.edit, Qt.Key.Key_Return)
    await wait_until(lambda: any("two" in w.body.toPlainText() for w in page.view.widgets.values()))
    QGuiApplication.clipboard().setText("")
    press(window, "Ctrl+Shift+C")  # while it streams: what arrived so far
    assert QGuiApplication.clipboard().text() == "one two "
    press(window, "Esc")
    await wait_until(lambda: not page.tasks, message="answer stopped")
    script.release.set()
    assert list(page.view.widgets.values())[1].message.status is Status.STOPPED
    assert not page.stop_key.isEnabled()  # Esc is free again once nothing runs

    list(page.view.widgets.values())[1].regenerate_btn.click()
    await wait_until(lambda: not page.tasks and "whole answer" in page.presenter.last_answer())
    press(window, "Ctrl+Shift+C")
    assert QGuiApplication.clipboard().text() == "whole answer"
    assert "copied" in window.statusBar().currentMessage()
    press(window, "Ctrl+N")
    press(window, "Ctrl+Shift+C")
    assert "no answer to copy" in window.statusBar().currentMessage()


async def test_f2_renames_and_delete_deletes_the_selected_conversation_with_undo(chat) -> None:  # noqa: F811
    window, core, page, script = await chat(stream_of(["an answer"]))
    page.composer.edit.setPlainText("first question")
    await page.send()
    await wait_until(lambda: not page.tasks and page.conversations.count() == 1)
    await active(window)
    conversations = page.conversations
    conversations.select_first()
    page.composer.edit.setFocus()
    press(window, "F2")  # from the composer too: the title opens for editing in place
    await wait_until(lambda: conversations.list.findChild(QLineEdit) is not None, message="title editor")
    editor = conversations.list.findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    QTest.keyClicks(editor, "Renamed")
    QTest.keyClick(editor, Qt.Key.Key_Return)
    await wait_until(lambda: page.conversation is not None and page.conversation.title == "Renamed")
    assert (await core.chat.conversations(""))[0].title == "Renamed"

    conversations.list.setFocus()
    conversations.select_first()
    QTest.keyClick(conversations.list, Qt.Key.Key_Delete)
    await wait_until(lambda: conversations.count() == 0 and conversations.undo_bar.isVisible())
    assert await core.chat.conversations("") == []
    conversations.undo_btn.click()
    await wait_until(lambda: conversations.count() == 1, message="restored")

    page.composer.edit.setFocus()
    QTest.keyClicks(page.composer.edit, "abc")
    QTest.keyClick(page.composer.edit, Qt.Key.Key_Home)
    QTest.keyClick(page.composer.edit, Qt.Key.Key_Delete)  # in the composer, Delete deletes a character
    assert page.composer.edit.toPlainText() == "bc" and conversations.count() == 1
