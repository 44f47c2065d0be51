"""The keyboard shortcuts cheat-sheet (F1, Help ▸ Keyboard shortcuts), in the UI language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.settings import SendKey
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import named

PAGE_KEYS = ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5")


def keys_text(*keys: str) -> str:
    """Key sequences as this platform writes them, e.g. "Ctrl+F, Ctrl+K"."""
    return ", ".join(QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText) for key in keys)


class ShortcutsDialog(Retranslatable, QDialog):
    def __init__(self, send_key: SendKey, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.send_key = send_key
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(560, 520)
        self.retranslate()

    def rows(self) -> list[tuple[str, str]]:
        """(keys, what they do), in the UI language."""
        enter = self.tr("Ctrl+Enter") if self.send_key is SendKey.CTRL_ENTER else self.tr("Enter, Ctrl+Enter")
        new_line = self.tr("Shift+Enter") if self.send_key is SendKey.ENTER else self.tr("Enter, Shift+Enter")
        pages = (self.tr("Chat"), self.tr("Midjourney"), self.tr("Images"), self.tr("Gallery"), self.tr("Usage"))
        return [
            (keys_text("Ctrl+N"), self.tr("New chat")),
            (keys_text("Ctrl+F", "Ctrl+K"), self.tr("Search the conversations or the gallery")),
            (enter, self.tr("Send the message or the prompt")),
            (new_line, self.tr("New line in a message or a prompt")),
            (keys_text("Tab"), self.tr("Leave the message or prompt box for the next control")),
            (keys_text("Esc"), self.tr("Stop the answer that is arriving")),
            (keys_text("Ctrl+Shift+C"), self.tr("Copy the last answer of the open conversation")),
            (keys_text("F2"), self.tr("Rename the selected conversation")),
            (keys_text("Del"), self.tr("Delete the selected conversation or gallery images (with undo)")),
            *((keys_text(key), page) for key, page in zip(PAGE_KEYS, pages, strict=True)),
            (keys_text("Ctrl+=", "Ctrl+-"), self.tr("Larger or smaller text")),
            (keys_text("Ctrl+0"), self.tr("The system's text size")),
            (keys_text("Ctrl+,"), self.tr("Settings")),
            (keys_text("F1"), self.tr("This list of keyboard shortcuts")),
            (keys_text("Ctrl+Q"), self.tr("Quit Keyhold")),
        ]

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.intro.setText(self.tr("Keyhold can be used from the keyboard alone:"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action")])
        rows = self.rows()
        self.table.setRowCount(len(rows))
        for number, (keys, action) in enumerate(rows):
            for column, text in enumerate((keys, action)):
                cell = QTableWidgetItem(text)
                cell.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.table.setItem(number, column, cell)
        named(self.table, self.tr("Keyboard shortcuts"))
