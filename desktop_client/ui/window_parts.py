"""The main window's smaller parts: the banner shown when no secure keyring exists, the
navigation list, and the About box."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client import __version__
from desktop_client.core.errors import SecretStoreError
from desktop_client.ui.about import licence_summary, licences
from desktop_client.ui.design import set_type
from desktop_client.ui.errors import describe, keyring_fix_hint
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import named

NAV_WIDTH, NAV_COMPACT_WIDTH = 180, 56


class KeyringBanner(Retranslatable, QFrame):
    """Shown when no secure keyring exists: the fix, a retry, and the session-only choice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyringBanner")
        # The tooltip roles: the palette's own "look here" colours, light or dark.
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.ToolTipBase))
        palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.ToolTipText))
        self.setPalette(palette)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_btn = QPushButton()
        self.session_btn = QPushButton()
        layout = QHBoxLayout(self)
        layout.addWidget(self.text, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.retry_btn)
        buttons.addWidget(self.session_btn)
        layout.addLayout(buttons)
        self.problem: SecretStoreError | None = None
        self.session_only = False
        self.retranslate()

    def retranslate(self) -> None:
        self.retry_btn.setText(self.tr("Retry the keyring"))
        self.session_btn.setText(self.tr("Use session-only keys"))
        named(self.retry_btn, self.tr("Retry the keyring"))
        named(self.session_btn, self.tr("Use session-only keys for this run"))
        if self.problem is None:
            return
        if self.session_only:
            self.text.setText(
                self.tr(
                    "Session-only keys: keys you enter now are kept in memory and forgotten when Keyhold "
                    "quits. Nothing is written to disk."
                )
            )
            return
        headline, _ = describe(self.problem)
        lines = [
            f"<b>{headline}</b>",
            self.tr("Keyhold never stores keys in a file. To keep keys between runs:"),
            keyring_fix_hint(),
            self.tr("Or use session-only keys: held in memory for this run only."),
        ]
        self.text.setText("<br>".join(lines))


def navigation() -> QListWidget:
    nav = QListWidget()
    nav.setObjectName("nav")
    nav.setFixedWidth(NAV_WIDTH)
    nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    nav.setIconSize(QSize(20, 20))
    set_type(nav, "large")
    nav.setProperty("itemIcons", True)  # restyle() re-tints its entries' icons
    return nav


class AboutBox(QMessageBox):
    """Help ▸ About Keyhold: the version, what Keyhold is, its licence and (as details) the
    third-party components' licences; Settings ▸ About has the full texts."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QMessageBox.Icon.Information)
        self.setStandardButtons(QMessageBox.StandardButton.Close)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("About Keyhold"))
        self.setText(tr_args(self.tr("Keyhold %1"), __version__))
        self.setInformativeText(
            self.tr(
                "Chat with OpenAI-compatible servers and make images with OpenAI image models and "
                "Midjourney, straight from this computer. Your API keys stay in the operating system's keyring."
            )
            + "\n\n"
            + (
                tr_args(self.tr("Released under the %1 licence."), licences().own)
                if licences().own
                else self.tr("Keyhold's own licence is not declared in this build.")
            )
            + " "
            + self.tr("Third-party components and their licences: Show Details, or Settings ▸ About.")
        )
        self.setDetailedText(licence_summary())
