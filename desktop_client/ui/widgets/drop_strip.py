"""The drop zone both image features use for the images they send (Midjourney's reference
images, the Images page's sources)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class DropStrip(QFrame):
    """A dashed drop zone: a row of removable thumbnails, a hint while it is empty, and a +
    button that calls ``choose``. Subclasses hold the images and draw the row."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("dropzone")

        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(6, 4, 6, 4)
        self.hint = QLabel()
        self.hint.setProperty("muted", True)
        self.add_btn = QToolButton()
        self.add_btn.setText("+")
        self.add_btn.clicked.connect(self.choose)

    def choose(self) -> None:
        raise NotImplementedError
