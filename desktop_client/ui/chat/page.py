"""The Chat page: conversations on the left, the conversation and the composer on the right."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.context import Core
from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Conversation, Message, Status
from desktop_client.ui.chat.message_widget import MessageWidget, copy_to_clipboard
from desktop_client.ui.errors import describe
from desktop_client.ui.qtutils import fill_profile_combo, named, spawn
from desktop_client.ui.resources import resource

if TYPE_CHECKING:
    # Annotation only: httpx loads after the first paint.
    from desktop_client.core.api.retry import RetryNotice

log = logging.getLogger(__name__)

VISIBLE_MESSAGES = 60
PIN_MARK = "★ "  # a glyph every UI font has (emoji fonts are not a given)
UNDO_SECONDS = 10


class Composer(QPlainTextEdit):
    """Enter sends, Shift+Enter breaks the line; images can be pasted or dropped."""

    submitted = Signal()
    images_added = Signal(list)  # list[bytes]

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(event)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        images: list[bytes] = []
        if source.hasUrls():
            for url in source.urls():
                if url.isLocalFile():
                    try:
                        images.append(Path(url.toLocalFile()).read_bytes())
                    except OSError:
                        continue
        elif source.hasImage():
            from PySide6.QtCore import QBuffer, QIODevice

            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            source.imageData().save(buffer, "PNG")
            images.append(bytes(buffer.data().data()))
        if images:
            self.images_added.emit(images)
            return
        super().insertFromMimeData(source)


class ConversationView(QScrollArea):
    """The messages of the shown branch, newest at the bottom; follows the stream while the
    user is at the bottom, and stays put when they scrolled up to read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.setContentsMargins(12, 12, 12, 12)
        self.column.setSpacing(10)
        self.earlier_btn = QPushButton()
        self.column.addWidget(self.earlier_btn)
        self.column.addStretch(1)
        self.setWidget(self.inner)
        self.widgets: dict[str, MessageWidget] = {}
        self._stick = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda v: setattr(self, "_stick", v >= bar.maximum() - 24))
        bar.rangeChanged.connect(lambda _lo, hi: bar.setValue(hi) if self._stick else None)

    def set_messages(self, widgets: list[MessageWidget]) -> None:
        keep = {id(w) for w in widgets}
        # Take every message out first: inserting a widget the layout already holds would
        # leave a second layout item that outlives the widget.
        for widget in list(self.widgets.values()):
            self.column.removeWidget(widget)
            if id(widget) not in keep:
                widget.hide()
                widget.deleteLater()
        self.widgets = {w.message.id: w for w in widgets}
        for index, widget in enumerate(widgets):
            self.column.insertWidget(index + 1, widget)
        self._stick = True

    def scroll_to_bottom(self) -> None:
        self._stick = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


class ChatPage(QWidget):
    """Also the stream observer of the chat service (called on the GUI thread)."""

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.conversation: Conversation | None = None
        self.tasks: dict[str, asyncio.Task[Any]] = {}  # conversation id → running answer
        self.live: dict[str, tuple[list[str], list[str]]] = {}  # message id → text so far
        self.unsaved: dict[str, Message] = {}  # answers the disk refused, whole, for this session
        self.pending_attachments: list[str] = []
        self.show_all = False
        self._deleted: Conversation | None = None
        self._sending = False
        self._open_token = 0
        self.loaded = False  # set once load() has listed conversations and opened the first

        # left: conversations
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
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_btn)
        left_layout.addWidget(self.search_edit)
        left_layout.addWidget(self.list, 1)
        left_layout.addWidget(self.undo_bar)

        # right: header, system prompt, messages, composer
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.profile_combo = QComboBox()
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setMinimumContentsLength(18)
        self.refresh_models_btn = QToolButton()
        self.refresh_models_btn.setText("⟳")
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(-0.1, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        self.system_btn = QToolButton()
        self.system_btn.setCheckable(True)
        self.export_btn = QToolButton()
        self.export_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_menu = QMenu(self)
        self.export_md = QAction(self)
        self.export_json = QAction(self)
        self.export_menu.addAction(self.export_md)
        self.export_menu.addAction(self.export_json)
        self.export_btn.setMenu(self.export_menu)
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.profile_combo)
        header.addWidget(self.model_combo)
        header.addWidget(self.refresh_models_btn)
        header.addWidget(self.temperature)
        header.addWidget(self.system_btn)
        header.addWidget(self.export_btn)
        self.system_edit = QPlainTextEdit()
        self.system_edit.setMaximumHeight(90)
        self.system_edit.setVisible(False)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.view = ConversationView()
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: palette(mid); font-size: 14px;")

        self.composer = Composer()
        self.composer.setFixedHeight(64)
        self.composer.textChanged.connect(self._fit_composer)
        self.attach_btn = QToolButton()
        self.attach_btn.setIcon(QIcon(str(resource("icons", "attach.svg"))))
        self.attachments_label = QLabel()
        self.send_btn = QPushButton()
        self.stop_btn = QPushButton()
        self.stop_btn.setVisible(False)
        composer_row = QHBoxLayout()
        composer_row.addWidget(self.attach_btn, 0, Qt.AlignmentFlag.AlignBottom)
        composer_row.addWidget(self.composer, 1)
        buttons = QVBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.stop_btn)
        buttons.addWidget(self.send_btn)
        composer_row.addLayout(buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(header)
        right_layout.addWidget(self.system_edit)
        right_layout.addWidget(self.notice)
        right_layout.addWidget(self.view, 1)
        right_layout.addWidget(self.empty_label, 1)
        right_layout.addWidget(self.attachments_label)
        right_layout.addLayout(composer_row)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 750])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(lambda: spawn(self.refresh_list()))
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_bar.setVisible(False))

        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.new_btn.clicked.connect(self.new_conversation)
        self.list.currentItemChanged.connect(self._on_selected)
        self.list.itemChanged.connect(self._on_renamed)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.undo_btn.clicked.connect(lambda: spawn(self.undo_delete()))
        self.composer.submitted.connect(lambda: spawn(self.send()))
        self.composer.images_added.connect(self._add_images)
        self.send_btn.clicked.connect(lambda: spawn(self.send()))
        self.stop_btn.clicked.connect(self.stop)
        self.attach_btn.clicked.connect(self._choose_images)
        self.profile_combo.activated.connect(lambda _i: spawn(self._on_profile_chosen()))
        model_edit = self.model_combo.lineEdit()
        assert model_edit is not None
        self.model_edit: QLineEdit = model_edit
        self.model_edit.editingFinished.connect(lambda: spawn(self._save_settings()))
        self.model_combo.activated.connect(lambda _i: spawn(self._save_settings()))
        self.refresh_models_btn.clicked.connect(lambda: spawn(self.load_models(refresh=True)))
        self.temperature.editingFinished.connect(lambda: spawn(self._save_settings()))
        self.system_btn.toggled.connect(self.system_edit.setVisible)
        self.system_edit.installEventFilter(self)
        self.view.earlier_btn.clicked.connect(self._show_earlier)
        self.export_md.triggered.connect(lambda: spawn(self.export("md")))
        self.export_json.triggered.connect(lambda: spawn(self.export("json")))

        self.retranslate()
        self._show_conversation_chrome()

    def _fit_composer(self) -> None:
        """Grows with the text up to eight lines, then scrolls."""
        lines = max(2, min(8, self.composer.document().blockCount()))
        height = self.composer.fontMetrics().lineSpacing() * lines + 18
        self.composer.setFixedHeight(max(64, height))

    # ----- i18n ------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.search_edit.setPlaceholderText(self.tr("Search conversations"))
        self.new_btn.setText(self.tr("New chat"))
        self.undo_btn.setText(self.tr("Undo"))
        self.temperature.setSpecialValueText(self.tr("temp. default"))
        self.temperature.setPrefix(self.tr("temp. "))
        self.system_btn.setText(self.tr("System prompt"))
        self.export_btn.setText(self.tr("Export"))
        self.export_md.setText(self.tr("As Markdown…"))
        self.export_json.setText(self.tr("As JSON…"))
        self.system_edit.setPlaceholderText(self.tr("System prompt for this conversation (optional)"))
        self.composer.setPlaceholderText(self.tr("Ask anything. Enter sends, Shift+Enter starts a new line."))
        self.send_btn.setText(self.tr("Send"))
        self.stop_btn.setText(self.tr("Stop"))
        self.view.earlier_btn.setText(self.tr("Show earlier messages"))
        self.empty_label.setText(self.tr("Start a conversation: pick a profile and a model, then ask."))
        self.model_edit.setPlaceholderText(self.tr("model"))
        for widget, name in (
            (self.search_edit, self.tr("Search conversations")),
            (self.new_btn, self.tr("New chat")),
            (self.list, self.tr("Conversations")),
            (self.undo_btn, self.tr("Undo delete")),
            (self.profile_combo, self.tr("Profile")),
            (self.model_combo, self.tr("Model")),
            (self.refresh_models_btn, self.tr("Refresh the model list")),
            (self.temperature, self.tr("Temperature")),
            (self.system_btn, self.tr("System prompt")),
            (self.system_edit, self.tr("System prompt")),
            (self.export_btn, self.tr("Export conversation")),
            (self.composer, self.tr("Message")),
            (self.attach_btn, self.tr("Attach images")),
            (self.send_btn, self.tr("Send")),
            (self.stop_btn, self.tr("Stop the answer")),
            (self.view.earlier_btn, self.tr("Show earlier messages")),
            (self.model_edit, self.tr("Model")),
        ):
            named(widget, name)
        # Parts Qt builds inside composite widgets need names too.
        spin_edit = self.temperature.findChild(QLineEdit)
        if spin_edit is not None:
            named(spin_edit, self.tr("Temperature"))
        for button in self.search_edit.findChildren(QToolButton):
            named(button, self.tr("Clear search"))
        self.refresh_profiles()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.system_edit and event.type() == QEvent.Type.FocusOut:
            spawn(self._save_settings())
        return super().eventFilter(watched, event)

    # ----- start-up ----------------------------------------------------------------
    async def load(self) -> None:
        """Called once the window is up: opening the database is not on the first-paint path."""
        await asyncio.to_thread(lambda: self.core.chat)
        await self.refresh_list()
        if self.list.count():
            self.list.setCurrentRow(0)
        self.loaded = True

    def refresh_profiles(self) -> None:
        self.profile_combo.blockSignals(True)
        wanted = self.conversation.profile_id if self.conversation else None
        fill_profile_combo(self.profile_combo, self.core.profiles.all(), ProfileKind.OPENAI, wanted)
        self.profile_combo.blockSignals(False)

    # ----- conversation list ---------------------------------------------------------
    async def refresh_list(self) -> None:
        store = self.core.chats
        query = self.search_edit.text().strip()
        conversations = await asyncio.to_thread(store.conversations)
        if query:
            hits = await asyncio.to_thread(store.search, query)
            matched = {h.conversation_id for h in hits}
            folded = query.casefold()
            conversations = [c for c in conversations if c.id in matched or folded in c.title.casefold()]
        current = self.conversation.id if self.conversation else None
        self.list.blockSignals(True)
        self.list.clear()
        for conv in conversations:
            item = QListWidgetItem((PIN_MARK if conv.pinned else "") + (conv.title or self.tr("New conversation")))
            item.setData(Qt.ItemDataRole.UserRole, conv.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            self.list.addItem(item)
            if conv.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _on_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is None:
            return
        spawn(self.open_conversation(item.data(Qt.ItemDataRole.UserRole)))

    def _on_renamed(self, item: QListWidgetItem) -> None:
        title = item.text().removeprefix(PIN_MARK).strip()
        conversation_id = item.data(Qt.ItemDataRole.UserRole)
        spawn(self._rename(conversation_id, title))

    async def _rename(self, conversation_id: str, title: str) -> None:
        conv = await asyncio.to_thread(self.core.chats.update_conversation, conversation_id, title=title)
        if self.conversation and self.conversation.id == conversation_id:
            self.conversation = conv
            self.title_label.setText(conv.title)

    def _context_menu(self, position: Any) -> None:
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
        pin.triggered.connect(lambda: spawn(self.set_pinned(conversation_id, not pinned)))
        delete.triggered.connect(lambda: spawn(self.delete(conversation_id)))
        menu.popup(self.list.viewport().mapToGlobal(position))

    async def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        await asyncio.to_thread(self.core.chats.update_conversation, conversation_id, pinned=pinned, touch=False)
        await self.refresh_list()

    async def delete(self, conversation_id: str) -> None:
        conv = await asyncio.to_thread(self.core.chats.conversation, conversation_id)
        await asyncio.to_thread(self.core.chats.delete_conversation, conversation_id)
        self._deleted = conv
        self.undo_label.setText(self.tr("Deleted “%1”").replace("%1", conv.title or self.tr("New conversation")))
        self.undo_bar.setVisible(True)
        self._undo_timer.start(UNDO_SECONDS * 1000)
        if self.conversation and self.conversation.id == conversation_id:
            self.conversation = None
            self.view.set_messages([])
            self._show_conversation_chrome()
        await self.refresh_list()

    async def undo_delete(self) -> None:
        if self._deleted is None:
            return
        await asyncio.to_thread(self.core.chats.restore_conversation, self._deleted.id)
        self.undo_bar.setVisible(False)
        restored, self._deleted = self._deleted, None
        await self.refresh_list()
        await self.open_conversation(restored.id)

    def new_conversation(self) -> None:
        self.conversation = None
        self.list.clearSelection()
        self.view.set_messages([])
        self._show_conversation_chrome()
        self.composer.setFocus()

    # ----- one conversation ----------------------------------------------------------------
    async def open_conversation(self, conversation_id: str) -> None:
        store = self.core.chats
        self._open_token += 1
        token = self._open_token
        conversation = await asyncio.to_thread(store.conversation, conversation_id)
        if token != self._open_token:
            return  # the user already picked another conversation
        self.conversation = conversation
        self.show_all = False
        await self.reload_messages()
        self._show_conversation_chrome()
        spawn(self.load_models())

    async def reload_messages(self) -> None:
        if self.conversation is None:
            return
        store = self.core.chats
        conversation_id = self.conversation.id
        path = await asyncio.to_thread(store.path, conversation_id)
        siblings = await asyncio.to_thread(lambda: {m.id: [s.id for s in store.siblings(m)] for m in path})
        if self.conversation is None or self.conversation.id != conversation_id:
            return
        shown = path if self.show_all else path[-VISIBLE_MESSAGES:]
        self.view.earlier_btn.setVisible(len(shown) < len(path))
        widgets: list[MessageWidget] = []
        for message in shown:
            # An answer the disk refused: what is in memory is the whole of it.
            message = self.unsaved.get(message.id, message)
            widget = self.view.widgets.get(message.id)
            if widget is None:
                widget = self._make_widget(message)
            if not widget.streaming:
                widget.show_message(message, siblings.get(message.id, [message.id]))
            if message.id in self.live and not widget.streaming:
                content, reasoning = self.live[message.id]
                widget.begin_stream("".join(content), "".join(reasoning))
            widgets.append(widget)
        self.view.set_messages(widgets)

    def _make_widget(self, message: Message) -> MessageWidget:
        widget = MessageWidget(message, self.core.home.attachments)
        widget.copy_requested.connect(copy_to_clipboard)
        widget.edit_submitted.connect(lambda mid, text, w=widget: self._edit(w, mid, text))
        widget.regenerate_requested.connect(lambda mid: self._start(self.core.chat.regenerate(mid, self)))
        widget.continue_requested.connect(lambda mid: self._start(self.core.chat.continue_answer(mid, self)))
        widget.version_requested.connect(lambda mid: spawn(self.select_version(mid)))
        widget.pick_model_requested.connect(lambda: spawn(self.pick_model()))
        return widget

    def _edit(self, widget: MessageWidget, message_id: str, text: str) -> None:
        if not self._start(self.core.chat.edit(message_id, text, self)):
            widget.start_edit(text)  # refused while busy: the edited text stays in the editor

    async def select_version(self, message_id: str) -> None:
        self.conversation = await asyncio.to_thread(self.core.chats.select, message_id)
        await self.reload_messages()

    def _show_earlier(self) -> None:
        self.show_all = True
        spawn(self.reload_messages())

    def _show_conversation_chrome(self) -> None:
        conv = self.conversation
        has = conv is not None
        self.view.setVisible(has)
        self.empty_label.setVisible(not has)
        self.export_btn.setEnabled(has)
        self.title_label.setText(conv.title if conv else self.tr("New conversation"))
        self.system_edit.setPlainText(conv.system_prompt if conv else "")
        self.system_btn.setChecked(bool(conv and conv.system_prompt))
        self.temperature.setValue(conv.temperature if conv and conv.temperature is not None else -0.1)
        self.refresh_profiles()
        if conv and conv.model:
            self.model_combo.setEditText(conv.model)
        elif not conv:
            record = self._profile_record()
            self.model_combo.setEditText(record.default_model if record else "")
        self._show_running_state()

    def _show_running_state(self) -> None:
        conv = self.conversation
        running = conv is not None and conv.id in self.tasks
        self.send_btn.setVisible(not running)
        self.stop_btn.setVisible(running)
        self.stop_btn.setEnabled(running)

    def _profile_record(self) -> Any:
        profile_id = self.profile_combo.currentData()
        return next((r for r in self.core.profiles.all() if r.id == profile_id), None)

    async def load_models(self, *, refresh: bool = False) -> None:
        profile_id = self.profile_combo.currentData()
        if not profile_id:
            return
        try:
            models = await self.core.chat.models(profile_id, refresh=refresh)
        except KeyholdError as exc:
            if refresh:
                self.show_notice(exc)
            return
        text = self.model_combo.currentText()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(models)
        self.model_combo.setEditText(text)
        self.model_combo.blockSignals(False)

    async def pick_model(self) -> None:
        await self.load_models(refresh=True)
        self.model_combo.setFocus()
        self.model_combo.showPopup()

    async def _on_profile_chosen(self) -> None:
        record = self._profile_record()
        if record is not None and not self.model_combo.currentText().strip():
            self.model_combo.setEditText(record.default_model)
        await self._save_settings()
        await self.load_models()

    async def _save_settings(self) -> None:
        if self.conversation is None:
            return
        temperature = self.temperature.value()
        changes = {
            "profile_id": self.profile_combo.currentData() or "",
            "model": self.model_combo.currentText().strip(),
            "system_prompt": self.system_edit.toPlainText(),
            "temperature": None if temperature < 0 else round(temperature, 1),
        }
        if all(getattr(self.conversation, k) == v for k, v in changes.items()):
            return
        self.conversation = await asyncio.to_thread(
            self.core.chats.update_conversation, self.conversation.id, touch=False, **changes
        )

    def show_notice(self, error: BaseException | None, text: str = "") -> None:
        if error is not None:
            headline, body = describe(error)
            text = f"{headline} — {body}"
        self.notice.setText(text)
        self.notice.setStyleSheet("color: #b3261e;" if error is not None else "color: palette(mid);")
        self.notice.setVisible(bool(text))

    # ----- sending ---------------------------------------------------------------------
    async def send(self) -> None:
        text = self.composer.toPlainText()
        if not text.strip() and not self.pending_attachments:
            return
        if self._sending or (self.conversation is not None and self.conversation.id in self.tasks):
            return  # one answer at a time per conversation: Stop first
        self._sending = True  # set before the first await: a second Enter must not send twice
        try:
            await self._send(text)
        finally:
            self._sending = False

    async def _send(self, text: str) -> None:
        self.show_notice(None)
        if self.conversation is None:
            profile_id = self.profile_combo.currentData()
            if not profile_id:
                self.show_notice(None, self.tr("Add an OpenAI-compatible profile in Settings first."))
                return
            temperature = self.temperature.value()
            self.conversation = await asyncio.to_thread(
                self.core.chats.create_conversation,
                profile_id=profile_id,
                model=self.model_combo.currentText().strip(),
                system_prompt=self.system_edit.toPlainText(),
                temperature=None if temperature < 0 else round(temperature, 1),
            )
            self._show_conversation_chrome()
        else:
            await self._save_settings()
        attachments = list(self.pending_attachments)
        self.pending_attachments.clear()
        self._show_attachments()
        self.composer.clear()
        self._start(self.core.chat.send(self.conversation.id, text, attachments, self))

    def _start(self, coro: Any) -> bool:
        conversation = self.conversation
        if conversation is None:
            coro.close()
            return False
        if conversation.id in self.tasks:
            coro.close()
            self.show_notice(None, self.tr("An answer is still arriving: wait for it, or press Stop first."))
            return False
        task = spawn(self._run(conversation.id, coro))
        self.tasks[conversation.id] = task
        self._show_running_state()
        return True

    async def _run(self, conversation_id: str, coro: Any) -> None:
        try:
            outcome = await coro
            if outcome.error is not None and self.conversation and self.conversation.id == conversation_id:
                self.show_notice(outcome.error)
        except asyncio.CancelledError:
            pass
        except KeyholdError as exc:
            self.show_notice(exc)
        finally:
            try:
                if self.conversation and self.conversation.id == conversation_id:
                    fresh = await asyncio.to_thread(self.core.chats.conversation, conversation_id)
                    if self.conversation and self.conversation.id == conversation_id:
                        # The title may be new; the fields the user is editing stay as typed.
                        self.conversation = fresh
                        self.title_label.setText(fresh.title)
                await self.refresh_list()
            finally:
                self.tasks.pop(conversation_id, None)
                self._show_running_state()

    def stop(self) -> None:
        if self.conversation is not None and self.conversation.id in self.tasks:
            self.stop_btn.setEnabled(False)  # once is enough: the answer is being saved
            self.tasks[self.conversation.id].cancel()

    # ----- attachments -----------------------------------------------------------------
    def _choose_images(self) -> None:
        dialog = QFileDialog(self, self.tr("Attach images"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(self.tr("Images (*.png *.jpg *.jpeg *.webp *.gif)"))
        dialog.filesSelected.connect(lambda files: self._add_images([Path(f).read_bytes() for f in files]))
        dialog.open()

    def _add_images(self, images: list[bytes]) -> None:
        spawn(self._save_images(images))

    async def _save_images(self, images: list[bytes]) -> None:
        for data in images:
            try:
                self.pending_attachments.append(await self.core.chat.save_attachment(data))
            except KeyholdError as exc:
                self.show_notice(exc)
        self._show_attachments()

    def _show_attachments(self) -> None:
        count = len(self.pending_attachments)
        self.attachments_label.setVisible(count > 0)
        self.attachments_label.setText(self.tr("%n image(s) attached", "", count))

    # ----- export ------------------------------------------------------------------------
    async def export(self, fmt: str) -> None:
        if self.conversation is None:
            return
        from desktop_client.core.services.export import to_json, to_markdown

        suffix = ".md" if fmt == "md" else ".json"
        name = (self.conversation.title or "conversation").replace("/", "-")[:60] + suffix
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        dialog = QFileDialog(self, self.tr("Export conversation"), str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)

        def settle(path: str) -> None:
            if not future.done():
                future.set_result(path)

        dialog.fileSelected.connect(settle)
        dialog.finished.connect(lambda _r: settle(""))
        dialog.open()
        path = await future
        if not path:
            return
        messages = await asyncio.to_thread(self.core.chats.path, self.conversation.id)
        profile = next((p.name for p in self.core.profiles.all() if p.id == self.conversation.profile_id), "")
        render = to_markdown if fmt == "md" else to_json
        text = render(self.conversation, messages, profile)
        from desktop_client.core.atomic import atomic_write_text

        await asyncio.to_thread(atomic_write_text, Path(path), text, 0o644)
        self.show_notice(None, self.tr("Exported to %1").replace("%1", path))

    # ----- StreamObserver ---------------------------------------------------------------
    def on_started(self, user: Message | None, assistant: Message) -> None:
        # A continued answer starts from what it already had.
        self.live[assistant.id] = ([assistant.content], [assistant.reasoning])
        if self.conversation and self.conversation.id == assistant.conversation_id:
            spawn(self._show_started(assistant))

    async def _show_started(self, assistant: Message) -> None:
        await self.reload_messages()
        widget = self.view.widgets.get(assistant.id)
        if widget is not None and not widget.streaming:
            content, reasoning = self.live.get(assistant.id, ([], []))
            widget.begin_stream("".join(content), "".join(reasoning))
        self.view.scroll_to_bottom()

    def on_delta(self, message_id: str, content: str, reasoning: str) -> None:
        live = self.live.get(message_id)
        if live is not None:
            live[0].append(content)
            live[1].append(reasoning)
        widget = self.view.widgets.get(message_id)
        if widget is not None and widget.streaming:
            widget.append(content, reasoning)

    def on_retry(self, notice: RetryNotice) -> None:
        self.show_notice(
            None,
            self.tr("%1 Retrying in %2 s (attempt %3 of %4).")
            .replace("%1", notice.reason)
            .replace("%2", f"{notice.delay:.1f}")
            .replace("%3", str(notice.attempt))
            .replace("%4", str(notice.of)),
        )

    def on_finished(self, message: Message) -> None:
        self.live.pop(message.id, None)
        if message.status is Status.FAILED and message.error_kind in (ErrorKind.STORAGE, ErrorKind.DISK_FULL):
            self.unsaved[message.id] = message
        else:
            self.unsaved.pop(message.id, None)
        widget = self.view.widgets.get(message.id)
        if widget is not None:
            widget.finish(message)
        if message.status is Status.COMPLETE and not message.error:
            self.show_notice(None)
