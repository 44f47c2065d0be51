"""The data the services hand out, for code outside the core (the UI) to import.

The stores under ``core/storage`` are the services' own; the frozen records and values they
return are re-exported here, so the UI needs no import from ``core.storage`` (an
import-linter contract in pyproject.toml forbids it). Only light modules are imported here:
the pages import this on the way to the first paint."""

from __future__ import annotations

from desktop_client.core.storage.chats import UNDO_DAYS, Conversation, Message, SearchHit, Status
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
from desktop_client.core.storage.mj_tasks import StoredTask

__all__ = [
    "CORRUPT",
    "MISSING",
    "OK",
    "SOURCES",
    "UNDO_DAYS",
    "Conversation",
    "GalleryFilter",
    "GalleryItem",
    "ImportReport",
    "Message",
    "RescanReport",
    "SearchHit",
    "Status",
    "StoredTask",
]
