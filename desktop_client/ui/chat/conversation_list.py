"""The conversations on the left: new, folders, search (with snippets that open at the
message), date groups, rename in place, pin, move to a folder, delete with undo."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.models import Conversation, Folder, MessageMatch
from desktop_client.ui.chat.conversation_rows import (
    FOLDER_ROLE,
    ID_ROLE,
    MATCH_ROLE,
    PINNED_ROLE,
    ConversationModel,
    RowDelegate,
    RowsView,
    untitled,
)
from desktop_client.ui.design import set_icon
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import named, refill_combo

UNDO_SECONDS = 10
SEARCH_DELAY_MS = 250  # typing pauses this long before the list is searched
ALL_FOLDERS = ""  # the folder chooser's data for "All chats"
FOLDER_CHOOSER_CHARS = 8  # the chooser is at least this wide, and no wider for a long name


class ConversationList(Retranslatable, QWidget):
    """Shows the conversations it is given and says what the user asks for."""

    new_requested = Signal()
    search_changed = Signal()  # the query settled: read it with query()
    folder_changed = Signal()  # another folder chosen: read it with folder_id()
    open_requested = Signal(str)  # conversation id
    jump_requested = Signal(str, str)  # conversation id, message id: a search result opened
    rename_requested = Signal(str, str)  # conversation id, title
    pin_requested = Signal(str, bool)  # conversation id, pinned
    delete_requested = Signal(str)
    undo_requested = Signal()
    create_folder_requested = Signal(str, str)  # name, conversation id to move into it ("" for none)
    rename_folder_requested = Signal(str, str)  # folder id, name
    delete_folder_requested = Signal(str)  # folder id
    move_requested = Signal(str, str)  # conversation id, folder id ("" for no folder)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folders: list[Folder] = []
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.new_btn = QPushButton()
        set_icon(self.new_btn, "new-chat")
        search_icon = self.search_edit.addAction(QIcon(), QLineEdit.ActionPosition.LeadingPosition)
        set_icon(search_icon, "search")
        self.folder_combo = QComboBox()
        self.folder_combo.addItem("", ALL_FOLDERS)
        # A long folder name is cut in the chooser, not allowed to widen the column.
        self.folder_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.folder_combo.setMinimumContentsLength(FOLDER_CHOOSER_CHARS)
        self.folder_btn = QToolButton()
        self.folder_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.folder_menu = QMenu(self)
        self.new_folder_action = self.folder_menu.addAction("")
        self.rename_folder_action = self.folder_menu.addAction("")
        self.delete_folder_action = self.folder_menu.addAction("")
        self.folder_btn.setMenu(self.folder_menu)
        self.model = ConversationModel(self)
        self.list = RowsView()
        self.list.setProperty("sidebar", True)  # no box: the rows sit on the window, as a sidebar's
        self.list.setModel(self.model)
        self.list.setItemDelegate(RowDelegate(self.list))
        self.model.sizes = RowDelegate.sizes(self.list.font())
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.undo_bar = QFrame()
        self.undo_label = QLabel()
        self.undo_btn = QPushButton()
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.setContentsMargins(4, 2, 4, 2)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_btn)
        self.undo_bar.setVisible(False)
        folder_row = QHBoxLayout()
        folder_row.setContentsMargins(0, 0, 0, 0)
        folder_row.addWidget(self.folder_combo, 1)
        folder_row.addWidget(self.folder_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.new_btn)
        layout.addLayout(folder_row)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.undo_bar)

        self._filling = False  # a new listing selects the open conversation: that is no request to open it
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_changed)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(self.hide_undo)

        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.new_btn.clicked.connect(self.new_requested)
        self.folder_combo.currentIndexChanged.connect(self._on_folder_chosen)
        self.new_folder_action.triggered.connect(lambda: self.ask_folder_name(""))
        self.rename_folder_action.triggered.connect(self._rename_folder)
        self.delete_folder_action.triggered.connect(self._delete_folder)
        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.model.renamed.connect(self.rename_requested)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.undo_btn.clicked.connect(self.undo_requested)
        # Delete in the list deletes the selected conversation (with the usual undo).
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.list,
            self.delete_current,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self._update_folder_actions()
        self.retranslate()

    def retranslate(self) -> None:
        self.search_edit.setPlaceholderText(self.tr("Search conversations"))
        self.new_btn.setText(self.tr("New chat"))
        self.undo_btn.setText(self.tr("Undo"))
        self.folder_combo.setItemText(0, self.tr("All chats"))
        self.folder_btn.setText(self.tr("Folders"))
        self.new_folder_action.setText(self.tr("New folder…"))
        self.rename_folder_action.setText(self.tr("Rename folder…"))
        self.delete_folder_action.setText(self.tr("Delete folder"))
        named(self.search_edit, self.tr("Search conversations"))
        named(self.new_btn, self.tr("New chat"))
        named(self.folder_combo, self.tr("Show folder"))
        named(self.folder_btn, self.tr("Folders"))
        named(self.list, self.tr("Conversations"))
        named(self.undo_btn, self.tr("Undo delete"))
        for button in self.search_edit.findChildren(QToolButton):
            named(button, self.tr("Clear search"))
        self.list.viewport().update()  # the group headers and times are words too

    # ----- what the presenter reads and calls ---------------------------------------------
    def query(self) -> str:
        return self.search_edit.text().strip()

    def folder_id(self) -> str | None:
        """The folder the list is filtered by; None for all conversations."""
        data = self.folder_combo.currentData()
        return data if isinstance(data, str) and data != ALL_FOLDERS else None

    def show_conversations(
        self,
        conversations: Sequence[Conversation],
        current: str | None,
        matches: dict[str, MessageMatch] | None = None,
    ) -> None:
        """Lists ``conversations`` under their date groups, ``current`` (an id) selected without
        asking to open it again; ``matches``: a search's snippets, by conversation id."""
        self._filling = True
        try:
            self.model.set_conversations(conversations, matches or {})
            row = self.model.row_of(current) if current else -1
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))
        finally:
            self._filling = False

    def show_folders(self, folders: Sequence[Folder]) -> bool:
        """The folders to choose from; False if the chosen one is gone (the chooser is back on
        all conversations, and the list must be asked for again)."""
        chosen = self.folder_id()
        self.folders = list(folders)
        entries: list[tuple[str, object]] = [(self.tr("All chats"), ALL_FOLDERS)]
        entries += [(f.name, f.id) for f in self.folders]
        refill_combo(self.folder_combo, entries)
        self._update_folder_actions()
        return chosen is None or any(f.id == chosen for f in self.folders)

    def choose_folder(self, folder_id: str | None) -> None:
        index = self.folder_combo.findData(folder_id or ALL_FOLDERS)
        self.folder_combo.setCurrentIndex(max(0, index))

    def count(self) -> int:
        """How many conversations are listed (headers not counted)."""
        return len(self.conversation_ids())

    def conversation_ids(self) -> list[str]:
        return [r.conversation.id for r in self.model.rows if r.conversation is not None]

    def titles(self) -> list[str]:
        """The titles as shown, top to bottom."""
        return [r.conversation.title or untitled() for r in self.model.rows if r.conversation is not None]

    def headers(self) -> list[str]:
        return [str(self.model.index(i).data()) for i, r in enumerate(self.model.rows) if r.conversation is None]

    def current_id(self) -> str | None:
        index = self.list.currentIndex()
        value = index.data(ID_ROLE) if index.isValid() and self.list.selectionModel().isSelected(index) else None
        return value if isinstance(value, str) else None

    def select(self, conversation_id: str) -> None:
        """Selects a conversation as a click would (it is opened)."""
        row = self.model.row_of(conversation_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def rename_current(self) -> None:
        """The selected conversation's title, editable in place (F2)."""
        if self.current_id() is not None:
            self.list.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.list.edit(self.list.currentIndex())

    def delete_current(self) -> None:
        conversation_id = self.current_id()
        if conversation_id is not None:
            self.delete_requested.emit(conversation_id)

    def select_first(self) -> None:
        ids = self.conversation_ids()
        if ids:
            self.select(ids[0])

    def clear_selection(self) -> None:
        self.list.clearSelection()

    def offer_undo(self, title: str) -> None:
        self.undo_label.setText(tr_args(self.tr("Deleted “%1”"), title or untitled()))
        self.undo_bar.setVisible(True)
        self._undo_timer.start(UNDO_SECONDS * 1000)

    def hide_undo(self) -> None:
        self.undo_bar.setVisible(False)

    def ask_folder_name(self, conversation_id: str, folder: Folder | None = None) -> QInputDialog:
        """Asks for a new folder's name (then moves ``conversation_id`` into it, if one is
        given) or, with ``folder``, for that folder's new name."""
        dialog = QInputDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(self.tr("Rename folder") if folder else self.tr("New folder"))
        dialog.setLabelText(self.tr("Folder name:"))
        dialog.setTextValue(folder.name if folder else "")
        if folder is None:
            dialog.textValueSelected.connect(lambda name: self._emit_new_folder(name, conversation_id))
        else:
            dialog.textValueSelected.connect(
                lambda name: self.rename_folder_requested.emit(folder.id, name) if name.strip() else None
            )
        dialog.open()
        return dialog

    # ----- what the user does -------------------------------------------------------------
    def _emit_new_folder(self, name: str, conversation_id: str) -> None:
        if name.strip():
            self.create_folder_requested.emit(name, conversation_id)

    def _on_current(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if self._filling or not index.isValid():
            return
        conversation_id = index.data(ID_ROLE)
        if not isinstance(conversation_id, str):
            return
        message_id = index.data(MATCH_ROLE)
        if message_id:
            self.jump_requested.emit(conversation_id, message_id)
        else:
            self.open_requested.emit(conversation_id)

    def _on_folder_chosen(self) -> None:
        self._update_folder_actions()
        self.folder_changed.emit()

    def _update_folder_actions(self) -> None:
        chosen = self.folder_id() is not None
        self.rename_folder_action.setEnabled(chosen)
        self.delete_folder_action.setEnabled(chosen)

    def _chosen_folder(self) -> Folder | None:
        chosen = self.folder_id()
        return next((f for f in self.folders if f.id == chosen), None)

    def _rename_folder(self) -> None:
        folder = self._chosen_folder()
        if folder is not None:
            self.ask_folder_name("", folder)

    def _delete_folder(self) -> None:
        folder = self._chosen_folder()
        if folder is not None:
            self.delete_folder_requested.emit(folder.id)

    def _edit(self, conversation_id: str) -> None:
        row = self.model.row_of(conversation_id)  # looked up now: the list may have been refilled
        if row >= 0:
            self.list.edit(self.model.index(row))

    def _context_menu(self, position: QPoint) -> None:
        index = self.list.indexAt(position)
        conversation_id = index.data(ID_ROLE) if index.isValid() else None
        if not isinstance(conversation_id, str):
            return  # a group header, or no row
        pinned = bool(index.data(PINNED_ROLE))
        current_folder = index.data(FOLDER_ROLE)
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        rename = menu.addAction(self.tr("Rename"))
        pin = menu.addAction(self.tr("Unpin") if pinned else self.tr("Pin"))
        move = menu.addMenu(self.tr("Move to folder"))
        nowhere = move.addAction(self.tr("No folder"))
        nowhere.setCheckable(True)
        nowhere.setChecked(current_folder is None)
        nowhere.triggered.connect(lambda: self.move_requested.emit(conversation_id, ""))
        for folder in self.folders:
            action = move.addAction(folder.name.replace("&", "&&"))  # a name's "&" is no shortcut mark
            action.setCheckable(True)
            action.setChecked(folder.id == current_folder)
            action.triggered.connect(lambda _=False, f=folder.id: self.move_requested.emit(conversation_id, f))
        move.addSeparator()
        move.addAction(self.tr("New folder…")).triggered.connect(lambda: self.ask_folder_name(conversation_id))
        delete = menu.addAction(self.tr("Delete"))
        rename.triggered.connect(lambda: self._edit(conversation_id))
        pin.triggered.connect(lambda: self.pin_requested.emit(conversation_id, not pinned))
        delete.triggered.connect(lambda: self.delete_requested.emit(conversation_id))
        menu.popup(self.list.viewport().mapToGlobal(position))
