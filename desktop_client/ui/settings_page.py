"""Settings: one scrolling page of sections (Profiles, Appearance, Chat, Network, Notifications,
Data, About), with a row of links that jump to each.

Sections are frames with the ``role`` property ``section`` and titles with ``sectionTitle``:
the global stylesheet styles them; nothing here sets a colour or a stylesheet."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.aio import keyring_call
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError
from desktop_client.core.settings import (
    LONG_ANSWER_RANGE,
    Language,
    ProfileKind,
    ProfileRecord,
    SendKey,
    Settings,
    Theme,
)
from desktop_client.ui.about import AboutSection
from desktop_client.ui.design import Space, set_type, tidy_form
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.profiles_page import ProfilesEditor
from desktop_client.ui.qtutils import async_slot, fill_profile_combo, named, refill_combo
from desktop_client.ui.widgets.notice import Notice

SECTIONS = ("profiles", "appearance", "chat", "network", "notifications", "data", "about")


def _note(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    label.setProperty("role", "note")
    label.setProperty("muted", True)
    return label


class Section(QFrame):
    def __init__(self, key: str, body: QLayout | QWidget) -> None:
        super().__init__()
        self.setObjectName(f"section-{key}")
        self.setProperty("role", "section")
        self.setProperty("card", "true")
        self.title = QLabel()
        set_type(self.title, "subtitle")
        self.title.setProperty("role", "sectionTitle")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(Space.M, Space.M, Space.M, Space.L)
        layout.setSpacing(Space.S)
        layout.addWidget(self.title)
        if isinstance(body, QLayout):
            layout.addLayout(body)
        else:
            layout.addWidget(body)


class SettingsPage(Retranslatable, QWidget):
    language_chosen = Signal(object)
    theme_chosen = Signal(object)
    send_key_chosen = Signal(object)  # SendKey
    profiles_changed = Signal()  # the user added, edited or removed a profile here
    default_chosen = Signal()  # a new default profile: pages without work under way switch to it

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._proxy_loaded = False
        self.heading = QLabel()
        set_type(self.heading, "title")
        self.heading.setProperty("role", "pageTitle")
        self.profiles = ProfilesEditor(core)
        # The editor is a list beside a form: it needs its height, the page scrolls around it.
        # (its form's own minimum counts too: a fixed height here would squeeze the form).
        self.profiles.list.setMinimumHeight(240)
        self._make_widgets()
        self.sections = {
            "profiles": Section("profiles", self.profiles),
            "appearance": Section("appearance", self._form(self.language, self.theme)),
            "chat": Section("chat", self._chat_body()),
            "network": Section("network", self._network_body()),
            "notifications": Section("notifications", self._notifications_body()),
            "data": Section("data", self._data_body()),
            "about": Section("about", self.about),
        }
        self.profiles.title.hide()  # the section's title says it
        self._lay_out()
        self._connect()
        self.retranslate()
        self.refresh_defaults()

    # ----- widgets ------------------------------------------------------------------------
    def _make_widgets(self) -> None:
        self.language = (QLabel(), QComboBox())
        self.theme = (QLabel(), QComboBox())
        self.language_combo, self.theme_combo = self.language[1], self.theme[1]
        self.send_key = (QLabel(), QComboBox())
        self.send_key_combo = self.send_key[1]
        self.default_profile = (QLabel(), QComboBox())
        self.default_profile_combo = self.default_profile[1]
        self.default_model = (QLabel(), QComboBox())
        self.default_model_combo = self.default_model[1]
        self.default_model_combo.setEditable(True)
        self.default_model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.load_models_btn = QPushButton()
        self.default_mj = (QLabel(), QComboBox())
        self.default_mj_combo = self.default_mj[1]
        self.chat_notice = Notice()
        self.proxy = (QLabel(), QLineEdit())
        self.proxy_edit = self.proxy[1]
        self.proxy_btn = QPushButton()
        self.proxy_note = _note(QLabel())
        self.notice = Notice()  # the network section's: what async_slot reports errors to
        self.notify_check = QCheckBox()
        self.notify_chat = QCheckBox()
        self.notify_images = QCheckBox()
        self.notify_mj = QCheckBox()
        self.long_answer = (QLabel(), QSpinBox())
        self.long_answer_spin = self.long_answer[1]
        self.long_answer_spin.setRange(*LONG_ANSWER_RANGE)
        self.data_path = QLabel(str(self.core.home.root))
        self.data_path.setWordWrap(True)
        self.data_path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_data_btn = QPushButton()
        self.copy_path_btn = QPushButton()
        self.data_note = _note(QLabel())
        self.keys_label = QLabel()
        self.keys_value = QLabel()
        self.keys_value.setWordWrap(True)
        self.about = AboutSection()
        self.jumps = {key: QPushButton() for key in SECTIONS}
        for button in self.jumps.values():
            button.setFlat(True)
            button.setProperty("role", "link")
            button.setCursor(Qt.CursorShape.PointingHandCursor)

    @staticmethod
    def _form(*rows: tuple[QLabel, QWidget | QLayout]) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in rows:
            if isinstance(field, QWidget):
                label.setBuddy(field)
            form.addRow(label, field)
        tidy_form(form)
        return form

    def _chat_body(self) -> QVBoxLayout:
        model_row = QHBoxLayout()
        model_row.addWidget(self.default_model_combo, 1)
        model_row.addWidget(self.load_models_btn)
        self.default_model[0].setBuddy(self.default_model_combo)
        body = QVBoxLayout()
        body.addLayout(
            self._form(self.send_key, self.default_profile, (self.default_model[0], model_row), self.default_mj)
        )
        body.addWidget(self.chat_notice)
        return body

    def _network_body(self) -> QVBoxLayout:
        row = QHBoxLayout()
        row.addWidget(self.proxy_edit, 1)
        row.addWidget(self.proxy_btn)
        self.proxy[0].setBuddy(self.proxy_edit)
        body = QVBoxLayout()
        body.addLayout(self._form((self.proxy[0], row)))
        body.addWidget(self.proxy_note)
        body.addWidget(self.notice)
        return body

    def _notifications_body(self) -> QVBoxLayout:
        body = QVBoxLayout()
        body.addWidget(self.notify_check)
        kinds = QVBoxLayout()
        kinds.setContentsMargins(24, 0, 0, 0)  # the kinds belong to the switch above them
        for check in (self.notify_chat, self.notify_images, self.notify_mj):
            kinds.addWidget(check)
        kinds.addLayout(self._form(self.long_answer))
        body.addLayout(kinds)
        return body

    def _data_body(self) -> QVBoxLayout:
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_data_btn)
        buttons.addWidget(self.copy_path_btn)
        buttons.addStretch(1)
        body = QVBoxLayout()
        body.addWidget(self.data_path)
        body.addLayout(buttons)
        body.addWidget(self.data_note)
        body.addLayout(self._form((self.keys_label, self.keys_value)))
        return body

    def _lay_out(self) -> None:
        jump_row = QHBoxLayout()
        jump_row.setSpacing(0)
        for button in self.jumps.values():
            jump_row.addWidget(button)
        jump_row.addStretch(1)
        content = QWidget()
        content.setObjectName("settingsContent")
        column = QVBoxLayout(content)
        column.setSpacing(18)
        for section in self.sections.values():
            column.addWidget(section)
        column.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("settingsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Always there: wrapped notes grow taller as the bar takes width, which could show and hide
        # an as-needed bar for ever; the page is taller than the window in any case.
        self.scroll_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll_area.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(jump_row)
        layout.addWidget(self.scroll_area, 1)

    def _connect(self) -> None:
        self.language_combo.activated.connect(
            lambda index: self.language_chosen.emit(Language(self.language_combo.itemData(index)))
        )
        self.theme_combo.activated.connect(
            lambda index: self.theme_chosen.emit(Theme(self.theme_combo.itemData(index)))
        )
        self.send_key_combo.activated.connect(
            lambda index: self.send_key_chosen.emit(SendKey(self.send_key_combo.itemData(index)))
        )
        self.default_profile_combo.activated.connect(lambda: self._choose_default(ProfileKind.OPENAI))
        self.default_mj_combo.activated.connect(lambda: self._choose_default(ProfileKind.MIDJOURNEY))
        self.default_model_combo.activated.connect(self.save_default_model)
        model_edit = self.default_model_combo.lineEdit()
        assert model_edit is not None
        model_edit.editingFinished.connect(self.save_default_model)
        self.load_models_btn.clicked.connect(self.load_models)
        self.proxy_btn.clicked.connect(self.save_proxy)
        self.proxy_edit.returnPressed.connect(self.save_proxy)
        self.notify_check.toggled.connect(lambda on: self._notify("enabled", on))
        self.notify_chat.toggled.connect(lambda on: self._notify("chat", on))
        self.notify_images.toggled.connect(lambda on: self._notify("images", on))
        self.notify_mj.toggled.connect(lambda on: self._notify("midjourney", on))
        self.long_answer_spin.valueChanged.connect(lambda seconds: self._notify("long_answer_seconds", seconds))
        self.profiles.profiles_changed.connect(self.profiles_changed)
        self.profiles.profiles_changed.connect(self.refresh_defaults)
        self.open_data_btn.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.core.home.root)))
        )
        self.copy_path_btn.clicked.connect(self.copy_data_path)
        for key, button in self.jumps.items():
            button.clicked.connect(lambda _=False, key=key: self.jump_to(key))
        wanted = self.core.settings.settings.notifications
        for check, on in (
            (self.notify_check, wanted.enabled),
            (self.notify_chat, wanted.chat),
            (self.notify_images, wanted.images),
            (self.notify_mj, wanted.midjourney),
        ):
            check.setChecked(on)
        self.long_answer_spin.setValue(wanted.long_answer_seconds)
        self._enable_kinds()

    # ----- text ---------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.heading.setText(self.tr("Settings"))
        titles = {
            "profiles": self.tr("Profiles"),
            "appearance": self.tr("Appearance"),
            "chat": self.tr("Chat"),
            "network": self.tr("Network"),
            "notifications": self.tr("Notifications"),
            "data": self.tr("Data"),
            "about": self.tr("About"),
        }
        for key, title in titles.items():
            self.sections[key].title.setText(title)
            self.jumps[key].setText(title)
            named(self.jumps[key], tr_args(self.tr("Go to %1"), title))
        self._retranslate_appearance()
        self._retranslate_chat()
        self.proxy[0].setText(self.tr("Default &proxy"))
        self.proxy_edit.setPlaceholderText(self.tr("none: http://host:port, https://… or socks5://host:port"))
        self.proxy_btn.setText(self.tr("Apply"))
        self.proxy_note.setText(
            self.tr(
                "Used by every profile that has no proxy of its own, unless the profile connects directly. "
                "It is kept in the keyring with the keys, as it may hold a password."
            )
        )
        named(self.proxy_edit, self.tr("Default proxy URL"))
        named(self.proxy_btn, self.tr("Apply the default proxy"))
        self.notify_check.setText(self.tr("Tell me when work ends while Keyhold is in the background"))
        self.notify_chat.setText(self.tr("Chat answers that take a while"))
        self.notify_images.setText(self.tr("Image generations"))
        self.notify_mj.setText(self.tr("Midjourney tasks"))
        self.long_answer[0].setText(self.tr("&Long answers take at least"))
        self.long_answer_spin.setSuffix(self.tr(" s"))
        named(self.long_answer_spin, self.tr("Seconds after which a chat answer is announced"))
        spin_edit = self.long_answer_spin.findChild(QLineEdit)
        if spin_edit is not None:  # the part Qt builds inside needs the name too
            named(spin_edit, self.long_answer_spin.accessibleName())
        for check in (self.notify_check, self.notify_chat, self.notify_images, self.notify_mj):
            named(check, check.text())
        self.open_data_btn.setText(self.tr("Open folder"))
        self.copy_path_btn.setText(self.tr("Copy path"))
        named(self.open_data_btn, self.tr("Open the data folder"))
        named(self.copy_path_btn, self.tr("Copy the data folder's path"))
        self.data_note.setText(
            self.tr(
                "Conversations, Midjourney tasks, the gallery, settings and logs live in this folder. "
                "API keys, base URLs and proxies are never written to it: they are kept as the next line says."
            )
        )
        self.keys_label.setText(self.tr("Keys stored in"))
        self.refresh_keys_value()

    def _retranslate_appearance(self) -> None:
        self.language[0].setText(self.tr("&Language"))
        refill_combo(
            self.language_combo,
            [
                (self.tr("Follow the system"), Language.SYSTEM),
                ("English", Language.ENGLISH),
                ("简体中文", Language.CHINESE),
            ],
        )
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(self.core.settings.settings.language))
        )
        named(self.language_combo, self.tr("Language"))
        self.theme[0].setText(self.tr("&Theme"))
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

    def _retranslate_chat(self) -> None:
        self.send_key[0].setText(self.tr("Send &with"))
        refill_combo(
            self.send_key_combo,
            [
                (self.tr("Enter (Shift+Enter for a new line)"), SendKey.ENTER),
                (self.tr("Ctrl+Enter (Enter for a new line)"), SendKey.CTRL_ENTER),
            ],
        )
        self.send_key_combo.setCurrentIndex(
            max(0, self.send_key_combo.findData(self.core.settings.settings.send_key))
        )
        named(self.send_key_combo, self.tr("The key that sends a message or a prompt"))
        self.default_profile[0].setText(self.tr("Default &profile"))
        self.default_model[0].setText(self.tr("Its default &model"))
        self.default_mj[0].setText(self.tr("Default &Midjourney profile"))
        self.default_model_combo.setPlaceholderText(self.tr("the server's first chat model"))
        model_edit = self.default_model_combo.lineEdit()
        if model_edit is not None:
            model_edit.setPlaceholderText(self.tr("the server's first chat model"))
            named(model_edit, self.tr("Default model of the default profile"))
        self.load_models_btn.setText(self.tr("Load models"))
        named(self.default_profile_combo, self.tr("The profile new conversations and images start with"))
        named(self.default_model_combo, self.tr("Default model of the default profile"))
        named(self.default_mj_combo, self.tr("The profile new Midjourney tasks start with"))
        named(self.load_models_btn, self.tr("Load the server's models"))

    # ----- defaults -----------------------------------------------------------------------
    def refresh_defaults(self) -> None:
        """The default profile boxes list the profiles again (added, renamed, removed)."""
        profiles = self.core.profiles
        for combo, kind in (
            (self.default_profile_combo, ProfileKind.OPENAI),
            (self.default_mj_combo, ProfileKind.MIDJOURNEY),
        ):
            combo.blockSignals(True)
            fill_profile_combo(combo, profiles.all(), kind, profiles.default_for(kind))
            combo.setEnabled(combo.count() > 0)
            combo.blockSignals(False)
        record = self._default_record()
        self.default_model_combo.setEnabled(record is not None)
        self.load_models_btn.setEnabled(record is not None)
        self.default_model_combo.setEditText(record.default_model if record else "")

    def _default_record(self) -> ProfileRecord | None:
        chosen = self.default_profile_combo.currentData()
        return next((r for r in self.core.profiles.all() if r.id == chosen), None)

    def _choose_default(self, kind: ProfileKind) -> None:
        combo = self.default_mj_combo if kind is ProfileKind.MIDJOURNEY else self.default_profile_combo
        chosen = combo.currentData()
        if isinstance(chosen, str):
            self.core.profiles.set_default(kind, chosen)
            self.default_model_combo.clear()
            self.refresh_defaults()
            self.default_chosen.emit()

    @async_slot
    async def save_default_model(self) -> None:
        record = self._default_record()
        typed = self.default_model_combo.currentText().strip()
        if record is None or typed == record.default_model:
            return
        await keyring_call(self.core.profiles.update, record.id, default_model=typed)
        model = typed or self.tr("the server's first chat model")
        self.chat_notice.show_info(tr_args(self.tr("New conversations with %1 use %2."), record.name, model))
        self.profiles.reload(force=True)
        self.profiles_changed.emit()

    @async_slot
    async def load_models(self) -> None:
        record = self._default_record()
        if record is None:
            return
        if not self.core.is_open:
            self.chat_notice.show_info(self.tr("Keyhold is still starting: try again in a moment."))
            return
        self.chat_notice.show_info(self.tr("Loading models…"), fade=False)
        try:
            models = await self.core.chat.models(record.id, refresh=True)
        except KeyholdError as exc:
            self.chat_notice.show_error(exc)
            return
        typed = self.default_model_combo.currentText()
        self.default_model_combo.clear()
        self.default_model_combo.addItems(models)
        self.default_model_combo.setEditText(typed)
        self.chat_notice.show_info(self.tr("%n model(s) to choose from.", "", len(models)))

    # ----- network ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._proxy_loaded:
            self._proxy_loaded = True
            self.load_proxy()

    @async_slot
    async def load_proxy(self) -> None:
        self.proxy_edit.setText(await keyring_call(self.core.profiles.default_proxy))

    @async_slot
    async def save_proxy(self) -> None:
        proxy = await keyring_call(self.core.profiles.set_default_proxy, self.proxy_edit.text())
        self.proxy_edit.setText(proxy)
        self.notice.show_info(
            self.tr("Saved: profiles without a proxy of their own now use it.")
            if proxy
            else self.tr("No default proxy: profiles without a proxy of their own connect directly.")
        )

    # ----- notifications --------------------------------------------------------------------
    def _notify(self, name: str, value: object) -> None:
        def change(settings: Settings) -> None:
            setattr(settings.notifications, name, value)

        self.core.settings.update(change)
        self._enable_kinds()

    def _enable_kinds(self) -> None:
        on = self.notify_check.isChecked()
        for widget in (self.notify_chat, self.notify_images, self.notify_mj):
            widget.setEnabled(on)
        self.long_answer_spin.setEnabled(on and self.notify_chat.isChecked())

    # ----- data and keys --------------------------------------------------------------------
    def copy_data_path(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(str(self.core.home.root))

    def jump_to(self, key: str) -> None:
        section = self.sections[key]
        self.scroll_area.verticalScrollBar().setValue(section.y())

    def show_profiles(self, chosen: str | None = None, *, force: bool = False) -> None:
        """Lists the profiles again, ``chosen`` selected (``force``: even while one is edited)."""
        self.profiles.reload(chosen, force=force)
        self.refresh_defaults()

    def keys_moved(self) -> None:
        """The secret store was swapped: the key fields and the keys line say where keys go now."""
        self.profiles.form.retranslate()
        self.refresh_keys_value()
        self.show_profiles(force=True)
        if self._proxy_loaded:
            self.load_proxy()

    def refresh_keys_value(self) -> None:
        if self.core.secrets.persistent:
            self.keys_value.setText(tr_args(self.tr("the OS keyring (%1)"), self.core.secrets.label))
        else:
            self.keys_value.setText(self.tr("memory only, for this run (no secure keyring)"))
