"""Telling the user that work ended while they look elsewhere (a Midjourney task, a long chat
answer, an image generation): a system tray message where the desktop has a tray, the taskbar
asking for attention where it has none, the status bar always. Settings ▸ Notifications says
which kinds go outside the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QSystemTrayIcon

from desktop_client.core.settings import Notifications, SettingsStore
from desktop_client.ui.i18n import tr_args

if TYPE_CHECKING:
    from desktop_client.core.models import StoredTask


class Notifier(QObject):
    def __init__(self, window: QMainWindow, icon: QIcon, settings: SettingsStore) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip("Keyhold")
            self.tray.messageClicked.connect(self._raise)
        self.sent: list[tuple[str, str]] = []  # what was shown outside the window (tests read it)

    def _raise(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def task_ended(self, task: StoredTask) -> None:
        # Imported here: Midjourney's types are not needed before the first paint.
        from desktop_client.core.api.mj_types import MjStatus
        from desktop_client.ui.mj_texts import action_name

        if task.status is MjStatus.SUCCESS:
            title = tr_args(
                QCoreApplication.translate("Notifier", "Midjourney: %1 finished"), action_name(task.action)
            )
        else:
            title = tr_args(
                QCoreApplication.translate("Notifier", "Midjourney: %1 failed"), action_name(task.action)
            )
        body = " ".join((task.prompt or task.final_prompt).split())[:120] or task.id
        self.announce(title, body, ok=task.status is MjStatus.SUCCESS, outside=self.wanted.midjourney)

    def answer_ended(self, conversation_title: str, ok: bool) -> None:
        title = (
            QCoreApplication.translate("Notifier", "Chat: the answer is ready")
            if ok
            else QCoreApplication.translate("Notifier", "Chat: the answer failed")
        )
        self.announce(title, " ".join(conversation_title.split())[:120], ok=ok, outside=self.wanted.chat)

    def images_ended(self, saved: int, failed: int) -> None:
        if saved:
            title = QCoreApplication.translate("Notifier", "Images: %n image(s) ready", "", saved)
        else:
            title = QCoreApplication.translate("Notifier", "Images: the generation failed")
        body = QCoreApplication.translate("Notifier", "%n image(s) failed", "", failed) if failed else ""
        self.announce(title, body, ok=saved > 0 and not failed, outside=self.wanted.images)

    @property
    def wanted(self) -> Notifications:
        return self.settings.settings.notifications

    def announce(self, title: str, body: str, *, ok: bool = True, outside: bool = True) -> None:
        """The status bar always; outside the window only when it is not the active one and the
        user wants this kind (``outside``) and notifications at all."""
        self.window.statusBar().showMessage(f"{title} — {body}" if body else title, 10000)
        if self.window.isActiveWindow() or not (outside and self.wanted.enabled):
            return
        self.sent.append((title, body))
        if self.tray is not None:
            self.tray.show()
            icon = QSystemTrayIcon.MessageIcon.Information if ok else QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(title, body, icon, 8000)
        else:
            QApplication_alert(self.window)


def QApplication_alert(window: QMainWindow) -> None:
    # Without a tray (some Linux desktops), the taskbar entry asks for attention instead.

    QApplication.alert(window, 0)
