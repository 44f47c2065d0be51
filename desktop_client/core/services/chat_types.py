"""The chat service's vocabulary: what the GUI hands it and gets back, importable without
the HTTP stack (the GUI's first paint does not load httpx). The rows the store keeps are
re-exported here, so the GUI never imports the store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from desktop_client.core.errors import KeyholdError
from desktop_client.core.storage.chat_search import MessageMatch, Snippet
from desktop_client.core.storage.chats import Conversation, Message, SearchHit, Status
from desktop_client.core.storage.folders import Folder

if TYPE_CHECKING:
    from desktop_client.core.api.retry import RetryNotice


class StreamObserver(Protocol):
    """Told how an answer goes, on the event loop's thread: the GUI shows it, the CLI prints it."""

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
class ConversationSettings:
    """What the user chooses for a conversation (a temperature of None: the server's default)."""

    profile_id: str = ""
    model: str = ""
    system_prompt: str = ""
    temperature: float | None = None
    context_messages: int = 20  # the last N messages sent with each question (0: all)
    context_tokens: int = 0  # and about this many tokens of them at most (0: no budget)
    max_tokens: int | None = None  # the longest answer asked for (None: the server's default)

    @classmethod
    def of(cls, conversation: Conversation) -> ConversationSettings:
        c = conversation
        return cls(
            c.profile_id,
            c.model,
            c.system_prompt,
            c.temperature,
            c.context_messages,
            c.context_tokens,
            c.max_tokens,
        )


@dataclass(frozen=True)
class ConversationView:
    """A conversation as it is shown: the branch root → current leaf, and for each message
    on it the ids of its versions (itself included, oldest first)."""

    conversation: Conversation
    path: list[Message]
    siblings: dict[str, list[str]]


@dataclass(frozen=True)
class ConversationListing:
    """What the conversation list shows: the conversations (pinned first, then the most recent),
    for a search the message each matched in (a conversation matched by its title has none),
    and every folder."""

    conversations: list[Conversation]
    matches: dict[str, MessageMatch]
    folders: list[Folder]


@dataclass(frozen=True)
class StreamOutcome:
    """The answer as saved, and the error to report if it failed or the disk refused it."""

    message: Message
    error: KeyholdError | None = None


__all__ = [
    "Conversation",
    "ConversationListing",
    "ConversationSettings",
    "ConversationView",
    "Folder",
    "Message",
    "MessageMatch",
    "NullObserver",
    "SearchHit",
    "Snippet",
    "Status",
    "StreamObserver",
    "StreamOutcome",
]
