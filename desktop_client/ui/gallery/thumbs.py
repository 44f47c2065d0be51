"""Thumbnails for the gallery: decoded off the GUI thread, kept on disk, a bounded few in memory.

A thumbnail is keyed by the file's path, size and modification time, so an edited file gets a
new one. Requests are served newest first: when the user scrolls past a thousand images, the
ones now on screen are decoded before those scrolled by."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter, QPixmap

from desktop_client.ui.imaging import load_scaled

log = logging.getLogger(__name__)

THUMB_SIDE = 192
MEMORY_ITEMS = 400  # about 60 MB at most: the screen shows a few dozen
MAX_PENDING = 256


def thumb_key(rel_path: str, size: int, mtime: float) -> str:
    return hashlib.sha1(f"{rel_path}\0{size}\0{mtime}".encode(), usedforsecurity=False).hexdigest()[:24]


def make_thumbnail(source: Path, cached: Path, side: int = THUMB_SIDE) -> QImage | None:
    """The cached thumbnail, or a new one decoded small and written to the cache. Any thread."""
    if cached.exists():
        stored = QImage(str(cached))
        if not stored.isNull():
            return stored
    image = load_scaled(source, side)
    if image is None:
        return None
    if image.hasAlphaChannel():
        # JPEG has no alpha: show transparency over the same grey a viewer would.
        flat = QImage(image.size(), QImage.Format.Format_RGB32)
        flat.fill(QColor(200, 200, 200))
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.stem}.{threading.get_ident()}.part")
        writer = QImageWriter(str(partial), QByteArray(b"jpeg"))
        writer.setQuality(85)
        if writer.write(image):
            partial.replace(cached)
    except OSError as exc:
        log.debug("thumbnail not cached: %s", exc)
    return image


class _Signals(QObject):
    ready = Signal(str, QImage)
    failed = Signal(str)


class _Worker(QRunnable):
    def __init__(self, cache: ThumbnailCache) -> None:
        super().__init__()
        self.cache = cache

    def run(self) -> None:
        self.cache._drain()


class ThumbnailCache(QObject):
    """``get`` answers at once from memory or returns None and decodes in the background;
    ``ready`` (key) fires when it is there, ``failed`` (key) when the file is unreadable."""

    ready = Signal(str)
    failed = Signal(str)

    def __init__(self, folder: Path, *, threads: int = 2, memory_items: int = MEMORY_ITEMS) -> None:
        super().__init__()
        self.folder = folder
        self.memory_items = memory_items
        self._pixmaps: OrderedDict[str, QPixmap] = OrderedDict()
        self._bad: set[str] = set()
        self._lock = threading.Lock()
        self._pending: OrderedDict[str, Path] = OrderedDict()  # newest last
        self._busy: set[str] = set()
        self._running = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._threads = threads
        self._signals = _Signals()
        self._signals.ready.connect(self._on_ready)
        self._signals.failed.connect(self._on_failed)
        self.closed = False

    def get(self, key: str, source: Path) -> QPixmap | None:
        pixmap = self._pixmaps.get(key)
        if pixmap is not None:
            self._pixmaps.move_to_end(key)
            return pixmap
        if key in self._bad or self.closed:
            return None
        with self._lock:
            if key in self._busy:
                return None  # a worker is decoding it now
            self._pending[key] = source
            self._pending.move_to_end(key)
            while len(self._pending) > MAX_PENDING:
                self._pending.popitem(last=False)  # scrolled far past: dropped, asked again if seen
            start = self._running < self._threads
            if start:
                self._running += 1
        if start:
            self._pool.start(_Worker(self))
        return None

    def retry_failed(self) -> None:
        """After a rescan: files that could not be read may be back (a drive plugged in)."""
        self._bad.clear()

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._pending or self.closed:
                    self._running -= 1
                    return
                key, source = self._pending.popitem(last=True)
                self._busy.add(key)
            try:
                image = make_thumbnail(source, self.folder / f"{key}.jpg")
            except Exception:  # a decoder bug must not kill the worker
                log.exception("thumbnail failed")
                image = None
            with self._lock:
                self._busy.discard(key)
            if image is None:
                self._signals.failed.emit(key)
            else:
                self._signals.ready.emit(key, image)

    def _on_ready(self, key: str, image: QImage) -> None:
        self._pixmaps[key] = QPixmap.fromImage(image)
        while len(self._pixmaps) > self.memory_items:
            self._pixmaps.popitem(last=False)
        self.ready.emit(key)

    def _on_failed(self, key: str) -> None:
        self._bad.add(key)
        self.failed.emit(key)

    def close(self) -> None:
        self.closed = True
        with self._lock:
            self._pending.clear()
        self._pool.waitForDone(5000)

    @property
    def memory_count(self) -> int:
        return len(self._pixmaps)
