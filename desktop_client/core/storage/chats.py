"""Conversations and messages.

Messages form a tree: regenerating an answer or editing a question adds a sibling instead
of overwriting, so no earlier version is ever lost. A conversation shows the path from the
root to its ``current_leaf``.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from desktop_client.core.errors import N_, InputError, NotFoundError
from desktop_client.core.storage.db import Database
from desktop_client.core.storage.helpers import fts_query, pid_alive, title_from
from desktop_client.core.text import inert

# A streaming message whose writer has been silent this long is taken as interrupted.
STALE_STREAM_SECONDS = 30.0
UNDO_DAYS = 7


class Status(StrEnum):
    COMPLETE = "complete"
    STREAMING = "streaming"
    STOPPED = "stopped"
    INTERRUPTED = "interrupted"
    FAILED = "failed"


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str = ""
    profile_id: str = ""
    model: str = ""
    system_prompt: str = ""
    temperature: float | None = None
    context_messages: int = 20  # the last N messages sent with each question (0: all)
    context_tokens: int = 0  # and no more than about this many tokens of them (0: no budget)
    max_tokens: int | None = None  # the longest answer asked for (None: the server's default)
    pinned: bool = False
    current_leaf: str | None = None
    created: float = 0.0
    updated: float = 0.0
    deleted_at: float | None = None
    folder_id: str | None = None  # the folder it is filed in (None: none)


@dataclass(frozen=True)
class Message:
    id: str
    conversation_id: str
    parent_id: str | None
    role: str
    content: str = ""
    reasoning: str = ""
    status: Status = Status.COMPLETE
    error: str = ""  # the whole English line (a tooltip, an export): never parsed back
    error_kind: str = ""  # an ErrorKind value, so the UI can say it in the user's language
    error_detail: str = ""  # what the server said, as it came (empty in rows from before schema v6)
    model: str = ""
    finish_reason: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reasoning_tokens: int | None = None
    attachments: tuple[str, ...] = field(default_factory=tuple)
    context_count: int = 0  # on an answer: how many messages its request carried (0: not recorded)
    stream_owner: int | None = None
    created: float = 0.0
    updated: float = 0.0


@dataclass(frozen=True)
class SearchHit:
    conversation_id: str
    conversation_title: str
    message_id: str
    role: str
    snippet: str


_CONV_FIELDS = [f.name for f in fields(Conversation)]
_MSG_FIELDS = [f.name for f in fields(Message)]


def _conversation(row: Any) -> Conversation:
    data = {name: row[name] for name in _CONV_FIELDS}
    data["pinned"] = bool(data["pinned"])
    return Conversation(**data)


def _message(row: Any) -> Message:
    data = {name: row[name] for name in _MSG_FIELDS}
    data["status"] = Status(data["status"])
    data["attachments"] = tuple(json.loads(data["attachments"] or "[]"))
    return Message(**data)


def _new_id() -> str:
    return uuid.uuid4().hex


def _chain(by_id: dict[str, Message], leaf: str | None) -> list[Message]:
    """Root → ``leaf`` through the parents."""
    chain: list[Message] = []
    cursor = by_id.get(leaf) if leaf else None
    while cursor is not None:
        chain.append(cursor)
        cursor = by_id.get(cursor.parent_id) if cursor.parent_id else None
    chain.reverse()
    return chain


class ChatStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # ----- conversations ---------------------------------------------------
    def create_conversation(
        self,
        *,
        title: str = "",
        profile_id: str = "",
        model: str = "",
        system_prompt: str = "",
        temperature: float | None = None,
        context_messages: int = 20,
        context_tokens: int = 0,
        max_tokens: int | None = None,
    ) -> Conversation:
        now = time.time()
        conv = Conversation(
            id=_new_id(),
            title=inert(title),
            profile_id=profile_id,
            model=model,
            system_prompt=system_prompt,
            temperature=temperature,
            context_messages=context_messages,
            context_tokens=context_tokens,
            max_tokens=max_tokens,
            created=now,
            updated=now,
        )
        self.db.execute(
            f"INSERT INTO conversations ({', '.join(_CONV_FIELDS)}) VALUES ({', '.join('?' * len(_CONV_FIELDS))})",
            [getattr(conv, name) for name in _CONV_FIELDS],
        )
        return conv

    def conversation(self, conversation_id: str) -> Conversation:
        rows = self.db.query("SELECT * FROM conversations WHERE id = ?", (conversation_id,))
        if not rows:
            raise NotFoundError(
                "conversation", conversation_id, hint=N_("Errors", "`keyhold history list` shows the ids")
            )
        return _conversation(rows[0])

    def find_conversation(self, prefix: str) -> Conversation:
        """By full id or a unique prefix of at least 6 characters (as printed by the CLI)."""
        if len(prefix) < 6:
            return self.conversation(prefix)
        rows = self.db.query(
            "SELECT * FROM conversations WHERE id LIKE ? AND deleted_at IS NULL", (prefix.replace("%", "") + "%",)
        )
        if len(rows) == 1:
            return _conversation(rows[0])
        if len(rows) > 1:
            raise InputError(
                N_("Errors", "The id %1 matches several conversations"),
                hint=N_("Errors", "Give more characters"),
                args=(repr(prefix),),
            )
        return self.conversation(prefix)

    def conversations(self, *, include_deleted: bool = False, folder_id: str | None = None) -> list[Conversation]:
        """Pinned first, then the most recent; only those in ``folder_id`` if one is given."""
        conditions = [] if include_deleted else ["deleted_at IS NULL"]
        if folder_id is not None:
            conditions.append("folder_id = ?")
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self.db.query(
            f"SELECT {', '.join(_CONV_FIELDS)} FROM conversations {where} ORDER BY pinned DESC, updated DESC",
            () if folder_id is None else (folder_id,),
        )
        # The columns in the record's order: thousands of rows are built without a dict each.
        pinned = _CONV_FIELDS.index("pinned")
        new: Callable[..., Conversation] = Conversation
        return [new(*r[:pinned], bool(r[pinned]), *r[pinned + 1 :]) for r in rows]

    def update_conversation(self, conversation_id: str, **changes: Any) -> Conversation:
        unknown = set(changes) - set(_CONV_FIELDS) - {"touch"}
        if unknown:
            raise ValueError(f"unknown fields {unknown}")
        touch = changes.pop("touch", True)
        if isinstance(changes.get("title"), str):
            changes["title"] = inert(changes["title"])  # titles are listed by the CLI and the app
        if touch:
            changes["updated"] = time.time()
        if changes:
            assignments = ", ".join(f"{name} = ?" for name in changes)
            values = [int(v) if isinstance(v, bool) else v for v in changes.values()]
            self.db.execute(f"UPDATE conversations SET {assignments} WHERE id = ?", [*values, conversation_id])
        return self.conversation(conversation_id)

    def delete_conversation(self, conversation_id: str) -> None:
        """Soft delete: undo restores it; it is purged after UNDO_DAYS."""
        self.db.execute("UPDATE conversations SET deleted_at = ? WHERE id = ?", (time.time(), conversation_id))

    def restore_conversation(self, conversation_id: str) -> None:
        self.db.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?", (conversation_id,))

    def purge_deleted(self, older_than_days: float = UNDO_DAYS) -> int:
        cutoff = time.time() - older_than_days * 86400
        with self.db.transaction() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM conversations WHERE deleted_at < ?", (cutoff,))]
            for conversation_id in ids:
                # Children first: the FTS delete trigger needs each row's old content.
                conn.execute("DELETE FROM messages WHERE conversation_id = ?", (conversation_id,))
                conn.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,))
        return len(ids)

    # ----- messages --------------------------------------------------------
    def add_message(
        self,
        conversation_id: str,
        role: str,
        content: str = "",
        *,
        parent_id: str | None,
        status: Status = Status.COMPLETE,
        model: str = "",
        attachments: tuple[str, ...] = (),
        reasoning: str = "",
        stream_owner: int | None = None,
    ) -> Message:
        now = time.time()
        message = Message(
            id=_new_id(),
            conversation_id=conversation_id,
            parent_id=parent_id,
            role=role,
            content=content,
            reasoning=reasoning,
            status=status,
            model=model,
            attachments=tuple(attachments),
            stream_owner=stream_owner,
            created=now,
            updated=now,
        )
        values = [getattr(message, name) for name in _MSG_FIELDS]
        values[_MSG_FIELDS.index("attachments")] = json.dumps(list(message.attachments))
        values[_MSG_FIELDS.index("status")] = message.status.value
        with self.db.transaction() as conn:
            conn.execute(
                f"INSERT INTO messages ({', '.join(_MSG_FIELDS)}) VALUES ({', '.join('?' * len(_MSG_FIELDS))})",
                values,
            )
            conn.execute(
                "UPDATE conversations SET current_leaf = ?, updated = ? WHERE id = ?",
                (message.id, now, conversation_id),
            )
        return message

    def message(self, message_id: str) -> Message:
        rows = self.db.query("SELECT * FROM messages WHERE id = ?", (message_id,))
        if not rows:
            raise NotFoundError("message", message_id)
        return self._with_chunks([_message(rows[0])])[0]

    def _with_chunks(self, messages: list[Message]) -> list[Message]:
        """Messages with the text still in their stream's chunks (an answer being written, or
        one whose writer died) appended, as every reader should see them."""
        if not messages:
            return messages
        pending: dict[str, tuple[list[str], list[str]]] = {}
        ids = [m.id for m in messages]
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            rows = self.db.query(
                f"SELECT message_id, content, reasoning FROM message_chunks WHERE message_id IN "
                f"({','.join('?' * len(part))}) ORDER BY id",
                part,
            )
            for row in rows:
                content, reasoning = pending.setdefault(row["message_id"], ([], []))
                content.append(row["content"])
                reasoning.append(row["reasoning"])
        if not pending:
            return messages
        return [
            replace(
                m, content=m.content + "".join(pending[m.id][0]), reasoning=m.reasoning + "".join(pending[m.id][1])
            )
            if m.id in pending
            else m
            for m in messages
        ]

    def append(self, message_id: str, content: str = "", reasoning: str = "") -> None:
        """Adds streamed text as a chunk of its own (nothing already written is touched, so
        the cost does not grow with the answer); an empty one is the writer's heartbeat."""
        self.db.execute(
            "INSERT INTO message_chunks (message_id, content, reasoning, at) VALUES (?, ?, ?, ?)",
            (message_id, content, reasoning, time.time()),
        )

    @staticmethod
    def _fold_chunks(conn: sqlite3.Connection, message_id: str) -> None:
        """Moves a stream's chunks into its message: the full-text index sees the text once."""
        rows = conn.execute(
            "SELECT content, reasoning FROM message_chunks WHERE message_id = ? ORDER BY id", (message_id,)
        ).fetchall()
        if not rows:
            return
        content = "".join(r["content"] for r in rows)
        reasoning = "".join(r["reasoning"] for r in rows)
        if content:
            conn.execute("UPDATE messages SET content = content || ? WHERE id = ?", (content, message_id))
        if reasoning:
            conn.execute("UPDATE messages SET reasoning = reasoning || ? WHERE id = ?", (reasoning, message_id))
        conn.execute("DELETE FROM message_chunks WHERE message_id = ?", (message_id,))

    def finish(self, message_id: str, status: Status, **changes: Any) -> Message:
        allowed = {
            "error",
            "error_kind",
            "error_detail",
            "finish_reason",
            "prompt_tokens",
            "completion_tokens",
            "reasoning_tokens",
            "model",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"unknown fields {unknown}")
        changes.update(status=status.value, updated=time.time(), stream_owner=None)
        assignments = ", ".join(f"{name} = ?" for name in changes)
        with self.db.transaction() as conn:
            self._fold_chunks(conn, message_id)
            conn.execute(f"UPDATE messages SET {assignments} WHERE id = ?", [*changes.values(), message_id])
        return self.message(message_id)

    def set_context_count(self, message_id: str, count: int) -> Message:
        """How many messages the request for this answer carried."""
        self.db.execute("UPDATE messages SET context_count = ? WHERE id = ?", (count, message_id))
        return self.message(message_id)

    def set_attachments(self, message_id: str, names: tuple[str, ...]) -> Message:
        self.db.execute("UPDATE messages SET attachments = ? WHERE id = ?", (json.dumps(list(names)), message_id))
        return self.message(message_id)

    def restart_stream(self, message_id: str, owner: int) -> None:
        self.db.execute(
            "UPDATE messages SET status = ?, error = '', error_kind = '', error_detail = '', stream_owner = ?, "
            "updated = ? WHERE id = ?",
            (Status.STREAMING.value, owner, time.time(), message_id),
        )

    def mark_interrupted(self) -> int:
        """At start: answers whose writer died mid-stream are kept and marked interrupted."""
        rows = self.db.query(
            "SELECT m.id, m.stream_owner, max(m.updated, coalesce(max(c.at), 0)) AS seen FROM messages m "
            "LEFT JOIN message_chunks c ON c.message_id = m.id WHERE m.status = ? GROUP BY m.id",
            (Status.STREAMING.value,),
        )
        stale = [
            r["id"]
            for r in rows
            if not pid_alive(r["stream_owner"]) or r["seen"] < time.time() - STALE_STREAM_SECONDS
        ]
        for message_id in stale:
            with self.db.transaction() as conn:
                self._fold_chunks(conn, message_id)
                conn.execute(
                    "UPDATE messages SET status = ?, stream_owner = NULL WHERE id = ?",
                    (Status.INTERRUPTED.value, message_id),
                )
        # Chunks whose message was finished by an older Keyhold, or left by a crash in between.
        orphans = self.db.query(
            "SELECT DISTINCT c.message_id FROM message_chunks c JOIN messages m ON m.id = c.message_id "
            "WHERE m.status != ?",
            (Status.STREAMING.value,),
        )
        for row in orphans:
            with self.db.transaction() as conn:
                self._fold_chunks(conn, row["message_id"])
        return len(stale)

    def messages(self, conversation_id: str) -> list[Message]:
        rows = self.db.query(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY created, rowid", (conversation_id,)
        )
        return self._with_chunks([_message(r) for r in rows])

    def path(self, conversation_id: str, leaf: str | None = None) -> list[Message]:
        """Root → leaf: what the conversation shows and what is sent to the model."""
        by_id = {m.id: m for m in self.messages(conversation_id)}
        if leaf is None:
            leaf = self.conversation(conversation_id).current_leaf
        return _chain(by_id, leaf)

    def shown(self, conversation_id: str) -> tuple[Conversation, list[Message], dict[str, list[str]]]:
        """The conversation, the branch it shows (root → current leaf) and, for each message
        on it, the ids of its versions (itself included, oldest first), from one read of its
        messages: asking ``siblings`` per message would be a query each."""
        conversation = self.conversation(conversation_id)
        messages = self.messages(conversation_id)
        path = _chain({m.id: m for m in messages}, conversation.current_leaf)
        versions: dict[tuple[str | None, str], list[str]] = {}
        for message in messages:  # in ``siblings``' order: created, rowid
            versions.setdefault((message.parent_id, message.role), []).append(message.id)
        return conversation, path, {m.id: versions[(m.parent_id, m.role)] for m in path}

    def siblings(self, message: Message) -> list[Message]:
        rows = self.db.query(
            "SELECT * FROM messages WHERE conversation_id = ? AND parent_id IS ? AND role = ? "
            "ORDER BY created, rowid",
            (message.conversation_id, message.parent_id, message.role),
        )
        return self._with_chunks([_message(r) for r in rows])

    def select(self, message_id: str) -> Conversation:
        """Shows the branch through ``message_id``, down to its newest descendant."""
        message = self.message(message_id)
        children: dict[str | None, list[Message]] = {}
        for m in self.messages(message.conversation_id):
            children.setdefault(m.parent_id, []).append(m)
        leaf = message
        while children.get(leaf.id):
            leaf = children[leaf.id][-1]
        return self.update_conversation(message.conversation_id, current_leaf=leaf.id, touch=False)

    # ----- search, models ----------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        query = fts_query(text)
        if not query:
            return []
        words = text.split()
        if any(len(word) < 3 for word in words):
            # Trigram needs three characters per word; short (often Chinese) words scan instead.
            conditions = " AND ".join("instr(m.content, ?) > 0" for _ in words)
            rows = self.db.query(
                "SELECT m.id, m.role, m.conversation_id, c.title, substr(m.content, "
                "max(1, instr(m.content, ?) - 20), 60) AS snippet FROM messages m "
                "JOIN conversations c ON c.id = m.conversation_id "
                f"WHERE c.deleted_at IS NULL AND {conditions} ORDER BY m.created DESC LIMIT ?",
                (words[0], *words, limit),
            )
        else:
            rows = self.db.query(
                "SELECT m.id, m.role, m.conversation_id, c.title, "
                "snippet(messages_fts, 0, '[', ']', '…', 24) AS snippet "
                "FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid "
                "JOIN conversations c ON c.id = m.conversation_id "
                "WHERE messages_fts MATCH ? AND c.deleted_at IS NULL ORDER BY rank LIMIT ?",
                (query, limit),
            )
        return [SearchHit(r["conversation_id"], r["title"], r["id"], r["role"], r["snippet"]) for r in rows]

    def answers_with_images(self) -> list[tuple[Message, str, str]]:
        """Answers holding saved images, with their question and profile id (for the gallery)."""
        rows = self.db.query(
            "SELECT m.*, q.content AS question, c.profile_id AS conversation_profile FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id LEFT JOIN messages q ON q.id = m.parent_id "
            "WHERE m.role = 'assistant' AND m.attachments != '[]' AND c.deleted_at IS NULL"
        )
        return [(_message(row), row["question"] or "", row["conversation_profile"]) for row in rows]

    def cache_models(self, profile_id: str, models: list[str]) -> None:
        self.db.execute(
            "INSERT INTO model_cache(profile_id, models, fetched) VALUES (?, ?, ?) "
            "ON CONFLICT(profile_id) DO UPDATE SET models = excluded.models, fetched = excluded.fetched",
            (profile_id, json.dumps(models), time.time()),
        )

    def cached_models(self, profile_id: str) -> tuple[list[str], float | None]:
        rows = self.db.query("SELECT models, fetched FROM model_cache WHERE profile_id = ?", (profile_id,))
        if not rows:
            return [], None
        return list(json.loads(rows[0]["models"])), float(rows[0]["fetched"])


__all__ = ["ChatStore", "Conversation", "Message", "SearchHit", "Status", "fts_query", "title_from"]
