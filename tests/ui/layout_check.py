"""What a usable layout means here, checked on a real window: every visible control lies inside
the window and inside the widgets holding it, is no smaller than its minimum size hint, and
overlaps no other control.

A control in a scroll area may lie below the visible part (it scrolls), not beside it."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSlider,
    QTextEdit,
    QWidget,
)

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QTextEdit,
    QPlainTextEdit,
    QAbstractItemView,
    QAbstractSpinBox,
    QSlider,
)


def _owned_by_control(widget: QWidget, top: QWidget) -> bool:
    """Part of another control (a combo box's line edit, a line edit's clear button, a tab
    bar's scroll arrows…): that control's own business."""
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, CONTROLS) or type(parent).__name__ == "QTabBar":
            return True
        parent = parent.parentWidget()
    return False


def controls(top: QWidget) -> list[QWidget]:
    """The visible controls of ``top``, in no particular order."""
    return [
        widget
        for widget in top.findChildren(QWidget)
        if isinstance(widget, CONTROLS) and widget.isVisible() and not _owned_by_control(widget, top)
    ]


def _rect_in(widget: QWidget, top: QWidget) -> QRect:
    return QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())


def _name(widget: QWidget) -> str:
    words = widget.accessibleName() or getattr(widget, "text", lambda: "")() or widget.objectName()
    return f"{type(widget).__name__}({words!r})"


def _least_size(widget: QWidget) -> QSize:
    """The size below which ``widget`` no longer shows what it holds: its minimum size hint, or
    less if its author capped it (a fixed height). A list's or text box's hint is a generic
    guess, not its content, so there an explicit minimum size counts too, as in Qt's layouts."""
    hint = widget.minimumSizeHint().boundedTo(widget.maximumSize())
    if isinstance(widget, QAbstractScrollArea):
        explicit = widget.minimumSize()
        return QSize(explicit.width() or hint.width(), explicit.height() or hint.height())
    return hint


def _clipped(widget: QWidget, top: QWidget) -> str | None:
    """Where ``widget`` sticks out of a widget holding it (or the window), or None."""
    rect = _rect_in(widget, top)
    holder = widget.parentWidget()
    while holder is not None:
        area = _rect_in(holder, top) if holder is not top else QRect(QPoint(0, 0), top.size())
        scrolled = isinstance(holder.parentWidget(), QAbstractScrollArea) and (
            holder is holder.parentWidget().viewport()  # type: ignore[union-attr]
        )
        if scrolled:
            # Below or above the visible part is fine in a scroll area; beside it is not.
            if rect.left() < area.left() or rect.right() > area.right():
                return f"sticks out of the side of {_name(holder.parentWidget())}"  # type: ignore[arg-type]
        elif not area.contains(rect) and not isinstance(holder.parentWidget(), QScrollArea):
            return f"is cut off by {_name(holder) if holder is not top else 'the window'}"
        if holder is top:
            return None
        if scrolled:
            return _clipped(holder.parentWidget(), top)  # type: ignore[arg-type]
        holder = holder.parentWidget()
    return None


def layout_problems(top: QWidget) -> list[str]:
    """Each control that is cut off, squeezed or overlapping, with what is wrong."""
    found = controls(top)
    problems = []
    for widget in found:
        clipped = _clipped(widget, top)
        if clipped:
            problems.append(f"{_name(widget)} {clipped}")
        hint = _least_size(widget)
        if widget.width() < hint.width() or widget.height() < hint.height():
            problems.append(
                f"{_name(widget)} is squeezed to {widget.width()}x{widget.height()} "
                f"below its {hint.width()}x{hint.height()}"
            )
    rects = [(widget, _visible_rect(widget, top)) for widget in found]
    for index, (widget, rect) in enumerate(rects):
        for other, other_rect in rects[index + 1 :]:
            if widget.isAncestorOf(other) or other.isAncestorOf(widget):
                continue
            if rect.intersects(other_rect):
                problems.append(f"{_name(widget)} overlaps {_name(other)}")
    return problems


def _visible_rect(widget: QWidget, top: QWidget) -> QRect:
    """The part of ``widget`` a scroll area shows (a control scrolled out of sight overlaps nothing)."""
    rect = _rect_in(widget, top)
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        area = parent.parentWidget()
        if isinstance(area, QAbstractScrollArea) and parent is area.viewport():
            rect = rect.intersected(_rect_in(parent, top))
        parent = area
    return rect
