"""The Chat page's state and its one way to the data, the chat service.

The panels show what they are given and say what the user asks for; this object decides.
It is also the service's stream observer, told of each answer's progress on the GUI thread:
a new answer's rows are put into the shown branch as they come, not read back from disk.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.services.chat_types import (
    Conversation,
    ConversationSettings,
    ConversationView,
    Message,
    Status,
    StreamOutcome,
)
from desktop_client.core.settings import ProfileKind
from desktop_client.ui.chat.message_widget import load_renderer
from desktop_client.ui.i18n import tr_args
from desktop_client.ui.qtutils import async_slot, spawn

if TYPE_CHECKING:
    # Annotations only: httpx loads after the first paint.
    from desktop_client.core.api.retry import RetryNotice
    from desktop_client.core.context import Core
    from desktop_client.core.services.chat import ChatService
    from desktop_client.ui.chat.composer import ComposerPanel
    from desktop_client.ui.chat.conversation_list import ConversationList
    from desktop_client.ui.chat.header import ChatHeader
    from desktop_client.ui.chat.message_list import MessageList
    from desktop_client.ui.widgets.notice import Notice

VISIBLE_MESSAGES = 60


class ChatPresenter(QObject):
    # A long answer ended: the conversation's title, and whether it ended well (for a notification).
    long_answer_ended = Signal(str, bool)

    def __init__(
        self,
        core: Core,
        conversations: ConversationList,
        header: ChatHeader,
        view: MessageList,
        composer: ComposerPanel,
        notice: Notice,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.conversations = conversations
        self.header = header
        self.view = view
        self.composer = composer
        self.notice = notice  # where async_slot puts a KeyholdError
        self.conversation: Conversation | None = None
        self.path: list[Message] = []  # the shown branch, whole; the view shows its end
        self.siblings: dict[str, list[str]] = {}  # message id → its versions' ids
        self.show_all = False
        self.tasks: dict[str, asyncio.Task[Any]] = {}  # conversation id → running answer
        self.live: dict[str, tuple[list[str], list[str]]] = {}  # message id → text so far
        self.unsaved: dict[str, Message] = {}  # answers the disk refused, whole, for this session
        # Answers whose end arrived but may still read as streaming: a row read before the end was
        # written, or an on_started that comes after the end. The end wins (until the store agrees).
        self.settled: dict[str, Message] = {}
        self.pending_attachments: list[str] = []
        self.listed = False  # set once the stored conversations are listed (list_stored or load)
        self.loaded = False  # set once load() has listed conversations and opened the first
        self._deleted: Conversation | None = None
        self._sending = False
        self._open_token = 0
        self._list_token = 0

    @property
    def chat(self) -> ChatService:
        return self.core.chat

    def _showing(self, conversation_id: str) -> bool:
        return self.conversation is not None and self.conversation.id == conversation_id

    # ----- start-up and profiles --------------------------------------------------------
    async def list_stored(self) -> None:
        """Called once the window is up, before the core opens: the list from the database alone,
        without waiting for the services (and the HTTP stack they import)."""
        conversations = await self.core.stored_conversations()
        if not self.listed and not self.conversations.query():
            self.conversations.show_conversations(conversations, None)
            self.listed = True

    async def load(self) -> None:
        """Called once the core is open: opening the database is not on the first-paint path."""
        await self.core.open()
        await load_renderer()  # before the first conversation's messages are rendered
        # Again even when list_stored showed the list: the folders come with the services.
        await self.refresh_list()
        self.listed = True
        self.conversations.select_first()
        self.loaded = True

    def refresh_profiles(self, *, new: bool = False) -> None:
        """The profile list again; a new conversation (``new``) starts with the default profile."""
        default = self.core.profiles.default_for(ProfileKind.OPENAI)
        wanted = self.conversation.profile_id if self.conversation else default if new else None
        self.header.show_profiles(self.core.profiles.all(), wanted, default)

    def _default_model(self) -> str:
        profile_id = self.header.profile_id()
        record = next((r for r in self.core.profiles.all() if r.id == profile_id), None)
        return record.default_model if record else ""

    # ----- the list -----------------------------------------------------------------------
    @async_slot
    async def refresh_list(self) -> None:
        # The list shows before the services are built (list_stored): what it asks for waits for them.
        await self.core.open()
        self._list_token += 1
        token = self._list_token
        listing = await self.chat.listing(self.conversations.query(), self.conversations.folder_id())
        if token != self._list_token:
            return  # a newer search or folder is on its way
        if not self.conversations.show_folders(listing.folders):
            await self.refresh_list()  # the chosen folder is gone: list them all
            return
        current = self.conversation.id if self.conversation else None
        self.conversations.show_conversations(listing.conversations, current, listing.matches)

    @async_slot
    async def create_folder(self, name: str, conversation_id: str) -> None:
        folder = await self.chat.create_folder(name)
        if conversation_id:
            await self.chat.move_to_folder(conversation_id, folder.id)
        await self.refresh_list()

    @async_slot
    async def rename_folder(self, folder_id: str, name: str) -> None:
        await self.chat.rename_folder(folder_id, name)
        await self.refresh_list()

    @async_slot
    async def delete_folder(self, folder_id: str) -> None:
        await self.chat.delete_folder(folder_id)  # its conversations stay, in no folder
        await self.refresh_list()

    @async_slot
    async def move_to_folder(self, conversation_id: str, folder_id: str) -> None:
        await self.chat.move_to_folder(conversation_id, folder_id or None)
        await self.refresh_list()

    @async_slot
    async def rename(self, conversation_id: str, title: str) -> None:
        await self.core.open()
        conversation = await self.chat.rename(conversation_id, title)
        if self._showing(conversation_id):
            self.conversation = conversation
            self.header.show_title(conversation.title)

    @async_slot
    async def set_pinned(self, conversation_id: str, pinned: bool) -> None:
        await self.core.open()
        await self.chat.set_pinned(conversation_id, pinned)
        await self.refresh_list()

    @async_slot
    async def delete(self, conversation_id: str) -> None:
        await self.core.open()
        self._deleted = await self.chat.delete(conversation_id)
        self.conversations.offer_undo(self._deleted.title)
        if self._showing(conversation_id):
            self.conversation = None
            self.show_chrome()
        await self.refresh_list()

    @async_slot
    async def undo_delete(self) -> None:
        if self._deleted is None:
            return
        await self.chat.restore(self._deleted.id)
        self.conversations.hide_undo()
        restored, self._deleted = self._deleted, None
        await self.refresh_list()
        await self.open_conversation(restored.id)

    def new_conversation(self) -> None:
        self.conversation = None
        self.conversations.clear_selection()
        self.show_chrome()
        self.composer.setFocus()

    # ----- one conversation ---------------------------------------------------------------
    @async_slot
    async def open_conversation(self, conversation_id: str) -> None:
        self._open_token += 1
        token = self._open_token
        await self.core.open()
        view = await self.chat.open(conversation_id)
        if token != self._open_token:
            return  # the user already picked another conversation
        self.show_all = False
        self._show(view)
        self.show_chrome()
        spawn(self._load_models())

    @async_slot
    async def open_at(self, conversation_id: str, message_id: str) -> None:
        """A search result: the conversation, scrolled to the matching message, which is
        highlighted for a moment. A match on another branch shows that branch."""
        await self.open_conversation(conversation_id)
        if not self._showing(conversation_id):
            return  # the user already picked another conversation
        if all(m.id != message_id for m in self.path):
            view = await self.chat.select_version(message_id)
            if not self._showing(conversation_id):
                return
            self._show(view)
        if message_id not in self.view.widgets:
            self.show_all = True  # the match is older than the messages shown
            self._show_branch()
        self.view.scroll_to_message(message_id)

    @async_slot
    async def select_version(self, message_id: str) -> None:
        view = await self.chat.select_version(message_id)
        if self._showing(view.conversation.id):
            self._show(view)

    def show_earlier(self) -> None:
        self.show_all = True
        self._show_branch()

    def _show(self, view: ConversationView) -> None:
        self.conversation = view.conversation
        for message in view.path:
            if message.status is not Status.STREAMING:
                self.settled.pop(message.id, None)  # the store has the end now
        # Only the shown conversation's answers, and running ones, can still be read stale.
        self.settled = {
            key: m
            for key, m in self.settled.items()
            if m.conversation_id == view.conversation.id or m.conversation_id in self.tasks
        }
        self.path = list(view.path)
        self.siblings = dict(view.siblings)
        self._show_branch()

    def _show_branch(self) -> None:
        # An answer the disk refused: what is in memory is the whole of it.
        path = [self.unsaved.get(m.id) or self._settled(m) for m in self.path]
        shown = path if self.show_all else path[-VISIBLE_MESSAGES:]
        self.view.show_branch(shown, self.siblings, self.live, more_before=len(shown) < len(path))

    def _settled(self, message: Message) -> Message:
        final = self.settled.get(message.id)
        return final if final is not None and message.status is Status.STREAMING else message

    def show_chrome(self) -> None:
        if self.conversation is None:
            self.path, self.siblings = [], {}
            self.view.show_empty()
        self.refresh_profiles(new=self.conversation is None)
        self.header.show_conversation(self.conversation, self._default_model())
        self._show_running_state()

    def _show_running_state(self) -> None:
        self.composer.show_running(self.conversation is not None and self.conversation.id in self.tasks)

    # ----- settings ---------------------------------------------------------------------
    @async_slot
    async def refresh_models(self) -> None:
        await self._load_models(refresh=True)

    @async_slot
    async def pick_model(self) -> None:
        await self._load_models(refresh=True)
        self.header.open_models()

    async def _load_models(self, *, refresh: bool = False) -> None:
        profile_id = self.header.profile_id()
        if not profile_id:
            return
        try:
            models = await self.chat.models(profile_id, refresh=refresh)
        except KeyholdError as exc:
            if refresh:  # asked for: say why not; on the way to a conversation: keep quiet
                self.notice.show_error(exc)
            return
        self.header.show_models(models)

    @async_slot
    async def profile_chosen(self) -> None:
        self.header.suggest_model(self._default_model())
        await self._save_settings()
        await self._load_models()

    @async_slot
    async def save_settings(self) -> None:
        await self._save_settings()

    async def _save_settings(self) -> None:
        conversation = self.conversation
        if conversation is None:
            return
        settings = self.header.settings()
        if settings == ConversationSettings.of(conversation):
            return
        saved = await self.chat.update_settings(conversation.id, settings)
        if self._showing(conversation.id):
            self.conversation = saved

    # ----- sending ------------------------------------------------------------------------
    @async_slot
    async def send(self) -> None:
        text = self.composer.text()
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
        self.notice.clear_notice()
        await load_renderer()  # at once, unless the page is sent to before it loaded
        if self.conversation is None:
            settings = self.header.settings()
            if not settings.profile_id:
                self.notice.show_info(self.tr("Add an OpenAI-compatible profile in Settings first."))
                return
            self.conversation = await self.chat.new_conversation(settings)
            folder_id = self.conversations.folder_id()
            if folder_id is not None:  # started while a folder is shown: filed there, so it is listed
                await self.chat.move_to_folder(self.conversation.id, folder_id)
            self._show(ConversationView(self.conversation, [], {}))
            self.show_chrome()
        else:
            await self._save_settings()
        conversation = self.conversation
        attachments = list(self.pending_attachments)
        self.pending_attachments.clear()
        self.composer.show_attachments(0)
        self.composer.clear_text()
        self._start(self.chat.send(conversation.id, text, attachments, self))

    def regenerate(self, message_id: str) -> None:
        self._start(self.chat.regenerate(message_id, self))

    def continue_answer(self, message_id: str) -> None:
        self._start(self.chat.continue_answer(message_id, self))

    def edit(self, message_id: str, text: str) -> None:
        if not self._start(self.chat.edit(message_id, text, self)):
            self.view.restore_edit(message_id, text)  # refused while busy: the edited text stays

    def _start(self, answer: Coroutine[Any, Any, StreamOutcome]) -> bool:
        conversation = self.conversation
        if conversation is None:
            answer.close()
            return False
        if conversation.id in self.tasks:
            answer.close()
            self.notice.show_info(self.tr("An answer is still arriving: wait for it, or press Stop first."))
            return False
        self.tasks[conversation.id] = spawn(self._run(conversation.id, answer))
        self._show_running_state()
        return True

    async def _run(self, conversation_id: str, answer: Coroutine[Any, Any, StreamOutcome]) -> None:
        started = time.monotonic()
        try:
            outcome = await answer
            if outcome.error is not None and self._showing(conversation_id):
                self.notice.show_error(outcome.error)
            # Announced (if the window is not in front) when it took the user's "long" or more.
            if time.monotonic() - started >= self.core.settings.settings.notifications.long_answer_seconds:
                title = (await self.chat.conversation(conversation_id)).title
                self.long_answer_ended.emit(title, outcome.error is None)
        except asyncio.CancelledError:
            pass
        except KeyholdError as exc:
            self.notice.show_error(exc)
        finally:
            try:
                if self._showing(conversation_id):
                    fresh = await self.chat.conversation(conversation_id)
                    if self._showing(conversation_id):
                        # The title may be new; the fields the user is editing stay as typed.
                        self.conversation = fresh
                        self.header.show_title(fresh.title)
                        self.header.suggest_model(fresh.model)  # the model the service chose
                await self.refresh_list()
            finally:
                self.tasks.pop(conversation_id, None)
                self._show_running_state()

    def last_answer(self) -> str:
        """The text of the last answer in the open conversation (what arrived so far while it streams)."""
        answer = next((m for m in reversed(self.path) if m.role == "assistant"), None)
        if answer is None:
            return ""
        live = self.live.get(answer.id)
        return "".join(live[0]) if live is not None else answer.content

    def stop(self) -> None:
        if self.conversation is not None and self.conversation.id in self.tasks:
            self.composer.show_stopping()
            self.tasks[self.conversation.id].cancel()

    # ----- attachments, export ---------------------------------------------------------
    @async_slot
    async def add_images(self, images: list[bytes]) -> None:
        for data in images:
            try:
                self.pending_attachments.append(await self.chat.save_attachment(data))
            except KeyholdError as exc:
                self.notice.show_error(exc)
        self.composer.show_attachments(len(self.pending_attachments))

    @async_slot
    async def export(self, fmt: str) -> None:
        conversation = self.conversation
        if conversation is None:
            return
        suffix = ".md" if fmt == "md" else ".json"
        name = (conversation.title or "conversation").replace("/", "-")[:60] + suffix
        path = await self.header.choose_export_path(name)
        if not path:
            return
        await self.chat.export_to(conversation.id, fmt, Path(path))
        self.notice.show_info(tr_args(self.tr("Exported to %1"), path))

    # ----- StreamObserver -------------------------------------------------------------
    def on_started(self, user: Message | None, assistant: Message) -> None:
        final = self.settled.get(assistant.id)
        if final is not None:
            assistant = final  # it ended before this arrived: shown as it ended, not as streaming
        else:
            # A continued answer starts from what it already had.
            self.live[assistant.id] = ([assistant.content], [assistant.reasoning])
        if user is not None and user.parent_id is None:
            # A conversation's first question: it is listed now, titled by the question, not
            # when the answer ends.
            spawn(self._list_new(assistant.conversation_id))
        if not self._showing(assistant.conversation_id):
            return
        if not self._graft([m for m in (user, assistant) if m is not None]):
            spawn(self._reload(assistant.conversation_id))  # what is shown is not what was answered
            return
        self._show_branch()  # the new answer starts streaming from what ``live`` holds
        self.view.scroll_to_bottom()

    def _graft(self, rows: list[Message]) -> bool:
        """Puts the rows an answer starts with into the shown branch, as reading it back would:
        a new question or answer goes after its parent, beside the version it replaces (which
        stays one click away); a continued answer takes its own place. False if a row's parent
        is not shown."""
        for row in rows:
            ids = [m.id for m in self.path]
            if row.id in ids:
                self.path[ids.index(row.id)] = row
                continue
            if row.parent_id is not None and row.parent_id not in ids:
                return False
            cut = ids.index(row.parent_id) + 1 if row.parent_id is not None else 0
            beside = self.path[cut] if cut < len(self.path) and self.path[cut].role == row.role else None
            self.siblings[row.id] = [*self.siblings.get(beside.id, [beside.id]), row.id] if beside else [row.id]
            self.path = [*self.path[:cut], row]
        return True

    async def _list_new(self, conversation_id: str) -> None:
        fresh = await self.chat.conversation(conversation_id)
        if self._showing(conversation_id):
            self.header.show_title(fresh.title)
        await self.refresh_list()

    async def _reload(self, conversation_id: str) -> None:
        view = await self.chat.open(conversation_id)
        if self._showing(conversation_id):
            self._show(view)
            self.view.scroll_to_bottom()

    def on_delta(self, message_id: str, content: str, reasoning: str) -> None:
        live = self.live.get(message_id)
        if live is not None:
            live[0].append(content)
            live[1].append(reasoning)
        self.view.append(message_id, content, reasoning)

    def on_retry(self, notice: RetryNotice) -> None:
        text = self.tr("%1 Retrying in %2 s (attempt %3 of %4).")
        self.notice.show_info(tr_args(text, notice.reason, f"{notice.delay:.1f}", notice.attempt, notice.of))

    def on_finished(self, message: Message) -> None:
        self.live.pop(message.id, None)
        self.settled[message.id] = message
        if message.status is Status.FAILED and message.error_kind in (ErrorKind.STORAGE, ErrorKind.DISK_FULL):
            self.unsaved[message.id] = message
        else:
            self.unsaved.pop(message.id, None)
        if self._showing(message.conversation_id):
            self.path = [message if m.id == message.id else m for m in self.path]
        self.view.finish(message)
        if message.status is Status.COMPLETE and not message.error:
            self.notice.clear_notice()
