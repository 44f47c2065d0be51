"""Keyhold's small design system: one spacing scale, one type scale, one set of radii, one icon
set tinted from the palette, and the app-wide stylesheet built from palette roles.

Widgets ask for a role (``set_type(label, "title")``, ``set_icon(button, "copy")``,
``setProperty("variant", "primary")``) instead of writing sizes or colours, so a theme or text
size change restyles everything at once (``Themes`` calls ``restyle``).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import weakref
from functools import cache
from pathlib import Path
from typing import Final

import shiboken6
from PySide6.QtCore import QByteArray, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QLayoutItem,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QWidget,
)

from desktop_client.ui.resources import resource


class Space:
    """The spacing scale, in device-independent pixels; layouts use nothing else."""

    XS: Final = 4
    S: Final = 8
    M: Final = 12
    L: Final = 16
    XL: Final = 24
    XXL: Final = 32


class Radius:
    S: Final = 4
    M: Final = 8
    L: Final = 12


# The type scale: points added to the user's text size, and the weight.
TYPE_SCALE: Final[dict[str, tuple[float, QFont.Weight]]] = {
    "caption": (-1.0, QFont.Weight.Normal),
    "body": (0.0, QFont.Weight.Normal),
    "strong": (0.0, QFont.Weight.DemiBold),
    "large": (1.0, QFont.Weight.Normal),
    "subtitle": (1.5, QFont.Weight.DemiBold),
    "title": (3.0, QFont.Weight.DemiBold),
    "display": (7.0, QFont.Weight.DemiBold),
}
ICON_SIZES: Final = (16, 20, 24, 32)  # larger ones are scaled from 32
ITEM_ICON_ROLE: Final = Qt.ItemDataRole.UserRole + 100  # (icon name, accent) of a list entry
_ROLES = QPalette.ColorRole


# Widgets to restyle on a theme or text size change. Not QApplication.allWidgets(): it can hand
# out a widget in the middle of its destruction, and touching that one crashes.
_STYLED: weakref.WeakSet[QObject] = weakref.WeakSet()


def set_type(widget: QWidget, role: str) -> None:
    """The widget's font is ``role`` of the type scale, and stays so when the text size changes."""
    widget.setProperty("typeRole", role)
    _STYLED.add(widget)
    _apply_type(widget, role)


def _apply_type(widget: QWidget, role: str) -> None:
    extra, weight = TYPE_SCALE[role]
    font = QFont(QApplication.font())
    font.setPointSizeF(max(6.0, font.pointSizeF() + extra))
    font.setWeight(weight)
    widget.setFont(font)


_BOXED = (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit, QTextEdit, QPushButton)


@cache
def _svg(name: str) -> str:
    return resource("icons", f"{name}.svg").read_text(encoding="utf-8")


def _tinted(name: str, colour: QColor, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(_svg(name).replace("currentColor", colour.name()).encode()))
    pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon(name: str, palette: QPalette | None = None, *, accent: bool = False) -> QIcon:
    """``name`` from resources/icons, drawn in the palette's text colour (``accent``: its
    highlight, also when selected), muted when disabled, in the highlighted-text colour when
    selected on a highlight."""
    pal = palette if palette is not None else QApplication.palette()
    app = QApplication.instance()
    ratio = max(1.0, app.devicePixelRatio()) if isinstance(app, QApplication) else 1.0
    normal = pal.color(_ROLES.Highlight if accent else _ROLES.ButtonText).name()
    disabled = pal.color(_ROLES.PlaceholderText).name()
    selected = pal.color(_ROLES.Highlight if accent else _ROLES.HighlightedText).name()
    return QIcon(_icon(name, normal, disabled, selected, ratio))  # a copy: callers may change theirs


@cache
def _icon(name: str, normal: str, disabled: str, selected: str, ratio: float) -> QIcon:
    # Drawn once per name and colours: a window asks for the same few dozen icons many times.
    result = QIcon()
    for size in ICON_SIZES:
        result.addPixmap(_tinted(name, QColor(normal), size, ratio), QIcon.Mode.Normal)
        result.addPixmap(_tinted(name, QColor(disabled), size, ratio), QIcon.Mode.Disabled)
        result.addPixmap(_tinted(name, QColor(selected), size, ratio), QIcon.Mode.Selected)
    return result


def set_icon(button: QAbstractButton | QAction, name: str, *, accent: bool = False) -> None:
    """The button (or action, e.g. one inside a line edit) shows icon ``name``, re-tinted
    whenever the theme changes."""
    button.setProperty("iconName", name)
    button.setProperty("iconAccent", accent)
    _STYLED.add(button)
    palette = button.palette() if isinstance(button, QAbstractButton) else None
    button.setIcon(icon(name, palette, accent=accent))


def set_item_icon(item: QListWidgetItem, name: str, *, accent: bool = False) -> None:
    """A list entry shows icon ``name``, re-tinted whenever the theme changes."""
    item.setData(ITEM_ICON_ROLE, (name, accent))
    item.setIcon(icon(name, accent=accent))


def tidy_form(form: QFormLayout) -> None:
    """The design's spacing for a form, and its labels level with the first line of their fields
    (a field may carry hints under it, so the labels stay at the top)."""
    form.setHorizontalSpacing(Space.M)
    form.setVerticalSpacing(Space.S)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        widget = label.widget() if label is not None else None
        if widget is not None:
            # A boxed field sits lower than plain text by its border and padding.
            widget.setProperty("formLabel", isinstance(_first_widget(field), _BOXED))


def _first_widget(item: QLayoutItem | None) -> QWidget | None:
    """The widget on a form field's first line (a field may be a box of several)."""
    if item is None:
        return None
    widget = item.widget()
    layout = item.layout() or (widget.layout() if widget is not None and not isinstance(widget, _BOXED) else None)
    if layout is None:
        return widget
    return _first_widget(layout.itemAt(0))


@cache
def _arrow_folder() -> Path:
    # Stylesheet arrows must be files; ours are written once per run and removed at exit.
    folder = Path(tempfile.mkdtemp(prefix="keyhold-style-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _arrow_file(name: str, colour: QColor) -> str:
    path = _arrow_folder() / f"{name}-{colour.name()[1:]}.svg"
    if not path.exists():
        path.write_text(_svg(name).replace("currentColor", colour.name()), encoding="utf-8")
    return path.as_posix()


def stylesheet(palette: QPalette) -> str:
    """The app-wide stylesheet: every colour a palette role, every size from the scales."""
    down = _arrow_file("chevron-down", palette.color(_ROLES.PlaceholderText))
    up = _arrow_file("chevron-up", palette.color(_ROLES.PlaceholderText))
    tick = _arrow_file("check", palette.color(_ROLES.HighlightedText))
    s, r = Space, Radius
    return f"""
QMainWindow, QDialog {{ background: palette(window); }}
QToolTip {{ background: palette(tooltip-base); color: palette(tooltip-text);
  border: 1px solid palette(midlight); border-radius: {r.S}px; padding: {s.XS}px {s.S}px; }}

QPushButton {{ background: palette(button); color: palette(button-text);
  border: 1px solid palette(midlight); border-radius: {r.M}px; padding: 5px 10px; }}
QPushButton:hover {{ border-color: palette(dark); }}
QPushButton:pressed, QPushButton:checked {{ background: palette(alternate-base); }}
QPushButton:disabled {{ color: palette(placeholder-text); }}
QPushButton:focus {{ border-color: palette(highlight); }}
QPushButton[variant="primary"] {{ background: palette(highlight); color: palette(highlighted-text);
  border: 1px solid palette(highlight); font-weight: 600; }}
QPushButton[variant="primary"]:hover {{ border-color: palette(link); }}
QPushButton[variant="primary"]:disabled {{ background: palette(midlight); border-color: palette(midlight);
  color: palette(placeholder-text); }}
QPushButton:flat, QPushButton[variant="quiet"] {{ background: transparent; border: 1px solid transparent;
  color: palette(placeholder-text); padding: 3px {s.S}px; }}
QPushButton:flat:hover, QPushButton[variant="quiet"]:hover {{ background: palette(alternate-base);
  color: palette(button-text); }}
QPushButton:flat:focus, QPushButton[variant="quiet"]:focus {{ border-color: palette(highlight); }}
QPushButton::menu-indicator {{ image: url({down}); subcontrol-position: right center; width: 12px;
  right: {s.XS}px; }}

QToolButton {{ background: transparent; border: 1px solid transparent; border-radius: {r.M}px;
  padding: {s.XS}px; color: palette(button-text); }}
QToolButton:hover {{ background: palette(alternate-base); }}
QToolButton:pressed, QToolButton:checked {{ background: palette(midlight); }}
QToolButton:focus {{ border-color: palette(highlight); }}
QToolButton::menu-indicator {{ image: none; }}
QToolButton[variant="primary"] {{ background: palette(highlight); color: palette(highlighted-text);
  border-radius: {r.L + 4}px; }}
QToolButton[variant="primary"]:disabled {{ background: palette(midlight); }}

QLineEdit, QPlainTextEdit, QTextEdit, QSpinBox, QDoubleSpinBox, QComboBox, QDateEdit {{
  background: palette(base); color: palette(text); border: 1px solid palette(midlight);
  border-radius: {r.M}px; padding: {s.XS}px {s.S}px; selection-background-color: palette(highlight);
  selection-color: palette(highlighted-text); }}
QTextBrowser {{ border: none; background: transparent; padding: 0; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus,
QComboBox:focus, QDateEdit:focus {{ border-color: palette(highlight); }}
QLineEdit:disabled, QComboBox:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled {{
  color: palette(placeholder-text); background: palette(window); }}
QComboBox {{ padding-right: 22px; }}
QComboBox::drop-down {{ border: none; width: 20px; subcontrol-position: right center; }}
QComboBox::down-arrow {{ image: url({down}); width: 12px; height: 12px; }}
QComboBox QAbstractItemView {{ background: palette(base); border: 1px solid palette(midlight);
  border-radius: {r.S}px; padding: {s.XS}px; selection-background-color: palette(alternate-base);
  selection-color: palette(text); outline: 0; }}
QSpinBox, QDoubleSpinBox {{ padding-right: 18px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-origin: border; subcontrol-position: top right;
  width: 16px; border: none; margin: 2px 2px 0 0; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-origin: border;
  subcontrol-position: bottom right; width: 16px; border: none; margin: 0 2px 2px 0; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({up}); width: 10px; height: 10px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({down}); width: 10px; height: 10px; }}

QListView, QListWidget, QTreeView, QTableView {{ background: palette(base); color: palette(text);
  border: 1px solid palette(midlight); border-radius: {r.M}px; padding: {s.XS}px; outline: 0; }}
QListWidget::item {{ border-radius: {r.S + 2}px; padding: {s.XS + 2}px {s.S}px; }}
QListWidget::item:hover {{ background: palette(alternate-base); }}
QListWidget::item:selected {{ background: palette(highlight);
  color: palette(highlighted-text); }}
QTableView {{ gridline-color: palette(midlight); }}
QListView[sidebar="true"] {{ background: transparent; border: none; padding: 0; }}
QHeaderView::section {{ background: palette(window); color: palette(placeholder-text); border: none;
  border-bottom: 1px solid palette(midlight); padding: {s.XS}px {s.S}px; }}

QCheckBox {{ spacing: {s.S}px; }}
QCheckBox::indicator {{ width: 16px; height: 16px; border: 1px solid palette(dark); border-radius: {r.S}px;
  background: palette(base); }}
QCheckBox::indicator:hover {{ border-color: palette(highlight); }}
QCheckBox::indicator:checked {{ background: palette(highlight); border-color: palette(highlight);
  image: url({tick}); }}
QCheckBox::indicator:disabled {{ background: palette(window); border-color: palette(midlight); }}

QScrollArea {{ border: none; background: transparent; }}
QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle {{ background: palette(midlight); border-radius: 3px; min-height: 28px; min-width: 28px; }}
QScrollBar::handle:hover {{ background: palette(dark); }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}

QMenuBar {{ background: palette(window); padding: 2px {s.XS}px; }}
QMenuBar::item {{ padding: {s.XS}px {s.S + 2}px; border-radius: {r.S}px; background: transparent; }}
QMenuBar::item:selected {{ background: palette(alternate-base); }}
QMenu {{ background: palette(base); border: 1px solid palette(midlight); border-radius: {r.M}px;
  padding: {s.XS}px; }}
QMenu::item {{ padding: 5px {s.XL}px 5px {s.M}px; border-radius: {r.S}px; }}
QMenu::item:selected {{ background: palette(alternate-base); color: palette(text); }}
QMenu::item:disabled {{ color: palette(placeholder-text); }}
QMenu::separator {{ height: 1px; background: palette(midlight); margin: {s.XS}px {s.S}px; }}

QSplitter::handle {{ background: palette(midlight); }}
QSplitter::handle:horizontal {{ width: 1px; }}
QSplitter::handle:vertical {{ height: 1px; }}
QStatusBar {{ color: palette(placeholder-text); }}
QStatusBar::item {{ border: none; }}
QGroupBox {{ border: 1px solid palette(midlight); border-radius: {r.M}px; margin-top: {s.L}px;
  padding: {s.M}px {s.S}px {s.S}px {s.S}px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: {s.S}px; padding: 0 {s.XS}px; }}
QProgressBar {{ background: palette(midlight); border: none; border-radius: 3px; max-height: 6px;
  text-align: center; color: transparent; }}
QProgressBar::chunk {{ background: palette(highlight); border-radius: 3px; }}

QListWidget#nav {{ background: transparent; border: none; padding: 0; }}
QListWidget#nav::item {{ padding: {s.S}px {s.S + 2}px; margin: 1px {s.XS}px; border-radius: {r.M}px; }}
QListWidget#nav::item:hover {{ background: palette(midlight); }}
QListWidget#nav::item:selected {{ background: palette(alternate-base); color: palette(text); font-weight: 600; }}

QFrame[card="true"] {{ background: palette(base); border: 1px solid palette(midlight); border-radius: {r.L}px; }}
QFrame[card="user"] {{ background: palette(alternate-base); border: 1px solid palette(alternate-base);
  border-radius: {r.L}px; }}
QFrame#composerFrame {{ background: palette(base); border: 1px solid palette(midlight); border-radius: {r.L}px; }}
QFrame#composerFrame[focused="true"] {{ border-color: palette(highlight); }}
QFrame#composerFrame QPlainTextEdit, QFrame#composerFrame QTextEdit {{ border: none; background: transparent;
  padding: 0; }}
QFrame[toolbar="true"] {{ background: palette(window); border: none; border-bottom: 1px solid palette(midlight); }}
QPushButton[role="link"] {{ color: palette(link); }}
QLabel[formLabel="true"] {{ padding-top: 5px; }}
QLabel[formLabel="false"] {{ padding-top: 0; }}
QFrame#dropzone {{ border: 1px dashed palette(dark); border-radius: {r.M}px; background: transparent; }}
QLabel[muted="true"] {{ color: palette(placeholder-text); }}
"""


def restyle(app: QApplication) -> None:
    """After a palette or text size change: the stylesheet, the icons and the type scale again."""
    app.setStyleSheet(stylesheet(app.palette()))
    palette = app.palette()
    for widget in list(_STYLED):
        if not shiboken6.isValid(widget):
            continue
        name = widget.property("iconName")
        if name and isinstance(widget, (QAbstractButton, QAction)):
            widget.setIcon(icon(str(name), palette, accent=bool(widget.property("iconAccent"))))
        if isinstance(widget, QListWidget) and widget.property("itemIcons"):
            for row in range(widget.count()):
                entry = widget.item(row)
                named_icon = entry.data(ITEM_ICON_ROLE)
                if named_icon:
                    entry.setIcon(icon(named_icon[0], palette, accent=named_icon[1]))
        role = widget.property("typeRole")
        if role in TYPE_SCALE and isinstance(widget, QWidget):
            _apply_type(widget, str(role))
