"""Folders to file conversations in: one folder per conversation at most.

A folder is a name; the conversation holds the folder's id. Deleting a folder takes its
conversations out of it first, so no conversation is lost with its folder."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from desktop_client.core.errors import N_, InputError, NotFoundError
from desktop_client.core.storage.db import Database
from desktop_client.core.text import inert

MAX_FOLDER_NAME = 80  # characters: a folder's name fits the chooser above the list


@dataclass(frozen=True)
class Folder:
    id: str
    name: str
    created: float = 0.0


def _clean_name(name: str) -> str:
    cleaned = " ".join(inert(name).split())[:MAX_FOLDER_NAME]
    if not cleaned:
        raise InputError(N_("Errors", "A folder needs a name"))
    return cleaned


class FolderStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def folders(self) -> list[Folder]:
        rows = self.db.query("SELECT id, name, created FROM folders ORDER BY name COLLATE NOCASE, created")
        return [Folder(r["id"], r["name"], r["created"]) for r in rows]

    def folder(self, folder_id: str) -> Folder:
        rows = self.db.query("SELECT id, name, created FROM folders WHERE id = ?", (folder_id,))
        if not rows:
            raise NotFoundError("folder", folder_id)
        return Folder(rows[0]["id"], rows[0]["name"], rows[0]["created"])

    def create(self, name: str) -> Folder:
        folder = Folder(uuid.uuid4().hex, _clean_name(name), time.time())
        self.db.execute(
            "INSERT INTO folders (id, name, created) VALUES (?, ?, ?)", (folder.id, folder.name, folder.created)
        )
        return folder

    def rename(self, folder_id: str, name: str) -> Folder:
        self.folder(folder_id)
        self.db.execute("UPDATE folders SET name = ? WHERE id = ?", (_clean_name(name), folder_id))
        return self.folder(folder_id)

    def delete(self, folder_id: str) -> None:
        """The folder goes; its conversations stay, in no folder."""
        with self.db.transaction() as conn:
            conn.execute("UPDATE conversations SET folder_id = NULL WHERE folder_id = ?", (folder_id,))
            conn.execute("DELETE FROM folders WHERE id = ?", (folder_id,))

    def move(self, conversation_id: str, folder_id: str | None) -> None:
        """Files a conversation in ``folder_id`` (None: in no folder); its last activity is kept."""
        with self.db.transaction() as conn:
            if (
                folder_id is not None
                and not conn.execute("SELECT 1 FROM folders WHERE id = ?", (folder_id,)).fetchone()
            ):
                raise NotFoundError("folder", folder_id)
            conn.execute("UPDATE conversations SET folder_id = ? WHERE id = ?", (folder_id, conversation_id))
