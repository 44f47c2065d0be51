"""The gallery index: one row per image file Keyhold made or received.

The files and their JSON sidecars are the truth; this table makes them searchable and fast to
list. ``rescan`` rebuilds it from the files, so losing the database never loses an image or
its prompt. Deleting hides a row at once (undo) and moves the file to the OS trash later."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_client.core.atomic import atomic_write_text
from desktop_client.core.errors import N_, NotFoundError
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.storage.db import Database

# The states of an index row: what a probe finds (re-exported), and MISSING below.
from desktop_client.core.storage.gallery_files import CORRUPT as CORRUPT
from desktop_client.core.storage.gallery_files import (
    IMAGE_SUFFIXES,
    absolute_path,
    free_name,
    mtime,
    probe,
    probe_bytes,
    read_sidecar,
    relative_path,
    sha256,
    sidecar_of,
    trash,
    write_sidecar,
)
from desktop_client.core.storage.gallery_files import OK as OK
from desktop_client.core.storage.helpers import fts_query

log = logging.getLogger(__name__)

SOURCES = ("openai", "midjourney", "chat", "import")
MISSING = "missing"  # a listed file that is gone (OK and CORRUPT are what a probe finds)
_LIGHT = (
    "id, path, source, action, profile, model, prompt, prompt_extra, task_id, created, width, height, "
    "bytes, favourite, state"
)


@dataclass(frozen=True)
class GalleryItem:
    id: int
    path: str  # relative to the data home, with forward slashes
    source: str
    action: str
    profile: str
    model: str
    prompt: str
    prompt_extra: str  # revised prompt (dall-e-3) or the server's final prompt (Midjourney)
    task_id: str
    created: float
    width: int
    height: int
    bytes: int
    favourite: bool
    state: str
    meta: dict[str, Any] = field(default_factory=dict, compare=False)  # the sidecar (detail view only)

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class GalleryFilter:
    search: str = ""
    source: str = ""
    profile: str = ""
    since: float | None = None
    until: float | None = None
    favourites: bool = False


@dataclass
class RescanReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    corrupt: int = 0


@dataclass
class ImportReport:
    added: list[Path] = field(default_factory=list)
    duplicates: int = 0
    not_images: int = 0


def _item(row: Any, *, with_meta: bool = False) -> GalleryItem:
    meta: dict[str, Any] = {}
    if with_meta:
        try:
            loaded = json.loads(row["meta"])
            meta = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            meta = {}
    return GalleryItem(
        row["id"],
        row["path"],
        row["source"],
        row["action"],
        row["profile"],
        row["model"],
        row["prompt"],
        row["prompt_extra"],
        row["task_id"],
        row["created"],
        row["width"],
        row["height"],
        row["bytes"],
        bool(row["favourite"]),
        row["state"],
        meta,
    )


def index_source(record: ImageRecord, hint: str = "") -> str:
    """The source column: what the record says, else the hint, else import; unknown words
    (a hand-edited or hostile sidecar) count as import."""
    source = record.source or hint or "import"
    return source if source in SOURCES else "import"


class GalleryStore:
    def __init__(self, db: Database, root: Path) -> None:
        self.db = db
        self.root = root  # the data home; rows hold paths relative to it
        self.gallery = root / "gallery"

    # ----- paths -------------------------------------------------------------
    def relative(self, path: Path) -> str:
        return relative_path(self.root, path)

    def absolute(self, item: GalleryItem | str) -> Path:
        return absolute_path(self.root, item.path if isinstance(item, GalleryItem) else item)

    # ----- adding --------------------------------------------------------------
    def _row(
        self,
        path: Path,
        record: ImageRecord,
        meta: dict[str, Any],
        probed: tuple[str, tuple[int, int] | None],
        sha256: str,
        source_hint: str = "",
    ) -> dict[str, Any]:
        """One index row. ``meta`` is what the detail view shows: the sidecar as written."""
        stat = path.stat()
        state, size = probed
        width, height = size or (0, 0)
        return {
            "path": self.relative(path),
            "source": index_source(record, source_hint),
            "action": record.action,
            "profile": record.profile,
            "model": record.model,
            "prompt": record.prompt,
            "prompt_extra": record.prompt_extra,
            "task_id": record.task_id,
            "created": record.created or stat.st_mtime,
            "width": width,
            "height": height,
            "bytes": stat.st_size,
            "mtime": stat.st_mtime,
            "sidecar_mtime": mtime(sidecar_of(path)),
            "sha256": sha256,
            "favourite": 1 if record.favourite else 0,
            "state": state,
            "meta": json.dumps(meta, ensure_ascii=False),
        }

    def _file_row(self, path: Path, document: dict[str, Any] | None, source_hint: str = "") -> dict[str, Any]:
        """The row of a file found on disk: its sidecar (or the given document) and its bytes read."""
        if document is None:
            document = read_sidecar(path)
        return self._row(path, ImageRecord.from_json(document), document, probe(path), sha256(path), source_hint)

    def _upsert(self, conn: Any, row: dict[str, Any]) -> int:
        columns = list(row)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("path", "favourite"))
        # A favourite set in the app survives a rescan whose sidecar predates it.
        updates += ", favourite = max(gallery.favourite, excluded.favourite)"
        conn.execute(
            f"INSERT INTO gallery({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)}) "
            f"ON CONFLICT(path) DO UPDATE SET {updates}",
            row,
        )
        found = conn.execute("SELECT id FROM gallery WHERE path = ?", (row["path"],)).fetchone()
        return int(found["id"])

    def index_file(self, path: Path, document: dict[str, Any] | None = None, *, source: str = "") -> GalleryItem:
        """Adds (or refreshes) an image someone else wrote; its metadata is the given document or its
        sidecar. (An image Keyhold itself writes is indexed by ``index_written``, from memory.)"""
        return self._index(self._file_row(path, document, source))

    def index_written(self, path: Path, data: bytes, record: ImageRecord, meta: dict[str, Any]) -> GalleryItem:
        """Adds (or refreshes) an image just written as ``data``, with ``meta`` as its sidecar (or
        the document a rescan will rebuild for it): the row comes from memory, and only the
        two files' sizes and times from the disk."""
        return self._index(self._row(path, record, meta, probe_bytes(data), hashlib.sha256(data).hexdigest()))

    def _index(self, row: dict[str, Any]) -> GalleryItem:
        with self.db.transaction() as conn:
            item_id = self._upsert(conn, row)
            # A file written again (a grid split anew) is wanted, whatever became of the old one.
            conn.execute("UPDATE gallery SET deleted_at = NULL WHERE id = ?", (item_id,))
        return self.item(item_id)

    # ----- reading -------------------------------------------------------------
    def _where(self, flt: GalleryFilter) -> tuple[str, list[Any]]:
        clauses = ["g.deleted_at IS NULL"]
        params: list[Any] = []
        if flt.source:
            clauses.append("g.source = ?")
            params.append(flt.source)
        if flt.profile:
            clauses.append("g.profile = ?")
            params.append(flt.profile)
        if flt.since is not None:
            clauses.append("g.created >= ?")
            params.append(flt.since)
        if flt.until is not None:
            clauses.append("g.created < ?")
            params.append(flt.until)
        if flt.favourites:
            clauses.append("g.favourite = 1")
        words = flt.search.split()
        if words and all(len(w) >= 3 for w in words):
            clauses.append("g.id IN (SELECT rowid FROM gallery_fts WHERE gallery_fts MATCH ?)")
            params.append(fts_query(flt.search))
        elif words:
            # Trigram needs three characters per word; short (often Chinese) words scan instead.
            for word in words:
                clauses.append("(instr(lower(g.prompt), ?) > 0 OR instr(lower(g.prompt_extra), ?) > 0)")
                params += [word.lower(), word.lower()]
        return " AND ".join(clauses), params

    def ids(self, flt: GalleryFilter | None = None) -> list[int]:
        """Every matching image, newest first: ids are cheap, rows are fetched per page."""
        where, params = self._where(flt or GalleryFilter())
        rows = self.db.query(
            f"SELECT g.id FROM gallery g WHERE {where} ORDER BY g.created DESC, g.id DESC", params
        )
        return [row[0] for row in rows]

    def rows(self, ids: Sequence[int]) -> dict[int, GalleryItem]:
        found: dict[int, GalleryItem] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for row in self.db.query(f"SELECT {_LIGHT} FROM gallery WHERE id IN ({marks})", chunk):
                found[row["id"]] = _item(row)
        return found

    def items(self, flt: GalleryFilter | None = None, limit: int | None = None) -> list[GalleryItem]:
        ids = self.ids(flt)
        if limit is not None:
            ids = ids[:limit]
        rows = self.rows(ids)
        return [rows[i] for i in ids if i in rows]

    def item(self, item_id: int) -> GalleryItem:
        rows = self.db.query(f"SELECT {_LIGHT}, meta FROM gallery WHERE id = ?", (item_id,))
        if not rows:
            raise NotFoundError("image", item_id, hint=N_("Errors", "`keyhold gallery list` shows the images"))
        return _item(rows[0], with_meta=True)

    def by_path(self, path: Path) -> GalleryItem | None:
        rows = self.db.query(f"SELECT {_LIGHT}, meta FROM gallery WHERE path = ?", (self.relative(path),))
        return _item(rows[0], with_meta=True) if rows else None

    def profiles(self) -> list[str]:
        rows = self.db.query("SELECT DISTINCT profile FROM gallery WHERE deleted_at IS NULL AND profile != ''")
        return sorted(row[0] for row in rows)

    def count(self) -> int:
        return int(self.db.query("SELECT count(*) FROM gallery WHERE deleted_at IS NULL")[0][0])

    # ----- changing ------------------------------------------------------------
    def set_favourite(self, item_id: int, favourite: bool) -> None:
        self.db.execute("UPDATE gallery SET favourite = ? WHERE id = ?", (int(favourite), item_id))
        try:
            item = self.item(item_id)
        except NotFoundError:
            return
        if item.source == "chat":
            return
        # Kept in the sidecar too, so a rebuilt index still knows it.
        path = self.absolute(item)
        document = read_sidecar(path)
        if document or not sidecar_of(path).exists():
            document["favourite"] = favourite
            try:
                write_sidecar(path, document)
            except OSError as exc:
                log.warning("favourite not written to the sidecar: %s", exc)

    def mark_state(self, item_id: int, state: str) -> None:
        self.db.execute("UPDATE gallery SET state = ? WHERE id = ?", (state, item_id))

    def delete(self, ids: Sequence[int]) -> None:
        """Hidden at once; the files go to the trash in purge_deleted (after the undo window)."""
        marks = ",".join("?" * len(ids))
        self.db.execute(f"UPDATE gallery SET deleted_at = ? WHERE id IN ({marks})", (time.time(), *ids))

    def restore(self, ids: Sequence[int]) -> None:
        marks = ",".join("?" * len(ids))
        self.db.execute(f"UPDATE gallery SET deleted_at = NULL WHERE id IN ({marks})", list(ids))

    def purge_deleted(self, ids: Sequence[int] | None = None, *, older_than: float = 0.0) -> int:
        """Moves the files of deleted images (and their sidecars) to the OS trash: the given
        ones, or every one deleted more than ``older_than`` seconds ago."""
        if ids is not None:
            marks = ",".join("?" * len(ids))
            rows = self.db.query(
                f"SELECT id, path, source FROM gallery WHERE deleted_at IS NOT NULL AND id IN ({marks})", list(ids)
            )
        else:
            rows = self.db.query(
                "SELECT id, path, source FROM gallery WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                (time.time() - older_than,),
            )
        purged = 0
        for row in rows:
            if row["source"] == "chat":
                continue  # the conversation still shows it: hidden from the gallery, not trashed
            path = self.absolute(row["path"])
            try:
                for target in (path, sidecar_of(path)):
                    if target.exists():
                        trash(target, self.root)
            except OSError as exc:
                log.warning("could not move a deleted image to the trash: %s", exc)
                continue
            self.db.execute("DELETE FROM gallery WHERE id = ?", (row["id"],))
            purged += 1
        return purged

    # ----- rescan --------------------------------------------------------------
    def _gallery_files(self) -> Iterator[Path]:
        if not self.gallery.exists():
            return
        for folder, _dirs, files in os.walk(self.gallery):
            for name in files:
                if Path(name).suffix.lower() in IMAGE_SUFFIXES and not name.startswith("."):
                    yield Path(folder) / name

    def rescan(self, chat_images: Iterable[tuple[Path, ImageRecord]] = ()) -> RescanReport:
        """Brings the index in line with the files: new files are added from their sidecars,
        changed ones re-read, vanished ones marked missing (never dropped: the user decides)."""
        report = RescanReport()
        known = {
            row["path"]: (row["mtime"], row["bytes"], row["state"], row["sidecar_mtime"])
            for row in self.db.query("SELECT path, mtime, bytes, state, sidecar_mtime FROM gallery")
        }
        seen: set[str] = set()
        pending: list[dict[str, Any]] = []
        # Chat images have no sidecar: the conversation in the database is their record.
        sources: list[tuple[Path, ImageRecord | None, str]] = [(p, None, "") for p in self._gallery_files()]
        sources += [(path, record, "chat") for path, record in chat_images]
        for path, record, hint in sources:
            try:
                rel = self.relative(path)
                stat = path.stat()
            except (OSError, ValueError):
                continue
            seen.add(rel)
            before = known.get(rel)
            # A sidecar restored or edited (a favourite set elsewhere) is read again too.
            if (
                before is not None
                and before[2] != MISSING
                and (before[0], before[1]) == (stat.st_mtime, stat.st_size)
                and (record is not None or before[3] == mtime(sidecar_of(path)))
            ):
                report.unchanged += 1
                continue
            try:
                if record is None:
                    row = self._file_row(path, None, hint)
                else:
                    row = self._row(path, record, record.to_json(), probe(path), sha256(path), hint)
            except OSError as exc:
                log.warning("rescan skipped a file: %s", exc)
                continue
            pending.append(row)
            if row["state"] == CORRUPT:
                report.corrupt += 1
            if before:
                report.updated += 1
            else:
                report.added += 1
        gone = [path for path, (_m, _b, state, _s) in known.items() if path not in seen and state != MISSING]
        # Short transactions: the grid reads the same database while painting.
        for start in range(0, len(pending), 200):
            with self.db.transaction() as conn:
                for row in pending[start : start + 200]:
                    self._upsert(conn, row)
        with self.db.transaction() as conn:
            for path in gone:
                conn.execute("UPDATE gallery SET state = ? WHERE path = ?", (MISSING, path))
        report.missing = len(gone)
        return report

    def check(self, item: GalleryItem) -> str:
        """The file's state now (the detail view asks before showing it)."""
        path = self.absolute(item)
        try:
            state = probe(path)[0] if path.exists() else MISSING
        except OSError:
            state = MISSING
        if state != item.state:
            self.mark_state(item.id, state)
        return state

    # ----- import / export -----------------------------------------------------
    def known_hashes(self) -> set[str]:
        """The SHA-256 of every indexed file (an import skips files already in the gallery)."""
        return {row[0] for row in self.db.query("SELECT sha256 FROM gallery WHERE sha256 != ''")}

    def export(self, items: Sequence[GalleryItem], destination: Path) -> list[Path]:
        """Copies the files with a sidecar each, plus one index of all of them."""
        destination.mkdir(parents=True, exist_ok=True)
        written: list[Path] = []
        index: list[dict[str, Any]] = []
        for item in items:
            source = self.absolute(item)
            if not source.exists():
                continue
            target = free_name(destination / item.name)
            shutil.copy2(source, target)
            try:
                full = self.item(item.id)
            except NotFoundError:  # dropped from the index meanwhile: its list entry still says enough
                full = item
            document = {**full.meta, "file": target.name, "prompt": item.prompt, "source": item.source}
            document.update(
                {
                    "model": item.model,
                    "profile": item.profile,
                    "created": item.created,
                    "favourite": item.favourite,
                }
            )
            write_sidecar(target, document)
            index.append(document)
            written.append(target)
        index_file = destination / "keyhold-export.json"
        try:
            earlier = json.loads(index_file.read_text(encoding="utf-8")).get("images", [])
        except (OSError, ValueError, AttributeError):
            earlier = []
        atomic_write_text(
            index_file,
            json.dumps({"exported": time.time(), "images": [*earlier, *index]}, ensure_ascii=False, indent=2)
            + "\n",
        )
        return written
