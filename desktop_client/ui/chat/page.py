"""The Chat page: conversations on the left, the conversation and the composer on the right.

The page only lays the panels out and wires what they ask for to the presenter, which holds
the state and talks to the chat service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from desktop_client.ui.chat.composer import ComposerPanel
from desktop_client.ui.chat.conversation_list import ConversationList
from desktop_client.ui.chat.header import ChatHeader
from desktop_client.ui.chat.message_list import MessageList
from desktop_client.ui.chat.presenter import ChatPresenter
from desktop_client.ui.design import Space
from desktop_client.ui.widgets.notice import Notice

if TYPE_CHECKING:
    import asyncio

    from desktop_client.core.context import Core
    from desktop_client.core.services.chat_types import Conversation


class ChatPage(QWidget):
    long_answer_ended = Signal(str, bool)  # for the main window's notifier

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.conversations = ConversationList()
        self.header = ChatHeader()
        self.notice = Notice()
        self.view = MessageList(core.home.attachments)
        self.composer = ComposerPanel()
        self.presenter = ChatPresenter(
            core, self.conversations, self.header, self.view, self.composer, self.notice, self
        )
        self.presenter.long_answer_ended.connect(self.long_answer_ended)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.header)
        right_layout.addWidget(self.notice)
        right_layout.addWidget(self.view, 1)
        right_layout.addWidget(self.composer)
        splitter = QSplitter()
        splitter.setHandleWidth(1)
        self.conversations.setContentsMargins(Space.S, Space.S, Space.S, Space.S)
        splitter.addWidget(self.conversations)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([250, 750])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._wire()
        self._keys()
        self.presenter.show_chrome()  # nothing open until load(): the invitation to start one

    def _wire(self) -> None:
        presenter, conversations, header, view = self.presenter, self.conversations, self.header, self.view
        conversations.new_requested.connect(presenter.new_conversation)
        conversations.search_changed.connect(presenter.refresh_list)
        conversations.open_requested.connect(presenter.open_conversation)
        conversations.jump_requested.connect(presenter.open_at)
        conversations.folder_changed.connect(presenter.refresh_list)
        conversations.create_folder_requested.connect(presenter.create_folder)
        conversations.rename_folder_requested.connect(presenter.rename_folder)
        conversations.delete_folder_requested.connect(presenter.delete_folder)
        conversations.move_requested.connect(presenter.move_to_folder)
        conversations.rename_requested.connect(presenter.rename)
        conversations.pin_requested.connect(presenter.set_pinned)
        conversations.delete_requested.connect(presenter.delete)
        conversations.undo_requested.connect(presenter.undo_delete)
        header.profile_chosen.connect(presenter.profile_chosen)
        header.settings_edited.connect(presenter.save_settings)
        header.refresh_models_requested.connect(presenter.refresh_models)
        header.export_requested.connect(presenter.export)
        view.edit_submitted.connect(presenter.edit)
        view.regenerate_requested.connect(presenter.regenerate)
        view.continue_requested.connect(presenter.continue_answer)
        view.version_requested.connect(presenter.select_version)
        view.pick_model_requested.connect(presenter.pick_model)
        view.earlier_requested.connect(presenter.show_earlier)
        self.composer.send_requested.connect(presenter.send)
        self.composer.stop_requested.connect(presenter.stop)
        self.composer.images_added.connect(presenter.add_images)

    def _keys(self) -> None:
        """The page's own keys: Esc stops the answer while one arrives, F2 renames the selected
        conversation (Delete is the list's own: it needs the list's focus)."""
        page_wide = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.stop_key = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.presenter.stop, context=page_wide)
        self.stop_key.setEnabled(False)
        self.composer.running_changed.connect(self.stop_key.setEnabled)
        QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.conversations.rename_current, context=page_wide)

    # ----- what the main window and the tests call ----------------------------------------
    @property
    def conversation(self) -> Conversation | None:
        return self.presenter.conversation

    @property
    def tasks(self) -> dict[str, asyncio.Task[Any]]:
        return self.presenter.tasks

    @property
    def loaded(self) -> bool:
        return self.presenter.loaded

    @property
    def listed(self) -> bool:
        return self.presenter.listed

    async def list_stored(self) -> None:
        await self.presenter.list_stored()

    async def load(self) -> None:
        await self.presenter.load()

    def refresh_profiles(self) -> None:
        self.presenter.refresh_profiles()

    def new_conversation(self) -> None:
        self.presenter.new_conversation()

    def focus_search(self) -> None:
        self.conversations.focus_search()

    def copy_last_answer(self) -> bool:
        """Copies the open conversation's last answer; False when there is none to copy."""
        text = self.presenter.last_answer()
        if text:
            QGuiApplication.clipboard().setText(text)
        return bool(text)

    async def send(self) -> None:
        await self.presenter.send()

    async def refresh_list(self) -> None:
        await self.presenter.refresh_list()

    async def open_conversation(self, conversation_id: str) -> None:
        await self.presenter.open_conversation(conversation_id)

    async def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        await self.presenter.set_pinned(conversation_id, pinned)

    async def delete(self, conversation_id: str) -> None:
        await self.presenter.delete(conversation_id)

    async def export(self, fmt: str) -> None:
        await self.presenter.export(fmt)
