"""The gallery's one way in, and its reads and changes, for the GUI and the CLI.

Every image Keyhold makes or receives (OpenAI images, Midjourney tasks and their split grids,
images in chat answers, imported folders) goes through ``save``: the file written atomically,
its sidecar beside it, its index row from what is already in memory (the hash from the bytes,
the metadata from the record; nothing read back), all in a worker thread, so no ``fsync``
ever runs on the event loop. Every other method is the store's, run in a worker too, but for
``rows``, which a view model calls while its view paints (see there)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from desktop_client.core.atomic import atomic_write_bytes
from desktop_client.core.errors import N_, InputError, KeyholdError, StorageError
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import IMAGE_TYPES, sniff_image
from desktop_client.core.storage.db import Database
from desktop_client.core.storage.gallery import (
    GalleryFilter,
    GalleryItem,
    GalleryStore,
    ImportReport,
    RescanReport,
)
from desktop_client.core.storage.gallery_files import (
    IMAGE_SUFFIXES,
    absolute_path,
    free_name,
    read_sidecar,
    relative_path,
    write_sidecar,
)

log = logging.getLogger(__name__)

SIDECAR, INDEX = "sidecar", "index"
ChatImages = Callable[[], Iterable[tuple[Path, ImageRecord]]]


class Listing(NamedTuple):
    ids: list[int]  # newest first
    profiles: list[str]  # every profile name an image carries, for the filter


class NotIndexed(Exception):
    """The image is on disk, but its sidecar (``stage == SIDECAR``) or its index row
    (``stage == INDEX``) is not; ``cause`` says why. A rescan adds the image later, with its
    prompt if the sidecar was written. Each producer decides whether that is a failure."""

    def __init__(self, path: Path, stage: str, cause: Exception) -> None:
        super().__init__(f"{path.name} was saved without its {stage}")
        self.path = path
        self.stage = stage
        self.cause = cause


def _no_chat_images() -> Iterable[tuple[Path, ImageRecord]]:
    return ()


class GalleryService:
    def __init__(
        self, root: Path, database: Callable[[], Database], chat_images: ChatImages = _no_chat_images
    ) -> None:
        self.root = root  # the data home; items hold paths relative to it
        self.folder = root / "gallery"
        self._database = database
        # The images in chat answers, for a rescan: they have no sidecar, the database is their record.
        self._chat_images = chat_images
        self._store: GalleryStore | None = None
        self._built = False  # looked at once: an empty index is built from the files
        # Its own lock: a first-start rescan of thousands of files must not hold up chat.
        self._lock = threading.RLock()

    # ----- the index ---------------------------------------------------------------
    def open_index(self) -> GalleryStore:
        """Opens the index and sends deletions whose undo window ended with the last session to
        the trash; ``Core.open`` does this at start. Blocking; later calls return at once."""
        with self._lock:
            if self._store is None:
                store = GalleryStore(self._database(), self.root)
                # A minute's grace leaves another running process's undo alone.
                purged = store.purge_deleted(older_than=60.0)
                if purged:
                    log.info("at start: %d deleted images moved to the trash", purged)
                self._store = store
            return self._store

    @property
    def store(self) -> GalleryStore:
        """The index. On its first use, an empty one (a first start with an index, or after
        losing it) is built from the files: that may take seconds, so it happens when the
        gallery is first needed, in a worker thread (the async methods, the GUI through
        ``open``), not in ``Core.open``, where it would hold up every page."""
        with self._lock:
            store = self.open_index()
            if not self._built:
                if store.count() == 0:
                    self._rescan(store)
                self._built = True
            return store

    async def open(self) -> GalleryStore:
        return await asyncio.to_thread(lambda: self.store)

    def _rescan(self, store: GalleryStore) -> RescanReport:
        report = store.rescan(self._chat_images())
        log.info(
            "gallery rescan: %d added, %d updated, %d missing, %d corrupt",
            report.added,
            report.updated,
            report.missing,
            report.corrupt,
        )
        return report

    # ----- paths (no disk) -----------------------------------------------------------
    def relative(self, path: Path) -> str:
        return relative_path(self.root, path)

    def absolute(self, item: GalleryItem | str) -> Path:
        return absolute_path(self.root, item.path if isinstance(item, GalleryItem) else item)

    def _target(self, folder: str, name: str) -> Path:
        """``folder/name`` under the data home, refused if either could climb out of it."""
        separators = {"/", os.sep, os.altsep or "/"}
        parts = [*folder.split("/"), name]
        if any(part in ("", ".", "..") or any(sep in part for sep in separators) for part in parts):
            raise StorageError(
                N_("Errors", "Refused to write outside the gallery folder"),
                hint=N_("Errors", "This is a bug; report it"),
            )
        return absolute_path(self.root, folder) / name

    # ----- the way in ----------------------------------------------------------------
    async def save(
        self, data: bytes, record: ImageRecord, folder: str, name: str, *, sidecar: bool = True
    ) -> GalleryItem:
        """Writes ``data`` as ``folder/name`` under the data home (``gallery/openai/2025-05``,
        or ``attachments`` for a chat answer's image, which has no sidecar), its sidecar (the
        record, with the file's name and size) and its index row.

        Raises OSError when the image itself could not be written, and NotIndexed when it was
        but its sidecar or index row was not."""
        return await asyncio.to_thread(self._save, data, record, folder, name, sidecar)

    def _save(self, data: bytes, record: ImageRecord, folder: str, name: str, sidecar: bool) -> GalleryItem:
        path = self._target(folder, name)
        # Opened first: a first-start rescan must not find (and read) the file about to be
        # written. An index that cannot be opened still leaves the image to be written.
        store: GalleryStore | Exception
        try:
            store = self.store
        except (OSError, KeyholdError) as exc:
            store = exc
        atomic_write_bytes(path, data, mode=0o644)
        meta = record.to_json()
        if sidecar:
            meta = {**meta, "file": name, "bytes": len(data)}
            try:
                write_sidecar(path, meta)
            except OSError as exc:
                raise NotIndexed(path, SIDECAR, exc) from exc
        try:
            if isinstance(store, Exception):
                raise store
            return store.index_written(path, data, record, meta)
        except (OSError, KeyholdError) as exc:
            raise NotIndexed(path, INDEX, exc) from exc

    async def import_folder(self, folder: Path) -> ImportReport:
        """Copies the images of a folder (and its subfolders) into the gallery. A Keyhold
        sidecar beside an image (from an export) brings its prompt along; identical files
        already in the gallery are skipped. Stops at the first image it cannot keep whole."""
        if not await asyncio.to_thread(folder.is_dir):
            raise InputError(
                N_("Errors", "%1 is not a folder"),
                hint=N_("Errors", "Choose a folder that holds images"),
                args=(folder,),
            )
        paths, known = await asyncio.to_thread(lambda: (sorted(folder.rglob("*")), self.store.known_hashes()))
        report = ImportReport()
        target_dir = self.folder / "imported" / time.strftime("%Y-%m")
        for path in paths:
            # One file at a time in memory: a folder of photos may not fit.
            found = await asyncio.to_thread(_import_candidate, path, target_dir, known, report)
            if found is None:
                continue
            data, record, target = found
            try:
                await self.save(data, record, self.relative(target_dir), target.name)
            except NotIndexed as exc:
                raise exc.cause from None
            report.added.append(target)
        return report

    # ----- reads and changes (the store's, in a worker) -----------------------------------
    async def ids(self, flt: GalleryFilter | None = None) -> list[int]:
        return await asyncio.to_thread(lambda: self.store.ids(flt))

    async def listing(self, flt: GalleryFilter | None = None) -> Listing:
        """What a search shows and the profiles to filter by, in one trip: it runs while the user types."""
        return await asyncio.to_thread(lambda: Listing(self.store.ids(flt), self.store.profiles()))

    def rows(self, ids: Sequence[int]) -> dict[int, GalleryItem]:
        """The rows of ``ids`` still in the index (without their metadata), read synchronously.

        For a view model that reads a page of rows while its view paints: a thread hop per page
        would paint blank cells first. Safe from any thread (every query holds the database's
        lock) and quick (one indexed query, about 1 ms for 120 rows), but call it only after
        ``open()``: the first use of the index may build it from every file."""
        return self.store.rows(ids)

    async def profiles(self) -> list[str]:
        return await asyncio.to_thread(lambda: self.store.profiles())

    async def items(self, flt: GalleryFilter | None = None, limit: int | None = None) -> list[GalleryItem]:
        return await asyncio.to_thread(lambda: self.store.items(flt, limit))

    async def item(self, item_id: int) -> GalleryItem:
        """The image with its metadata; NotFoundError when it is gone."""
        return await asyncio.to_thread(lambda: self.store.item(item_id))

    async def check(self, item: GalleryItem) -> str:
        return await asyncio.to_thread(lambda: self.store.check(item))

    async def detail(self, item_id: int) -> tuple[GalleryItem, str]:
        """The image with its metadata and its file's state now (``OK``, ``MISSING``, ``CORRUPT``;
        a change is written to the index), in one trip; NotFoundError when it is gone."""

        def read() -> tuple[GalleryItem, str]:
            item = self.store.item(item_id)
            return item, self.store.check(item)

        return await asyncio.to_thread(read)

    async def mark_state(self, item_id: int, state: str) -> None:
        await asyncio.to_thread(lambda: self.store.mark_state(item_id, state))

    async def set_favourite(self, item_id: int, favourite: bool) -> None:
        await asyncio.to_thread(lambda: self.store.set_favourite(item_id, favourite))

    async def delete(self, ids: Sequence[int]) -> None:
        await asyncio.to_thread(lambda: self.store.delete(ids))

    async def restore(self, ids: Sequence[int]) -> None:
        await asyncio.to_thread(lambda: self.store.restore(ids))

    async def purge_deleted(self, ids: Sequence[int]) -> int:
        return await asyncio.to_thread(lambda: self.store.purge_deleted(ids))

    async def rescan(self) -> RescanReport:
        """Brings the index in line with the files (and the chat answers' images)."""
        return await asyncio.to_thread(lambda: self._rescan(self.store))

    async def export(self, items: Sequence[GalleryItem], destination: Path) -> list[Path]:
        return await asyncio.to_thread(lambda: self.store.export(items, destination))


def _import_candidate(
    path: Path, target_dir: Path, known: set[str], report: ImportReport
) -> tuple[bytes, ImageRecord, Path] | None:
    """An image to import (its bytes, its record from any sidecar beside it, and a free name in
    the gallery), or None for a file that is no image or is already in the gallery."""
    if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    kind = sniff_image(data)
    if kind is None:
        report.not_images += 1
        return None
    digest = hashlib.sha256(data).hexdigest()
    if digest in known:
        report.duplicates += 1
        return None
    known.add(digest)
    # Someone else's sidecar, of any version: read into the current schema.
    found = ImageRecord.from_json(read_sidecar(path))
    extra = {k: v for k, v in found.extra.items() if k not in ("file", "bytes")}
    extra["imported_from"] = path.name
    extra["imported"] = time.time()
    target = free_name(target_dir / f"{path.stem}{IMAGE_TYPES[kind]}")
    return data, replace(found, source=found.source or "import", extra=extra), target
