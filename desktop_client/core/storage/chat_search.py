"""What the conversation list shows for a search: per conversation, the first message that
holds the words and a short snippet around the match, the match apart (never markup: the
text is the user's and the server's, and the list shows it as text)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_client.core.storage.db import Database
from desktop_client.core.storage.helpers import fts_query
from desktop_client.core.text import inert

SNIPPET_BEFORE = 30  # characters of context before the match
SNIPPET_AFTER = 90  # and after it
SNIPPET_MATCH = 60  # a longer match is cut
_WINDOW = SNIPPET_BEFORE + SNIPPET_MATCH + SNIPPET_AFTER + 40  # read from the database around the match
MATCH_LIMIT = 100_000  # conversations a search reports matches for: a bound, not a page
ELLIPSIS = "…"


@dataclass(frozen=True)
class Snippet:
    """``before`` + ``match`` + ``after`` is one line of the message; cut ends carry "…"."""

    before: str
    match: str
    after: str

    @property
    def text(self) -> str:
        return self.before + self.match + self.after


@dataclass(frozen=True)
class MessageMatch:
    conversation_id: str
    message_id: str
    snippet: Snippet


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", inert(text))


def snippet_of(window: str, words: list[str], *, cut_before: bool, cut_after: bool) -> Snippet:
    """The snippet around the first of ``words`` found in ``window`` (case-insensitively)."""
    line = _one_line(window)  # once: words hold no space, so a match survives the cleaning
    found = None
    for word in words:
        found = re.search(re.escape(word), line, re.IGNORECASE)
        if found:
            break
    if found is None:  # a case fold SQLite and Python disagree on: the window's start, unmarked
        cut = cut_after or len(line) > SNIPPET_AFTER
        return Snippet("", "", line[:SNIPPET_AFTER] + (ELLIPSIS if cut else ""))
    before = line[: found.start()].lstrip()
    match = found.group()[:SNIPPET_MATCH]
    after = line[found.end() :]
    if len(before) > SNIPPET_BEFORE or cut_before:
        kept = before[-SNIPPET_BEFORE:]
        space = kept.find(" ")
        if 0 <= space < len(kept) - 1:
            kept = kept[space + 1 :]  # from a word's start, not half a word
        before = ELLIPSIS + kept.lstrip()
    if len(after) > SNIPPET_AFTER or cut_after:
        after = after[:SNIPPET_AFTER].rstrip() + ELLIPSIS
    return Snippet(before, match, after)


def message_matches(db: Database, text: str, limit: int = MATCH_LIMIT) -> dict[str, MessageMatch]:
    """Conversation id → its earliest message holding every word of ``text``."""
    words = text.split()
    query = fts_query(text)
    if not query:
        return {}
    params: dict[str, object] = {
        "first": words[0],
        "before": SNIPPET_BEFORE + 20,
        "window": _WINDOW,
        "limit": limit,
    }
    if any(len(word) < 3 for word in words):
        # Trigram needs three characters per word; short (often Chinese) words scan instead.
        conditions = " AND ".join(f"instr(m.content, :w{i}) > 0" for i in range(len(words)))
        params.update({f"w{i}": word for i, word in enumerate(words)})
        first = (
            "SELECT m.conversation_id, m.id, min(m.created) FROM messages m "
            "JOIN conversations c ON c.id = m.conversation_id "
            f"WHERE c.deleted_at IS NULL AND {conditions} GROUP BY m.conversation_id LIMIT :limit"
        )
    else:
        params["query"] = query
        first = (
            "SELECT m.conversation_id, m.id, min(m.created) FROM messages_fts "
            "JOIN messages m ON m.rowid = messages_fts.rowid JOIN conversations c ON c.id = m.conversation_id "
            "WHERE messages_fts MATCH :query AND c.deleted_at IS NULL GROUP BY m.conversation_id LIMIT :limit"
        )
    # Each conversation's first matching message is found first, and only its window read: an
    # answer can be megabytes long, and a common word is in thousands of messages.
    sql = (
        "SELECT m.conversation_id, m.id, length(m.content) AS size, "
        "max(1, instr(lower(m.content), lower(:first)) - :before) AS start, "
        "substr(m.content, max(1, instr(lower(m.content), lower(:first)) - :before), :window) AS window "
        f"FROM ({first}) AS hit JOIN messages m ON m.id = hit.id"
    )
    matches: dict[str, MessageMatch] = {}
    for row in db.query(sql, params):
        window = row["window"] or ""
        snippet = snippet_of(
            window, words, cut_before=row["start"] > 1, cut_after=row["start"] + len(window) <= row["size"]
        )
        matches[row["conversation_id"]] = MessageMatch(row["conversation_id"], row["id"], snippet)
    return matches
