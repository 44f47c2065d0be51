"""Keyhold's light and dark palettes, applied app-wide with the Fusion style and the design
system's stylesheet (``ui/design.py``).

Widgets take their colours from palette roles (never literals), so one palette switches every
page; Markdown follows through ``ui.widgets.notice.is_dark``. The System theme follows the OS's
colour scheme as it changes. Beyond Qt's usual meaning, two roles carry the design's lines:
Midlight is the hairline of frames, inputs and separators, Dark the stronger line under the
pointer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from desktop_client.core.settings import Theme
from desktop_client.ui.design import restyle

_ROLES = QPalette.ColorRole
W = TypeVar("W")
TEXT_SIZES = (-4, 8)  # the smallest and largest number of points added to the system's size
_DISABLED = QPalette.ColorGroup.Disabled

# (window, base, alternate base, text, muted text, button, highlight, highlighted text, link,
#  hairline, strong line)
_DARK = (
    "#1b1c1f",
    "#242529",
    "#2e3340",
    "#e6e6e9",
    "#9aa0a6",
    "#2a2b30",
    "#4a7ee6",
    "#ffffff",
    "#8ab4f8",
    "#35373d",
    "#4b4e56",
)
_LIGHT = (
    "#f4f5f7",
    "#ffffff",
    "#e8eefb",
    "#1f2328",
    "#667085",
    "#ffffff",
    "#2f6fde",
    "#ffffff",
    "#1a5fd1",
    "#e2e4e9",
    "#c5c9d0",
)

# The roles Qt lacks, as (light, dark): text that must read on the window in either theme.
_STATUS = {"error": ("#b3261e", "#f2b8b5"), "warning": ("#9a6700", "#e8c36a")}


def status_colour(palette: QPalette, name: str) -> QColor:
    """The theme's ``error`` or ``warning`` colour for this palette, light or dark."""
    light, dark = _STATUS[name]
    return QColor(dark if palette.color(_ROLES.Window).lightness() < 128 else light)


def palette(dark: bool) -> QPalette:
    window, base, alternate, text, muted, button, highlight, on_highlight, link, hairline, strong = (
        _DARK if dark else _LIGHT
    )
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
    pal.setColor(_ROLES.Light, QColor(base))
    pal.setColor(_ROLES.Midlight, QColor(hairline))
    pal.setColor(_ROLES.Dark, QColor(strong))
    pal.setColor(_ROLES.Shadow, QColor("#000000"))
    return pal


def apply(app: QApplication, dark: bool, *, styled: bool = True) -> None:
    """Keyhold's palette (light or dark) and stylesheet on every widget, over the Fusion style.
    ``styled=False`` leaves the stylesheet for later (see Themes.start)."""
    app.setStyle("Fusion")
    app.setPalette(palette(dark))
    if styled:
        restyle(app)


class Themes(QObject):
    """The app's one theme: the user's choice, and for System the OS's scheme as it changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._base_points = app.font().pointSizeF()  # the system's text size, before any change
        self.choice = Theme.SYSTEM
        app.styleHints().colorSchemeChanged.connect(self._scheme_changed)

    @classmethod
    def of(cls, app: QApplication) -> Themes:
        """The app's one instance (windows come and go, in tests; the OS signal is heard once)."""
        found = app.findChild(cls)
        return found if isinstance(found, cls) else cls(app)

    def apply(self, choice: Theme, *, styled: bool = True) -> None:
        self.choice = choice
        self._refresh(self._app.styleHints().colorScheme(), styled=styled)

    def set_text_size(self, extra_points: int, *, styled: bool = True) -> None:
        """The system's text size plus ``extra_points`` (clamped to TEXT_SIZES), everywhere."""
        font = QFont(self._app.font())
        font.setPointSizeF(self._base_points + max(TEXT_SIZES[0], min(TEXT_SIZES[1], extra_points)))
        self._app.setFont(font)
        if styled:
            restyle(self._app)

    def start(self, choice: Theme, text_size: int, build: Callable[[], W]) -> W:
        """The palette and text size, then ``build()`` (the window), then the stylesheet once:
        a stylesheet already set makes Qt style each widget as it is added, several times over
        (about 300 ms for the main window, against 35 ms for one pass over the finished one)."""
        self.apply(choice, styled=False)
        if text_size:
            self.set_text_size(text_size, styled=False)
        built = build()
        restyle(self._app)
        return built

    def _scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        if self.choice is Theme.SYSTEM:
            self._refresh(scheme)

    def _refresh(self, scheme: Qt.ColorScheme, *, styled: bool = True) -> None:
        apply(self._app, dark=self.choice is Theme.DARK or scheme == Qt.ColorScheme.Dark, styled=styled)
