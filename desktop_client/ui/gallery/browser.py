"""What the gallery page is showing, and its one way to the gallery service.

The page draws; this holds what it draws from (the image in the detail view and its file's
state, the image to select once a listing has it, the deletion that can still be undone) and
makes the calls behind the page's actions. Qt-free, so it can be tested without a window.
Answers that arrive after a newer request of their kind (a search typed on, a click on
another image) are dropped: requests are numbered."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from desktop_client.core.errors import NotFoundError
from desktop_client.core.models import CORRUPT, OK, GalleryFilter, GalleryItem, ImportReport, RescanReport
from desktop_client.core.services.gallery import GalleryService, Listing


class Latest:
    """Numbers the requests of one kind; only the newest one's answer is used."""

    def __init__(self) -> None:
        self._number = 0

    def next(self) -> int:
        self._number += 1
        return self._number

    def is_latest(self, number: int) -> bool:
        return number == self._number


class GalleryBrowser:
    def __init__(self, gallery: GalleryService) -> None:
        self.gallery = gallery
        self.loaded = False  # the index is open and was listed once
        self.current: GalleryItem | None = None  # the image in the detail view
        self.file_state = OK  # of its file, as last found
        self.wanted: int | None = None  # to select once a listing under way has it
        self.pending_delete: list[int] = []  # deleted, and can still be undone
        self.listings = Latest()
        self.looks = Latest()
        self._opened = False

    async def open(self) -> None:
        """Opens the index (a first start builds it from the files) in a worker, once."""
        if not self._opened:
            await self.gallery.open()
            self._opened = True

    def path(self, item: GalleryItem) -> Path:
        return self.gallery.absolute(item)

    # ----- what is shown ---------------------------------------------------------------
    async def search(self, flt: GalleryFilter) -> Listing | None:
        """The images that match and the profiles to filter by; None when a newer listing
        started meanwhile (its answer is the one to show)."""
        number = self.listings.next()
        found = await self.gallery.listing(flt)
        return found if self.listings.is_latest(number) else None

    async def look(self, item_id: int, number: int) -> tuple[GalleryItem, str] | None:
        """The image of look ``number`` (from ``looks.next()``) with its metadata and its file's
        state; None when it is gone (deleted or rescanned away since the list was drawn) or
        the user has looked elsewhere meanwhile."""
        try:
            found = await self.gallery.detail(item_id)
        except NotFoundError:
            return None
        return found if self.looks.is_latest(number) else None

    def show(self, item: GalleryItem | None, file_state: str = OK) -> None:
        self.current = item
        self.file_state = file_state

    async def unreadable(self, item: GalleryItem) -> str:
        """A file that exists but does not decode: marked damaged in the index."""
        await self.gallery.mark_state(item.id, CORRUPT)
        return CORRUPT

    async def set_favourite(self, item: GalleryItem, favourite: bool) -> None:
        await self.gallery.set_favourite(item.id, favourite)
        try:
            updated: GalleryItem | None = await self.gallery.item(item.id)
        except NotFoundError:
            updated = None  # deleted meanwhile (another window, the CLI)
        if self.current is not None and self.current.id == item.id:
            self.current = updated  # unless the user has moved on to another image meanwhile

    # ----- deleting, with one undo ---------------------------------------------------------
    async def delete(self, ids: Sequence[int]) -> None:
        """Takes images out of the gallery; their files go to the trash once ``finish_delete``
        runs (the undo window is over) or the next deletion starts (one undo at a time)."""
        if self.pending_delete:
            await self.finish_delete()
        await self.gallery.delete(ids)
        self.pending_delete = list(ids)

    async def undo_delete(self) -> list[int]:
        """The images back, as they were; their ids (none when nothing was left to undo)."""
        ids, self.pending_delete = self.pending_delete, []
        if ids:
            await self.gallery.restore(ids)
        return ids

    async def finish_delete(self) -> None:
        ids, self.pending_delete = self.pending_delete, []
        if ids:
            await self.gallery.purge_deleted(ids)

    # ----- the whole gallery -----------------------------------------------------------------
    async def import_folder(self, folder: Path) -> ImportReport:
        return await self.gallery.import_folder(folder)

    async def export(self, selected: Sequence[GalleryItem], flt: GalleryFilter, folder: Path) -> list[Path]:
        """The selected images, or else every one the filter shows (read in a worker, not row by row)."""
        return await self.gallery.export(selected or await self.gallery.items(flt), folder)

    async def rescan(self) -> RescanReport:
        return await self.gallery.rescan()
