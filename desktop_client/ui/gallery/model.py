"""The gallery grid's model and delegate.

The model holds only the ordered ids of the matching images (10,000 ints); rows are read
through the gallery service a page at a time when the view first asks for them (synchronously:
see ``GalleryService.rows``), and thumbnails come from the ThumbnailCache. Nothing here decodes
an image on the GUI thread."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QUrl,
)
from PySide6.QtGui import QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop_client.core.models import CORRUPT, MISSING, OK, GalleryItem
from desktop_client.core.services.gallery import GalleryService
from desktop_client.ui.gallery.thumbs import ThumbnailCache, thumb_key
from desktop_client.ui.widgets.notice import error_color, warning_color

ItemRole = Qt.ItemDataRole.UserRole + 1
ThumbRole = Qt.ItemDataRole.UserRole + 2
StateRole = Qt.ItemDataRole.UserRole + 3
PAGE = 120
ROW_CACHE = 3000
CELL = QSize(208, 236)

Index = QModelIndex | QPersistentModelIndex


class GalleryModel(QAbstractListModel):
    def __init__(self, gallery: GalleryService, thumbs: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.gallery = gallery
        self.thumbs = thumbs
        self._ids: list[int] = []
        self._rows: OrderedDict[int, GalleryItem] = OrderedDict()
        self._keys: dict[str, int] = {}  # thumbnail key → id, to find the row a thumbnail is for
        self._key_of: dict[int, str] = {}
        self._position: dict[int, int] = {}
        self._states: dict[int, str] = {}  # found since the listing: missing or unreadable files
        thumbs.ready.connect(self._thumb_changed)
        thumbs.failed.connect(self._thumb_failed)

    # ----- contents ------------------------------------------------------------
    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._position = {item_id: row for row, item_id in enumerate(self._ids)}
        self._rows.clear()
        self._keys.clear()
        self._key_of.clear()
        self.endResetModel()

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_of(self, item_id: int) -> int:
        return self._position.get(item_id, -1)

    def refresh_item(self, item_id: int) -> None:
        self._rows.pop(item_id, None)
        self._key_of.pop(item_id, None)
        row = self.row_of(item_id)
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index)

    def set_state(self, item_id: int, state: str) -> None:
        """What was found about an image's file (``MISSING``, ``CORRUPT``, or ``OK`` again) since
        its row was read: the cell shows it at once, without reading the row again."""
        self._states[item_id] = state
        self.refresh_item(item_id)

    def forget_states(self) -> None:
        """After a rescan the rows know their files' states again."""
        self._states.clear()

    def state_of(self, item: GalleryItem) -> str:
        return self._states.get(item.id, item.state)

    def item_at(self, row: int) -> GalleryItem | None:
        if not 0 <= row < len(self._ids):
            return None
        item_id = self._ids[row]
        item = self._rows.get(item_id)
        if item is None:
            # One query for the page around the row: scrolling reads ~1 ms per 120 images.
            start = max(0, row - PAGE // 4)
            chunk = [i for i in self._ids[start : start + PAGE] if i not in self._rows]
            for found_id, found in self.gallery.rows(chunk).items():
                self._rows[found_id] = found
            while len(self._rows) > ROW_CACHE:
                self._rows.popitem(last=False)
            item = self._rows.get(item_id)
        else:
            self._rows.move_to_end(item_id)
        return item

    # ----- Qt model ------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        item = self.item_at(index.row())
        if item is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return " ".join(item.prompt.split())[:80] or item.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.prompt or item.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return item.prompt or item.name
        if role == ItemRole:
            return item
        if role == StateRole:
            return self.state_of(item)
        if role == ThumbRole:
            if self.state_of(item) != OK:
                return None
            key = self._key_of.get(item.id)
            if key is None:  # once per row, not on every paint
                key = thumb_key(item.path, item.bytes, item.created)
                self._key_of[item.id] = key
                self._keys[key] = item.id
            return self.thumbs.get(key, self.gallery.absolute(item))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else base

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """Dragging out hands other apps the files themselves."""
        data = QMimeData()
        urls = []
        for index in indexes:
            item = self.item_at(index.row())
            if item is not None:
                urls.append(QUrl.fromLocalFile(str(self.gallery.absolute(item))))
        data.setUrls(urls)
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    # ----- thumbnails ----------------------------------------------------------
    def _thumb_changed(self, key: str) -> None:
        item_id = self._keys.get(key)
        row = self.row_of(item_id) if item_id is not None else -1
        if row >= 0:
            index = self.index(row)
            self.dataChanged.emit(index, index, [ThumbRole])

    def _thumb_failed(self, key: str) -> None:
        item_id = self._keys.get(key)
        if item_id is None:
            return
        item = self._rows.get(item_id)
        if item is not None:
            path = self.gallery.absolute(item)
            self._states[item_id] = CORRUPT if path.exists() else MISSING
        self._thumb_changed(key)


def _elided(painter: QPainter, text: str, width: int) -> str:
    return painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)


def source_labels() -> dict[str, str]:
    """The names of the sources and of a file's troubles in the UI language (the filter, the
    badges, the detail view)."""
    return {
        "openai": QCoreApplication.translate("Gallery", "OpenAI"),
        "midjourney": QCoreApplication.translate("Gallery", "Midjourney"),
        "chat": QCoreApplication.translate("Gallery", "Chat"),
        "import": QCoreApplication.translate("Gallery", "Imported"),
        MISSING: QCoreApplication.translate("Gallery", "File missing"),
        CORRUPT: QCoreApplication.translate("Gallery", "Can't read this file"),
    }


class GalleryDelegate(QStyledItemDelegate):
    """Draws a cell: the thumbnail (or a placeholder, or why there is none), a source badge,
    the favourite star and one line of prompt."""

    def __init__(self, labels: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.labels = labels  # source and state names in the UI language

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return CELL

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        item: GalleryItem | None = index.data(ItemRole)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        painter.save()
        cell = rect.adjusted(4, 4, -4, -4)
        if state & QStyle.StateFlag.State_Selected:
            painter.fillRect(cell, palette.color(QPalette.ColorRole.Highlight))
        elif state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(cell, palette.color(QPalette.ColorRole.AlternateBase))
        image_rect = QRect(cell.x() + 4, cell.y() + 4, cell.width() - 8, cell.width() - 8)
        painter.fillRect(image_rect, palette.color(QPalette.ColorRole.Mid).lighter(140))
        if item is None:
            painter.restore()
            return
        self._paint_picture(painter, index, image_rect, palette)
        self._paint_marks(painter, item, option.font, palette, image_rect)
        painter.setFont(option.font)
        text_color = (
            palette.color(QPalette.ColorRole.HighlightedText)
            if state & QStyle.StateFlag.State_Selected
            else palette.color(QPalette.ColorRole.Text)
        )
        painter.setPen(text_color)
        text_rect = QRect(
            cell.x() + 4, image_rect.bottom() + 4, cell.width() - 8, cell.bottom() - image_rect.bottom() - 4
        )
        line = " ".join(item.prompt.split()) or item.name
        painter.drawText(
            text_rect,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
            _elided(painter, line, text_rect.width()),
        )
        painter.restore()

    def _paint_picture(self, painter: QPainter, index: Index, image_rect: QRect, palette: QPalette) -> None:
        """The thumbnail, or why there is none (nothing yet: the placeholder stays)."""
        pixmap = index.data(ThumbRole)
        item_state = index.data(StateRole)
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(image_rect.center())
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawPixmap(target, pixmap)
        elif item_state in (MISSING, CORRUPT):
            painter.setPen(QPen(error_color(palette)))
            painter.drawText(
                image_rect.adjusted(8, 8, -8, -8),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.labels.get(item_state, item_state),
            )

    def _paint_marks(
        self, painter: QPainter, item: GalleryItem, base: QFont, palette: QPalette, image_rect: QRect
    ) -> None:
        """The source badge and the favourite star over the picture."""
        badge_text = self.labels.get(item.source, item.source)
        font = QFont(base)
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        badge_width = painter.fontMetrics().horizontalAdvance(badge_text) + 10
        badge = QRect(image_rect.x() + 4, image_rect.y() + 4, badge_width, painter.fontMetrics().height() + 4)
        # A chip of the window's colour over the picture: readable on any image, in either theme.
        chip = palette.color(QPalette.ColorRole.Window)
        chip.setAlpha(225)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(chip)
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, badge_text)
        if item.favourite:
            star = QRect(image_rect.right() - 26, image_rect.y() + 2, 24, 24)
            star_font = QFont(font)
            star_font.setPointSizeF(font.pointSizeF() * 1.6)
            painter.setFont(star_font)
            painter.setPen(warning_color(palette))
            painter.drawText(star, Qt.AlignmentFlag.AlignCenter, "★")


def day_range(choice: str, now: float | None = None) -> tuple[float | None, float | None]:
    """The time filter's bounds: today, the last 7 or 30 days, this year."""
    now = now or time.time()
    local = time.localtime(now)
    midnight = time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0, 0, 0, -1))
    if choice == "today":
        return midnight, None
    if choice == "week":
        return midnight - 6 * 86400, None
    if choice == "month":
        return midnight - 29 * 86400, None
    if choice == "year":
        return time.mktime((local.tm_year, 1, 1, 0, 0, 0, 0, 0, -1)), None
    return None, None
