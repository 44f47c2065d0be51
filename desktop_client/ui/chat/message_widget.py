"""One message in the conversation view: rendered Markdown, reasoning apart, actions.

While an answer streams, text is collected and applied on a timer (not per token); only
the still-open Markdown block is re-rendered, finished blocks are appended once, so the
work per update does not grow with the answer's length.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import replace
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QSize, QSizeF, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
    QPixmap,
    QResizeEvent,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.errors import ErrorKind, server_said
from desktop_client.core.storage.chats import Message, Status
from desktop_client.ui.errors import headline_and_fix, tr_error
from desktop_client.ui.qtutils import named, spawn

if TYPE_CHECKING:
    from desktop_client.core.render.lines import LineCutter
    from desktop_client.core.render.markdown import StreamingMarkdown


def _markdown() -> Any:
    """The renderer (markdown-it, Pygments) loads on the first message, not on the way to
    the first painted window."""
    from desktop_client.core.render import markdown

    return markdown


def _lines() -> Any:
    from desktop_client.core.render import lines

    return lines


RENDER_INTERVAL_MS = 50
LONG_ANSWER = 20_000  # characters: above this, final rendering never runs on the GUI thread
PREVIEW_CHARS = 4_000
SEGMENT_FRAGMENTS = 24  # blocks per document: bounds Qt's layout work per update
TICK_BUDGET = 0.012  # seconds of parsing and layout per render tick
PARSE_SLICE = 512  # characters given to the Markdown parser at a time
SKIP_SLICE = 1 << 18  # characters of a line cut for display given at a time (only counted)


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


class MessageWidget(QFrame):
    copy_requested = Signal(str)
    edit_submitted = Signal(str, str)  # message id, new text
    regenerate_requested = Signal(str)
    continue_requested = Signal(str)
    version_requested = Signal(str)  # the sibling message id to show
    pick_model_requested = Signal()

    def __init__(self, message: Message, attachments_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.message = message
        self.attachments_dir = attachments_dir
        self.siblings: list[str] = [message.id]
        self._code_blocks: list[str] = []
        self._stream: StreamingMarkdown | None = None
        self._pending_content: list[str] = []
        self._pending_reasoning: list[str] = []
        self.renders = 0  # for the benchmark: how many updates reached the document
        self._backlog: list[str] = []  # frozen blocks not yet on screen
        self._unparsed: deque[str] = deque()  # streamed text not yet given to the Markdown parser
        self._parsed_upto = 0  # of _unparsed[0]: slicing a 5 MB chunk per piece would be quadratic
        self._reasoning_cutter: LineCutter | None = None
        self._finishing: Message | None = None
        self._render_generation = 0
        self.setObjectName("message")
        is_user = message.role == "user"
        self.setStyleSheet(
            "#message { border-radius: 8px; background: %s; }" % ("#e8f0fe" if is_user else "palette(base)")
        )

        self.role_label = QLabel()
        self.role_label.setStyleSheet("font-weight: 600;")
        self.meta_label = QLabel()
        self.meta_label.setStyleSheet("color: palette(mid);")
        self.prev_btn = QToolButton()
        self.prev_btn.setText("‹")
        self.version_label = QLabel()
        self.next_btn = QToolButton()
        self.next_btn.setText("›")
        header = QHBoxLayout()
        header.addWidget(self.role_label)
        header.addWidget(self.meta_label, 1)
        header.addWidget(self.prev_btn)
        header.addWidget(self.version_label)
        header.addWidget(self.next_btn)

        self.reasoning_toggle = QToolButton()
        self.reasoning_toggle.setCheckable(True)
        self.reasoning_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.reasoning_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.reasoning_view = AutoHeightBrowser()
        self.reasoning_view.setStyleSheet("QTextBrowser { background: transparent; color: #5f6368; }")
        self.reasoning_view.setVisible(False)
        self.body = SegmentedBody()
        self.body.anchor_activated.connect(self._on_anchor)

        self.attachments_row = QHBoxLayout()
        self.attachments_row.addStretch(1)

        self.editor = QPlainTextEdit()
        self.editor.setVisible(False)
        self.editor.setMaximumHeight(160)
        self.save_edit_btn = QPushButton()
        self.cancel_edit_btn = QPushButton()
        edit_row = QHBoxLayout()
        edit_row.addStretch(1)
        edit_row.addWidget(self.cancel_edit_btn)
        edit_row.addWidget(self.save_edit_btn)
        self.edit_row = QWidget()
        self.edit_row.setLayout(edit_row)
        self.edit_row.setVisible(False)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_btn = QPushButton()
        self.edit_btn = QPushButton()
        self.regenerate_btn = QPushButton()
        self.continue_btn = QPushButton()
        self.pick_model_btn = QPushButton()
        actions = QHBoxLayout()
        actions.addWidget(self.status_label, 1)
        for button in (self.pick_model_btn, self.continue_btn, self.regenerate_btn, self.edit_btn, self.copy_btn):
            button.setFlat(True)
            actions.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.reasoning_toggle)
        layout.addWidget(self.reasoning_view)
        layout.addWidget(self.body)
        layout.addLayout(self.attachments_row)
        layout.addWidget(self.editor)
        layout.addWidget(self.edit_row)
        layout.addLayout(actions)

        self._timer = QTimer(self)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._apply_pending)

        self.reasoning_toggle.toggled.connect(self._on_reasoning_toggled)
        self.copy_btn.clicked.connect(lambda: self.copy_requested.emit(self.message.content))
        self.edit_btn.clicked.connect(lambda: self.start_edit())
        self.cancel_edit_btn.clicked.connect(self.cancel_edit)
        self.save_edit_btn.clicked.connect(self._submit_edit)
        self.regenerate_btn.clicked.connect(lambda: self.regenerate_requested.emit(self.message.id))
        self.continue_btn.clicked.connect(lambda: self.continue_requested.emit(self.message.id))
        self.pick_model_btn.clicked.connect(self.pick_model_requested)
        self.prev_btn.clicked.connect(lambda: self._step_version(-1))
        self.next_btn.clicked.connect(lambda: self._step_version(1))

        self.show_message(message)

    # ----- i18n ------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.role_label.setText(self.tr("You") if self.message.role == "user" else self.tr("Assistant"))
        self.copy_btn.setText(self.tr("Copy"))
        self.edit_btn.setText(self.tr("Edit"))
        self.regenerate_btn.setText(self.tr("Regenerate"))
        self.continue_btn.setText(self.tr("Continue"))
        self.pick_model_btn.setText(self.tr("Pick a model…"))
        self.save_edit_btn.setText(self.tr("Save and send"))
        self.cancel_edit_btn.setText(self.tr("Cancel"))
        self.reasoning_toggle.setText(self.tr("Reasoning"))
        for widget, name in (
            (self.copy_btn, self.tr("Copy message")),
            (self.edit_btn, self.tr("Edit message")),
            (self.regenerate_btn, self.tr("Regenerate answer")),
            (self.continue_btn, self.tr("Continue answer")),
            (self.pick_model_btn, self.tr("Pick a model")),
            (self.save_edit_btn, self.tr("Save and send")),
            (self.cancel_edit_btn, self.tr("Cancel editing")),
            (self.reasoning_toggle, self.tr("Show reasoning")),
            (self.prev_btn, self.tr("Previous version")),
            (self.next_btn, self.tr("Next version")),
            (self.editor, self.tr("Edit message text")),
        ):
            named(widget, name)
        self._refresh_chrome()

    def _cut_words(self) -> str:
        return self.tr("… [line cut for display: %1 characters — Copy gets the full text]")

    def _reasoning_cut_words(self) -> str:
        # The Copy button copies the answer, not the reasoning; an export has both whole.
        return self.tr("… [line cut for display: %1 characters — an export keeps the full text]")

    def _localize(self, html: str) -> str:
        """The renderer is Qt-free and English: its Copy links and cut marks get the UI's words."""
        html = html.replace('">Copy</a>', f'">{self.tr("Copy")}</a>')
        filled: str = _lines().fill_marks(html, self._cut_words(), escape=html_escape)
        return filled

    # ----- content -----------------------------------------------------------
    def show_message(self, message: Message, siblings: list[str] | None = None) -> None:
        """Shows a stored message (final rendering)."""
        self.message = message
        if siblings is not None:
            self.siblings = siblings
        if message.role == "user":
            self.body.set_plain_text(_lines().cut_plain(message.content, self._cut_words()))
        else:
            self._render_final(message.content)
        self._set_reasoning(message.reasoning)
        self._show_attachments()
        self.retranslate()

    def _render_final(self, text: str) -> None:
        self._render_generation += 1
        if len(text) <= LONG_ANSWER:
            rendered = _markdown().render_markdown(text)
            self._code_blocks = list(rendered.code_blocks)
            self.body.set_html(self._localize(rendered.html))
            self.renders += 1
            return
        # A long answer is converted off the GUI thread and laid out a few blocks per turn
        # of the event loop; its start shows meanwhile.
        self.body.set_plain_text(text[:PREVIEW_CHARS] + "…")
        spawn(self._render_long(text, self._render_generation))

    async def _render_long(self, text: str, generation: int) -> None:
        def convert() -> tuple[list[str], str, list[str]]:
            stream = _markdown().StreamingMarkdown()
            stream.append(text)
            fragments = stream.take_frozen()
            return fragments, stream.tail_html(), list(stream.code_blocks)

        fragments, tail, code_blocks = await asyncio.to_thread(convert)
        if generation != self._render_generation:
            return
        self.body.clear()
        for start in range(0, len(fragments), SEGMENT_FRAGMENTS):
            batch = fragments[start : start + SEGMENT_FRAGMENTS]
            self.body.append_fragments([self._localize(f) for f in batch])
            await asyncio.sleep(0)
            if generation != self._render_generation:
                return
        self.body.set_tail(self._localize(tail))
        self._code_blocks = code_blocks
        self.renders += 1

    def _set_reasoning(self, text: str) -> None:
        has = bool(text.strip())
        self.reasoning_toggle.setVisible(has)
        if has:
            self.reasoning_view.setPlainText(_lines().cut_plain(text, self._reasoning_cut_words()))
        self.reasoning_view.setVisible(has and self.reasoning_toggle.isChecked())

    def _show_attachments(self) -> None:
        while self.attachments_row.count() > 1:
            item = self.attachments_row.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for name in self.message.attachments:
            path = self.attachments_dir / Path(name).name
            label = QLabel()
            pixmap = QPixmap(str(path))
            if pixmap.isNull():
                label.setText(self.tr("(image missing: %1)").replace("%1", Path(name).name))
            else:
                label.setPixmap(
                    pixmap.scaled(
                        QSize(160, 160),
                        Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation,
                    )
                )
                label.setToolTip(Path(name).name)
            named(label, self.tr("Attached image"))
            self.attachments_row.insertWidget(self.attachments_row.count() - 1, label)

    # ----- streaming -----------------------------------------------------------
    def begin_stream(self, initial_content: str = "", initial_reasoning: str = "") -> None:
        self._stream = _markdown().StreamingMarkdown()
        self._backlog = []
        self._unparsed.clear()
        self._parsed_upto = 0
        self._finishing = None
        self._code_blocks = []
        self._reasoning_cutter = self._new_reasoning_cutter()
        self.body.clear()
        self.message = _with_status(self.message, Status.STREAMING)
        self._pending_content = [initial_content] if initial_content else []
        self._pending_reasoning = [initial_reasoning] if initial_reasoning else []
        self.reasoning_view.clear()
        self._timer.start()
        self._refresh_chrome()

    def _new_reasoning_cutter(self) -> LineCutter:
        lines, words = _lines(), self._reasoning_cut_words()
        cutter: LineCutter = lines.LineCutter(token=lambda _index, length: lines.words_for(words, length))
        return cutter

    def append(self, content: str, reasoning: str) -> None:
        if content:
            self._pending_content.append(content)
        if reasoning:
            self._pending_reasoning.append(reasoning)

    def _apply_pending(self) -> None:
        if self._pending_reasoning:
            text = "".join(self._pending_reasoning)
            self._pending_reasoning.clear()
            self.reasoning_toggle.setVisible(True)
            if self._reasoning_cutter is not None:
                text = self._reasoning_cutter.feed(text)
            self._append_reasoning(text)
        if self._stream is None:
            return
        if self._pending_content:
            self._unparsed.append("".join(self._pending_content))
            self._pending_content.clear()
        elif not self._unparsed and not self._backlog and self._finishing is None:
            return
        # A time budget per tick, for parsing and for layout: under a burst the display
        # lags a little behind, the window never freezes, and it catches up within a few ticks.
        started = time.perf_counter()
        while self._unparsed and time.perf_counter() - started < TICK_BUDGET / 2:
            chunk = self._unparsed[0]
            start = self._parsed_upto
            if self._stream.cutting:
                # Past the cap a line is only counted, not parsed: up to its end at once.
                nl = chunk.find("\n", start, start + SKIP_SLICE)
                end = start + SKIP_SLICE if nl < 0 else nl + 1
            else:
                end = start + PARSE_SLICE
            piece = chunk[start:end]
            self._parsed_upto += len(piece)
            if self._parsed_upto >= len(chunk):
                self._unparsed.popleft()
                self._parsed_upto = 0
            self._stream.append(piece)
            self._backlog.extend(self._stream.take_frozen())
        taken = 0
        while taken < len(self._backlog) and (taken == 0 or time.perf_counter() - started < TICK_BUDGET):
            self.body.append_fragments([self._localize(self._backlog[taken])])
            taken += 1
        del self._backlog[:taken]
        if not self._backlog and not self._unparsed:
            self.body.set_tail(self._localize(self._stream.tail_html()))
            self._code_blocks = list(self._stream.code_blocks)
            if self._finishing is not None:
                self._complete(self._finishing)
        self.renders += 1

    def finish(self, message: Message) -> None:
        if self._stream is not None and len(message.content) > LONG_ANSWER:
            # Every block is rendered already; the timer drains what is left, then the
            # widget settles. A full re-render would freeze the window.
            self._finishing = message
            self._apply_pending()
            return
        self._complete(message, rerender=True)

    def _complete(self, message: Message, *, rerender: bool = False) -> None:
        self._timer.stop()
        self._pending_content.clear()
        self._pending_reasoning.clear()
        self._backlog = []
        self._unparsed.clear()
        self._parsed_upto = 0
        self._finishing = None
        self._stream = None
        cutter, self._reasoning_cutter = self._reasoning_cutter, None
        if rerender:
            self.show_message(message)
            return
        self.message = message
        if cutter is not None:
            self._append_reasoning(cutter.close())  # a reasoning line still being cut when the answer ended
        self._show_attachments()
        self.retranslate()

    def _append_reasoning(self, text: str) -> None:
        if text:
            cursor = QTextCursor(self.reasoning_view.document())
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertText(text)

    @property
    def streaming(self) -> bool:
        return self._stream is not None

    # ----- actions ---------------------------------------------------------------
    def _error_text(self, message: Message) -> str:
        try:
            kind = ErrorKind(message.error_kind)
        except ValueError:
            return message.error
        headline, fix = headline_and_fix(kind)
        text = f"{headline}. {fix}"
        if message.error_detail:
            text += " " + server_said(message.error_detail, tr_error)
        return text

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "copy":
            index = int(url.path() or "0") if url.path().isdigit() else -1
            if 0 <= index < len(self._code_blocks):
                self.copy_requested.emit(self._code_blocks[index])
                self.status_label.setText(self.tr("Code copied"))
            return
        if url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def start_edit(self, text: str | None = None) -> None:
        self.editor.setPlainText(self.message.content if text is None else text)
        self.editor.setVisible(True)
        self.edit_row.setVisible(True)
        self.body.setVisible(False)
        self.editor.setFocus()

    def cancel_edit(self) -> None:
        self.editor.setVisible(False)
        self.edit_row.setVisible(False)
        self.body.setVisible(True)

    def _submit_edit(self) -> None:
        text = self.editor.toPlainText()
        if text.strip():
            self.cancel_edit()
            self.edit_submitted.emit(self.message.id, text)

    def _step_version(self, step: int) -> None:
        index = self.siblings.index(self.message.id) if self.message.id in self.siblings else 0
        target = index + step
        if 0 <= target < len(self.siblings):
            self.version_requested.emit(self.siblings[target])

    def _on_reasoning_toggled(self, shown: bool) -> None:
        self.reasoning_toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.reasoning_view.setVisible(shown)

    def _refresh_chrome(self) -> None:
        message = self.message
        is_user = message.role == "user"
        streaming = self._stream is not None
        multiple = len(self.siblings) > 1
        for widget in (self.prev_btn, self.next_btn, self.version_label):
            widget.setVisible(multiple and not streaming)
        if multiple and message.id in self.siblings:
            index = self.siblings.index(message.id)
            self.version_label.setText(f"{index + 1}/{len(self.siblings)}")
            self.prev_btn.setEnabled(index > 0)
            self.next_btn.setEnabled(index < len(self.siblings) - 1)
        meta: list[str] = []
        if not is_user and message.model:
            meta.append(message.model)
        if message.created:
            meta.append(time.strftime("%H:%M", time.localtime(message.created)))
        if message.prompt_tokens is not None or message.completion_tokens is not None:
            usage = self.tr("%1 in · %2 out").replace("%1", str(message.prompt_tokens or 0))
            usage = usage.replace("%2", str(message.completion_tokens or 0))
            if message.reasoning_tokens:
                usage += " " + self.tr("(%1 reasoning)").replace("%1", str(message.reasoning_tokens))
            meta.append(usage)
        self.meta_label.setText("  ·  ".join(meta))
        self.copy_btn.setVisible(not streaming and bool(message.content))
        self.edit_btn.setVisible(is_user and not streaming)
        done = message.status in (Status.COMPLETE, Status.STOPPED, Status.INTERRUPTED, Status.FAILED)
        self.regenerate_btn.setVisible(not is_user and done and not streaming)
        resumable = message.status in (Status.STOPPED, Status.INTERRUPTED, Status.FAILED) or (
            message.status is Status.COMPLETE and message.finish_reason == "length"
        )
        self.continue_btn.setVisible(not is_user and resumable and bool(message.content) and not streaming)
        self.pick_model_btn.setVisible(not is_user and message.error_kind == ErrorKind.NOT_FOUND and not streaming)
        status = {
            Status.STREAMING: self.tr("Answering…"),
            Status.STOPPED: self.tr("Stopped. What arrived is kept."),
            Status.INTERRUPTED: self.tr(
                "Interrupted: Keyhold closed before the answer finished. What arrived is kept."
            ),
            Status.FAILED: self.tr("Failed: %1").replace("%1", self._error_text(message)),
        }.get(message.status, "")
        if message.status is Status.COMPLETE and message.finish_reason == "length":
            status = self.tr("Cut off at the token limit.")
        if message.status is Status.COMPLETE and message.finish_reason == "content_filter":
            status = self.tr("Stopped by the provider's content filter.")
        self.status_label.setText(status)
        self.status_label.setToolTip(message.error)  # the exact words, for a bug report
        self.status_label.setStyleSheet(
            "color: #b3261e;" if message.status in (Status.FAILED, Status.INTERRUPTED) else "color: palette(mid);"
        )


def _with_status(message: Message, status: Status) -> Message:
    return replace(message, status=status)


def copy_to_clipboard(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


__all__ = ["AutoHeightBrowser", "MessageWidget", "SegmentedBody", "copy_to_clipboard"]
