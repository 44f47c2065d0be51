"""The one notice line every page shows errors and confirmations in.

An error stays until the next notice (the user must be able to read and copy it); a
confirmation fades after a few seconds. Colours come from the palette, never literals."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QLabel, QWidget

from desktop_client.ui.errors import describe
from desktop_client.ui.theme import status_colour

INFO_SECONDS = 6


class Notice(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setVisible(False)
        self.is_error = False
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self.clear_notice)

    def show_error(self, error: BaseException) -> None:
        """Cause — fix, in the user's language; stays until replaced."""
        headline, body = describe(error)
        self._show(f"{headline} — {body}", error=True)

    def show_info(self, text: str, *, fade: bool = True) -> None:
        """A confirmation, gone after a few seconds; ``fade=False`` for a result the user asked
        for (a connection test) or a "working…" line, which stay until replaced."""
        self._show(text, error=False)
        if text and fade:
            self._fade.start(INFO_SECONDS * 1000)

    def show_notice(self, error: BaseException | None, text: str = "") -> None:
        """An error if there is one, else ``text`` (empty clears the line)."""
        if error is not None:
            self.show_error(error)
        else:
            self.show_info(text)

    def clear_notice(self) -> None:
        self._show("", error=False)

    def _show(self, text: str, *, error: bool) -> None:
        self._fade.stop()
        self.is_error = error
        self.setText(text)
        palette = self.palette()
        color = error_color(palette) if error else palette.color(QPalette.ColorRole.PlaceholderText)
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self.setPalette(palette)
        self.setVisible(bool(text))


def is_dark(palette: QPalette) -> bool:
    """Light text on a dark window: what Markdown and the few non-role colours follow."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(palette: QPalette) -> QColor:
    """Qt has no "error" role: the theme's red, which reads on the window light or dark."""
    return status_colour(palette, "error")


def warning_color(palette: QPalette) -> QColor:
    """Nor a "warning" role: the theme's amber."""
    return status_colour(palette, "warning")


def tint(label: QLabel, color: QColor | None) -> None:
    """Colours a label's text, or gives it back its palette's own (``None``)."""
    palette = label.palette()
    parent = label.parentWidget()
    own = (parent.palette() if parent is not None else QPalette()).color(QPalette.ColorRole.WindowText)
    palette.setColor(QPalette.ColorRole.WindowText, color if color is not None else own)
    label.setPalette(palette)
