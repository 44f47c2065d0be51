"""The conversation list's rows: a model of date-group headers and conversations, and the
delegate that paints them (title; relative time and model, or a search snippet with the
match emphasised). One model row per conversation, no widget per row: thousands list fast.

Everything shown is painted as plain text (titles and messages are the user's and the
server's words, never markup), in colours from the palette's roles."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from html import escape

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_client.core.models import Conversation, MessageMatch, Snippet
from desktop_client.core.stamps import when
from desktop_client.ui.chat.list_times import PINNED, DayGroups, group_label, relative_time

# Spacing, in pixels: kept here so a restyle changes them in one place.
ROW_PAD_X = 10
ROW_PAD_Y = 6
LINE_GAP = 2
HEADER_PAD_TOP = 10
HEADER_PAD_BOTTOM = 3
SEPARATOR = "  ·  "

ID_ROLE = Qt.ItemDataRole.UserRole
HEADER_ROLE = Qt.ItemDataRole.UserRole + 1  # bool: a date group's header
WHEN_ROLE = Qt.ItemDataRole.UserRole + 2  # "5 min", "Yesterday"…
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 3  # the model, when known
SNIPPET_ROLE = Qt.ItemDataRole.UserRole + 4  # a search's Snippet, or None
MATCH_ROLE = Qt.ItemDataRole.UserRole + 5  # the matching message's id, or ""
PINNED_ROLE = Qt.ItemDataRole.UserRole + 6
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 7  # the folder id, or None
HEADER, PLAIN, WITH_SNIPPET = 0, 1, 2  # the kinds of row, by height

Index = QModelIndex | QPersistentModelIndex


def untitled() -> str:
    return QCoreApplication.translate("ConversationList", "New conversation")


def one_line(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class Row:
    group: tuple[int, int]  # see list_times.group_of
    conversation: Conversation | None = None  # None: the group's header
    match: MessageMatch | None = None


class ConversationModel(QAbstractListModel):
    """Headers (not selectable, not enabled: the keys skip them) and conversations."""

    renamed = Signal(str, str)  # conversation id, title typed in place

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []
        self.now: float | None = None  # None: the clock (a test stands at a day boundary)
        self._row_of: dict[str, int] = {}
        self.sizes: dict[int, QSize] = {}  # kind of row → size (RowDelegate.sizes, for the view's font)

    def set_conversations(self, conversations: Sequence[Conversation], matches: dict[str, MessageMatch]) -> None:
        """``conversations`` in the store's order (pinned, then the most recent first)."""
        groups = DayGroups(time.time() if self.now is None else self.now)
        rows: list[Row] = []
        last: tuple[int, int] | None = None
        for conversation in conversations:
            group = (PINNED, 0) if conversation.pinned else groups(conversation.updated or conversation.created)
            if group != last:
                rows.append(Row(group))
                last = group
            rows.append(Row(group, conversation, matches.get(conversation.id)))
        self.beginResetModel()
        self.rows = rows
        self._row_of = {r.conversation.id: i for i, r in enumerate(rows) if r.conversation is not None}
        self.endResetModel()

    def row_of(self, conversation_id: str) -> int:
        return self._row_of.get(conversation_id, -1)

    def conversation_at(self, row: int) -> Conversation | None:
        return self.rows[row].conversation if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or self.rows[index.row()].conversation is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        conversation = row.conversation
        if role == Qt.ItemDataRole.SizeHintRole:  # asked for every row when the list is laid out
            return self.sizes.get(HEADER if conversation is None else WITH_SNIPPET if row.match else PLAIN)
        if conversation is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return group_label(row.group)
            return True if role == HEADER_ROLE else None
        title = conversation.title or untitled()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return title
        if role == Qt.ItemDataRole.EditRole:
            return conversation.title
        if role == Qt.ItemDataRole.ToolTipRole:
            # Rich text on purpose, the title escaped: a tooltip guesses, and "<b>x" would be markup.
            tip = escape(title) + (f"<br>{when(conversation.updated)}" if conversation.updated else "")
            return f"<p style='white-space:pre-wrap'>{tip}</p>"
        if role == ID_ROLE:
            return conversation.id
        if role == HEADER_ROLE:
            return False
        if role == WHEN_ROLE:
            stamp = conversation.updated or conversation.created
            return relative_time(stamp, self.now) if stamp else ""
        if role == DETAIL_ROLE:
            return conversation.model
        if role == SNIPPET_ROLE:
            return row.match.snippet if row.match else None
        if role == MATCH_ROLE:
            return row.match.message_id if row.match else ""
        if role == PINNED_ROLE:
            return conversation.pinned
        if role == FOLDER_ROLE:
            return conversation.folder_id
        return None

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        conversation = self.conversation_at(index.row()) if index.isValid() else None
        if conversation is None or role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        title = one_line(value)
        if title == conversation.title:
            return False
        # Shown at once; the store's word comes with the next listing.
        self.rows[index.row()] = replace(self.rows[index.row()], conversation=replace(conversation, title=title))
        self.dataChanged.emit(index, index)
        self.renamed.emit(conversation.id, title)
        return True


class RowDelegate(QStyledItemDelegate):
    """Paints a header as a muted caption, a conversation as two lines (three with a snippet)."""

    @staticmethod
    def _fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        title = QFont(option.font)
        small = QFont(title)
        size = title.pointSizeF()
        if size > 0:
            small.setPointSizeF(max(1.0, size * 0.9))
        header = QFont(small)
        header.setBold(True)
        return title, small, header

    @classmethod
    def sizes(cls, font: QFont) -> dict[int, QSize]:
        """Each kind of row's size in ``font``: the model hands them out (a row's size is asked
        for every row, and the model answers without a call into the delegate)."""
        option = QStyleOptionViewItem()
        option.font = font
        title, small, header = cls._fonts(option)
        title_height, small_height = QFontMetrics(title).height(), QFontMetrics(small).height()
        return {
            HEADER: QSize(0, HEADER_PAD_TOP + QFontMetrics(header).height() + HEADER_PAD_BOTTOM),
            PLAIN: QSize(0, title_height + small_height + LINE_GAP + 2 * ROW_PAD_Y),
            WITH_SNIPPET: QSize(0, title_height + 2 * (small_height + LINE_GAP) + 2 * ROW_PAD_Y),
        }

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title_font, small_font, header_font = self._fonts(opt)
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        painter.save()
        if index.data(HEADER_ROLE):
            painter.setFont(header_font)
            painter.setPen(palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText))
            area = rect.adjusted(ROW_PAD_X, HEADER_PAD_TOP, -ROW_PAD_X, -HEADER_PAD_BOTTOM)
            text = QFontMetrics(header_font).elidedText(
                str(index.data()), Qt.TextElideMode.ElideRight, area.width()
            )
            painter.drawText(area, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            painter.restore()
            return
        # The style draws the row's background: selection, hover and focus as the theme has them.
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        strong = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        muted = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        area = rect.adjusted(ROW_PAD_X, ROW_PAD_Y, -ROW_PAD_X, -ROW_PAD_Y)
        title_metrics, small_metrics = QFontMetrics(title_font), QFontMetrics(small_font)
        # Line 1: the title.
        painter.setFont(title_font)
        painter.setPen(strong)
        line = QRect(area.left(), area.top(), area.width(), title_metrics.height())
        title = title_metrics.elidedText(one_line(str(index.data())), Qt.TextElideMode.ElideRight, line.width())
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        # Line 2: when, and the model.
        painter.setFont(small_font)
        painter.setPen(muted)
        line = QRect(area.left(), line.bottom() + 1 + LINE_GAP, area.width(), small_metrics.height())
        parts = [str(index.data(WHEN_ROLE) or ""), one_line(str(index.data(DETAIL_ROLE) or ""))]
        second = small_metrics.elidedText(
            SEPARATOR.join(p for p in parts if p), Qt.TextElideMode.ElideRight, line.width()
        )
        painter.drawText(line, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, second)
        # Line 3, for a search: the snippet, its match in the strong colour and bold.
        snippet = index.data(SNIPPET_ROLE)
        if isinstance(snippet, Snippet):
            line = QRect(area.left(), line.bottom() + 1 + LINE_GAP, area.width(), small_metrics.height())
            bold = QFont(small_font)
            bold.setBold(True)
            # The match stays in sight in a narrow list: the words before it give way, from the left.
            peek = min(small_metrics.horizontalAdvance(snippet.after), small_metrics.averageCharWidth() * 6)
            room = max(0, line.width() - QFontMetrics(bold).horizontalAdvance(snippet.match) - peek)
            before = snippet.before
            if small_metrics.horizontalAdvance(before) > room:
                before = small_metrics.elidedText(before, Qt.TextElideMode.ElideLeft, room)
            self._paint_runs(
                painter,
                line,
                [(before, small_font, muted), (snippet.match, bold, strong), (snippet.after, small_font, muted)],
            )
        painter.restore()

    @staticmethod
    def _paint_runs(painter: QPainter, line: QRect, runs: list[tuple[str, QFont, QColor]]) -> None:
        """Text runs side by side on one line; the one that reaches the end is elided there."""
        x = line.left()
        for text, font, colour in runs:
            if not text:
                continue
            metrics = QFontMetrics(font)
            room = line.right() + 1 - x
            if room <= 0:
                break
            shown = (
                text
                if metrics.horizontalAdvance(text) <= room
                else metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
            )
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(
                QRect(x, line.top(), room, line.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                shown,
            )
            x += metrics.horizontalAdvance(shown)
            if shown != text:
                break

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: Index) -> None:
        # The title is edited where it is shown: on the row's first line.
        rect: QRect = option.rect
        height = editor.sizeHint().height()
        editor.setGeometry(
            QRect(rect.left() + ROW_PAD_X // 2, rect.top() + ROW_PAD_Y // 2, rect.width() - ROW_PAD_X, height)
        )


class RowsView(QListView):
    """A list whose keys never land on a header: Home, Page Up/Down go on to the next conversation."""

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        model = self.model()
        if event.type() == QEvent.Type.FontChange and isinstance(model, ConversationModel):
            # Edit ▸ Larger text, or a style sheet's font: the rows grow with it.
            model.sizes = RowDelegate.sizes(self.font())
            model.layoutChanged.emit()

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        index = super().moveCursor(action, modifiers)
        model = self.model()
        if not index.isValid() or index.flags() & Qt.ItemFlag.ItemIsSelectable:
            return index
        rows = model.rowCount()
        backwards = action in (QAbstractItemView.CursorAction.MoveUp, QAbstractItemView.CursorAction.MovePrevious)
        order = [*range(index.row() - 1, -1, -1), *range(index.row() + 1, rows)]
        if not backwards:
            order = [*range(index.row() + 1, rows), *range(index.row() - 1, -1, -1)]
        for row in order:
            candidate = model.index(row, 0)
            if candidate.flags() & Qt.ItemFlag.ItemIsSelectable:
                return candidate
        return self.currentIndex()
