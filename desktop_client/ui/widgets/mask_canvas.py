"""The canvas of Vary (Region): the user paints the part of an image to redraw.

The painting lives in image coordinates, in a mask the size of the original image, so the
window size never changes the result. ``mask_png()`` is what midjourney-proxy's
``/mj/submit/modal`` takes as ``maskBase64`` (white = redraw, black = keep), once wrapped as
a ``data:image/png;base64,`` URL. The dialog around it is in ``mask_painter.py``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.imaging import encode_png
from desktop_client.ui.qtutils import named

# A colour photos rarely have, so the painted area stands out on any image.
HIGHLIGHT = QColor(255, 40, 150)
HIGHLIGHT_OPACITY = 0.5
DEFAULT_BRUSH_FRACTION = 0.06  # of the image's shorter side


class Tool(enum.Enum):
    BRUSH = "brush"
    RECTANGLE = "rectangle"
    ERASER = "eraser"


@dataclass
class _Stroke:
    """One undo step, in image coordinates."""

    kind: str  # "paint" | "erase" | "rect" | "clear"
    width: float = 0.0
    points: list[QPointF] = field(default_factory=list)
    rect: QRectF | None = None


class MaskCanvas(Retranslatable, QWidget):
    """Shows an image scaled to fit (centred) and records the region the user paints."""

    changed = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if image.isNull():
            raise ValueError("the image to mask is empty")
        self._image = image
        # 8-bit grey: 255 where painted. Painted without antialiasing so it stays two-valued.
        self._mask = QImage(image.size(), QImage.Format.Format_Grayscale8)
        self._mask.fill(0)
        self._strokes: list[_Stroke] = []
        self._current: _Stroke | None = None
        self._anchor: QPointF | None = None  # rectangle tool: where the drag started
        self._hover: QPointF | None = None  # widget coordinates, for the brush outline
        self._tool = Tool.BRUSH
        self._brush = float(max(1, round(min(image.width(), image.height()) * DEFAULT_BRUSH_FRACTION)))
        self._has_mask = False
        # Display caches, rebuilt when the widget's size changes: the scaled image, and the
        # highlight at that same size (strokes are drawn into it as they happen, so a drag
        # never rescales a full-size mask).
        self._target = QRect()
        self._shown = QPixmap()
        self._overlay = QImage()
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.retranslate()

    def retranslate(self) -> None:
        named(self, self.tr("Area to redraw"))
        self.setAccessibleDescription(
            self.tr("Drag over the image to mark the area Midjourney should redraw. Ctrl+Z undoes.")
        )

    # ----- public API ------------------------------------------------------------------
    def image(self) -> QImage:
        return self._image

    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool) -> None:
        self._tool = tool
        self.update()

    def brush_size(self) -> float:
        """Brush diameter in pixels of the original image."""
        return self._brush

    def set_brush_size(self, size: float) -> None:
        self._brush = max(1.0, float(size))
        self.update()

    def has_mask(self) -> bool:
        return self._has_mask

    def can_undo(self) -> bool:
        return bool(self._strokes)

    def mask_image(self) -> QImage:
        """The mask at the original image's size: 255 where painted, 0 elsewhere."""
        return self._mask.copy()

    def mask_png(self) -> bytes:
        """PNG at the original image's size, opaque white where painted, opaque black elsewhere."""
        # RGBA, as a browser canvas exports it: what proxies' own web editors send.
        return encode_png(self._mask.convertToFormat(QImage.Format.Format_ARGB32))

    def undo(self) -> None:
        if self._current is not None or self._anchor is not None or not self._strokes:
            return
        self._strokes.pop()
        self._replay()
        self._finish()

    def clear(self) -> None:
        """Empties the mask; undoable, so a slip does not lose the painting."""
        if self._current is not None or self._anchor is not None or not self._has_mask:
            return
        self._strokes.append(_Stroke("clear"))
        self._replay()
        self._finish()

    def image_rect(self) -> QRect:
        """Where the image is drawn, in widget coordinates."""
        self._ensure_display()
        return QRect(self._target)

    def to_image(self, point: QPointF) -> QPointF:
        self._ensure_display()
        sx, sy = self._scale()
        return QPointF((point.x() - self._target.x()) / sx, (point.y() - self._target.y()) / sy)

    def from_image(self, point: QPointF) -> QPointF:
        self._ensure_display()
        sx, sy = self._scale()
        return QPointF(self._target.x() + point.x() * sx, self._target.y() + point.y() * sy)

    # ----- geometry and display caches --------------------------------------------------
    def sizeHint(self) -> QSize:
        return self._image.size().scaled(QSize(720, 540), Qt.AspectRatioMode.KeepAspectRatio)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 120)

    def _scale(self) -> tuple[float, float]:
        return (
            self._target.width() / self._image.width(),
            self._target.height() / self._image.height(),
        )

    def _ensure_display(self) -> None:
        fitted = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        fitted = fitted.expandedTo(QSize(1, 1))
        target = QRect(
            (self.width() - fitted.width()) // 2,
            (self.height() - fitted.height()) // 2,
            fitted.width(),
            fitted.height(),
        )
        if target == self._target and not self._shown.isNull():
            return
        self._target = target
        self._shown = QPixmap.fromImage(
            self._image.scaled(
                fitted, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
        self._rebuild_overlay()

    def _rebuild_overlay(self) -> None:
        if self._target.isEmpty():
            return
        overlay = QImage(self._target.size(), QImage.Format.Format_ARGB32_Premultiplied)
        overlay.fill(HIGHLIGHT)
        # The grey level becomes the alpha: painted pixels opaque, the rest transparent.
        overlay.setAlphaChannel(
            self._mask.scaled(
                self._target.size(),
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self._overlay = overlay

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._ensure_display()
        super().resizeEvent(event)

    # ----- drawing strokes ----------------------------------------------------------------
    def _draw(self, stroke: _Stroke, start: int = 0) -> None:
        """Draws ``stroke`` (its points from ``start`` on) into the mask and the overlay."""
        mask_painter = QPainter(self._mask)
        self._paint_stroke(mask_painter, stroke, start, on_mask=True)
        mask_painter.end()
        if not self._overlay.isNull():
            overlay_painter = QPainter(self._overlay)
            overlay_painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            overlay_painter.scale(*self._scale())
            self._paint_stroke(overlay_painter, stroke, start, on_mask=False)
            overlay_painter.end()

    @staticmethod
    def _paint_stroke(painter: QPainter, stroke: _Stroke, start: int, *, on_mask: bool) -> None:
        erase = stroke.kind in ("erase", "clear")
        if on_mask:
            color = QColor(0, 0, 0) if erase else QColor(255, 255, 255)
        else:
            color = HIGHLIGHT
            if erase:
                painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        if stroke.kind == "clear":
            painter.fillRect(QRectF(-1e6, -1e6, 2e6, 2e6), color)
            return
        if stroke.kind == "rect":
            assert stroke.rect is not None
            painter.fillRect(stroke.rect, color)
            return
        radius = stroke.width / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        points = stroke.points
        if start == 0 and points:
            painter.drawEllipse(points[0], radius, radius)
        pen = QPen(color, stroke.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        for index in range(max(1, start), len(points)):
            painter.drawLine(points[index - 1], points[index])

    def _replay(self) -> None:
        self._mask.fill(0)
        for stroke in self._strokes:
            self._draw_mask_only(stroke)
        self._rebuild_overlay()

    def _draw_mask_only(self, stroke: _Stroke) -> None:
        painter = QPainter(self._mask)
        self._paint_stroke(painter, stroke, 0, on_mask=True)
        painter.end()

    def _finish(self) -> None:
        self._has_mask = self._mask_has_paint()
        self.update()
        self.changed.emit()

    def _mask_has_paint(self) -> bool:
        width, stride = self._mask.width(), self._mask.bytesPerLine()
        data = bytes(self._mask.constBits())
        # Row by row: the padding at the end of each row is not part of the image.
        return any(data.count(0, offset, offset + width) != width for offset in range(0, len(data), stride))

    # ----- mouse and keys --------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        busy = self._current is not None or self._anchor is not None
        if event.button() != Qt.MouseButton.LeftButton or busy:
            super().mousePressEvent(event)
            return
        point = self.to_image(event.position())
        if self._tool is Tool.RECTANGLE:
            self._anchor = point
            self._hover = event.position()
        else:
            kind = "erase" if self._tool is Tool.ERASER else "paint"
            self._current = _Stroke(kind, self._brush, [point])
            self._draw(self._current)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover = event.position()
        if self._current is not None:
            self._current.points.append(self.to_image(event.position()))
            self._draw(self._current, len(self._current.points) - 1)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        if self._current is not None:
            stroke, self._current = self._current, None
            self._strokes.append(stroke)
            self._finish()
        elif self._anchor is not None:
            rect = self._drag_rect(self.to_image(event.position()))
            self._anchor = None
            if rect is not None:
                stroke = _Stroke("rect", rect=rect)
                self._strokes.append(stroke)
                self._draw(stroke)
                self._finish()
            self.update()

    def _drag_rect(self, end: QPointF) -> QRectF | None:
        """The dragged rectangle in image coordinates, clipped to the image; None if empty."""
        assert self._anchor is not None
        rect = QRectF(self._anchor, end).normalized()
        rect = rect.intersected(QRectF(0, 0, self._image.width(), self._image.height()))
        return rect if rect.width() >= 1 and rect.height() >= 1 else None

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo()
            return
        super().keyPressEvent(event)

    # ----- painting the widget ----------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        self._ensure_display()
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().dark())
        painter.drawPixmap(self._target.topLeft(), self._shown)
        painter.setOpacity(HIGHLIGHT_OPACITY)
        painter.drawImage(self._target.topLeft(), self._overlay)
        painter.setOpacity(1.0)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._anchor is not None and self._hover is not None:
            rect = self._drag_rect(self.to_image(self._hover))
            if rect is not None:
                shown = QRectF(self.from_image(rect.topLeft()), self.from_image(rect.bottomRight()))
                painter.fillRect(shown, QColor(HIGHLIGHT.red(), HIGHLIGHT.green(), HIGHLIGHT.blue(), 110))
                painter.setPen(QPen(QColor(255, 255, 255), 1, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(shown)
        elif self._hover is not None and self._tool is not Tool.RECTANGLE:
            # The brush outline, black under white so it shows on light and dark images.
            radius = self._brush / 2 * self._scale()[0]
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for color, width in ((QColor(0, 0, 0, 160), 3.0), (QColor(255, 255, 255), 1.0)):
                painter.setPen(QPen(color, width))
                painter.drawEllipse(self._hover, radius, radius)
        painter.end()
