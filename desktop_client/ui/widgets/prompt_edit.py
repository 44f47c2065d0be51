"""A prompt box where Enter (or Ctrl+Enter, as the user chose in Settings) submits, Shift+Enter
always breaks the line, and Tab moves on to the next control (as in the chat composer)."""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from desktop_client.core.settings import SendKey

_RETURN = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _SendKeyNews(QObject):
    changed = Signal()  # the send key changed: hints that name it say it again


class PromptEdit(QPlainTextEdit):
    submitted = Signal()
    send_key: ClassVar[SendKey] = SendKey.ENTER  # one choice for every prompt box of the app
    news: ClassVar[_SendKeyNews | None] = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # a tab in a prompt is rare; leaving the box by keyboard is not
        self._hints = ("", "")
        self.send_key_news().changed.connect(self._show_hint)

    def set_hints(self, enter_sends: str, ctrl_enter_sends: str) -> None:
        """The placeholder for each choice of send key (translated by the caller); the one for the
        current choice is shown, and the other once the choice changes."""
        self._hints = (enter_sends, ctrl_enter_sends)
        self._show_hint()

    def _show_hint(self) -> None:
        self.setPlaceholderText(self._hints[self.send_key is SendKey.CTRL_ENTER])

    @classmethod
    def use_send_key(cls, key: SendKey) -> None:
        """The key that sends, for every prompt box (the Settings page's choice)."""
        cls.send_key = key
        cls.send_key_news().changed.emit()

    @classmethod
    def send_key_news(cls) -> _SendKeyNews:
        if PromptEdit.news is None:
            PromptEdit.news = _SendKeyNews()
        return PromptEdit.news

    def sends(self, event: QKeyEvent) -> bool:
        if event.key() not in _RETURN:
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            return False
        if modifiers == Qt.KeyboardModifier.ControlModifier:
            return True  # Ctrl+Enter sends in either mode
        return modifiers == Qt.KeyboardModifier.NoModifier and self.send_key is SendKey.ENTER

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.sends(event):
            self.submitted.emit()
            return
        if event.key() in _RETURN and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            event.accept()  # Ctrl+Shift+Enter: a plain line break, as Shift+Enter
            self.insertPlainText("\n")
            return
        super().keyPressEvent(event)
