"""Readable, translated error messages, and the global exception hook.

Core errors carry a ``kind``; the core's catalogue (``core.errors.KINDS``) gives each kind its
headline and fix, translated here. What the server said is shown below, already redacted by the core.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_client.core import errors as core_errors
from desktop_client.core.errors import CONTEXT, ErrorKind

log = logging.getLogger(__name__)


def tr_error(text: str) -> str:
    """A string of the core's error catalogue, in the user's language."""
    return QCoreApplication.translate(CONTEXT, text)


def headline_and_fix(kind: ErrorKind) -> tuple[str, str]:
    return core_errors.headline_and_fix(kind, tr_error)


def keyring_fix_hint(platform: str = sys.platform) -> str:
    """The platform's fix for a missing keyring, in the user's language."""
    if platform.startswith(("linux", "freebsd")):
        return QCoreApplication.translate(
            "Errors",
            "Install and unlock a Secret Service keyring: gnome-keyring (for example `sudo apt install "
            "gnome-keyring`), KWallet 5.97 or newer, or KeePassXC with Secret Service integration, inside a "
            "desktop session with D-Bus running. Then click “Retry the keyring”.",
        )
    if platform == "darwin":
        return QCoreApplication.translate("Errors", "Unlock the login keychain in Keychain Access, then retry.")
    if platform.startswith("win"):
        return QCoreApplication.translate(
            "Errors", "Make sure Windows Credential Manager is available for your account, then retry."
        )
    return QCoreApplication.translate("Errors", "Install a keyring supported by Python's keyring package.")


def describe(error: BaseException) -> tuple[str, str]:
    """(headline, body) for a message box or an inline label, translated and redacted."""
    return core_errors.describe(error, tr_error)


class _Bridge(QObject):
    """Hops exceptions from any thread to the GUI thread before showing them."""

    raised = Signal(str, str)


class ExceptionHook:
    def __init__(self, parent_getter: Callable[[], QWidget | None]) -> None:
        self._parent_getter = parent_getter
        self._bridge = _Bridge()
        self._bridge.raised.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._open: QMessageBox | None = None
        self.shown: list[tuple[str, str]] = []

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QCoreApplication.quit()
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unhandled exception:\n%s", text)
        headline, body = describe(exc)
        self._bridge.raised.emit(headline, body)

    def _show(self, headline: str, body: str) -> None:
        self.shown.append((headline, body))
        if self._open is not None and self._open.isVisible():
            self._open.setInformativeText(self._open.informativeText() + "\n\n" + body)
            return
        box = QMessageBox(self._parent_getter())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("Errors", "Keyhold error"))
        box.setText(headline)
        box.setInformativeText(body)
        box.setAccessibleName(QCoreApplication.translate("Errors", "Error message"))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # open(), not exec(): a nested event loop would stall qasync's tasks.
        box.open()
        self._open = box
