"""A message's body as Qt shows it: documents as tall as their text, a body made of several
small documents so that appending to a long answer costs the same at any length, and the
row of images attached to it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, QSizeF, Qt, QUrl, Signal
from PySide6.QtGui import QPixmap, QResizeEvent, QTextCursor, QTextDocument, QTextOption
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from desktop_client.ui.i18n import tr_args
from desktop_client.ui.qtutils import clear_layout, named

SEGMENT_FRAGMENTS = 24  # blocks per document: bounds Qt's layout work per update


class AutoHeightBrowser(QTextBrowser):
    """A text browser as tall as its document: the conversation scrolls, not each message."""

    anchor_activated = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        # A long word or URL wraps instead of widening the message (Qt's default, relied on here).
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.document().setDocumentMargin(2)
        # The layout reports its new size itself: asking document().size() would lay out
        # the whole document again on every streamed update.
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.anchorClicked.connect(self.anchor_activated)
        self._width = -1

    def _fit(self, size: QSizeF) -> None:
        height = max(int(size.height()) + 4, 18)
        if height != self.height():
            self.setFixedHeight(height)

    def preset_width(self, width: int) -> None:
        if width > 0:
            self._width = width
            self.document().setTextWidth(width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.viewport().width()
        if width != self._width:  # height changes come from _fit: no relayout for those
            self._width = width
            self.document().setTextWidth(width)
            self._fit(self.document().size())


_STAND_IN = "\u2063"  # an invisible character, removed again at once


def _append_html(document: QTextDocument, html: str) -> None:
    """Appends ``html`` as blocks of their own.

    insertHtml merges the first block of what it inserts into the block at the cursor: a
    streamed paragraph would run on in the previous one, a heading or a code chunk would
    lose its format, and a segment would grow one ever longer block that Qt lays out again
    whole on every append. A stand-in first block takes the merge and is then removed."""
    cursor = QTextCursor(document)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    html = html.rstrip("\n")  # Qt would make the line end a trailing space
    if document.isEmpty():
        cursor.insertHtml(html)
        return
    start = cursor.position()
    cursor.insertHtml(f"<p>{_STAND_IN}</p>{html}")
    cursor.setPosition(start)
    cursor.movePosition(QTextCursor.MoveOperation.NextCharacter, QTextCursor.MoveMode.KeepAnchor)
    if cursor.selectedText() == _STAND_IN:
        cursor.removeSelectedText()


class SegmentedBody(QWidget):
    """A message body made of several small documents instead of one big one.

    Qt's rich-text layout slows down as a document grows (tables most of all), so an answer
    is appended in segments of at most SEGMENT_FRAGMENTS blocks, plus a small document for
    the still-open tail. Each update touches only the last segment and the tail: the work
    per update stays the same at 1k or 50k tokens."""

    anchor_activated = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.segments: list[AutoHeightBrowser] = []
        self._fragments_in_last = 0
        self.tail = self._browser()
        self._layout.addWidget(self.tail)

    def _browser(self) -> AutoHeightBrowser:
        browser = AutoHeightBrowser()
        browser.anchor_activated.connect(self.anchor_activated)
        return browser

    def clear(self) -> None:
        for segment in self.segments:
            self._layout.removeWidget(segment)
            segment.deleteLater()
        self.segments = []
        self._fragments_in_last = 0
        self.tail.clear()

    def set_html(self, html: str) -> None:
        self.clear()
        self.tail.setHtml(html)

    def set_plain_text(self, text: str) -> None:
        self.clear()
        self.tail.setPlainText(text)

    def append_fragments(self, fragments: list[str]) -> None:
        for fragment in fragments:
            if not self.segments or self._fragments_in_last >= SEGMENT_FRAGMENTS:
                segment = self._browser()
                # Lay it out at its final width from the start, not once more on first show.
                segment.preset_width(self.tail.viewport().width())
                self._layout.insertWidget(len(self.segments), segment)
                self.segments.append(segment)
                self._fragments_in_last = 0
            _append_html(self.segments[-1].document(), fragment)
            self._fragments_in_last += 1

    def set_tail(self, html: str) -> None:
        self.tail.setHtml(html)

    def toPlainText(self) -> str:
        return "\n".join(b.toPlainText() for b in (*self.segments, self.tail) if b.toPlainText())

    def toHtml(self) -> str:
        return "".join(b.toHtml() for b in (*self.segments, self.tail))


class AttachmentStrip(QWidget):
    """The images attached to a message, as thumbnails (or a line naming a missing one)."""

    THUMBNAIL = QSize(160, 160)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addStretch(1)
        self.setVisible(False)

    def show_images(self, names: tuple[str, ...], folder: Path) -> None:
        clear_layout(self._row)
        for name in names:
            label = QLabel()
            pixmap = QPixmap(str(folder / Path(name).name))
            if pixmap.isNull():
                label.setText(tr_args(self.tr("(image missing: %1)"), Path(name).name))
            else:
                scaled = pixmap.scaled(
                    self.THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
                label.setPixmap(scaled)
                label.setToolTip(Path(name).name)
            named(label, self.tr("Attached image"))
            self._row.addWidget(label)
        self._row.addStretch(1)
        self.setVisible(bool(names))


__all__ = ["SEGMENT_FRAGMENTS", "AttachmentStrip", "AutoHeightBrowser", "SegmentedBody"]
