"""Where a question is written: the text, attached images, Send and Stop."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QEvent, QIODevice, QMimeData, QObject, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.ui.design import Space, set_icon
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import named
from desktop_client.ui.widgets.prompt_edit import PromptEdit

MIN_HEIGHT = 44


class Composer(PromptEdit):
    """Enter (or Ctrl+Enter) sends, Shift+Enter breaks the line (PromptEdit's keys); images can be
    pasted or dropped."""

    images_added = Signal(list)  # list[bytes]

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:
        images: list[bytes] = []
        if source.hasUrls():
            for url in source.urls():
                if url.isLocalFile():
                    try:
                        images.append(Path(url.toLocalFile()).read_bytes())
                    except OSError:
                        continue
        elif source.hasImage():
            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            source.imageData().save(buffer, "PNG")
            images.append(bytes(buffer.data().data()))
        if images:
            self.images_added.emit(images)
            return
        super().insertFromMimeData(source)


class ComposerPanel(Retranslatable, QWidget):
    """The composer with its buttons. Says what the user asks for; the presenter decides."""

    send_requested = Signal()
    stop_requested = Signal()
    images_added = Signal(list)  # list[bytes]: pasted, dropped or chosen
    running_changed = Signal(bool)  # an answer started or ended: Esc stops it while it runs

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = Composer()
        self.edit.setFixedHeight(MIN_HEIGHT)
        self.attach_btn = QToolButton()
        set_icon(self.attach_btn, "attach")
        self.attachments_label = QLabel()
        self.attachments_label.setProperty("muted", True)
        self.attachments_label.setVisible(False)
        self.send_btn = QPushButton()
        self.send_btn.setProperty("variant", "primary")
        set_icon(self.send_btn, "send")
        self.stop_btn = QPushButton()
        set_icon(self.stop_btn, "stop")
        self.stop_btn.setVisible(False)
        # One rounded field holds the text and, under it, the attach button and Send / Stop.
        self.frame = QFrame()
        self.frame.setObjectName("composerFrame")
        tools = QHBoxLayout()
        tools.setSpacing(Space.S)
        tools.addWidget(self.attach_btn)
        tools.addWidget(self.attachments_label)
        tools.addStretch(1)
        tools.addWidget(self.stop_btn)
        tools.addWidget(self.send_btn)
        inside = QVBoxLayout(self.frame)
        inside.setContentsMargins(Space.M, Space.S, Space.S, Space.S)
        inside.setSpacing(Space.XS)
        inside.addWidget(self.edit)
        inside.addLayout(tools)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(Space.L, Space.XS, Space.L, Space.M)
        layout.addWidget(self.frame)
        self.setFocusProxy(self.edit)
        self.edit.installEventFilter(self)

        self.edit.textChanged.connect(self._fit)
        self.edit.submitted.connect(self.send_requested)
        self.edit.images_added.connect(self.images_added)
        self.send_btn.clicked.connect(self.send_requested)
        self.stop_btn.clicked.connect(self.stop_requested)
        self.attach_btn.clicked.connect(self._choose_images)
        self.retranslate()

    def retranslate(self) -> None:
        self.edit.set_hints(
            self.tr("Ask anything. Enter sends, Shift+Enter starts a new line."),
            self.tr("Ask anything. Ctrl+Enter sends, Enter starts a new line."),
        )
        self.send_btn.setText(self.tr("Send"))
        self.stop_btn.setText(self.tr("Stop"))
        named(self.edit, self.tr("Message"))
        named(self.attach_btn, self.tr("Attach images"))
        named(self.send_btn, self.tr("Send"))
        named(self.stop_btn, self.tr("Stop the answer"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            # Stylesheets have no :focus-within: the frame's outline follows the text's focus.
            self.frame.setProperty("focused", event.type() == QEvent.Type.FocusIn)
            self.frame.style().unpolish(self.frame)
            self.frame.style().polish(self.frame)
        return super().eventFilter(watched, event)

    def text(self) -> str:
        return self.edit.toPlainText()

    def clear_text(self) -> None:
        self.edit.clear()

    def show_running(self, running: bool) -> None:
        """While an answer arrives, Stop stands in for Send."""
        self.send_btn.setVisible(not running)
        self.stop_btn.setVisible(running)
        self.stop_btn.setEnabled(running)
        self.running_changed.emit(running)

    def show_stopping(self) -> None:
        self.stop_btn.setEnabled(False)  # once is enough: the answer is being saved

    def show_attachments(self, count: int) -> None:
        self.attachments_label.setVisible(count > 0)  # the attach button stays put beside it
        self.attachments_label.setText(self.tr("%n image(s) attached", "", count))

    def _fit(self) -> None:
        """Grows with the text up to eight lines, then scrolls."""
        lines = max(2, min(8, self.edit.document().blockCount()))
        height = self.edit.fontMetrics().lineSpacing() * lines + Space.S
        self.edit.setFixedHeight(max(MIN_HEIGHT, height))

    def _choose_images(self) -> None:
        dialog = QFileDialog(self, self.tr("Attach images"))
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilter(self.tr("Images (*.png *.jpg *.jpeg *.webp *.gif)"))
        dialog.filesSelected.connect(lambda files: self.images_added.emit([Path(f).read_bytes() for f in files]))
        dialog.open()
