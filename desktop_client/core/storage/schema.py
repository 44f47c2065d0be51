"""The schema, as an ordered list of migrations. Append only: never edit a shipped one."""

from __future__ import annotations

import sqlite3

from desktop_client.core.storage.db import Migration


def _fts_tokenizer(conn: sqlite3.Connection) -> str:
    # trigram finds any substring, Chinese included (unicode61 treats a run of Han as one word).
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts_probe USING fts5(x, tokenize='trigram')")
        conn.execute("DROP TABLE temp.fts_probe")
        return "trigram"
    except sqlite3.OperationalError:
        return "unicode61"


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Statement by statement: executescript() would COMMIT the migration's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        conn.execute(statement)


def v1_chat(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE conversations (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            profile_id TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            system_prompt TEXT NOT NULL DEFAULT '',
            temperature REAL,
            pinned INTEGER NOT NULL DEFAULT 0,
            current_leaf TEXT,
            created REAL NOT NULL,
            updated REAL NOT NULL,
            deleted_at REAL
        );
        CREATE INDEX conversations_updated ON conversations(deleted_at, pinned, updated);
        CREATE TABLE messages (
            id TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
            parent_id TEXT REFERENCES messages(id) ON DELETE CASCADE,
            role TEXT NOT NULL,
            content TEXT NOT NULL DEFAULT '',
            reasoning TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'complete',
            error TEXT NOT NULL DEFAULT '',
            error_kind TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            finish_reason TEXT NOT NULL DEFAULT '',
            prompt_tokens INTEGER,
            completion_tokens INTEGER,
            reasoning_tokens INTEGER,
            attachments TEXT NOT NULL DEFAULT '[]',
            stream_owner INTEGER,
            created REAL NOT NULL,
            updated REAL NOT NULL
        );
        CREATE INDEX messages_conversation ON messages(conversation_id, created);
        CREATE INDEX messages_parent ON messages(parent_id);
        CREATE INDEX messages_status ON messages(status);
        CREATE TABLE model_cache (
            profile_id TEXT PRIMARY KEY,
            models TEXT NOT NULL,
            fetched REAL NOT NULL
        );
        """,
    )
    conn.execute(
        "CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='messages', content_rowid='rowid', "
        f"tokenize='{_fts_tokenizer(conn)}')"
    )
    run_script(
        conn,
        """
        CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
            INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
        END;
        CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
        END;
        CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
            INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
        END;
        """,
    )


def v2_midjourney(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE mj_tasks (
            profile_id TEXT NOT NULL,
            id TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT '',
            prompt TEXT NOT NULL DEFAULT '',
            parent_id TEXT NOT NULL DEFAULT '',
            custom_id TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'SUBMITTED',
            progress INTEGER NOT NULL DEFAULT 0,
            image_url TEXT NOT NULL DEFAULT '',
            fail_reason TEXT NOT NULL DEFAULT '',
            final_prompt TEXT NOT NULL DEFAULT '',
            buttons TEXT NOT NULL DEFAULT '[]',
            last_error TEXT NOT NULL DEFAULT '',
            not_found INTEGER NOT NULL DEFAULT 0,
            image_path TEXT NOT NULL DEFAULT '',
            image_error TEXT NOT NULL DEFAULT '',
            submitted REAL NOT NULL,
            updated REAL NOT NULL,
            finished REAL,
            PRIMARY KEY (profile_id, id)
        );
        CREATE INDEX mj_tasks_open ON mj_tasks(finished, profile_id);
        """,
    )


def v3_midjourney_details(conn: sqlite3.Connection) -> None:
    # bot (Midjourney or Niji), the server's last word on the task (queue position, "needs a
    # dialog"), the seed once looked up, and references sent with imagine/blend/describe.
    run_script(
        conn,
        """
        ALTER TABLE mj_tasks ADD COLUMN bot TEXT NOT NULL DEFAULT '';
        ALTER TABLE mj_tasks ADD COLUMN description TEXT NOT NULL DEFAULT '';
        ALTER TABLE mj_tasks ADD COLUMN seed TEXT NOT NULL DEFAULT '';
        ALTER TABLE mj_tasks ADD COLUMN inputs INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX mj_tasks_submitted ON mj_tasks(submitted);
        """,
    )


def v4_gallery(conn: sqlite3.Connection) -> None:
    # An index over the image files: the files and their JSON sidecars stay the truth, so a
    # rescan can always rebuild this table. Paths are relative to the data home.
    run_script(
        conn,
        """
        CREATE TABLE gallery (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL UNIQUE,
            source TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT '',
            profile TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            prompt TEXT NOT NULL DEFAULT '',
            prompt_extra TEXT NOT NULL DEFAULT '',
            task_id TEXT NOT NULL DEFAULT '',
            created REAL NOT NULL,
            width INTEGER NOT NULL DEFAULT 0,
            height INTEGER NOT NULL DEFAULT 0,
            bytes INTEGER NOT NULL DEFAULT 0,
            mtime REAL NOT NULL DEFAULT 0,
            sidecar_mtime REAL NOT NULL DEFAULT 0,
            sha256 TEXT NOT NULL DEFAULT '',
            favourite INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'ok',
            meta TEXT NOT NULL DEFAULT '{}',
            deleted_at REAL
        );
        CREATE INDEX gallery_created ON gallery(deleted_at, created);
        CREATE INDEX gallery_source ON gallery(source, created);
        CREATE INDEX gallery_sha ON gallery(sha256);
        """,
    )
    conn.execute(
        "CREATE VIRTUAL TABLE gallery_fts USING fts5(prompt, prompt_extra, content='gallery', "
        f"content_rowid='id', tokenize='{_fts_tokenizer(conn)}')"
    )
    run_script(
        conn,
        """
        CREATE TRIGGER gallery_ai AFTER INSERT ON gallery BEGIN
            INSERT INTO gallery_fts(rowid, prompt, prompt_extra) VALUES (new.id, new.prompt, new.prompt_extra);
        END;
        CREATE TRIGGER gallery_ad AFTER DELETE ON gallery BEGIN
            INSERT INTO gallery_fts(gallery_fts, rowid, prompt, prompt_extra)
                VALUES ('delete', old.id, old.prompt, old.prompt_extra);
        END;
        CREATE TRIGGER gallery_au AFTER UPDATE OF prompt, prompt_extra ON gallery BEGIN
            INSERT INTO gallery_fts(gallery_fts, rowid, prompt, prompt_extra)
                VALUES ('delete', old.id, old.prompt, old.prompt_extra);
            INSERT INTO gallery_fts(rowid, prompt, prompt_extra) VALUES (new.id, new.prompt, new.prompt_extra);
        END;
        """,
    )


def v5_stream_chunks(conn: sqlite3.Connection) -> None:
    # A streaming answer is appended here, one small row per save, and folded into its message
    # (and the full-text index) once, when it ends: a save costs the same at 8 KB as at 8 MB.
    run_script(
        conn,
        """
        CREATE TABLE message_chunks (
            id INTEGER PRIMARY KEY,
            message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            content TEXT NOT NULL DEFAULT '',
            reasoning TEXT NOT NULL DEFAULT '',
            at REAL NOT NULL
        );
        CREATE INDEX message_chunks_message ON message_chunks(message_id, id);
        """,
    )


def v6_error_detail(conn: sqlite3.Connection) -> None:
    # What the server said about a failed answer, as it came: the UI shows it under the translated
    # headline instead of cutting it out of the formatted English line in ``error``.
    conn.execute("ALTER TABLE messages ADD COLUMN error_detail TEXT NOT NULL DEFAULT ''")
    # Once, for rows written before: the detail was the end of the line, after "Server said: ".
    conn.execute(
        "UPDATE messages SET error_detail = substr(error, instr(error, :said) + length(:said)) "
        "WHERE instr(error, :said) > 0",
        {"said": "Server said: "},
    )


def v7_context(conn: sqlite3.Connection) -> None:
    # How much of a conversation each request carries: the last N messages (0: all) and a token
    # budget (0: none); the longest answer asked for (NULL: the server's default); and, on each
    # answer, how many messages its request carried (0 in rows from before).
    run_script(
        conn,
        """
        ALTER TABLE conversations ADD COLUMN context_messages INTEGER NOT NULL DEFAULT 20;
        ALTER TABLE conversations ADD COLUMN context_tokens INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE conversations ADD COLUMN max_tokens INTEGER;
        ALTER TABLE messages ADD COLUMN context_count INTEGER NOT NULL DEFAULT 0;
        """,
    )


def v8_folders(conn: sqlite3.Connection) -> None:
    # Folders the user files conversations in: one folder per conversation at most (NULL: none).
    # Deleting a folder keeps its conversations (the service clears their folder_id first).
    run_script(
        conn,
        """
        CREATE TABLE folders (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created REAL NOT NULL
        );
        ALTER TABLE conversations ADD COLUMN folder_id TEXT;
        CREATE INDEX conversations_folder ON conversations(folder_id);
        """,
    )


MIGRATIONS: list[Migration] = [
    v1_chat,
    v2_midjourney,
    v3_midjourney_details,
    v4_gallery,
    v5_stream_chunks,
    v6_error_detail,
    v7_context,
    v8_folders,
]
