"""The data the services hand out, for code outside the core (the UI) to import.

The stores under ``core/storage`` are the services' own; the frozen records and values they
return are re-exported here, so the UI needs no import from ``core.storage`` (an
import-linter contract in pyproject.toml forbids it). Only light modules are imported here:
the pages import this on the way to the first paint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop_client.core.storage.chat_search import MessageMatch, Snippet
from desktop_client.core.storage.chats import UNDO_DAYS, Conversation, Message, SearchHit, Status
from desktop_client.core.storage.folders import Folder
from desktop_client.core.storage.mj_tasks import StoredTask

if TYPE_CHECKING:
    from desktop_client.core.storage.gallery import (
        CORRUPT,
        MISSING,
        OK,
        SOURCES,
        GalleryFilter,
        GalleryItem,
        ImportReport,
        RescanReport,
    )

_GALLERY = frozenset(
    {"CORRUPT", "MISSING", "OK", "SOURCES", "GalleryFilter", "GalleryItem", "ImportReport", "RescanReport"}
)


def __getattr__(name: str) -> Any:
    # The gallery's records come with the gallery's store: only when a gallery page (built on its
    # first visit) asks, not on the way to the first paint.
    if name in _GALLERY:
        from desktop_client.core.storage import gallery

        return getattr(gallery, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CORRUPT",
    "MISSING",
    "OK",
    "SOURCES",
    "UNDO_DAYS",
    "Conversation",
    "Folder",
    "GalleryFilter",
    "GalleryItem",
    "ImportReport",
    "Message",
    "MessageMatch",
    "RescanReport",
    "SearchHit",
    "Snippet",
    "Status",
    "StoredTask",
]
