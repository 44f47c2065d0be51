"""One message in the conversation view: rendered Markdown, reasoning apart, actions.

While an answer streams, text is collected and applied on a timer (not per token); only
the still-open Markdown block is re-rendered, finished blocks are appended once, so the
work per update does not grow with the answer's length. What streamed is what stays: when
the answer ends, the streamed documents are kept as they are, so nothing reflows.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import replace
from html import escape as html_escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QDesktopServices,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.errors import ErrorKind
from desktop_client.core.services.chat_types import Message, Status
from desktop_client.ui.chat.message_body import (
    SEGMENT_FRAGMENTS,
    AttachmentStrip,
    AutoHeightBrowser,
    SegmentedBody,
)
from desktop_client.ui.chat.message_texts import meta_text, status_text
from desktop_client.ui.design import Space, set_icon, set_type
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import named, spawn
from desktop_client.ui.widgets.notice import error_color, is_dark

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


# Code in the languages answers use most, a table and a formula: rendering them once loads
# markdown-it, Pygments and pylatexenc and compiles these lexers' patterns.
_WARM_UP = "\n\n".join(
    [
        "# A *b* `c` $x^2$",
        "| a | b |\n|---|---|\n| 1 | 2 |",
        *(f"```{lang}\nx\n```" for lang in ("python", "bash", "javascript", "typescript", "json", "text")),
    ]
)


class _Renderer:
    loaded = False


async def load_renderer() -> None:
    """Loads the Markdown renderer on a worker thread, once. On the GUI thread, the first
    message shown or streamed froze the window for 100-250 ms while it loaded."""
    if not _Renderer.loaded:
        await asyncio.to_thread(lambda: _markdown().render_markdown(_WARM_UP))
        _Renderer.loaded = True


RENDER_INTERVAL_MS = 50
CATCH_UP_MS = 20  # the next tick comes sooner while the display trails what arrived
LONG_ANSWER = 20_000  # characters: above this, final rendering never runs on the GUI thread
PREVIEW_CHARS = 4_000
TICK_BUDGET = 0.008  # seconds of parsing and layout per render tick
PARSE_SLICE = 512  # characters given to the Markdown parser at a time
SKIP_SLICE = 1 << 18  # characters of a line cut for display given at a time (only counted)


class MessageWidget(Retranslatable, QFrame):
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
        self._streamed: list[str] = []  # the whole text given to the stream, to compare at the end
        self._shown_tail: str | None = None  # the tail's HTML on screen: the same again is not laid out
        self.renders = 0  # for the benchmark: how many updates reached the document
        self._backlog: list[str] = []  # frozen blocks not yet on screen
        self._unparsed: deque[str] = deque()  # streamed text not yet given to the Markdown parser
        self._parsed_upto = 0  # of _unparsed[0]: slicing a 5 MB chunk per piece would be quadratic
        self._reasoning_cutter: LineCutter | None = None
        self._finishing: Message | None = None
        self._render_generation = 0
        self._rendered_dark: bool | None = None  # the palette the shown Markdown was rendered for
        self.setObjectName("message")
        # A question on the palette's alternate base, an answer a card on its base (design.py).
        self.setProperty("card", "user" if message.role == "user" else "true")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(Space.L, Space.M, Space.L, Space.S)
        layout.setSpacing(Space.XS)
        layout.addLayout(self._build_header())
        self._build_body(layout)
        self._build_editor(layout)
        layout.addLayout(self._build_actions())

        self._timer = QTimer(self)
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.timeout.connect(self._apply_pending)
        self._connect()
        self.show_message(message)  # retranslates, once the message is there to name

    def _build_header(self) -> QHBoxLayout:
        self.role_label = QLabel()
        set_type(self.role_label, "strong")
        self.meta_label = QLabel()
        self.meta_label.setProperty("muted", True)
        set_type(self.meta_label, "caption")
        self.prev_btn = QToolButton()
        set_icon(self.prev_btn, "chevron-left")
        self.version_label = QLabel()
        self.version_label.setProperty("muted", True)
        self.next_btn = QToolButton()
        set_icon(self.next_btn, "chevron-right")
        header = QHBoxLayout()
        header.setSpacing(Space.S)
        header.addWidget(self.role_label)
        header.addWidget(self.meta_label, 1)
        header.addWidget(self.prev_btn)
        header.addWidget(self.version_label)
        header.addWidget(self.next_btn)
        return header

    def _build_body(self, layout: QVBoxLayout) -> None:
        self.reasoning_toggle = QToolButton()
        self.reasoning_toggle.setCheckable(True)
        self.reasoning_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        set_icon(self.reasoning_toggle, "chevron-right")
        self.reasoning_view = AutoHeightBrowser()
        self.reasoning_view.setStyleSheet(
            "QTextBrowser { background: transparent; color: palette(placeholder-text); }"
        )
        self.reasoning_view.setVisible(False)
        self.body = SegmentedBody()
        self.attachments = AttachmentStrip()
        layout.addWidget(self.reasoning_toggle)
        layout.addWidget(self.reasoning_view)
        layout.addWidget(self.body)
        layout.addWidget(self.attachments)

    def _build_editor(self, layout: QVBoxLayout) -> None:
        self.editor = QPlainTextEdit()
        self.editor.setVisible(False)
        self.editor.setMaximumHeight(160)
        self.save_edit_btn = QPushButton()
        self.save_edit_btn.setProperty("variant", "primary")
        self.cancel_edit_btn = QPushButton()
        edit_row = QHBoxLayout()
        edit_row.addStretch(1)
        edit_row.addWidget(self.cancel_edit_btn)
        edit_row.addWidget(self.save_edit_btn)
        self.edit_row = QWidget()
        self.edit_row.setLayout(edit_row)
        self.edit_row.setVisible(False)
        layout.addWidget(self.editor)
        layout.addWidget(self.edit_row)

    def _build_actions(self) -> QHBoxLayout:
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
        actions.setSpacing(Space.XS)
        for button, name in (
            (self.pick_model_btn, "sliders"),
            (self.continue_btn, "continue"),
            (self.regenerate_btn, "regenerate"),
            (self.edit_btn, "edit"),
            (self.copy_btn, "copy"),
        ):
            button.setFlat(True)
            set_icon(button, name)
            set_type(button, "caption")
            actions.addWidget(button)
        return actions

    def _connect(self) -> None:
        self.body.anchor_activated.connect(self._on_anchor)
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

    # ----- i18n ------------------------------------------------------------
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
        self.attachments.show_images(self.message.attachments, self.attachments_dir)
        self.retranslate()

    @property
    def _dark(self) -> bool:
        return is_dark(self.palette())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # A theme switched while the app runs: code blocks and tables follow (a streaming answer
        # is rendered again when it ends).
        if (
            event.type() == QEvent.Type.PaletteChange
            and self._stream is None
            and self.message.role != "user"
            and self._rendered_dark is not None
            and self._rendered_dark != self._dark
        ):
            self._render_final(self.message.content)

    def _render_final(self, text: str) -> None:
        self._render_generation += 1
        self._rendered_dark = self._dark
        if len(text) <= LONG_ANSWER:
            rendered = _markdown().render_markdown(text, dark=self._dark)
            self._code_blocks = list(rendered.code_blocks)
            self.body.set_html(self._localize(rendered.html))
            self.renders += 1
            return
        # A long answer is converted off the GUI thread and laid out a few blocks per turn
        # of the event loop; its start shows meanwhile.
        self.body.set_plain_text(text[:PREVIEW_CHARS] + "…")
        spawn(self._render_long(text, self._render_generation))

    async def _render_long(self, text: str, generation: int) -> None:
        dark = self._dark

        def convert() -> tuple[list[str], str, list[str]]:
            stream = _markdown().StreamingMarkdown(dark=dark)
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

    # ----- streaming -----------------------------------------------------------
    def begin_stream(self, initial_content: str = "", initial_reasoning: str = "") -> None:
        self._render_generation += 1  # a long answer still rendering off-thread must not land on the stream
        self._stream = _markdown().StreamingMarkdown(dark=self._dark)
        self._rendered_dark = self._dark
        self._backlog = []
        self._unparsed.clear()
        self._parsed_upto = 0
        self._finishing = None
        self._code_blocks = []
        self._reasoning_cutter = self._new_reasoning_cutter()
        self.body.clear()
        self._shown_tail = None
        self.message = replace(self.message, status=Status.STREAMING)
        self._pending_content = [initial_content] if initial_content else []
        self._streamed = list(self._pending_content)
        self._pending_reasoning = [initial_reasoning] if initial_reasoning else []
        self.reasoning_view.clear()
        self._timer.setInterval(RENDER_INTERVAL_MS)
        self._timer.start()
        self._refresh_chrome()

    def _new_reasoning_cutter(self) -> LineCutter:
        lines, words = _lines(), self._reasoning_cut_words()
        cutter: LineCutter = lines.LineCutter(token=lambda _index, length: lines.words_for(words, length))
        return cutter

    def append(self, content: str, reasoning: str) -> None:
        if content:
            self._pending_content.append(content)
            self._streamed.append(content)
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
        # Each tick stays within its budget; while behind, more ticks (other events run between).
        behind = bool(self._unparsed or self._backlog)
        interval = CATCH_UP_MS if behind else RENDER_INTERVAL_MS
        if self._timer.interval() != interval:
            self._timer.setInterval(interval)
        if not self._backlog and not self._unparsed:
            tail = self._localize(self._stream.tail_html())
            if tail != self._shown_tail:
                self._shown_tail = tail
                self.body.set_tail(tail)
            self._code_blocks = list(self._stream.code_blocks)
            if self._finishing is not None:
                self._complete(self._finishing)
        self.renders += 1

    def finish(self, message: Message) -> None:
        if (
            self._stream is not None
            and self._rendered_dark == self._dark
            and "".join(self._streamed) == message.content
        ):
            # What streamed is the answer, already laid out as it ends: the timer drains what
            # is left and the widget settles. Rendering it again would reflow it (and freeze
            # the window on a long answer).
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
        self._streamed = []
        cutter, self._reasoning_cutter = self._reasoning_cutter, None
        if rerender:
            self.show_message(message)
            return
        self.message = message
        if cutter is not None:
            self._append_reasoning(cutter.close())  # a reasoning line still being cut when the answer ended
        self.attachments.show_images(self.message.attachments, self.attachments_dir)
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
        set_icon(self.reasoning_toggle, "chevron-down" if shown else "chevron-right")
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
        self.meta_label.setText(meta_text(message))
        self.copy_btn.setVisible(not streaming and bool(message.content))
        self.edit_btn.setVisible(is_user and not streaming)
        done = message.status in (Status.COMPLETE, Status.STOPPED, Status.INTERRUPTED, Status.FAILED)
        self.regenerate_btn.setVisible(not is_user and done and not streaming)
        resumable = message.status in (Status.STOPPED, Status.INTERRUPTED, Status.FAILED) or (
            message.status is Status.COMPLETE and message.finish_reason == "length"
        )
        self.continue_btn.setVisible(not is_user and resumable and bool(message.content) and not streaming)
        no_model = message.status is Status.FAILED and not message.model  # refused before asking
        self.pick_model_btn.setVisible(
            not is_user and (message.error_kind == ErrorKind.NOT_FOUND or no_model) and not streaming
        )
        self.status_label.setText(status_text(message))
        self.status_label.setToolTip(message.error)  # the exact words, for a bug report
        alarming = message.status in (Status.FAILED, Status.INTERRUPTED)
        self.status_label.setStyleSheet(
            f"color: {error_color(self.palette()).name()};" if alarming else "color: palette(placeholder-text);"
        )


__all__ = ["MessageWidget", "load_renderer"]
