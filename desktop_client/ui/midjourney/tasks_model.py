"""The task list: a Qt model over stored tasks (newest first) and a delegate that paints a
thumbnail, the prompt, and the state with a progress bar."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from desktop_client.core.api.mj_types import MjStatus
from desktop_client.core.storage.mj_tasks import StoredTask
from desktop_client.ui.midjourney.texts import action_name, state_text

TASK_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_SIZE = 64
ROW_HEIGHT = THUMB_SIZE + 16

_Index = QModelIndex | QPersistentModelIndex


class TaskListModel(QAbstractListModel):
    def __init__(self) -> None:
        super().__init__()
        self.tasks: list[StoredTask] = []
        self.thumbs: dict[str, QPixmap] = {}  # task id → thumbnail (saved image or preview)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.tasks)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.tasks):
            return None
        task = self.tasks[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return task.prompt or action_name(task.action)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{action_name(task.action)}: {task.prompt} — {state_text(task)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return task.fail_reason or task.last_error or task.image_error or task.prompt
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbs.get(task.id)
        if role == TASK_ROLE:
            return task
        return None

    def reset(self, tasks: list[StoredTask]) -> None:
        self.beginResetModel()
        self.tasks = list(tasks)
        self.endResetModel()

    def row_of(self, task_id: str) -> int:
        for row, task in enumerate(self.tasks):
            if task.id == task_id:
                return row
        return -1

    def upsert(self, task: StoredTask) -> None:
        row = self.row_of(task.id)
        if row >= 0:
            self.tasks[row] = task
            self.dataChanged.emit(self.index(row), self.index(row))
            return
        # Newest first; a task can arrive late (another process), so keep the order.
        row = next((r for r, t in enumerate(self.tasks) if t.submitted < task.submitted), len(self.tasks))
        self.beginInsertRows(QModelIndex(), row, row)
        self.tasks.insert(row, task)
        self.endInsertRows()

    def set_thumb(self, task_id: str, pixmap: QPixmap) -> None:
        self.thumbs[task_id] = pixmap
        row = self.row_of(task_id)
        if row >= 0:
            self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.DecorationRole])


class TaskDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        return QSize(260, ROW_HEIGHT)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        task: StoredTask | None = index.data(TASK_ROLE)
        if task is None:
            return
        painter.save()
        style = option.widget.style() if option.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = option.palette
        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(8, 8, -8, -8)

        thumb_rect = QRect(rect.left(), rect.top(), THUMB_SIZE, THUMB_SIZE)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        painter.fillRect(thumb_rect, palette.color(QPalette.ColorRole.AlternateBase))
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(
                thumb_rect.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            x = thumb_rect.left() + (THUMB_SIZE - scaled.width()) // 2
            y = thumb_rect.top() + (THUMB_SIZE - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(thumb_rect, Qt.AlignmentFlag.AlignCenter, action_name(task.action)[:8])

        text_left = thumb_rect.right() + 10
        width = rect.right() - text_left
        font = option.font
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        title_metrics = QFontMetrics(bold)
        title = f"{action_name(task.action)} · {time.strftime('%H:%M', time.localtime(task.submitted))}"
        painter.drawText(
            text_left,
            rect.top() + title_metrics.ascent(),
            title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, width),
        )
        painter.setFont(font)
        metrics = QFontMetrics(font)
        line = metrics.lineSpacing()
        prompt = " ".join((task.prompt or task.final_prompt or "").split())
        painter.drawText(
            text_left,
            rect.top() + line + metrics.ascent(),
            metrics.elidedText(prompt, Qt.TextElideMode.ElideRight, width),
        )
        state_top = rect.top() + 2 * line + 4
        if task.open and not task.needs_input:
            bar = QStyleOptionProgressBar()
            bar.rect = QRect(text_left, state_top, min(width // 3, 80), metrics.height())
            bar.minimum, bar.maximum, bar.progress = 0, 100, task.progress
            bar.textVisible = False
            bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
            state_left = bar.rect.right() + 8
        else:
            state_left = text_left
        failed = task.status in (MjStatus.FAILURE, MjStatus.CANCEL) or bool(task.image_error)
        if failed and not selected:
            painter.setPen(QColor("#c0392b"))
        elif task.needs_input and not selected:
            painter.setPen(QColor("#b9770e"))
        state = state_text(task)
        painter.drawText(
            state_left,
            state_top + metrics.ascent(),
            metrics.elidedText(state, Qt.TextElideMode.ElideRight, rect.right() - state_left),
        )
        painter.restore()
