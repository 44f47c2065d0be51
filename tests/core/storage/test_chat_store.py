"""SQLite storage: migrations with backups, integrity, the message tree, search, undo."""

import sqlite3
import time

import pytest

from desktop_client.core.errors import StorageError
from desktop_client.core.storage.chats import ChatStore, Status, fts_query, title_from
from desktop_client.core.storage.db import Database
from desktop_client.core.storage.schema import MIGRATIONS


@pytest.fixture
def store(home) -> ChatStore:
    return ChatStore(Database(home.database, home.backups, MIGRATIONS).open())


def test_wal_and_schema_version(store: ChatStore, home) -> None:
    assert store.db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.db.query("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    assert list(home.backups.glob("*.db")) == []  # a new database needs no backup


def test_each_migration_is_preceded_by_a_backup(home) -> None:
    db = Database(home.database, home.backups, MIGRATIONS).open()
    ChatStore(db).create_conversation(title="before the upgrade")
    db.close()

    def v2(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE conversations ADD COLUMN color TEXT")

    upgraded = Database(home.database, home.backups, [*MIGRATIONS, v2]).open()
    assert upgraded.report.migrated_from == len(MIGRATIONS)
    backup = upgraded.report.backup
    assert backup is not None and backup.exists()
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT title FROM conversations").fetchall() == [("before the upgrade",)]
    copy.close()
    upgraded.close()


def test_a_failing_migration_changes_nothing(home) -> None:
    Database(home.database, home.backups, MIGRATIONS).open().close()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("boom")

    with pytest.raises(StorageError) as info:
        Database(home.database, home.backups, [*MIGRATIONS, broken]).open()
    assert "Nothing was changed" in info.value.hint
    conn = sqlite3.connect(home.database)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchall() == []
    conn.close()


def test_newer_schema_is_refused(home) -> None:
    conn = sqlite3.connect(home.database)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StorageError, match="newer Keyhold"):
        Database(home.database, home.backups, MIGRATIONS).open()


def test_corrupt_database_is_set_aside_and_the_backup_restored(home) -> None:
    db = Database(home.database, home.backups, MIGRATIONS).open()
    ChatStore(db).create_conversation(title="safe")
    db._backup(db.conn, len(MIGRATIONS))
    db.close()
    data = bytearray(home.database.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the header page
    home.database.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        (home.root / f"keyhold.db{extra}").unlink(missing_ok=True)
    reopened = Database(home.database, home.backups, MIGRATIONS).open()
    assert reopened.report.recovered_from_corruption is not None
    assert reopened.report.recovered_from_corruption.exists()
    assert reopened.report.restored_from is not None and reopened.report.restored_from.parent == home.backups
    assert [c.title for c in ChatStore(reopened).conversations()] == ["safe"]


def test_tree_regenerate_and_edit_keep_every_version(store: ChatStore) -> None:
    conv = store.create_conversation(title="t")
    q1 = store.add_message(conv.id, "user", "question", parent_id=None)
    a1 = store.add_message(conv.id, "assistant", "first answer", parent_id=q1.id)
    a2 = store.add_message(conv.id, "assistant", "second answer", parent_id=q1.id)
    assert [m.content for m in store.path(conv.id)] == ["question", "second answer"]
    assert [m.id for m in store.siblings(a2)] == [a1.id, a2.id]
    store.select(a1.id)
    assert [m.content for m in store.path(conv.id)] == ["question", "first answer"]
    q1b = store.add_message(conv.id, "user", "edited question", parent_id=None)
    store.add_message(conv.id, "assistant", "answer to edit", parent_id=q1b.id)
    assert [m.content for m in store.path(conv.id)] == ["edited question", "answer to edit"]
    store.select(q1.id)  # back to the original question: its newest answer comes along
    assert [m.content for m in store.path(conv.id)] == ["question", "second answer"]
    assert len(store.messages(conv.id)) == 6 - 1


def test_streamed_appends_and_interrupted_at_start(store: ChatStore) -> None:
    conv = store.create_conversation()
    q = store.add_message(conv.id, "user", "q", parent_id=None)
    a = store.add_message(conv.id, "assistant", parent_id=q.id, status=Status.STREAMING, stream_owner=999_999)
    store.append(a.id, "Hel", "thinking ")
    store.append(a.id, "lo", "more")
    assert store.message(a.id).content == "Hello"
    assert store.message(a.id).reasoning == "thinking more"
    assert store.mark_interrupted() == 1  # pid 999999 is not running
    assert store.message(a.id).status is Status.INTERRUPTED
    live = store.add_message(
        conv.id, "assistant", parent_id=q.id, status=Status.STREAMING, stream_owner=__import__("os").getpid()
    )
    assert store.mark_interrupted() == 0  # our own live stream is left alone
    assert store.message(live.id).status is Status.STREAMING


def test_search_finds_words_and_chinese(store: ChatStore) -> None:
    conv = store.create_conversation(title="Relays")
    store.add_message(conv.id, "user", "How do I configure my 中转服务 relay?", parent_id=None)
    other = store.create_conversation(title="Other")
    store.add_message(other.id, "user", "nothing relevant", parent_id=None)
    assert [h.conversation_id for h in store.search("configure")] == [conv.id]
    assert [h.conversation_id for h in store.search("中转服务")] == [conv.id]
    assert [h.conversation_id for h in store.search("中转")] == [conv.id]  # two characters: a scan
    assert "[configure]" in store.search("configure")[0].snippet
    assert store.search('"; DROP TABLE messages; --') == []
    store.delete_conversation(conv.id)
    assert store.search("configure") == []


def test_delete_undo_and_purge(store: ChatStore) -> None:
    conv = store.create_conversation(title="gone soon")
    store.add_message(conv.id, "user", "hello there", parent_id=None)
    store.delete_conversation(conv.id)
    assert store.conversations() == []
    store.restore_conversation(conv.id)
    assert [c.id for c in store.conversations()] == [conv.id]
    store.delete_conversation(conv.id)
    store.db.execute("UPDATE conversations SET deleted_at = ?", (time.time() - 8 * 86400,))
    assert store.purge_deleted() == 1
    assert store.messages(conv.id) == []
    assert store.search("hello") == []


def test_pinned_first_then_newest(store: ChatStore) -> None:
    a = store.create_conversation(title="a")
    b = store.create_conversation(title="b")
    store.update_conversation(a.id, pinned=True, touch=False)
    store.update_conversation(b.id, title="b2")
    assert [c.title for c in store.conversations()] == ["a", "b2"]


def test_helpers() -> None:
    assert fts_query('a "b" c') == '"a" """b""" "c"'
    assert title_from("Short question\nsecond line") == "Short question"
    assert title_from("word " * 30).endswith("…")


def test_titles_are_stored_inert(store: ChatStore) -> None:
    hostile = "\x1b]0;pwned\x07Plan \u202eB\x1b[2J\nnext"
    assert title_from(hostile) == "Plan B"
    created = store.create_conversation(title=hostile)
    assert created.title == "Plan B next"
    assert store.conversation(created.id).title == "Plan B next"
    store.update_conversation(created.id, title="\u2066Renamed\u2069\x9b31m")
    assert store.conversation(created.id).title == "Renamed"


def test_short_words_search_needs_all_of_them(store: ChatStore) -> None:
    conv = store.create_conversation(title="x")
    store.add_message(conv.id, "user", "ab and cd together", parent_id=None)
    store.add_message(conv.id, "user", "only ab here", parent_id=None)
    assert len(store.search("ab cd")) == 1


def test_a_locked_database_is_not_taken_for_a_damaged_one(home) -> None:
    Database(home.database, home.backups, MIGRATIONS).open().close()
    blocker = sqlite3.connect(home.database)
    blocker.execute("PRAGMA locking_mode = EXCLUSIVE")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError):
            Database(home.database, home.backups, MIGRATIONS, busy_timeout=0.2).open()
    finally:
        blocker.rollback()
        blocker.close()
    assert not list(home.root.glob("keyhold.db.corrupt-*"))
    assert ChatStore(Database(home.database, home.backups, MIGRATIONS).open()).conversations() == []


def test_a_streaming_save_appends_a_chunk_and_indexes_the_answer_once_at_the_end(store: ChatStore) -> None:
    conv = store.create_conversation()
    q = store.add_message(conv.id, "user", "q", parent_id=None)
    a = store.add_message(conv.id, "assistant", parent_id=q.id, status=Status.STREAMING)
    big = "prelude " * 100_000
    store.append(a.id, big)
    for word in ("zebrafish ", "quokka "):
        store.append(a.id, word)
    # Nothing already written was rewritten: the message row and the index are untouched…
    row = store.db.query("SELECT content FROM messages WHERE id = ?", (a.id,))[0]
    assert row["content"] == ""
    assert store.search("quokka") == []
    # …while every reader sees the whole answer.
    assert store.message(a.id).content == big + "zebrafish quokka "
    assert store.path(conv.id)[-1].content.endswith("quokka ")
    store.finish(a.id, Status.COMPLETE)
    assert store.db.query("SELECT count(*) FROM message_chunks")[0][0] == 0
    assert [hit.message_id for hit in store.search("quokka")] == [a.id]
    assert store.message(a.id).content == big + "zebrafish quokka "


def test_v6_keeps_the_servers_words_of_older_failed_answers_as_data(home) -> None:
    db = Database(home.database, home.backups, MIGRATIONS[:5]).open()
    db.execute("INSERT INTO conversations (id, created, updated) VALUES ('c1', 0, 0)")
    for message_id, error in (
        ("m1", "Bad key: rejected. Check the key. Server said: invalid token"),
        ("m2", "Timeout: the server sent nothing"),
    ):
        db.execute(
            "INSERT INTO messages (id, conversation_id, role, status, error, error_kind, created, updated) "
            "VALUES (?, 'c1', 'assistant', 'failed', ?, 'bad_key', 0, 0)",
            (message_id, error),
        )
    db.close()
    store = ChatStore(Database(home.database, home.backups, MIGRATIONS).open())
    assert store.message("m1").error_detail == "invalid token"
    assert store.message("m1").error == "Bad key: rejected. Check the key. Server said: invalid token"
    assert store.message("m2").error_detail == ""
