"""One streaming answer on its way to the database: what the server said about it
(``Answer``) and the writer that saves its text every so often (``AnswerWriter``).

Both are the chat service's: it feeds an ``Answer`` the deltas and settles it at the end."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from desktop_client.core.api.chat import ChatDelta, Usage
from desktop_client.core.errors import N_, ErrorKind, KeyholdError, StorageError
from desktop_client.core.redact import REDACTOR
from desktop_client.core.storage.chats import ChatStore, Message, Status
from desktop_client.core.storage.db import is_disk_full

if TYPE_CHECKING:
    from desktop_client.core.services.chat_types import StreamObserver

log = logging.getLogger(__name__)


class Answer:
    """What one stream has said so far, besides its text: the finish reason, usage, model,
    the error if it failed, and the status to save. The text goes to the writer and the
    observer as it arrives."""

    def __init__(self, store: ChatStore, assistant: Message, observer: StreamObserver, interval: float) -> None:
        self.assistant = assistant
        self.observer = observer
        self.writer = AnswerWriter(store, assistant, interval)
        # What the model says passes the redactor before it is shown or stored: a key or the
        # relay's address it echoes never reaches the database or an export.
        self._content, self._reasoning = REDACTOR.stream(), REDACTOR.stream()
        self.finish: str | None = None
        self.usage: Usage | None = None
        self.model = assistant.model
        self.error: KeyholdError | None = None
        self.status = Status.FAILED  # until the stream ends on its own

    def feed(self, delta: ChatDelta) -> None:
        if delta.content or delta.reasoning:
            self._take(self._content.feed(delta.content), self._reasoning.feed(delta.reasoning))
        # Server text, like the answer: the redactor sees it before it is stored.
        self.finish = REDACTOR.redact_known(delta.finish_reason) if delta.finish_reason else self.finish
        self.usage = delta.usage or self.usage
        self.model = REDACTOR.redact_known(delta.model) if delta.model else self.model

    def _take(self, content: str, reasoning: str) -> None:
        if content or reasoning:
            self.writer.add(content, reasoning)
            self.observer.on_delta(self.assistant.id, content, reasoning)

    async def close(self) -> Message:
        """Saves the outcome (the text the redactor still held back first); the final row."""
        self._take(self._content.flush(), self._reasoning.flush())
        changes: dict[str, Any] = {"finish_reason": self.finish or "", "model": self.model}
        if self.error is not None:
            changes.update(error_fields(self.error))
        if self.usage is not None:
            changes.update(
                prompt_tokens=self.usage.prompt_tokens,
                completion_tokens=self.usage.completion_tokens,
                reasoning_tokens=self.usage.reasoning_tokens,
            )
        final = await self.writer.close(self.status, changes)
        self.observer.on_finished(final)
        return final

    def outcome_error(self, final: Message) -> KeyholdError | None:
        """The error to report for the saved answer ``final``."""
        if self.writer.failure is not None:
            # The disk refused the text: the answer in memory is all there is, say so first.
            return self.writer.failure
        if self.error is None and not final.content and self.finish == "length":
            return KeyholdError(
                "The answer was cut off at the token limit before any text arrived",
                hint="The model spent every token on reasoning; raise the limit or ask for less",
                kind=ErrorKind.SERVER,
            )
        return self.error


class AnswerWriter:
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
        self.failure = storage_failure(problem)
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


def error_fields(error: KeyholdError) -> dict[str, str]:
    """A failed answer's error as the message row keeps it: the line, and its kind and detail as data."""
    return {"error": str(error), "error_kind": error.kind.value, "error_detail": error.detail}


def storage_failure(exc: Exception) -> KeyholdError:
    if is_disk_full(exc) or (isinstance(exc, KeyholdError) and exc.kind is ErrorKind.DISK_FULL):
        return StorageError(
            "The disk is full: the answer could not be saved",
            hint="Free some disk space; the whole answer is shown and can be copied, then regenerate",
            kind=ErrorKind.DISK_FULL,
        )
    return StorageError(
        N_("Errors", "The answer could not be saved"),
        hint=N_("Errors", "Check free disk space and permissions; the whole answer is shown and can be copied"),
        detail=str(exc) if isinstance(exc, KeyholdError) else type(exc).__name__,
    )
