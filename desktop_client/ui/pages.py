"""Pages of the main window that are not the profile editor."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.context import Core
from desktop_client.core.settings import Language, SendKey, Theme
from desktop_client.ui.design import set_type, tidy_form
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.profile_form import ProfileForm
from desktop_client.ui.profiles_page import ProfilesEditor
from desktop_client.ui.qtutils import named, refill_combo


class ComingSoonPage(Retranslatable, QWidget):
    """A page whose feature is still being built says so plainly."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.heading = QLabel()
        set_type(self.heading, "title")
        self.body = QLabel()
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        titles = {
            "chat": self.tr("Chat"),
            "midjourney": self.tr("Midjourney"),
            "images": self.tr("Images"),
            "gallery": self.tr("Gallery"),
            "usage": self.tr("Usage"),
        }
        self.heading.setText(titles[self.key])
        self.body.setText(
            self.tr(
                "This part of Keyhold is still being built and arrives in a coming version. "
                "Your profiles are ready for it."
            )
        )


class SettingsPage(Retranslatable, QWidget):
    language_chosen = Signal(object)
    theme_chosen = Signal(object)
    send_key_chosen = Signal(object)  # SendKey
    profiles_changed = Signal()  # the user added, edited or removed a profile here

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.heading = QLabel()
        set_type(self.heading, "title")
        self.language_label = QLabel()
        self.language_combo = QComboBox()
        self.theme_label = QLabel()
        self.theme_combo = QComboBox()
        self.send_key_label = QLabel()
        self.send_key_combo = QComboBox()
        self.data_label = QLabel()
        self.data_path = QLabel(str(core.home.root))
        self.data_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_data_btn = QPushButton()
        self.keys_label = QLabel()
        self.keys_value = QLabel()
        self.profiles = ProfilesEditor(core)

        data_row = QHBoxLayout()
        data_row.addWidget(self.data_path, 1)
        data_row.addWidget(self.open_data_btn)
        form = QFormLayout()
        form.addRow(self.language_label, self.language_combo)
        form.addRow(self.theme_label, self.theme_combo)
        form.addRow(self.send_key_label, self.send_key_combo)
        form.addRow(self.keys_label, self.keys_value)
        form.addRow(self.data_label, data_row)
        tidy_form(form)
        self.language_label.setBuddy(self.language_combo)
        self.theme_label.setBuddy(self.theme_combo)
        self.send_key_label.setBuddy(self.send_key_combo)

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(line)
        layout.addWidget(self.profiles, 1)

        self.language_combo.activated.connect(self._on_language)
        self.theme_combo.activated.connect(
            lambda index: self.theme_chosen.emit(Theme(self.theme_combo.itemData(index)))
        )
        self.send_key_combo.activated.connect(
            lambda index: self.send_key_chosen.emit(SendKey(self.send_key_combo.itemData(index)))
        )
        self.profiles.profiles_changed.connect(self.profiles_changed)
        self.open_data_btn.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(core.home.root)))
        )
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Settings"))
        self.language_label.setText(self.tr("&Language"))
        self.data_label.setText(self.tr("Data folder"))
        self.keys_label.setText(self.tr("Keys stored in"))
        self.refresh_keys_value()
        self.open_data_btn.setText(self.tr("Open"))
        self.language_combo.blockSignals(True)
        self.language_combo.clear()
        self.language_combo.addItem(self.tr("Follow the system"), Language.SYSTEM)
        self.language_combo.addItem("English", Language.ENGLISH)
        self.language_combo.addItem("简体中文", Language.CHINESE)
        self.language_combo.setCurrentIndex(self.language_combo.findData(self.core.settings.settings.language))
        self.language_combo.blockSignals(False)
        named(self.language_combo, self.tr("Language"))
        self.theme_label.setText(self.tr("&Theme"))
        refill_combo(
            self.theme_combo,
            [
                (self.tr("Follow the system"), Theme.SYSTEM),
                (self.tr("Light"), Theme.LIGHT),
                (self.tr("Dark"), Theme.DARK),
            ],
        )
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(self.core.settings.settings.theme)))
        named(self.theme_combo, self.tr("Theme"))
        self.send_key_label.setText(self.tr("Send &with"))
        self.send_key_combo.blockSignals(True)
        self.send_key_combo.clear()
        self.send_key_combo.addItem(self.tr("Enter (Shift+Enter for a new line)"), SendKey.ENTER)
        self.send_key_combo.addItem(self.tr("Ctrl+Enter (Enter for a new line)"), SendKey.CTRL_ENTER)
        self.send_key_combo.setCurrentIndex(self.send_key_combo.findData(self.core.settings.settings.send_key))
        self.send_key_combo.blockSignals(False)
        named(self.send_key_combo, self.tr("The key that sends a message or a prompt"))
        named(self.open_data_btn, self.tr("Open the data folder"))

    def show_profiles(self, chosen: str | None = None, *, force: bool = False) -> None:
        """Lists the profiles again, ``chosen`` selected (``force``: even while one is edited)."""
        self.profiles.reload(chosen, force=force)

    def keys_moved(self) -> None:
        """The secret store was swapped: the key fields and the keys line say where keys go now."""
        self.profiles.form.retranslate()
        self.refresh_keys_value()
        self.show_profiles(force=True)

    def refresh_keys_value(self) -> None:
        if self.core.secrets.persistent:
            self.keys_value.setText(tr_args(self.tr("the OS keyring (%1)"), self.core.secrets.label))
        else:
            self.keys_value.setText(self.tr("memory only, for this run (no secure keyring)"))

    def _on_language(self, index: int) -> None:
        self.language_chosen.emit(Language(self.language_combo.itemData(index)))


class OnboardingPage(Retranslatable, QWidget):
    """First run: what Keyhold is, then the first profile."""

    done = Signal(str)

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        set_type(self.heading, "display")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.form = ProfileForm(core)
        box = QVBoxLayout()
        box.addWidget(self.heading)
        box.addWidget(self.intro)
        box.addSpacing(12)
        box.addWidget(self.form, 1)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(box, 4)
        outer.addStretch(1)
        self.form.saved.connect(self.done)
        self.retranslate()

    def keys_moved(self) -> None:
        self.form.retranslate()  # its key field says where the key will be kept

    def start_over(self) -> None:
        self.form.load(None)  # it may still show a profile that was just deleted

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Welcome to Keyhold"))
        self.intro.setText(
            self.tr(
                "Keyhold talks to OpenAI-compatible APIs and midjourney-proxy servers directly from this "
                "computer. There is no server in between: your API key and base URL go into the "
                "operating system's keyring and nowhere else, so no crawler can find them.\n\n"
                "Add your first profile. “Test connection” checks the address and the key before you save."
            )
        )


class LazyPage(QWidget):
    """A place in the page stack whose page is built the first time it is shown or asked for;
    shown before ``ready()`` (the core still opening), it stays empty until ``now_ready()``."""

    def __init__(self, build: Callable[[], QWidget], ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__()
        self._build = build
        self._ready = ready
        self.page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.page is None:
            self.page = self._build()
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self.page)
        return self.page

    def now_ready(self) -> None:
        if self.isVisible():
            self.ensure()

    def showEvent(self, event: QShowEvent) -> None:
        if self._ready():
            self.ensure()
        super().showEvent(event)
