"""Keyhold's light and dark palettes, applied app-wide with the Fusion style.

Widgets take their colours from palette roles (never literals), so one palette switches every
page; Markdown follows through ``ui.widgets.notice.is_dark``. The System theme follows the OS's
colour scheme as it changes: Keyhold's dark palette when it is dark, the platform's own palette
when it is light.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_client.core.settings import Theme

_ROLES = QPalette.ColorRole
TEXT_SIZES = (-4, 8)  # the smallest and largest number of points added to the system's size
_DISABLED = QPalette.ColorGroup.Disabled

# (window, base, alternate base, text, muted text, button, highlight, highlighted text, link)
_DARK = ("#1f2023", "#27282c", "#30343b", "#e6e6e9", "#9aa0a6", "#2d2f34", "#3d6fd9", "#ffffff", "#8ab4f8")
_LIGHT = ("#f5f6f8", "#ffffff", "#e9effb", "#1f2328", "#6b7280", "#fbfbfc", "#2f6fde", "#ffffff", "#1a5fd1")


def palette(dark: bool) -> QPalette:
    window, base, alternate, text, muted, button, highlight, on_highlight, link = _DARK if dark else _LIGHT
    pal = QPalette()
    for role, colour in (
        (_ROLES.Window, window),
        (_ROLES.Base, base),
        (_ROLES.AlternateBase, alternate),
        (_ROLES.ToolTipBase, base),
        (_ROLES.WindowText, text),
        (_ROLES.Text, text),
        (_ROLES.ToolTipText, text),
        (_ROLES.ButtonText, text),
        (_ROLES.BrightText, on_highlight),
        (_ROLES.PlaceholderText, muted),
        (_ROLES.Button, button),
        (_ROLES.Highlight, highlight),
        (_ROLES.HighlightedText, on_highlight),
        (_ROLES.Link, link),
        (_ROLES.LinkVisited, link),
        (_ROLES.Mid, muted),
    ):
        pal.setColor(role, QColor(colour))
    for role in (_ROLES.Text, _ROLES.WindowText, _ROLES.ButtonText):
        pal.setColor(_DISABLED, role, QColor(muted))
    # Frames and separators: a step away from the window, either way.
    pal.setColor(_ROLES.Light, QColor(window).lighter(130))
    pal.setColor(_ROLES.Midlight, QColor(window).lighter(115))
    pal.setColor(_ROLES.Dark, QColor(window).darker(150))
    pal.setColor(_ROLES.Shadow, QColor("#000000"))
    return pal


def apply(app: QApplication, dark: bool) -> None:
    """Keyhold's palette (light or dark) on every widget, with the Fusion style that honours it."""
    app.setStyle("Fusion")
    app.setPalette(palette(dark))


class Themes(QObject):
    """The app's one theme: the user's choice, and for System the OS's scheme as it changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._native = QPalette(app.palette())  # what "light" means under System
        self._base_points = app.font().pointSizeF()  # the system's text size, before any change
        self.choice = Theme.SYSTEM
        app.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    @classmethod
    def of(cls, app: QApplication) -> Themes:
        """The app's one instance (windows come and go, in tests; the OS signal is heard once)."""
        found = app.findChild(cls)
        return found if isinstance(found, cls) else cls(app)

    def apply(self, choice: Theme) -> None:
        self.choice = choice
        self._refresh(self._app.styleHints().colorScheme())

    def set_text_size(self, extra_points: int) -> None:
        """The system's text size plus ``extra_points`` (clamped to TEXT_SIZES), everywhere."""
        font = QFont(self._app.font())
        font.setPointSizeF(self._base_points + max(TEXT_SIZES[0], min(TEXT_SIZES[1], extra_points)))
        self._app.setFont(font)

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is Theme.SYSTEM:
            self._refresh(scheme)

    def _refresh(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is Theme.SYSTEM and scheme != Qt.ColorScheme.Dark:
            self._app.setPalette(self._native)
            return
        apply(self._app, dark=self.choice is Theme.DARK or scheme == Qt.ColorScheme.Dark)
