"""The conversations on the left: new, search, rename in place, pin, delete with undo."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.services.chat_types import Conversation
from desktop_client.core.stamps import when
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import named

PIN_MARK = "★ "  # a glyph every UI font has (emoji fonts are not a given)
UNDO_SECONDS = 10
SEARCH_DELAY_MS = 250  # typing pauses this long before the list is searched


class ConversationList(Retranslatable, QWidget):
    """Shows the conversations it is given and says what the user asks for."""

    new_requested = Signal()
    search_changed = Signal()  # the query settled: read it with query()
    open_requested = Signal(str)  # conversation id
    rename_requested = Signal(str, str)  # conversation id, title
    pin_requested = Signal(str, bool)  # conversation id, pinned
    delete_requested = Signal(str)
    undo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.new_btn = QPushButton()
        self.list = QListWidget()
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setEditTriggers(QListWidget.EditTrigger.EditKeyPressed | QListWidget.EditTrigger.DoubleClicked)
        self.undo_bar = QFrame()
        self.undo_label = QLabel()
        self.undo_btn = QPushButton()
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(4, 2, 4, 2)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_btn)
        self.undo_bar.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.new_btn)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.undo_bar)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_changed)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self.hide_undo)

        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.new_btn.clicked.connect(self.new_requested)
        self.list.currentItemChanged.connect(self._on_selected)
        self.list.itemChanged.connect(self._on_renamed)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.undo_btn.clicked.connect(self.undo_requested)
        # Delete in the list deletes the selected conversation (with the usual undo).
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.list,
            self.delete_current,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.search_edit.setPlaceholderText(self.tr("Search conversations"))
        self.new_btn.setText(self.tr("New chat"))
        self.undo_btn.setText(self.tr("Undo"))
        named(self.search_edit, self.tr("Search conversations"))
        named(self.new_btn, self.tr("New chat"))
        named(self.list, self.tr("Conversations"))
        named(self.undo_btn, self.tr("Undo delete"))
        for button in self.search_edit.findChildren(QToolButton):
            named(button, self.tr("Clear search"))

    def query(self) -> str:
        return self.search_edit.text().strip()

    def show_conversations(self, conversations: Sequence[Conversation], current: str | None) -> None:
        """Lists ``conversations``, ``current`` (an id) selected without asking to open it again."""
        self.list.blockSignals(True)
        self.list.clear()
        for conversation in conversations:
            title = conversation.title or self.tr("New conversation")
            item = QListWidgetItem((PIN_MARK if conversation.pinned else "") + title)
            item.setData(Qt.ItemDataRole.UserRole, conversation.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            if conversation.updated:
                item.setToolTip(f"{title}\n{when(conversation.updated)}")
            self.list.addItem(item)
            if conversation.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def rename_current(self) -> None:
        """The selected conversation's title, editable in place (F2)."""
        item = self.list.currentItem()
        if item is not None and item.isSelected():
            self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.list.editItem(item)

    def delete_current(self) -> None:
        item = self.list.currentItem()
        if item is not None and item.isSelected():
            self.delete_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def select_first(self) -> None:
        if self.list.count():
            self.list.setCurrentRow(0)

    def clear_selection(self) -> None:
        self.list.clearSelection()

    def offer_undo(self, title: str) -> None:
        self.undo_label.setText(tr_args(self.tr("Deleted “%1”"), title or self.tr("New conversation")))
        self.undo_bar.setVisible(True)
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def hide_undo(self) -> None:
        self.undo_bar.setVisible(False)

    def _on_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is not None:
            self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def _on_renamed(self, item: QListWidgetItem) -> None:
        title = item.text().removeprefix(PIN_MARK).strip()
        self.rename_requested.emit(item.data(Qt.ItemDataRole.UserRole), title)

    def _context_menu(self, position: QPoint) -> None:
        item = self.list.itemAt(position)
        if item is None:
            return
        conversation_id = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        rename = menu.addAction(self.tr("Rename"))
        pinned = item.text().startswith(PIN_MARK)
        pin = menu.addAction(self.tr("Unpin") if pinned else self.tr("Pin"))
        delete = menu.addAction(self.tr("Delete"))
        rename.triggered.connect(lambda: self.list.editItem(item))
        pin.triggered.connect(lambda: self.pin_requested.emit(conversation_id, not pinned))
        delete.triggered.connect(lambda: self.delete_requested.emit(conversation_id))
        menu.popup(self.list.viewport().mapToGlobal(position))
