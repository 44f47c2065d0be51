"""The conversation list's data: folders (schema v8, moves, deletion keeps the conversations)
and a search that names, per conversation, the first message holding the words and a snippet
around the match, the match apart."""

import sqlite3

import pytest

from desktop_client.core.errors import InputError, NotFoundError
from desktop_client.core.services.chat_types import ConversationSettings
from desktop_client.core.storage.chat_search import ELLIPSIS, SNIPPET_AFTER, SNIPPET_BEFORE, snippet_of
from desktop_client.core.storage.db import Database
from desktop_client.core.storage.schema import MIGRATIONS

pytestmark = pytest.mark.asyncio


async def test_a_version_7_database_gains_folders_and_keeps_its_conversations(home) -> None:
    Database(home.database, home.backups, MIGRATIONS[:7]).open().close()
    conn = sqlite3.connect(home.database)
    conn.execute("INSERT INTO conversations (id, title, created, updated) VALUES ('old', 'Kept', 1, 2)")
    conn.commit()
    conn.close()
    db = Database(home.database, home.backups, MIGRATIONS).open()
    assert db.report.migrated_from == 7
    row = db.query("SELECT title, folder_id FROM conversations WHERE id = 'old'")[0]
    assert (row["title"], row["folder_id"]) == ("Kept", None)
    assert db.query("SELECT count(*) FROM folders")[0][0] == 0
    db.close()


async def test_folders_are_created_renamed_filtered_and_deleted_without_their_conversations(core) -> None:
    chat = core.chat
    work = await chat.create_folder("  Work\n stuff ")
    assert work.name == "Work stuff"
    home_folder = await chat.create_folder("Home")
    a = await chat.new_conversation(ConversationSettings())
    b = await chat.new_conversation(ConversationSettings())
    before = (await chat.conversation(a.id)).updated
    await chat.move_to_folder(a.id, work.id)
    assert (await chat.conversation(a.id)).folder_id == work.id
    assert (await chat.conversation(a.id)).updated == before  # filing is no activity
    assert [c.id for c in (await chat.listing(folder_id=work.id)).conversations] == [a.id]
    assert {c.id for c in (await chat.listing()).conversations} == {a.id, b.id}
    assert [f.name for f in (await chat.listing()).folders] == ["Home", "Work stuff"]
    assert (await chat.rename_folder(work.id, "Job")).name == "Job"
    with pytest.raises(InputError):
        await chat.rename_folder(work.id, " \t ")
    with pytest.raises(NotFoundError):
        await chat.move_to_folder(b.id, "no-such-folder")
    await chat.move_to_folder(b.id, home_folder.id)
    await chat.move_to_folder(b.id, None)
    assert (await chat.conversation(b.id)).folder_id is None
    await chat.delete_folder(work.id)
    assert [f.name for f in await chat.folders()] == ["Home"]
    kept = await chat.conversation(a.id)
    assert kept.folder_id is None and kept.deleted_at is None
    assert {c.id for c in (await chat.listing()).conversations} == {a.id, b.id}


async def test_a_search_names_the_first_matching_message_with_the_match_marked(core) -> None:
    chat, store = core.chat, core.chat.store
    conv = await chat.new_conversation(ConversationSettings())
    q = store.add_message(conv.id, "user", "How do relays work?", parent_id=None)
    a = store.add_message(conv.id, "assistant", "A RELAY switches a circuit. " + "x" * 400, parent_id=q.id)
    store.add_message(conv.id, "user", "and relays again", parent_id=a.id)
    other = await chat.new_conversation(ConversationSettings())
    store.add_message(other.id, "user", "nothing here", parent_id=None)
    titled = await chat.new_conversation(ConversationSettings())
    await chat.rename(titled.id, "Relay notes")
    listing = await chat.listing("relay")
    assert {c.id for c in listing.conversations} == {conv.id, titled.id}
    match = listing.matches[conv.id]
    assert match.message_id == q.id
    assert (match.snippet.before, match.snippet.match) == ("How do ", "relay")
    assert match.snippet.after.startswith("s work?")
    assert titled.id not in listing.matches  # matched by its title only
    # A long message: the snippet is bounded and says where it was cut.
    await chat.rename(conv.id, "x")
    store.add_message(conv.id, "user", "y" * 5000 + " needle " + "z" * 5000, parent_id=None)
    needle = (await chat.listing("needle")).matches[conv.id].snippet
    assert needle.match == "needle"
    assert needle.before.startswith(ELLIPSIS) and needle.after.endswith(ELLIPSIS)
    assert len(needle.text) <= SNIPPET_BEFORE + SNIPPET_AFTER + len("needle") + 4


async def test_short_words_and_chinese_scan_and_markup_stays_text(core) -> None:
    chat, store = core.chat, core.chat.store
    conv = await chat.new_conversation(ConversationSettings())
    store.add_message(conv.id, "user", "继电器 是 <b>什么</b>\n第二行", parent_id=None)
    snippet = (await chat.listing("什么")).matches[conv.id].snippet
    assert (snippet.before, snippet.match, snippet.after) == ("继电器 是 <b>", "什么", "</b> 第二行")
    # FTS operators and LIKE wildcards are plain text.
    assert (await chat.listing('"OR* %_')).conversations == []


async def test_a_snippet_without_the_word_shows_the_start_unmarked() -> None:
    snippet = snippet_of("ǅemo text", ["xyz"], cut_before=False, cut_after=True)
    assert (snippet.before, snippet.match) == ("", "") and snippet.after == "ǅemo text" + ELLIPSIS
