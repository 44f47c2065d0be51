"""The prompt box's keys: the chosen send key, Shift+Enter always a line break, Tab moves on."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from desktop_client.core.settings import SendKey
from desktop_client.ui.widgets.prompt_edit import PromptEdit

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def make_box(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    edit = PromptEdit()
    after = QPushButton("next")
    layout = QVBoxLayout(holder)
    layout.addWidget(edit)
    layout.addWidget(after)
    sent: list[str] = []
    edit.submitted.connect(lambda: sent.append(edit.toPlainText()))
    edit.set_hints("Enter sends", "Ctrl+Enter sends")
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    edit.setFocus()
    return holder, edit, after, sent


def test_tab_leaves_the_box_for_the_next_control(qtbot) -> None:
    _holder, edit, after, _sent = make_box(qtbot)
    QTest.keyClicks(edit, "a prompt")
    qtbot.waitUntil(edit.hasFocus)
    QTest.keyClick(edit, Qt.Key.Key_Tab)
    qtbot.waitUntil(after.hasFocus)
    assert edit.toPlainText() == "a prompt"  # no tab character went in


def test_enter_sends_by_default_and_shift_enter_breaks_the_line(qtbot) -> None:
    PromptEdit.use_send_key(SendKey.ENTER)
    _holder, edit, _after, sent = make_box(qtbot)
    assert edit.placeholderText() == "Enter sends"
    QTest.keyClicks(edit, "one")
    QTest.keyClick(edit, Qt.Key.Key_Return, SHIFT)
    QTest.keyClicks(edit, "two")
    assert sent == [] and edit.toPlainText() == "one\ntwo"
    QTest.keyClick(edit, Qt.Key.Key_Return)
    QTest.keyClick(edit, Qt.Key.Key_Enter, CTRL)  # Ctrl+Enter sends in either mode
    assert sent == ["one\ntwo", "one\ntwo"]


def test_with_ctrl_enter_chosen_enter_breaks_the_line(qtbot) -> None:
    _holder, edit, _after, sent = make_box(qtbot)
    try:
        PromptEdit.use_send_key(SendKey.CTRL_ENTER)
        assert edit.placeholderText() == "Ctrl+Enter sends"  # the hint follows the choice
        QTest.keyClicks(edit, "one")
        QTest.keyClick(edit, Qt.Key.Key_Return)
        QTest.keyClicks(edit, "two")
        QTest.keyClick(edit, Qt.Key.Key_Return, SHIFT)
        QTest.keyClicks(edit, "three")
        assert sent == [] and edit.toPlainText() == "one\ntwo\nthree"
        QTest.keyClick(edit, Qt.Key.Key_Return, CTRL)
        assert sent == ["one\ntwo\nthree"]
    finally:
        PromptEdit.use_send_key(SendKey.ENTER)
    assert edit.placeholderText() == "Enter sends"
