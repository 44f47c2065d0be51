"""The form that creates or edits one profile (used by Settings and by onboarding).

Everything that touches the keyring or the network goes through the profile service:
``editable`` fills the form, ``reveal_key`` shows the stored key on demand, ``draft`` and
``test`` check what is typed, ``add``/``update`` save it. The form only shows and collects."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.aio import keyring_call
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError
from desktop_client.core.profiles import ResolvedProfile
from desktop_client.core.settings import MjAuth, ProfileKind, ProfileRecord
from desktop_client.core.urls import (
    UrlWarning,
    is_loopback_url,
    mj_endpoint,
    normalize_base_url,
    openai_endpoint,
)
from desktop_client.ui.design import tidy_form
from desktop_client.ui.errors import describe
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import async_slot, named, refill_combo, spawn
from desktop_client.ui.widgets.elided_label import ElidedLabel
from desktop_client.ui.widgets.notice import Notice, error_color, tint, warning_color

log = logging.getLogger(__name__)

REVEAL_SECONDS = 30
FIELDS = ("name", "kind", "base", "key", "model", "mj", "proxy", "http")


def _stacked(*widgets: QWidget | QLayout) -> QWidget:
    """A field and the line that explains it, close together. A widget, not a bare layout: a form
    gives a widget the height its wrapped lines need, a nested layout it may squeeze."""
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    for widget in widgets:
        if isinstance(widget, QLayout):
            column.addLayout(widget)
        else:
            column.addWidget(widget)
    return holder


class ProfileForm(Retranslatable, QWidget):
    saved = Signal(str)
    """Emitted with the profile id after a successful save."""

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.record: ProfileRecord | None = None
        self._stored_key_fp = ""
        # Bumped by every load(): an async result for an older generation is for a profile
        # the user has left, and must not touch the form.
        self._generation = 0
        self._loading = False
        self._working = False
        self._make_widgets()
        self._lay_out()
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self._hide_key)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.base_edit.textChanged.connect(self._update_base_hint)
        self.allow_http_check.toggled.connect(self._update_base_hint)
        # A proxy of its own wins over "direct": the box only means something when the field is empty.
        self.proxy_edit.textChanged.connect(lambda text: self.no_proxy_check.setEnabled(not text.strip()))
        self.reveal_btn.toggled.connect(self._on_reveal_toggled)
        self.rotate_btn.clicked.connect(self._on_rotate_clicked)
        self.test_btn.clicked.connect(self.test_connection)
        self.save_btn.clicked.connect(self.save)
        self.retranslate()
        self.load(None)

    def _make_widgets(self) -> None:
        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        # Long choices are elided, not a reason for the form (and the window) to be wider.
        for combo in (self.kind_combo,):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.base_edit = QLineEdit()
        self.base_hint = QLabel()
        self.base_hint.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reveal_btn = QPushButton()
        self.reveal_btn.setCheckable(True)
        self.rotate_btn = QPushButton()
        # It names the keyring, which can be long: one line, cut short, whole in its tooltip
        # (wrapped lines inside a form row get squeezed in a small window).
        self.key_status = ElidedLabel(least=120)
        # The server's models once a test has listed them (chat models first); any name can be typed.
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.models = QStringListModel(self)
        self.model_combo.setModel(self.models)
        completer = QCompleter(self.models, self.model_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.model_combo.setCompleter(completer)
        model_edit = self.model_combo.lineEdit()
        assert model_edit is not None
        self.model_edit: QLineEdit = model_edit
        self.mj_auth_combo = QComboBox()
        self.proxy_edit = QLineEdit()
        # Left empty: the default proxy of Settings ▸ Network, unless this says to go direct.
        self.no_proxy_check = QCheckBox()
        self.allow_http_check = QCheckBox()
        self.http_warning = QLabel()
        self.http_warning.setWordWrap(True)
        self.test_btn = QPushButton()
        self.save_btn = QPushButton()
        self.save_btn.setProperty("variant", "primary")
        self.save_btn.setDefault(True)
        self.notice = Notice()
        self._labels = {key: QLabel() for key in FIELDS}

    def _lay_out(self) -> None:
        key_line = QHBoxLayout()
        key_line.addWidget(self.key_edit, 1)
        key_line.addWidget(self.reveal_btn)
        key_line.addWidget(self.rotate_btn)
        rows: dict[str, tuple[QWidget | QLayout, QWidget]] = {
            "name": (self.name_edit, self.name_edit),
            "kind": (self.kind_combo, self.kind_combo),
            "base": (_stacked(self.base_edit, self.base_hint), self.base_edit),
            "key": (_stacked(key_line, self.key_status), self.key_edit),
            "model": (self.model_combo, self.model_combo),
            "mj": (self.mj_auth_combo, self.mj_auth_combo),
            "proxy": (_stacked(self.proxy_edit, self.no_proxy_check), self.proxy_edit),
            "http": (_stacked(self.allow_http_check, self.http_warning), self.allow_http_check),
        }
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, (field, buddy) in rows.items():
            label = self._labels[key]
            label.setBuddy(buddy)
            self.form.addRow(label, field)
        tidy_form(self.form)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.save_btn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addStretch(1)

    # ----- i18n ------------------------------------------------------------
    def retranslate(self) -> None:
        texts = {
            "name": self.tr("&Name"),
            "kind": self.tr("&Kind"),
            "base": self.tr("&Base URL"),
            "key": self.tr("API &key"),
            "model": self.tr("Default &model"),
            "mj": self.tr("&Auth header"),
            "proxy": self.tr("&Proxy"),
            "http": self.tr("Plain HTTP"),
        }
        for key, text in texts.items():
            self._labels[key].setText(text)
        refill_combo(
            self.kind_combo,
            [
                (self.tr("OpenAI-compatible (chat and images)"), ProfileKind.OPENAI),
                (self.tr("Midjourney (midjourney-proxy)"), ProfileKind.MIDJOURNEY),
            ],
        )
        refill_combo(
            self.mj_auth_combo,
            [
                (self.tr("mj-api-secret header (works everywhere)"), MjAuth.MJ_API_SECRET),
                (self.tr("Authorization: Bearer (some relays)"), MjAuth.BEARER),
            ],
        )
        self.name_edit.setPlaceholderText(self.tr("e.g. OpenAI, My relay"))
        self.model_edit.setPlaceholderText(self.tr("e.g. gpt-4o-mini (optional)"))
        self.proxy_edit.setPlaceholderText(
            self.tr("optional: http://host:port or socks5://host:port (empty: the default proxy)")
        )
        self.no_proxy_check.setText(self.tr("Connect directly, not through the default proxy"))
        self.allow_http_check.setText(self.tr("Allow plain HTTP to a non-local server"))
        self.http_warning.setText(
            self.tr("Warning: with plain HTTP the API key and every prompt travel unencrypted.")
        )
        self.test_btn.setText(self.tr("&Test connection"))
        self.save_btn.setText(self.tr("&Save profile") if self.record is None else self.tr("&Save changes"))
        self.rotate_btn.setText(self.tr("Replace key…"))
        self.reveal_btn.setText(self.tr("Hide") if self.reveal_btn.isChecked() else self.tr("Reveal"))
        self._name_widgets()
        self._refresh_key_status()
        self._update_base_hint()

    def _name_widgets(self) -> None:
        for widget, name in (
            (self.name_edit, self.tr("Profile name")),
            (self.kind_combo, self.tr("Profile kind")),
            (self.base_edit, self.tr("Base URL")),
            (self.key_edit, self.tr("API key")),
            (self.reveal_btn, self.tr("Reveal or hide the API key")),
            (self.rotate_btn, self.tr("Replace the API key")),
            (self.model_combo, self.tr("Default model")),
            (self.model_edit, self.tr("Default model")),
            (self.mj_auth_combo, self.tr("Midjourney auth header")),
            (self.proxy_edit, self.tr("Proxy URL")),
            (self.allow_http_check, self.tr("Allow plain HTTP")),
            (self.no_proxy_check, self.tr("Connect directly, not through the default proxy")),
            (self.test_btn, self.tr("Test connection")),
            (self.save_btn, self.tr("Save profile")),
        ):
            named(widget, name)

    # ----- state -----------------------------------------------------------
    @property
    def kind(self) -> ProfileKind:
        data = self.kind_combo.currentData()
        return ProfileKind(data) if data else ProfileKind.OPENAI

    @property
    def mj_auth(self) -> MjAuth:
        return MjAuth(self.mj_auth_combo.currentData() or MjAuth.MJ_API_SECRET)

    def load(self, record: ProfileRecord | None) -> None:
        """Shows a profile (secrets are filled in asynchronously) or a blank form for a new one."""
        self.record = record
        self._generation += 1
        self._working = False
        self._loading = record is not None  # saving before the stored URL arrives would save an empty one
        self._refresh_buttons()
        self._stored_key_fp = ""
        self.reveal_btn.setChecked(False)
        self.notice.clear_notice()
        for edit in (self.key_edit, self.base_edit, self.proxy_edit):
            edit.clear()
        self.models.setStringList([])
        # The kind decides which keyring entries and endpoints exist: fixed after creation.
        self.kind_combo.setEnabled(record is None)
        self.key_edit.setReadOnly(record is not None)
        self.name_edit.setText(record.name if record else "")
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(record.kind)) if record else 0)
        self.model_combo.setEditText(record.default_model if record else "")
        self.mj_auth_combo.setCurrentIndex(max(0, self.mj_auth_combo.findData(record.mj_auth)) if record else 0)
        self.allow_http_check.setChecked(record.allow_http if record else False)
        self.no_proxy_check.setChecked(record.no_proxy if record else False)
        if record is not None:
            spawn(self._load_secrets(record, self._generation))
        self._on_kind_changed()
        self.retranslate()

    async def _load_secrets(self, record: ProfileRecord, generation: int) -> None:
        try:
            stored = await keyring_call(self.core.profiles.editable, record.id)
        except KeyholdError as exc:
            if generation == self._generation:
                self._loading = False
                self._refresh_buttons()
                self.save_btn.setEnabled(False)  # the URL is unknown: a save would erase it
                self.notice.show_error(exc)
            return
        if generation != self._generation:
            return  # the user moved on to another profile meanwhile
        self._loading = False
        self._refresh_buttons()
        self.base_edit.setText(stored.base_url)
        self.proxy_edit.setText(stored.proxy_url)
        self._stored_key_fp = stored.key_fingerprint
        if not stored.key_fingerprint:
            self.key_edit.setReadOnly(False)
        self._refresh_key_status()

    def _refresh_key_status(self) -> None:
        if self.record is None:
            self.key_edit.setPlaceholderText(self.tr("Paste your API key; it goes straight into the OS keyring"))
            self.key_status.setText(tr_args(self.tr("Stored only in: %1"), self._store_name()))
            self.rotate_btn.setVisible(False)
            return
        self.rotate_btn.setVisible(self.key_edit.isReadOnly())
        if self._stored_key_fp and self.key_edit.isReadOnly():
            self.key_edit.setPlaceholderText(self._stored_key_fp)
            self.key_status.setText(tr_args(self.tr("Stored key: %1"), self._stored_key_fp))
        elif self.key_edit.isReadOnly():
            self.key_status.setText(self.tr("Reading the key from the keyring…"))
        else:
            self.key_edit.setPlaceholderText(self.tr("Paste the new key; it replaces the stored one on save"))
            self.key_status.setText(self.tr("The profile keeps its settings; only the key changes."))

    def _store_name(self) -> str:
        if self.core.secrets.persistent:
            return tr_args(self.tr("the OS keyring (%1)"), self.core.secrets.label)
        return self.tr("memory, for this session only")

    def _on_kind_changed(self) -> None:
        is_mj = self.kind is ProfileKind.MIDJOURNEY
        for key, widget in (("mj", self.mj_auth_combo), ("model", self.model_combo)):
            shown = is_mj if key == "mj" else not is_mj
            widget.setVisible(shown)
            self._labels[key].setVisible(shown)
        self.base_edit.setPlaceholderText(
            "https://mj.example.com  ·  https://relay.example.com/mj-relax"
            if is_mj
            else "https://api.openai.com/v1  ·  https://relay.example.com"
        )
        self._update_base_hint()

    def _update_base_hint(self) -> None:
        self.http_warning.setVisible(self.allow_http_check.isChecked())
        tint(self.http_warning, warning_color(self.palette()))
        raw = self.base_edit.text()
        if not raw.strip():
            self.base_hint.clear()
            return
        try:
            normalized = normalize_base_url(raw, self.kind)
        except KeyholdError as exc:
            tint(self.base_hint, error_color(self.palette()))
            self.base_hint.setText(describe(exc)[1])
            return
        target = (
            mj_endpoint(normalized.base, "submit/imagine")
            if self.kind is ProfileKind.MIDJOURNEY
            else openai_endpoint(normalized.base, "chat/completions")
        )
        lines = [tr_args(self.tr("Requests go to %1"), target)]
        for warning in normalized.warnings:
            if warning is UrlWarning.TRAILING_MJ:
                lines.append(
                    self.tr(
                        "The base URL ends in /mj; Keyhold adds /mj/… itself. "
                        "Remove it unless your server is really mounted there."
                    )
                )
            elif warning is UrlWarning.REMOVED_ENDPOINT:
                lines.append(self.tr("The URL pointed at an endpoint; only the base part is kept."))
            elif warning is UrlWarning.PLAIN_HTTP and not is_loopback_url(normalized.base):
                if self.allow_http_check.isChecked():
                    lines.append(self.tr("Plain HTTP: the key travels unencrypted."))
                else:
                    lines.append(self.tr("Plain HTTP to a non-local server is refused unless allowed below."))
        tint(self.base_hint, warning_color(self.palette()) if len(lines) > 1 else None)
        self.base_hint.setText("\n".join(lines))

    # ----- the key -----------------------------------------------------------
    def _on_rotate_clicked(self) -> None:
        self.reveal_btn.setChecked(False)
        self.key_edit.setReadOnly(False)
        self.key_edit.clear()
        self.key_edit.setFocus()
        self._refresh_key_status()

    def _on_reveal_toggled(self, shown: bool) -> None:
        self.reveal_btn.setText(self.tr("Hide") if shown else self.tr("Reveal"))
        if not shown:
            self._hide_key()
            return
        if self.record is not None and self.key_edit.isReadOnly():
            spawn(self._reveal_stored(self.record))
        else:
            self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal)
            self._hide_timer.start(int(REVEAL_SECONDS * 1000))

    async def _reveal_stored(self, record: ProfileRecord) -> None:
        try:
            key = await keyring_call(self.core.profiles.reveal_key, record.id)
        except KeyholdError as exc:
            self.reveal_btn.setChecked(False)
            self.notice.show_error(exc)
            return
        if self.record is not record or not self.reveal_btn.isChecked():
            return
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal)
        self.key_edit.setText(key)
        self._hide_timer.start(int(REVEAL_SECONDS * 1000))

    def _hide_key(self) -> None:
        self._hide_timer.stop()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if self.record is not None and self.key_edit.isReadOnly():
            self.key_edit.clear()
        if self.reveal_btn.isChecked():
            self.reveal_btn.setChecked(False)

    def _typed_key(self) -> str:
        """The key typed into the form; "" while it shows (or hides) the stored one."""
        return "" if self.record is not None and self.key_edit.isReadOnly() else self.key_edit.text()

    # ----- busy state --------------------------------------------------------
    def _refresh_buttons(self) -> None:
        idle = not (self._loading or self._working)
        self.test_btn.setEnabled(idle)
        self.save_btn.setEnabled(idle)

    def _begin(self) -> int | None:
        """Marks an operation as running; None when one already is."""
        if self._loading or self._working:
            return None
        self._working = True
        self._refresh_buttons()
        return self._generation

    def _finish(self, generation: int) -> bool:
        """Ends an operation; False when the form has since moved to another profile."""
        if generation != self._generation:
            return False
        self._working = False
        self._refresh_buttons()
        return True

    # ----- actions ---------------------------------------------------------
    def _draft(self) -> Callable[[], ResolvedProfile]:
        """The profile as typed, read now (on the GUI thread), drafted by the service when called
        (in a worker: with the stored key, that is a keyring read)."""
        return functools.partial(
            self.core.profiles.draft,
            self.kind,
            self.base_edit.text(),
            self._typed_key(),
            profile_id=self.record.id if self.record else None,
            name=self.name_edit.text(),
            default_model=self.model_edit.text(),
            mj_auth=self.mj_auth,
            proxy_url=self.proxy_edit.text(),
            allow_http=self.allow_http_check.isChecked(),
            no_proxy=self.no_proxy_check.isChecked(),
        )

    @async_slot
    async def test_connection(self) -> None:
        generation = self._begin()
        if generation is None:
            return
        self.notice.show_info(self.tr("Testing…"), fade=False)
        try:
            report = await self.core.profiles.test(await keyring_call(self._draft()))
        except KeyholdError as exc:
            if self._finish(generation):
                self.notice.show_error(exc)
            return
        if not self._finish(generation):
            return
        if report.error is not None:
            self.notice.show_error(report.error)
        elif report.kind is ProfileKind.OPENAI:
            self._offer_models(report.models, report.model_for(self.model_combo.currentText()))
            text = self.tr("OK: the server answered with %n model(s).", "", len(report.models))
            self.notice.show_info(text, fade=False)
        else:
            self.notice.show_info(self.tr("OK: the midjourney-proxy API answered."), fade=False)

    def _offer_models(self, models: list[str], chosen: str) -> None:
        """The models the server listed, in the combo box, with ``chosen`` picked (saved on save)."""
        self.models.setStringList(models)
        index = self.model_combo.findText(chosen)
        if index >= 0:
            self.model_combo.setCurrentIndex(index)
        self.model_combo.setEditText(chosen)

    @async_slot
    async def save(self) -> None:
        generation = self._begin()
        if generation is None:
            return
        profiles = self.core.profiles
        write: Callable[..., tuple[ProfileRecord, tuple[UrlWarning, ...]]]
        if self.record is None:
            write = functools.partial(
                profiles.add, self.name_edit.text(), self.kind, self.base_edit.text(), self.key_edit.text()
            )
        else:
            write = functools.partial(
                profiles.update,
                self.record.id,
                name=self.name_edit.text(),
                base_url=self.base_edit.text(),
                api_key=self._typed_key() or None,  # a new key, checked before anything is written
            )
        try:
            record, _warnings = await keyring_call(
                write,
                default_model=self.model_edit.text(),
                mj_auth=self.mj_auth,
                proxy_url=self.proxy_edit.text(),
                allow_http=self.allow_http_check.isChecked(),
                no_proxy=self.no_proxy_check.isChecked(),
            )
        except KeyholdError as exc:
            if self._finish(generation):
                self.notice.show_error(exc)
            return
        if not self._finish(generation):
            self.saved.emit(record.id)  # saved all the same: the list must show it
            return
        self.load(record)
        self.notice.show_info(tr_args(self.tr("Saved. The key and base URL are in %1."), self._store_name()))
        self.saved.emit(record.id)
