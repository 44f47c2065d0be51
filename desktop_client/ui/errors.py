"""Readable, translated error messages, and the global exception hook.

Core errors carry a ``kind``; here each kind becomes a translated headline and fix.
What the server said is shown below, already redacted by the core.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.redact import redact

log = logging.getLogger(__name__)


# Spelled out at each call: lupdate only extracts literal translate() calls.


def headline_and_fix(kind: ErrorKind) -> tuple[str, str]:
    table: dict[ErrorKind, tuple[str, str]] = {
        ErrorKind.BAD_INPUT: (
            QCoreApplication.translate("Errors", "Invalid input"),
            QCoreApplication.translate("Errors", "Correct the highlighted value and try again."),
        ),
        ErrorKind.BAD_KEY: (
            QCoreApplication.translate("Errors", "Bad key: the server rejected the API key"),
            QCoreApplication.translate(
                "Errors", "Check the key of this profile, or rotate it in Settings → Profiles."
            ),
        ),
        ErrorKind.FORBIDDEN: (
            QCoreApplication.translate(
                "Errors", "Forbidden: the key may not do this, or your region is not served"
            ),
            QCoreApplication.translate(
                "Errors", "Check the key's permissions, or use a relay that serves your region."
            ),
        ),
        ErrorKind.QUOTA: (
            QCoreApplication.translate("Errors", "Out of credit: the account has no quota left"),
            QCoreApplication.translate(
                "Errors", "Top up the account or switch to another profile. Keyhold does not retry this."
            ),
        ),
        ErrorKind.RATE_LIMIT: (
            QCoreApplication.translate("Errors", "Rate limited: the server asks to slow down"),
            QCoreApplication.translate("Errors", "Wait a moment and retry."),
        ),
        ErrorKind.WRONG_URL: (
            QCoreApplication.translate("Errors", "Wrong URL: the server returned a web page, not the API"),
            QCoreApplication.translate(
                "Errors", "Use the API root, e.g. https://relay.example.com/v1, not the address of its web page."
            ),
        ),
        ErrorKind.NOT_FOUND: (
            QCoreApplication.translate("Errors", "Not found: the server has no such model or endpoint"),
            QCoreApplication.translate("Errors", "Check the base URL and pick a model from the server's list."),
        ),
        ErrorKind.UNREACHABLE: (
            QCoreApplication.translate("Errors", "Unreachable: could not connect to the server"),
            QCoreApplication.translate("Errors", "Check the address, your network, and any proxy or firewall."),
        ),
        ErrorKind.TLS: (
            QCoreApplication.translate("Errors", "TLS problem: the server's certificate could not be verified"),
            QCoreApplication.translate(
                "Errors", "Check the address. A relay with a self-signed or expired certificate must fix it."
            ),
        ),
        ErrorKind.TIMEOUT: (
            QCoreApplication.translate("Errors", "Timeout: the server stopped answering"),
            QCoreApplication.translate(
                "Errors", "Retry. If it keeps happening, the server or relay is overloaded."
            ),
        ),
        ErrorKind.SERVER: (
            QCoreApplication.translate("Errors", "Server error: the server or a gateway failed"),
            QCoreApplication.translate("Errors", "Retry later. If it persists, the relay or provider is down."),
        ),
        ErrorKind.PROXY: (
            QCoreApplication.translate("Errors", "Proxy problem"),
            QCoreApplication.translate("Errors", "Check the proxy address and that the proxy is running."),
        ),
        ErrorKind.INSECURE_HTTP: (
            QCoreApplication.translate("Errors", "Plain HTTP refused: the key would travel unencrypted"),
            QCoreApplication.translate(
                "Errors", "Use https://, or allow plain HTTP in the profile if you accept the risk."
            ),
        ),
        ErrorKind.PROTOCOL: (
            QCoreApplication.translate("Errors", "The server's answer was not understood"),
            QCoreApplication.translate(
                "Errors", "Check that the base URL points at an OpenAI-compatible or midjourney-proxy API."
            ),
        ),
        ErrorKind.REFUSED: (
            QCoreApplication.translate("Errors", "Refused: the server asked for something unsafe"),
            QCoreApplication.translate(
                "Errors",
                "Keyhold does not fetch addresses on this computer or the local network that a server names, "
                "and does not resend a request to another server.",
            ),
        ),
        ErrorKind.TOO_LARGE: (
            QCoreApplication.translate("Errors", "Too large: the server sent more than Keyhold reads"),
            QCoreApplication.translate(
                "Errors",
                "Keyhold stopped reading and kept what arrived. Check the base URL; the relay is misbehaving.",
            ),
        ),
        ErrorKind.KEYRING_UNAVAILABLE: (
            QCoreApplication.translate("Errors", "No secure keyring is available"),
            QCoreApplication.translate(
                "Errors", "Install or unlock your system keyring, or use session-only keys for this run."
            ),
        ),
        ErrorKind.KEYRING_LOCKED: (
            QCoreApplication.translate("Errors", "The keyring is locked, or unlocking was cancelled"),
            QCoreApplication.translate("Errors", "Unlock your keyring and retry. Nothing was lost."),
        ),
        ErrorKind.STORAGE: (
            QCoreApplication.translate("Errors", "Could not read or write Keyhold's data"),
            QCoreApplication.translate("Errors", "Check free disk space and permissions."),
        ),
        ErrorKind.DISK_FULL: (
            QCoreApplication.translate("Errors", "The disk is full: this could not be saved"),
            QCoreApplication.translate(
                "Errors", "Free some disk space. An answer is shown whole and can be copied; then regenerate it."
            ),
        ),
        ErrorKind.INTERNAL: (
            QCoreApplication.translate("Errors", "Something went wrong inside Keyhold"),
            QCoreApplication.translate("Errors", "The details are in the log file."),
        ),
    }
    return table[kind]


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
    if isinstance(error, KeyholdError):
        headline, fix = headline_and_fix(error.kind)
        body = fix
        if error.kind in (
            ErrorKind.BAD_INPUT,
            ErrorKind.KEYRING_UNAVAILABLE,
            ErrorKind.INTERNAL,
            ErrorKind.REFUSED,
            ErrorKind.TOO_LARGE,
            ErrorKind.STORAGE,
        ):
            # These depend on the exact input or platform: the core's sentence names it.
            body = f"{error.message}. {error.hint}".strip(". ") + "."
        if error.detail:
            body += "\n" + QCoreApplication.translate("Errors", "Server said: %1").replace("%1", error.detail)
        return headline, redact(body)
    headline, fix = headline_and_fix(ErrorKind.INTERNAL)
    return headline, redact(f"{fix}\n{type(error).__name__}: {error}")


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


def show_notice_on(label: QLabel, error: BaseException | None, text: str = "") -> None:
    """A page's notice line: an error in red (cause — fix), or a quiet confirmation."""
    if error is not None:
        headline, body = describe(error)
        text = f"{headline} — {body}"
    label.setText(text)
    label.setStyleSheet("color: #b3261e;" if error is not None else "color: palette(mid);")
    label.setVisible(bool(text))
