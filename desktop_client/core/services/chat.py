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
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from desktop_client.core.api.chat import ChatClient, ChatOptions, Usage
from desktop_client.core.api.chat import Message as ApiMessage
from desktop_client.core.api.retry import RetryNotice
from desktop_client.core.errors import ErrorKind, InputError, KeyholdError, StorageError
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import IMAGE_TYPES, sniff_image
from desktop_client.core.net.client import origin
from desktop_client.core.redact import REDACTOR, SERVER
from desktop_client.core.services.connections import Connections
from desktop_client.core.services.gallery import GalleryService, NotIndexed
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import ChatStore, Conversation, Message, Status, title_from
from desktop_client.core.storage.db import is_disk_full

log = logging.getLogger(__name__)

CONTINUE_PROMPT = "Continue exactly where your previous answer stopped. Do not repeat what you already wrote."
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
YIELD_EVERY = 0.008  # seconds of parsing before the event loop gets a turn
_MD_IMAGE = re.compile(
    r"!\[[^\]]*\]\((https?://[^)\s]+|server:/[^)\s]*|data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+)\)"
)


class StreamObserver(Protocol):
    def on_started(self, user: Message | None, assistant: Message) -> None: ...

    def on_delta(self, message_id: str, content: str, reasoning: str) -> None: ...

    def on_retry(self, notice: RetryNotice) -> None: ...

    def on_finished(self, message: Message) -> None: ...


class NullObserver:
    def on_started(self, user: Message | None, assistant: Message) -> None:
        pass

    def on_delta(self, message_id: str, content: str, reasoning: str) -> None:
        pass

    def on_retry(self, notice: RetryNotice) -> None:
        pass

    def on_finished(self, message: Message) -> None:
        pass


@dataclass(frozen=True)
class StreamOutcome:
    message: Message
    error: KeyholdError | None = None


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

    def save_attachment(self, data: bytes, suggested_name: str = "") -> str:
        """Copies an image the user attaches into the data home; returns its name there."""
        name = _attachment_name(data, suggested_name)
        self.attachments.mkdir(parents=True, exist_ok=True)
        (self.attachments / name).write_bytes(data)
        return name

    def attachment_path(self, name: str) -> Path:
        return self.attachments / Path(name).name

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
        messages: list[ApiMessage] = []
        if conversation.system_prompt.strip():
            messages.append({"role": "system", "content": conversation.system_prompt})
        for message in path:
            if message.role == "user":
                messages.append({"role": "user", "content": self._user_content(message)})
            elif message.role == "assistant" and message.content:
                messages.append({"role": "assistant", "content": message.content})
        return messages

    # ----- use cases -----------------------------------------------------------
    async def send(
        self,
        conversation_id: str,
        text: str,
        attachments: Sequence[str] = (),
        observer: StreamObserver | None = None,
    ) -> StreamOutcome:
        if not text.strip() and not attachments:
            raise InputError("The message is empty", hint="Type a question or attach an image")
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
            raise InputError("Only an answer can be regenerated")
        user = await asyncio.to_thread(self.store.message, message.parent_id)
        return await self._answer(message.conversation_id, user, observer)

    async def edit(self, message_id: str, text: str, observer: StreamObserver | None = None) -> StreamOutcome:
        """The edited question becomes a sibling of the original, with a fresh answer."""
        original = await asyncio.to_thread(self.store.message, message_id)
        if original.role != "user":
            raise InputError("Only your own messages can be edited")
        if not text.strip():
            raise InputError("The message is empty", hint="Type a question")
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
            raise InputError("Only an answer can be continued")
        conversation = await asyncio.to_thread(self.store.conversation, message.conversation_id)
        path = await asyncio.to_thread(self.store.path, message.conversation_id, message.id)
        api = [*self.api_messages(conversation, path), {"role": "user", "content": CONTINUE_PROMPT}]
        await asyncio.to_thread(self.store.restart_stream, message.id, os.getpid())
        if observer:
            observer.on_started(None, await asyncio.to_thread(self.store.message, message.id))
        return await self._stream(conversation, message, api, observer or NullObserver())

    async def _answer(self, conversation_id: str, user: Message, observer: StreamObserver | None) -> StreamOutcome:
        observer = observer or NullObserver()
        conversation = await asyncio.to_thread(self.store.conversation, conversation_id)
        profile = self.profiles.find(conversation.profile_id) if conversation.profile_id else None
        model = conversation.model or (profile.default_model if profile else "")
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
        if not model:
            error = InputError("No model is chosen for this conversation", hint="Pick a model, then regenerate")
            return await self._fail_before_start(assistant, error, observer)
        if profile is None:
            error = InputError("This conversation has no profile", hint="Choose a profile, then regenerate")
            return await self._fail_before_start(assistant, error, observer)
        path = await asyncio.to_thread(self.store.path, conversation_id, user.id)
        return await self._stream(conversation, assistant, self.api_messages(conversation, path), observer)

    async def _fail_before_start(
        self, assistant: Message, error: KeyholdError, observer: StreamObserver
    ) -> StreamOutcome:
        final = await asyncio.to_thread(self.store.finish, assistant.id, Status.FAILED, **_error_fields(error))
        observer.on_finished(final)
        return StreamOutcome(final, error)

    async def _stream(
        self,
        conversation: Conversation,
        assistant: Message,
        api: list[ApiMessage],
        observer: StreamObserver,
    ) -> StreamOutcome:
        writer = _AnswerWriter(self.store, assistant, self.flush_interval)
        # What the model says passes the redactor before it is shown or stored: a key or the
        # relay's address it echoes never reaches the database or an export.
        redact_content, redact_reasoning = REDACTOR.stream(), REDACTOR.stream()
        finish: str | None = None
        usage: Usage | None = None
        model = assistant.model
        error: KeyholdError | None = None
        status = Status.FAILED
        client: ChatClient | None = None

        def take(content: str, reasoning: str) -> None:
            if content or reasoning:
                writer.add(content, reasoning)
                observer.on_delta(assistant.id, content, reasoning)

        async def settle() -> Message:
            """Saves the outcome. Shielded: a second Stop must not skip it."""
            take(redact_content.flush(), redact_reasoning.flush())
            changes: dict[str, Any] = {"finish_reason": finish or "", "model": model}
            if error is not None:
                changes.update(_error_fields(error))
            if usage is not None:
                changes.update(
                    prompt_tokens=usage.prompt_tokens,
                    completion_tokens=usage.completion_tokens,
                    reasoning_tokens=usage.reasoning_tokens,
                )
            final = await writer.close(status, changes)
            observer.on_finished(final)
            if status is Status.COMPLETE and client is not None and writer.failure is None:
                with_images = await self._fetch_images(final, client)
                if with_images is not final:
                    final = with_images
                    observer.on_finished(final)
            return final

        try:
            client = await self.client(conversation.profile_id, observer)
            options = ChatOptions(temperature=conversation.temperature)
            yielded = time.monotonic()
            async with contextlib.aclosing(client.stream(model, api, options)) as stream:
                async for delta in stream:
                    # At full speed many events arrive per read: let the GUI breathe.
                    if time.monotonic() - yielded > YIELD_EVERY:
                        await asyncio.sleep(0)
                        yielded = time.monotonic()
                    if delta.content or delta.reasoning:
                        take(redact_content.feed(delta.content), redact_reasoning.feed(delta.reasoning))
                    # Server text, like the answer: the redactor sees it before it is stored.
                    finish = REDACTOR.redact_known(delta.finish_reason) if delta.finish_reason else finish
                    usage = delta.usage or usage
                    model = REDACTOR.redact_known(delta.model) if delta.model else model
            status = Status.COMPLETE
        except asyncio.CancelledError:
            status = Status.STOPPED
            raise
        except KeyholdError as exc:
            error = exc
        except Exception as exc:  # a bug must not pass a cut-off answer off as complete
            log.exception("unexpected error while streaming an answer")
            error = KeyholdError(
                f"Unexpected error while answering ({type(exc).__name__})",
                hint="What arrived is kept; details are in the log",
                kind=ErrorKind.INTERNAL,
            )
        finally:
            settling = asyncio.ensure_future(settle())
            while not settling.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.shield(settling)
            final = settling.result()
        if writer.failure is not None:
            # The disk refused the text: the answer in memory is all there is, say so first.
            return StreamOutcome(final, writer.failure)
        if error is None and not final.content and finish == "length":
            error = KeyholdError(
                "The answer was cut off at the token limit before any text arrived",
                hint="The model spent every token on reasoning; raise the limit or ask for less",
                kind=ErrorKind.SERVER,
            )
        return StreamOutcome(final, error)

    async def _fetch_images(self, message: Message, client: ChatClient) -> Message:
        """Images in an answer are saved at once: their URLs often expire within the hour.
        They go through the profile's client: its proxy applies, and the key goes nowhere
        but the profile's own origin."""
        # Only images the server itself returned: an arbitrary URL in model output could be a
        # prompt injection leaking the conversation in its query string.
        own = origin(client.http.base_url)
        base = urlsplit(client.http.base_url)
        # The redactor turned links on the profile's server into server:/path; that is where they point.
        links = [
            f"{base.scheme}://{base.netloc}{u[len(SERVER) :]}" if u.startswith(SERVER) else u
            for u in _MD_IMAGE.findall(message.content)
        ]
        sources = [u for u in links if u.startswith("data:") or origin(u) == own]
        if not sources:
            return message
        question = await asyncio.to_thread(self.store.message, message.parent_id) if message.parent_id else None
        record = answer_image_record(message, question.content if question else "", client.http.profile.name)
        folder = self.gallery.relative(self.attachments)
        saved: list[str] = []
        for source in sources[:8]:
            try:
                if source.startswith("data:"):
                    data = base64.b64decode(source.split(",", 1)[1], validate=True)
                else:
                    data = await self._download(client, source)
                name = _attachment_name(data)
                # Kept with the conversation, in attachments/; the gallery only lists it (no sidecar).
                await self.gallery.save(data, record, folder, name, sidecar=False)
                saved.append(name)
            except NotIndexed as exc:
                saved.append(exc.path.name)
                log.warning("an answer's image was not added to the gallery: %s", exc.cause)
            except (httpx.HTTPError, ValueError, OSError, KeyholdError) as exc:
                log.warning("an image in the answer could not be saved: %s", type(exc).__name__)
        if not saved:
            return message
        return await asyncio.to_thread(self.store.set_attachments, message.id, (*message.attachments, *saved))

    @staticmethod
    async def _download(client: ChatClient, url: str) -> bytes:
        reply = await client.http.request(
            "GET", url, limit=MAX_ATTACHMENT_BYTES, what="image", untrusted=True, read_timeout=60
        )
        if reply.status_code >= 300:
            raise ValueError(f"HTTP {reply.status_code}")
        return reply.content


class _AnswerWriter:
    """Writes a streaming answer to the store every ``interval`` seconds and keeps what the
    disk would not take: if the last save fails, ``close`` returns the whole answer from
    memory, marked failed with the reason, so nothing is lost without the user knowing."""

    HEARTBEAT = 5.0  # seconds: a silent stream still shows its writer is alive

    def __init__(self, store: ChatStore, assistant: Message, interval: float) -> None:
        self.store = store
        self.assistant = assistant
        self.interval = interval
        self.failure: KeyholdError | None = None
        self._content: list[str] = []  # not on disk yet
        self._reasoning: list[str] = []
        self._all_content: list[str] = []  # everything this stream said, for a failed save
        self._all_reasoning: list[str] = []
        self._lock = asyncio.Lock()
        self._stop = asyncio.Event()
        self._last_write = time.monotonic()
        self._warned = False
        self._task = asyncio.ensure_future(self._run())

    def add(self, content: str, reasoning: str) -> None:
        self._content.append(content)
        self._reasoning.append(reasoning)
        self._all_content.append(content)
        self._all_reasoning.append(reasoning)

    async def _flush(self, heartbeat: bool = False) -> None:
        async with self._lock:
            if not self._content and not self._reasoning and not heartbeat:
                return
            taken_c, taken_r = len(self._content), len(self._reasoning)
            text, thought = "".join(self._content[:taken_c]), "".join(self._reasoning[:taken_r])
            await asyncio.to_thread(self.store.append, self.assistant.id, text, thought)
            # Forget the text only once it is on disk; deltas that arrived meanwhile stay.
            del self._content[:taken_c]
            del self._reasoning[:taken_r]
            self._last_write = time.monotonic()
            self._warned = False

    def _note(self, exc: Exception, what: str) -> None:
        # Once per failing streak: a full disk must not fill the log (if that can even be written).
        if not self._warned:
            log.warning("%s: %s", what, exc if isinstance(exc, KeyholdError) else type(exc).__name__)
            self._warned = True

    async def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.interval)
            try:
                await self._flush(heartbeat=time.monotonic() - self._last_write > self.HEARTBEAT)
            except Exception as exc:  # a locked or full disk: keep the text, try again next time
                self._note(exc, "could not write the streamed answer yet")

    async def close(self, status: Status, changes: dict[str, Any]) -> Message:
        self._stop.set()
        await self._task
        problem: Exception | None = None
        for attempt in range(3):
            try:
                await self._flush()
                return await asyncio.to_thread(self.store.finish, self.assistant.id, status, **changes)
            except Exception as exc:
                problem = exc
                self._note(exc, "could not write the end of the answer")
                if attempt < 2:
                    await asyncio.sleep(0.5)
        assert problem is not None
        self.failure = _storage_failure(problem)
        # The row stays "streaming" on disk; the next start marks it interrupted with what
        # reached the disk. Here the caller gets every word, to show, copy or retry.
        return replace(
            self.assistant,
            content=self.assistant.content + "".join(self._all_content),
            reasoning=self.assistant.reasoning + "".join(self._all_reasoning),
            status=Status.FAILED,
            error=str(self.failure),
            error_kind=self.failure.kind.value,
            error_detail=self.failure.detail,
            finish_reason=str(changes.get("finish_reason") or ""),
            model=str(changes.get("model") or self.assistant.model),
            stream_owner=None,
            updated=time.time(),
        )


def _error_fields(error: KeyholdError) -> dict[str, str]:
    """A failed answer's error as the message row keeps it: the line, and its kind and detail as data."""
    return {"error": str(error), "error_kind": error.kind.value, "error_detail": error.detail}


def _storage_failure(exc: Exception) -> KeyholdError:
    if is_disk_full(exc) or (isinstance(exc, KeyholdError) and exc.kind is ErrorKind.DISK_FULL):
        return StorageError(
            "The disk is full: the answer could not be saved",
            hint="Free some disk space; the whole answer is shown and can be copied, then regenerate",
            kind=ErrorKind.DISK_FULL,
        )
    return StorageError(
        "The answer could not be saved",
        hint="Check free disk space and permissions; the whole answer is shown and can be copied",
        detail=str(exc) if isinstance(exc, KeyholdError) else type(exc).__name__,
    )


def _attachment_name(data: bytes, suggested_name: str = "") -> str:
    """A fresh file name for an image to keep in attachments/, once it is known to be one."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise InputError("The image is larger than 20 MB", hint="Attach a smaller image")
    kind = sniff_image(data)
    if kind is None:
        raise InputError(
            f"{suggested_name or 'The file'} is not a PNG, JPEG, WebP or GIF image", hint="Attach an image"
        )
    return f"{uuid.uuid4().hex}{IMAGE_TYPES[kind]}"


def answer_image_record(message: Message, question: str, profile_name: str) -> ImageRecord:
    """What the gallery keeps of an image in an answer (chat images have no sidecar; a
    rescan builds the same from the database)."""
    return ImageRecord(
        "chat",
        question,
        "answer",
        model=message.model,
        profile=profile_name,
        created=message.created,
        extra={"conversation_id": message.conversation_id, "message_id": message.id},
    )
