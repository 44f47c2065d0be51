"""The task list: a Qt model over stored tasks (newest first) and a delegate that paints a
thumbnail, the prompt, and the state with a progress bar."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from desktop_client.core.api.mj_types import MjStatus
from desktop_client.core.models import StoredTask
from desktop_client.core.stamps import when
from desktop_client.ui.mj_texts import action_name, state_text
from desktop_client.ui.widgets.notice import error_color, warning_color

TASK_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_SIZE = 64
ROW_HEIGHT = THUMB_SIZE + 16

_Index = QModelIndex | QPersistentModelIndex


def task_title(task: StoredTask) -> str:
    """A task's line in the list: its action and when it was sent (the date unless it was today)."""
    return f"{action_name(task.action)} · {when(task.submitted)}"


class TaskListModel(QAbstractListModel):
    """The tasks shown, newest first, with an id → row index: a poll update finds its row
    without a scan."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: list[StoredTask] = []
        self._rows: dict[str, int] = {}  # task id → row, kept in step with _tasks
        self._thumbs: dict[str, QPixmap] = {}  # task id → thumbnail (saved image or preview)

    @property
    def tasks(self) -> tuple[StoredTask, ...]:
        return tuple(self._tasks)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._tasks)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._tasks):
            return None
        task = self._tasks[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return task.prompt or action_name(task.action)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{action_name(task.action)}: {task.prompt} — {state_text(task)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return task.fail_reason or task.last_error or task.image_error or task.prompt
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbs.get(task.id)
        if role == TASK_ROLE:
            return task
        return None

    def reset(self, tasks: Iterable[StoredTask]) -> None:
        self.beginResetModel()
        self._tasks = list(tasks)
        self._rows = {}
        self._reindex(0)
        self.endResetModel()

    def row_of(self, task_id: str) -> int:
        return self._rows.get(task_id, -1)

    def task(self, task_id: str) -> StoredTask | None:
        row = self._rows.get(task_id)
        return self._tasks[row] if row is not None else None

    def upsert(self, task: StoredTask) -> StoredTask | None:
        """Adds or replaces ``task``; returns the version it replaced, if any."""
        row = self._rows.get(task.id)
        if row is not None:
            before, self._tasks[row] = self._tasks[row], task
            self.dataChanged.emit(self.index(row), self.index(row))
            return before
        # Newest first; a task can arrive late (another process), so keep the order.
        row = next((r for r, t in enumerate(self._tasks) if t.submitted < task.submitted), len(self._tasks))
        self.beginInsertRows(QModelIndex(), row, row)
        self._tasks.insert(row, task)
        self._reindex(row)
        self.endInsertRows()
        return None

    def set_thumb(self, task_id: str, pixmap: QPixmap) -> None:
        self._thumbs[task_id] = pixmap
        row = self._rows.get(task_id)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.DecorationRole])

    def _reindex(self, start: int) -> None:
        # Rows from ``start`` on moved; an insert is rare (a submit), an update is every poll.
        for row in range(start, len(self._tasks)):
            self._rows[self._tasks[row].id] = row


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
        rect = option.rect.adjusted(8, 8, -8, -8)
        thumb_rect = QRect(rect.left(), rect.top(), THUMB_SIZE, THUMB_SIZE)
        self._paint_thumb(painter, palette, thumb_rect, task, index.data(Qt.ItemDataRole.DecorationRole))

        text_left = thumb_rect.right() + 10
        width = rect.right() - text_left
        font = option.font
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        title_metrics = QFontMetrics(bold)
        title = task_title(task)
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
        # Its right edge is the row's (width + 1: a QRect's right() is left + width - 1).
        state_rect = QRect(text_left, rect.top() + 2 * line + 4, width + 1, metrics.height())
        self._paint_state(painter, option, style, state_rect, task, selected)
        painter.restore()

    @staticmethod
    def _paint_thumb(painter: QPainter, palette: QPalette, rect: QRect, task: StoredTask, pixmap: object) -> None:
        painter.fillRect(rect, palette.color(QPalette.ColorRole.AlternateBase))
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(
                rect.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            painter.drawPixmap(
                rect.left() + (THUMB_SIZE - scaled.width()) // 2,
                rect.top() + (THUMB_SIZE - scaled.height()) // 2,
                scaled,
            )
        else:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, action_name(task.action)[:8])

    @staticmethod
    def _paint_state(
        painter: QPainter,
        option: QStyleOptionViewItem,
        style: QStyle,
        rect: QRect,
        task: StoredTask,
        selected: bool,
    ) -> None:
        """A progress bar while the task runs, then its state; failures in the error colour."""
        metrics = QFontMetrics(option.font)
        left = rect.left()
        if task.open and not task.needs_input:
            bar = QStyleOptionProgressBar()
            bar.rect = QRect(left, rect.top(), min((rect.right() - left) // 3, 80), rect.height())
            bar.minimum, bar.maximum, bar.progress = 0, 100, task.progress
            bar.textVisible = False
            bar.state = QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Horizontal
            style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)
            left = bar.rect.right() + 8
        failed = task.status in (MjStatus.FAILURE, MjStatus.CANCEL) or bool(task.image_error)
        if failed and not selected:
            painter.setPen(error_color(option.palette))  # the notice line's red, readable on dark
        elif task.needs_input and not selected:
            painter.setPen(warning_color(option.palette))
        painter.drawText(
            left,
            rect.top() + metrics.ascent(),
            metrics.elidedText(state_text(task), Qt.TextElideMode.ElideRight, rect.right() - left),
        )
