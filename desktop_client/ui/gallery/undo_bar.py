"""The bar that offers to undo a deletion while its window lasts."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import name_buttons_by_text

UNDO_SECONDS = 10


class UndoBar(Retranslatable, QFrame):
    undo = Signal()  # the button
    expired = Signal()  # the window is over: the deletion becomes final

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", "true")
        self.label = QLabel()
        self.undo_btn = QPushButton()
        row = QHBoxLayout(self)
        row.addWidget(self.label, 1)
        row.addWidget(self.undo_btn)
        self.setVisible(False)
        self._count = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.expired)
        self.undo_btn.clicked.connect(self.undo)
        self.retranslate()

    def retranslate(self) -> None:
        self.undo_btn.setText(self.tr("Undo"))
        self.label.setText(self.tr("%n image(s) deleted.", "", self._count) + " " + self.tr("Ctrl+Z undoes."))
        name_buttons_by_text(self)

    def offer(self, count: int) -> None:
        """``count`` images were deleted: undo for the next UNDO_SECONDS."""
        self._count = count
        self.retranslate()
        self.setVisible(True)
        self._timer.start(int(UNDO_SECONDS * 1000))

    def withdraw(self) -> None:
        self._timer.stop()
        self.setVisible(False)
