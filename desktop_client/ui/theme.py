"""Keyhold's light and dark palettes, applied app-wide with the Fusion style.

Widgets take their colours from palette roles (never literals), so one palette switches every
page; Markdown follows through ``ui.widgets.notice.is_dark``. The System theme keeps the
platform's own palette.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_ROLES = QPalette.ColorRole
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
