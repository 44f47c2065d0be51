"""Small Qt helpers: task ownership for async slots, dialogs that don't block, naming."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import sys
from collections.abc import Callable, Collection, Coroutine, Iterable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QLayout,
    QLineEdit,
    QMessageBox,
    QToolButton,
    QWidget,
)

from desktop_client.core.errors import KeyholdError
from desktop_client.core.settings import ProfileKind, ProfileRecord
from desktop_client.ui.widgets.notice import Notice

log = logging.getLogger(__name__)

W = TypeVar("W", bound=QWidget)
T = TypeVar("T")


def named(widget: W, name: str) -> W:
    """Sets the accessible name (screen readers); an icon-only button shows it as its tooltip."""
    widget.setAccessibleName(name)
    if (
        isinstance(widget, QToolButton)
        and not widget.icon().isNull()
        and widget.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly
    ):
        widget.setToolTip(name)
    return widget


class Tasks:
    """Owns the asyncio tasks started from slots, so none is garbage-collected mid-flight
    and none fails silently: an exception goes to the global exception hook."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    async def wait_idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()


TASKS = Tasks()


def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    return TASKS.spawn(coro)


def refill_combo(combo: QComboBox, entries: list[tuple[str, object]]) -> None:
    """New (text, data) entries for a combo box; the chosen one stays chosen, and no change
    signal fires (a language change or a new list is not the user's choice)."""
    chosen = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for text, data in entries:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(chosen)))
    combo.blockSignals(False)


async def run_dialog(dialog: QDialog, result: Callable[[int], T]) -> T:
    """Opens ``dialog`` without a nested event loop (exec() would stall qasync) and returns
    ``result(code)`` once it is closed (``code``: the QDialog result); the dialog is deleted then."""
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not future.done():
            future.set_result(result(code))

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await future
    finally:
        dialog.deleteLater()


async def confirm(parent: QWidget, title: str, text: str) -> bool:
    """A yes/no question; True for yes."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setAccessibleName(title)
    return await run_dialog(box, lambda code: code == QMessageBox.StandardButton.Yes.value)


def name_buttons_by_text(root: QWidget) -> None:
    """Buttons whose words say what they do are named by those words (kept in step with the
    language by calling this from retranslate); the line edit of an editable combo box or the
    clear button of a line edit is named after its owner."""
    for button in root.findChildren(QAbstractButton):
        if button.accessibleName() and not button.property("named_by_text"):
            continue  # named on purpose (a "+" that means "Zoom in")
        text = button.text().replace("&", "").strip() or button.toolTip()
        if text:
            button.setAccessibleName(text)
            button.setProperty("named_by_text", True)
    for combo in root.findChildren(QComboBox):
        edit = combo.lineEdit()
        if edit is not None and combo.accessibleName():
            edit.setAccessibleName(combo.accessibleName())
    for spin in root.findChildren(QAbstractSpinBox):
        for edit in spin.findChildren(QLineEdit):
            edit.setAccessibleName(spin.accessibleName())
    for edit in root.findChildren(QLineEdit):
        for clear in edit.findChildren(QAbstractButton):
            clear.setAccessibleName(QCoreApplication.translate("Keyhold", "Clear"))


def clear_layout(layout: QLayout, keep: Collection[QWidget] = ()) -> None:
    """Takes every widget out of ``layout`` and deletes it, except those in ``keep``."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None and widget not in keep:
            widget.hide()
            widget.deleteLater()


def fill_profile_combo(
    combo: QComboBox,
    records: Iterable[ProfileRecord],
    kind: ProfileKind,
    wanted: object = None,
    default: str | None = None,
) -> None:
    """The profiles of one kind, by name; ``wanted`` (an id) or else the current one stays chosen,
    else ``default`` (the user's default profile), else the first."""
    current = wanted if wanted is not None else combo.currentData()
    combo.clear()
    for record in records:
        if record.kind is kind:
            combo.addItem(record.name, record.id)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else max(0, combo.findData(default)))


def async_slot(
    method: Callable[..., Coroutine[Any, Any, Any]],
) -> Callable[..., asyncio.Task[Any]]:
    """Makes an ``async def`` method a Qt slot: ``button.clicked.connect(self.save)``.

    The coroutine runs as an owned task (never collected mid-flight). A KeyholdError goes to
    the owner's ``notice`` (a ``Notice``) when it has one; anything else reaches the
    exception hook. Signal arguments the method does not take are dropped (``clicked``
    sends ``checked``)."""
    parameters = list(inspect.signature(method).parameters.values())[1:]
    takes_all = any(p.kind is p.VAR_POSITIONAL for p in parameters)
    positional = len([p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)])

    @functools.wraps(method)
    def slot(self: Any, *args: Any) -> asyncio.Task[Any]:
        return spawn(_to_notice(self, method(self, *(args if takes_all else args[:positional]))))

    return slot


async def _to_notice(owner: Any, coro: Coroutine[Any, Any, Any]) -> Any:
    try:
        return await coro
    except KeyholdError as exc:
        notice = getattr(owner, "notice", None)
        if not isinstance(notice, Notice):
            raise
        notice.show_error(exc)
        return None
