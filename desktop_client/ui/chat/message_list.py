"""The messages of the shown branch, newest at the bottom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from desktop_client.core.services.chat_types import Message
from desktop_client.ui.design import set_type
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import named

if TYPE_CHECKING:
    from desktop_client.ui.chat.message_widget import MessageWidget

HIGHLIGHT_MS = 1600  # how long a message found by a search stays outlined
HIGHLIGHT_BORDER = 2
Live = Mapping[str, tuple[list[str], list[str]]]  # message id → what streamed so far (content, reasoning)


class MessageList(Retranslatable, QScrollArea):
    """Follows the stream while the user is at the bottom, and stays put when they scrolled
    up to read. Passes on what the user asks of a message."""

    edit_submitted = Signal(str, str)  # message id, new text
    regenerate_requested = Signal(str)
    continue_requested = Signal(str)
    version_requested = Signal(str)
    pick_model_requested = Signal()
    earlier_requested = Signal()

    def __init__(self, attachments: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Before setWidget: the scroll area's event filter (ours too) sees the inner widget at once.
        self.highlight: QFrame | None = None  # the outline around a search's match, for a moment
        self.highlighted = ""
        self.attachments = attachments
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.inner = QWidget()
        self.column = QVBoxLayout(self.inner)
        self.column.setContentsMargins(12, 12, 12, 12)
        self.column.setSpacing(10)
        self.earlier_btn = QPushButton()
        self.earlier_btn.setVisible(False)
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setProperty("muted", True)
        set_type(self.empty_label, "large")
        self.column.addWidget(self.earlier_btn)
        self.column.addWidget(self.empty_label, 1)
        self.column.addStretch(1)
        self.setWidget(self.inner)
        self.widgets: dict[str, MessageWidget] = {}
        self._anchor = ""  # the message a search scrolled to
        self._stick = True
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(lambda v: setattr(self, "_stick", v >= bar.maximum() - 24))
        bar.rangeChanged.connect(self._on_range)
        self.earlier_btn.clicked.connect(self.earlier_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.earlier_btn.setText(self.tr("Show earlier messages"))
        named(self.earlier_btn, self.tr("Show earlier messages"))
        self.empty_label.setText(self.tr("Start a conversation: pick a profile and a model, then ask."))

    def show_branch(
        self, messages: Sequence[Message], siblings: Mapping[str, list[str]], live: Live, *, more_before: bool
    ) -> None:
        """Shows ``messages`` (reusing the widgets already showing them); a message still
        streaming continues from what arrived so far (``live``)."""
        self._set_empty(False)
        self.earlier_btn.setVisible(more_before)
        widgets: list[MessageWidget] = []
        for message in messages:
            widget = self.widgets.get(message.id) or self._make_widget(message)
            versions = siblings.get(message.id, [message.id])
            if not widget.streaming and (widget.message != message or widget.siblings != versions):
                widget.show_message(message, versions)
            if message.id in live and not widget.streaming:
                content, reasoning = live[message.id]
                widget.begin_stream("".join(content), "".join(reasoning))
            widgets.append(widget)
        self._set_widgets(widgets)

    def show_empty(self) -> None:
        """No conversation: an invitation to start one."""
        self._set_widgets([])
        self.earlier_btn.setVisible(False)
        self._set_empty(True)

    def _set_empty(self, empty: bool) -> None:
        self.empty_label.setVisible(empty)
        # The stretch under the messages keeps a short branch at the top; with none, the
        # invitation takes the whole height, centred.
        self.column.setStretch(self.column.count() - 1, 0 if empty else 1)

    def begin_stream(self, message_id: str, content: str, reasoning: str) -> None:
        widget = self.widgets.get(message_id)
        if widget is not None and not widget.streaming:
            widget.begin_stream(content, reasoning)

    def append(self, message_id: str, content: str, reasoning: str) -> None:
        widget = self.widgets.get(message_id)
        if widget is not None and widget.streaming:
            widget.append(content, reasoning)

    def finish(self, message: Message) -> None:
        widget = self.widgets.get(message.id)
        if widget is not None:
            widget.finish(message)

    def restore_edit(self, message_id: str, text: str) -> None:
        """An edit that could not be sent goes back into its editor."""
        widget = self.widgets.get(message_id)
        if widget is not None:
            widget.start_edit(text)

    def scroll_to_message(self, message_id: str) -> bool:
        """Scrolls ``message_id`` to the top of the view (as far as the scroll goes) and
        outlines it for a moment; False if it is not shown."""
        widget = self.widgets.get(message_id)
        if widget is None:
            return False
        self._stick = False  # the user is reading here: a stream elsewhere must not pull down
        layout = self.inner.layout()
        if layout is not None:
            layout.activate()  # the new widgets' places, before the scroll is computed
        self._highlight(widget)
        self._anchor = message_id  # held while the messages above it still settle their heights
        self._to_anchor()
        return True

    def _on_range(self, _low: int, high: int) -> None:
        if self._anchor:
            self._to_anchor()
        elif self._stick:
            self.verticalScrollBar().setValue(high)

    def _to_anchor(self) -> None:
        widget = self.widgets.get(self._anchor)
        if widget is not None:
            self.verticalScrollBar().setValue(widget.y() - self.column.contentsMargins().top())

    def _highlight(self, widget: MessageWidget) -> None:
        self._unhighlight()
        frame = QFrame(widget)
        frame.setObjectName("found")
        frame.setStyleSheet(
            f"QFrame#found {{ border: {HIGHLIGHT_BORDER}px solid palette(highlight); border-radius: 6px; }}"
        )
        frame.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        frame.setGeometry(widget.rect())
        widget.installEventFilter(self)  # the outline follows the message as its height settles
        frame.show()
        frame.raise_()
        self.highlight = frame
        self.highlighted = widget.message.id
        QTimer.singleShot(HIGHLIGHT_MS, frame, self._unhighlight)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        frame = self.highlight
        if (
            event.type() == QEvent.Type.Resize
            and frame is not None
            and shiboken6.isValid(frame)
            and isinstance(watched, QWidget)
            and frame.parent() == watched
        ):
            frame.setGeometry(watched.rect())
        return super().eventFilter(watched, event)

    def _unhighlight(self) -> None:
        # The outline goes with its message's widget when another branch is shown.
        if self.highlight is not None and shiboken6.isValid(self.highlight):
            self.highlight.deleteLater()
        self.highlight = None
        self.highlighted = ""
        self._anchor = ""

    def scroll_to_bottom(self) -> None:
        self._anchor = ""
        self._stick = True
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _make_widget(self, message: Message) -> MessageWidget:
        # Imported on the first message shown: the rendering is not needed for the first paint.
        from desktop_client.ui.chat.message_widget import MessageWidget

        widget = MessageWidget(message, self.attachments)
        widget.copy_requested.connect(lambda text: QGuiApplication.clipboard().setText(text))
        widget.edit_submitted.connect(self.edit_submitted)
        widget.regenerate_requested.connect(self.regenerate_requested)
        widget.continue_requested.connect(self.continue_requested)
        widget.version_requested.connect(self.version_requested)
        widget.pick_model_requested.connect(self.pick_model_requested)
        return widget

    def _set_widgets(self, widgets: list[MessageWidget]) -> None:
        keep = {id(w) for w in widgets}
        # Take every message out first: inserting a widget the layout already holds would
        # leave a second layout item that outlives the widget.
        for widget in list(self.widgets.values()):
            self.column.removeWidget(widget)
            if id(widget) not in keep:
                widget.hide()
                widget.deleteLater()
        self.widgets = {w.message.id: w for w in widgets}
        for index, widget in enumerate(widgets):
            self.column.insertWidget(index + 1, widget)
        self._stick = True
        self._anchor = ""
