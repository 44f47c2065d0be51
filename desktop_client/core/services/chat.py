"""Chat use cases shared by the GUI and the CLI: send, stop, regenerate, edit, continue.

The answer is written to the database while it streams (every ``flush_interval``), so a
crash or SIGKILL keeps what arrived; the next start marks it interrupted.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import mimetypes
import os
import time
from collections.abc import AsyncGenerator, Coroutine, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

from desktop_client.core.api.chat import ChatClient, ChatDelta, ChatOptions
from desktop_client.core.api.chat import Message as ApiMessage
from desktop_client.core.atomic import atomic_write_text
from desktop_client.core.errors import N_, ErrorKind, InputError, KeyholdError
from desktop_client.core.images import sniff_image
from desktop_client.core.model_names import first_chat_model
from desktop_client.core.redact import REDACTOR
from desktop_client.core.services.answer import Answer, error_fields
from desktop_client.core.services.chat_images import answer_image_record, attachment_name, save_answer_images
from desktop_client.core.services.chat_types import (
    ConversationListing,
    ConversationSettings,
    ConversationView,
    NullObserver,
    StreamObserver,
    StreamOutcome,
)
from desktop_client.core.services.connections import Connections
from desktop_client.core.services.context import fit
from desktop_client.core.services.export import to_json, to_markdown
from desktop_client.core.services.gallery import GalleryService
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chat_search import message_matches
from desktop_client.core.storage.chats import ChatStore, Conversation, Message, SearchHit, Status, title_from
from desktop_client.core.storage.folders import Folder, FolderStore

log = logging.getLogger(__name__)
T = TypeVar("T")

CONTINUE_PROMPT = "Continue exactly where your previous answer stopped. Do not repeat what you already wrote."
YIELD_EVERY = 0.008  # seconds of parsing before the event loop gets a turn


class ChatService:
    def __init__(
        self,
        store: ChatStore,
        connections: Connections,
        attachments: Path,
        gallery: GalleryService,
        *,
        flush_interval: float = 0.5,
    ) -> None:
        self.store = store
        self.connections = connections
        self.profiles = connections.profiles
        self.attachments = attachments
        self.gallery = gallery  # where the images in answers are saved (and shown)
        self.flush_interval = flush_interval
        self.folder_store = FolderStore(store.db)

    # ----- set-up ------------------------------------------------------------
    async def client(self, profile_id: str, observer: StreamObserver | None = None) -> ChatClient:
        http = await self.connections.client_for(profile_id, ProfileKind.OPENAI, "for chat")
        return ChatClient(http, on_retry=observer.on_retry if observer else None)

    async def models(self, profile_id: str, *, refresh: bool = False) -> list[str]:
        cached, fetched = await asyncio.to_thread(self.store.cached_models, profile_id)
        if cached and not refresh and fetched and time.time() - fetched < 24 * 3600:
            return cached
        client = await self.client(profile_id)
        models = [REDACTOR.redact_known(model) for model in await client.list_models()]
        await asyncio.to_thread(self.store.cache_models, profile_id, models)
        return models

    async def model_for(self, conversation: Conversation) -> str:
        """The model an answer in ``conversation`` uses: its own, else its profile's default, else
        the first chat model the server lists (the cached list); "" if there is none."""
        if conversation.model:
            return conversation.model
        profile = self.profiles.find(conversation.profile_id)
        if profile.default_model:
            return profile.default_model
        return first_chat_model(await self.models(profile.id))

    async def save_attachment(self, data: bytes, suggested_name: str = "") -> str:
        """Copies an image the user attaches into the data home; returns its name there."""

        def save() -> str:
            name = attachment_name(data, suggested_name)
            self.attachments.mkdir(parents=True, exist_ok=True)
            (self.attachments / name).write_bytes(data)
            return name

        return await asyncio.to_thread(save)

    def attachment_path(self, name: str) -> Path:
        return self.attachments / Path(name).name

    # ----- conversations ---------------------------------------------------------
    # Each is one hop to a worker thread: the store is synchronous, its callers are not.
    async def conversations(self, query: str | None = None) -> list[Conversation]:
        """Pinned first, then the most recent; with a query, those whose title or messages hold it."""
        text = (query or "").strip()

        def read() -> list[Conversation]:
            conversations = self.store.conversations()
            if not text:
                return conversations
            matched = {hit.conversation_id for hit in self.store.search(text)}
            folded = text.casefold()
            return [c for c in conversations if c.id in matched or folded in c.title.casefold()]

        return await asyncio.to_thread(read)

    async def listing(self, query: str | None = None, folder_id: str | None = None) -> ConversationListing:
        """The conversation list in one trip (it runs while the user types): the conversations
        in ``folder_id`` (None: all), with a query only those whose title or messages hold it,
        each with the first message that does and a snippet around the match."""
        text = (query or "").strip()

        def read() -> ConversationListing:
            conversations = self.store.conversations(folder_id=folder_id)
            folders = self.folder_store.folders()
            if not text:
                return ConversationListing(conversations, {}, folders)
            matches = message_matches(self.store.db, text)
            folded = text.casefold()
            shown = [c for c in conversations if c.id in matches or folded in c.title.casefold()]
            return ConversationListing(shown, {c.id: matches[c.id] for c in shown if c.id in matches}, folders)

        return await asyncio.to_thread(read)

    async def folders(self) -> list[Folder]:
        return await asyncio.to_thread(self.folder_store.folders)

    async def create_folder(self, name: str) -> Folder:
        return await asyncio.to_thread(self.folder_store.create, name)

    async def rename_folder(self, folder_id: str, name: str) -> Folder:
        return await asyncio.to_thread(self.folder_store.rename, folder_id, name)

    async def delete_folder(self, folder_id: str) -> None:
        """The folder goes; its conversations stay, in no folder."""
        await asyncio.to_thread(self.folder_store.delete, folder_id)

    async def move_to_folder(self, conversation_id: str, folder_id: str | None) -> None:
        await asyncio.to_thread(self.folder_store.move, conversation_id, folder_id)

    async def search(self, query: str) -> list[SearchHit]:
        return await asyncio.to_thread(self.store.search, query)

    async def conversation(self, conversation_id: str) -> Conversation:
        return await asyncio.to_thread(self.store.conversation, conversation_id)

    async def find(self, id_or_prefix: str) -> Conversation:
        """By full id or a unique prefix of at least 6 characters (as the CLI prints them)."""
        return await asyncio.to_thread(self.store.find_conversation, id_or_prefix)

    async def new_conversation(self, settings: ConversationSettings) -> Conversation:
        return await asyncio.to_thread(lambda: self.store.create_conversation(**asdict(settings)))

    async def update_settings(
        self, conversation_id: str, settings: ConversationSettings, *, touch: bool = False
    ) -> Conversation:
        """``touch`` moves the conversation up the list: the GUI saves settings as they are
        edited, which must not reorder it; the CLI changes them on its way to sending."""
        return await asyncio.to_thread(
            lambda: self.store.update_conversation(conversation_id, touch=touch, **asdict(settings))
        )

    async def rename(self, conversation_id: str, title: str) -> Conversation:
        return await asyncio.to_thread(self.store.update_conversation, conversation_id, title=title)

    async def set_pinned(self, conversation_id: str, pinned: bool) -> Conversation:
        return await asyncio.to_thread(self.store.update_conversation, conversation_id, pinned=pinned, touch=False)

    async def delete(self, conversation_id: str) -> Conversation:
        """Hides the conversation (``restore`` brings it back; it is purged after some days).
        Returns it as it was, to name it in the undo offer."""

        def delete() -> Conversation:
            conversation = self.store.conversation(conversation_id)
            self.store.delete_conversation(conversation_id)
            return conversation

        return await asyncio.to_thread(delete)

    async def restore(self, conversation_id: str) -> None:
        await asyncio.to_thread(self.store.restore_conversation, conversation_id)

    async def open(self, conversation_id: str) -> ConversationView:
        return ConversationView(*await asyncio.to_thread(self.store.shown, conversation_id))

    async def select_version(self, message_id: str) -> ConversationView:
        """Shows the branch through ``message_id``, down to its newest descendant."""

        def select() -> ConversationView:
            conversation = self.store.select(message_id)
            return ConversationView(*self.store.shown(conversation.id))

        return await asyncio.to_thread(select)

    async def export(self, conversation_id: str, fmt: str) -> str:
        """The shown branch as Markdown (``fmt`` "md") or JSON: no key, no base URL."""
        text, _count = await asyncio.to_thread(self._export, conversation_id, fmt)
        return text

    async def export_to(self, conversation_id: str, fmt: str, path: Path) -> int:
        """Writes the export to ``path``; returns how many messages it holds."""

        def write() -> int:
            text, count = self._export(conversation_id, fmt)
            atomic_write_text(path, text, mode=0o644)
            return count

        return await asyncio.to_thread(write)

    def _export(self, conversation_id: str, fmt: str) -> tuple[str, int]:
        conversation = self.store.conversation(conversation_id)
        messages = self.store.path(conversation_id)
        profile = next((p.name for p in self.profiles.all() if p.id == conversation.profile_id), "")
        render = to_json if fmt == "json" else to_markdown
        return render(conversation, messages, profile), len(messages)

    # ----- what is sent --------------------------------------------------------
    def _user_content(self, message: Message) -> str | list[dict[str, Any]]:
        if not message.attachments:
            return message.content
        parts: list[dict[str, Any]] = [{"type": "text", "text": message.content}]
        for name in message.attachments:
            path = self.attachment_path(name)
            try:
                data = path.read_bytes()
            except OSError:
                log.warning("attachment %s is missing; sent without it", path.name)
                continue
            kind = sniff_image(data) or mimetypes.guess_type(path.name)[0] or "image/png"
            url = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
            parts.append({"type": "image_url", "image_url": {"url": url}})
        return parts

    def api_messages(self, conversation: Conversation, path: Sequence[Message]) -> list[ApiMessage]:
        """The system prompt, then the newest messages of ``path`` that fit the conversation's
        context limits (the question asked is always among them)."""
        sendable = [m for m in path if m.role == "user" or (m.role == "assistant" and m.content)]
        kept = fit(
            sendable,
            [m.content for m in sendable],
            conversation.context_messages,
            conversation.context_tokens,
        )
        messages: list[ApiMessage] = []
        if conversation.system_prompt.strip():
            messages.append({"role": "system", "content": conversation.system_prompt})
        for message in kept:
            if message.role == "user":
                messages.append({"role": "user", "content": self._user_content(message)})
            else:
                messages.append({"role": "assistant", "content": message.content})
        return messages

    async def _api_messages(self, conversation: Conversation, leaf: str) -> list[ApiMessage]:
        """What is sent for the branch ending at ``leaf``; in a worker: attached images are
        read and encoded, up to 20 MB each."""
        return await asyncio.to_thread(
            lambda: self.api_messages(conversation, self.store.path(conversation.id, leaf))
        )

    # ----- use cases -----------------------------------------------------------
    async def send(
        self,
        conversation_id: str,
        text: str,
        attachments: Sequence[str] = (),
        observer: StreamObserver | None = None,
    ) -> StreamOutcome:
        if not text.strip() and not attachments:
            raise InputError(
                N_("Errors", "The message is empty"), hint=N_("Errors", "Type a question or attach an image")
            )
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        user = await asyncio.to_thread(
            self.store.add_message,
            conversation_id,
            "user",
            text,
            parent_id=conversation.current_leaf,
            attachments=tuple(attachments),
        )
        if not conversation.title:
            await asyncio.to_thread(self.store.update_conversation, conversation_id, title=title_from(text))
        return await self._answer(conversation_id, user, observer)

    async def regenerate(self, message_id: str, observer: StreamObserver | None = None) -> StreamOutcome:
        """A new answer beside the old one (which stays, one click away)."""
        message = await asyncio.to_thread(self.store.message, message_id)
        if message.role != "assistant" or message.parent_id is None:
            raise InputError(N_("Errors", "Only an answer can be regenerated"))
        user = await asyncio.to_thread(self.store.message, message.parent_id)
        return await self._answer(message.conversation_id, user, observer)

    async def edit(self, message_id: str, text: str, observer: StreamObserver | None = None) -> StreamOutcome:
        """The edited question becomes a sibling of the original, with a fresh answer."""
        original = await asyncio.to_thread(self.store.message, message_id)
        if original.role != "user":
            raise InputError(N_("Errors", "Only your own messages can be edited"))
        if not text.strip():
            raise InputError(N_("Errors", "The message is empty"), hint=N_("Errors", "Type a question"))
        user = await asyncio.to_thread(
            self.store.add_message,
            original.conversation_id,
            "user",
            text,
            parent_id=original.parent_id,
            attachments=original.attachments,
        )
        return await self._answer(original.conversation_id, user, observer)

    async def continue_answer(self, message_id: str, observer: StreamObserver | None = None) -> StreamOutcome:
        """Appends to an interrupted, stopped or cut-off answer."""
        message = await asyncio.to_thread(self.store.message, message_id)
        if message.role != "assistant":
            raise InputError(N_("Errors", "Only an answer can be continued"))
        conversation = await asyncio.to_thread(self.store.conversation, message.conversation_id)
        api = [*await self._api_messages(conversation, message.id), {"role": "user", "content": CONTINUE_PROMPT}]
        await asyncio.to_thread(self.store.restart_stream, message.id, os.getpid())
        if observer:
            observer.on_started(None, await asyncio.to_thread(self.store.message, message.id))
        return await self._stream(conversation, message, api, observer or NullObserver())

    async def _answer(self, conversation_id: str, user: Message, observer: StreamObserver | None) -> StreamOutcome:
        observer = observer or NullObserver()
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        profile = self.profiles.find(conversation.profile_id) if conversation.profile_id else None
        model, refusal = conversation.model, None
        if not model and profile is not None:
            try:
                model = await self.model_for(conversation)
            except KeyholdError as exc:
                refusal = exc  # the server could not say its models: that is why there is none
            if model:
                await asyncio.to_thread(self.store.update_conversation, conversation_id, model=model, touch=False)
        assistant = await asyncio.to_thread(
            self.store.add_message,
            conversation_id,
            "assistant",
            parent_id=user.id,
            status=Status.STREAMING,
            model=model,
            stream_owner=os.getpid(),
        )
        observer.on_started(user, assistant)
        if refusal is not None:
            return await self._fail_before_start(assistant, refusal, observer)
        if not model and profile is not None:
            error = InputError(
                N_("Errors", "Pick a model: the server lists no chat model"),
                hint=N_("Errors", "Type the model's name in the model box, then regenerate"),
            )
            return await self._fail_before_start(assistant, error, observer)
        if profile is None:
            error = InputError(
                N_("Errors", "This conversation has no profile"),
                hint=N_("Errors", "Choose a profile, then regenerate"),
            )
            return await self._fail_before_start(assistant, error, observer)
        api = await self._api_messages(conversation, user.id)
        sent = sum(1 for m in api if m["role"] != "system")
        assistant = await asyncio.to_thread(self.store.set_context_count, assistant.id, sent)
        return await self._stream(conversation, assistant, api, observer)

    async def _fail_before_start(
        self, assistant: Message, error: KeyholdError, observer: StreamObserver
    ) -> StreamOutcome:
        final = await asyncio.to_thread(self.store.finish, assistant.id, Status.FAILED, **error_fields(error))
        observer.on_finished(final)
        return StreamOutcome(final, error)

    async def _stream(
        self,
        conversation: Conversation,
        assistant: Message,
        api: list[ApiMessage],
        observer: StreamObserver,
    ) -> StreamOutcome:
        answer = Answer(self.store, assistant, observer, self.flush_interval)
        client: ChatClient | None = None
        try:
            client = await self.client(conversation.profile_id, observer)
            options = ChatOptions(temperature=conversation.temperature, max_tokens=conversation.max_tokens)
            await _read(client.stream(assistant.model, api, options), answer)
            answer.status = Status.COMPLETE
        except asyncio.CancelledError:
            answer.status = Status.STOPPED
            raise
        except KeyholdError as exc:
            answer.error = exc
        except Exception as exc:  # a bug must not pass a cut-off answer off as complete
            log.exception("unexpected error while streaming an answer")
            answer.error = KeyholdError(
                N_("Errors", "Unexpected error while answering (%1)"),
                hint=N_("Errors", "What arrived is kept; details are in the log"),
                kind=ErrorKind.INTERNAL,
                args=(type(exc).__name__,),
            )
        finally:
            # Shielded: a second Stop must not skip saving the outcome.
            final = await _unstoppable(self._settle(answer, client))
        return StreamOutcome(final, answer.outcome_error(final))

    async def _settle(self, answer: Answer, client: ChatClient | None) -> Message:
        final = await answer.close()
        if answer.status is Status.COMPLETE and client is not None and answer.writer.failure is None:
            with_images = await save_answer_images(final, client, self.store, self.gallery, self.attachments)
            if with_images is not final:
                final = with_images
                answer.observer.on_finished(final)
        return final


async def _read(stream: AsyncGenerator[ChatDelta, None], answer: Answer) -> None:
    yielded = time.monotonic()
    async with contextlib.aclosing(stream):
        async for delta in stream:
            # At full speed many events arrive per read: let the GUI breathe.
            if time.monotonic() - yielded > YIELD_EVERY:
                await asyncio.sleep(0)
                yielded = time.monotonic()
            answer.feed(delta)


async def _unstoppable(work: Coroutine[Any, Any, T]) -> T:
    """Runs ``work`` to its end even if the caller is cancelled meanwhile (again and again)."""
    task = asyncio.ensure_future(work)
    while not task.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(task)
    return task.result()


__all__ = ["ChatService", "answer_image_record"]
