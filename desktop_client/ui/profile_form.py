"""The form that creates or edits one profile (used by Settings and by onboarding)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.aio import keyring_call
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError
from desktop_client.core.profiles import (
    ProfileSecrets,
    ResolvedProfile,
    account,
    check_plain_http,
    clean_key,
)
from desktop_client.core.redact import register_secret
from desktop_client.core.secrets import SecretStr, fingerprint
from desktop_client.core.settings import MjAuth, ProfileKind, ProfileRecord
from desktop_client.core.urls import (
    UrlWarning,
    is_loopback_url,
    mj_endpoint,
    normalize_base_url,
    openai_endpoint,
    validate_proxy_url,
)
from desktop_client.ui.errors import describe
from desktop_client.ui.qtutils import named, spawn

log = logging.getLogger(__name__)

REVEAL_SECONDS = 30
OK_STYLE = "color: #1b7f3b;"
ERROR_STYLE = "color: #b3261e;"
WARN_STYLE = "color: #9a6700;"


class ProfileForm(QWidget):
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

        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        self.base_edit = QLineEdit()
        self.base_hint = QLabel()
        self.base_hint.setWordWrap(True)
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.reveal_btn = QPushButton()
        self.reveal_btn.setCheckable(True)
        self.rotate_btn = QPushButton()
        self.key_status = QLabel()
        self.model_edit = QLineEdit()
        self.models = QStringListModel(self)
        self.model_completer = QCompleter(self.models, self.model_edit)
        self.model_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.model_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.model_edit.setCompleter(self.model_completer)
        self.mj_auth_combo = QComboBox()
        self.proxy_edit = QLineEdit()
        self.allow_http_check = QCheckBox()
        self.http_warning = QLabel()
        self.http_warning.setWordWrap(True)
        self.http_warning.setStyleSheet(WARN_STYLE)
        self.test_btn = QPushButton()
        self.save_btn = QPushButton()
        self.save_btn.setDefault(True)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        key_line = QHBoxLayout()
        key_line.addWidget(self.key_edit, 1)
        key_line.addWidget(self.reveal_btn)
        key_line.addWidget(self.rotate_btn)
        key_row = QVBoxLayout()
        key_row.setSpacing(2)
        key_row.addLayout(key_line)
        key_row.addWidget(self.key_status)
        base_row = QVBoxLayout()
        base_row.setSpacing(2)
        base_row.addWidget(self.base_edit)
        base_row.addWidget(self.base_hint)
        http_row = QVBoxLayout()
        http_row.setSpacing(2)
        http_row.addWidget(self.allow_http_check)
        http_row.addWidget(self.http_warning)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._labels = {key: QLabel() for key in ("name", "kind", "base", "key", "model", "mj", "proxy", "http")}
        self.form.addRow(self._labels["name"], self.name_edit)
        self.form.addRow(self._labels["kind"], self.kind_combo)
        self.form.addRow(self._labels["base"], base_row)
        self.form.addRow(self._labels["key"], key_row)
        self.form.addRow(self._labels["model"], self.model_edit)
        self.form.addRow(self._labels["mj"], self.mj_auth_combo)
        self.form.addRow(self._labels["proxy"], self.proxy_edit)
        self.form.addRow(self._labels["http"], http_row)
        for key, label in self._labels.items():
            label.setBuddy(
                {
                    "name": self.name_edit,
                    "kind": self.kind_combo,
                    "base": self.base_edit,
                    "key": self.key_edit,
                    "model": self.model_edit,
                    "mj": self.mj_auth_combo,
                    "proxy": self.proxy_edit,
                    "http": self.allow_http_check,
                }[key]
            )

        buttons = QHBoxLayout()
        buttons.addWidget(self.test_btn)
        buttons.addStretch(1)
        buttons.addWidget(self.save_btn)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addWidget(self.result_label)
        layout.addStretch(1)

        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.timeout.connect(self._hide_key)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.base_edit.textChanged.connect(self._update_base_hint)
        self.allow_http_check.toggled.connect(self._update_base_hint)
        self.reveal_btn.toggled.connect(self._on_reveal_toggled)
        self.rotate_btn.clicked.connect(self._on_rotate_clicked)
        self.test_btn.clicked.connect(lambda: spawn(self.test_connection()))
        self.save_btn.clicked.connect(lambda: spawn(self.save()))

        self.retranslate()
        self.load(None)

    # ----- i18n ------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
        kind = self.kind_combo.currentData()
        self.kind_combo.blockSignals(True)
        self.kind_combo.clear()
        self.kind_combo.addItem(self.tr("OpenAI-compatible (chat and images)"), ProfileKind.OPENAI)
        self.kind_combo.addItem(self.tr("Midjourney (midjourney-proxy)"), ProfileKind.MIDJOURNEY)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.kind_combo.blockSignals(False)
        auth = self.mj_auth_combo.currentData()
        self.mj_auth_combo.clear()
        self.mj_auth_combo.addItem(self.tr("mj-api-secret header (works everywhere)"), MjAuth.MJ_API_SECRET)
        self.mj_auth_combo.addItem(self.tr("Authorization: Bearer (some relays)"), MjAuth.BEARER)
        self.mj_auth_combo.setCurrentIndex(max(0, self.mj_auth_combo.findData(auth)))
        self.name_edit.setPlaceholderText(self.tr("e.g. OpenAI, My relay"))
        self.model_edit.setPlaceholderText(self.tr("e.g. gpt-4o-mini (optional)"))
        self.proxy_edit.setPlaceholderText(self.tr("optional: http://host:port or socks5://host:port"))
        self.allow_http_check.setText(self.tr("Allow plain HTTP to a non-local server"))
        self.http_warning.setText(
            self.tr("Warning: with plain HTTP the API key and every prompt travel unencrypted.")
        )
        self.test_btn.setText(self.tr("&Test connection"))
        self.save_btn.setText(self.tr("&Save profile") if self.record is None else self.tr("&Save changes"))
        self.rotate_btn.setText(self.tr("Replace key…"))
        self.reveal_btn.setText(self.tr("Hide") if self.reveal_btn.isChecked() else self.tr("Reveal"))
        for widget, name in (
            (self.name_edit, self.tr("Profile name")),
            (self.kind_combo, self.tr("Profile kind")),
            (self.base_edit, self.tr("Base URL")),
            (self.key_edit, self.tr("API key")),
            (self.reveal_btn, self.tr("Reveal or hide the API key")),
            (self.rotate_btn, self.tr("Replace the API key")),
            (self.model_edit, self.tr("Default model")),
            (self.mj_auth_combo, self.tr("Midjourney auth header")),
            (self.proxy_edit, self.tr("Proxy URL")),
            (self.allow_http_check, self.tr("Allow plain HTTP")),
            (self.test_btn, self.tr("Test connection")),
            (self.save_btn, self.tr("Save profile")),
        ):
            named(widget, name)
        self._refresh_key_status()
        self._update_base_hint()

    # ----- state -----------------------------------------------------------
    @property
    def kind(self) -> ProfileKind:
        data = self.kind_combo.currentData()
        return ProfileKind(data) if data else ProfileKind.OPENAI

    def load(self, record: ProfileRecord | None) -> None:
        """Shows a profile (secrets are filled in asynchronously) or a blank form for a new one."""
        self.record = record
        self._generation += 1
        self._working = False
        self._loading = record is not None  # saving before the stored URL arrives would save an empty one
        self._refresh_buttons()
        self._stored_key_fp = ""
        self.reveal_btn.setChecked(False)
        self.result_label.clear()
        self.key_edit.clear()
        self.base_edit.clear()
        self.proxy_edit.clear()
        self.models.setStringList([])
        if record is None:
            self.name_edit.clear()
            self.kind_combo.setCurrentIndex(0)
            self.kind_combo.setEnabled(True)
            self.model_edit.clear()
            self.allow_http_check.setChecked(False)
            self.mj_auth_combo.setCurrentIndex(0)
            self.key_edit.setReadOnly(False)
        else:
            self.name_edit.setText(record.name)
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(record.kind))
            # The kind decides which keyring entries and endpoints exist: fixed after creation.
            self.kind_combo.setEnabled(False)
            self.model_edit.setText(record.default_model)
            self.mj_auth_combo.setCurrentIndex(self.mj_auth_combo.findData(record.mj_auth))
            self.allow_http_check.setChecked(record.allow_http)
            self.key_edit.setReadOnly(True)
            spawn(self._load_secrets(record, self._generation))
        self._on_kind_changed()
        self.retranslate()

    async def _load_secrets(self, record: ProfileRecord, generation: int) -> None:
        store = self.core.profiles.secrets
        try:
            base = await keyring_call(store.get, account(record.id, "base_url"))
            key = await keyring_call(store.get, account(record.id, "api_key"))
            proxy = await keyring_call(store.get, account(record.id, "proxy_url")) if record.has_proxy else None
        except KeyholdError as exc:
            if generation == self._generation:
                self._loading = False
                self._refresh_buttons()
                self.save_btn.setEnabled(False)  # the URL is unknown: a save would erase it
                self.show_error(exc)
            return
        if generation != self._generation:
            return  # the user moved on to another profile meanwhile
        self._loading = False
        self._refresh_buttons()
        register_secret(base, f"base-url:{record.name}")
        register_secret(key, f"key:{record.name}")
        self.base_edit.setText(base or "")
        self.proxy_edit.setText(proxy or "")
        self._stored_key_fp = fingerprint(key or "")
        if not key:
            self.key_edit.setReadOnly(False)
        self._refresh_key_status()

    def _refresh_key_status(self) -> None:
        if self.record is None:
            self.key_edit.setPlaceholderText(self.tr("Paste your API key; it goes straight into the OS keyring"))
            self.key_status.setText(self.tr("Stored only in: %1").replace("%1", self._store_name()))
            self.rotate_btn.setVisible(False)
            return
        self.rotate_btn.setVisible(self.key_edit.isReadOnly())
        if self._stored_key_fp and self.key_edit.isReadOnly():
            self.key_edit.setPlaceholderText(self._stored_key_fp)
            self.key_status.setText(self.tr("Stored key: %1").replace("%1", self._stored_key_fp))
        elif self.key_edit.isReadOnly():
            self.key_status.setText(self.tr("Reading the key from the keyring…"))
        else:
            self.key_edit.setPlaceholderText(self.tr("Paste the new key; it replaces the stored one on save"))
            self.key_status.setText(self.tr("The profile keeps its settings; only the key changes."))

    def _store_name(self) -> str:
        if self.core.secrets.persistent:
            return self.tr("the OS keyring (%1)").replace("%1", self.core.secrets.label)
        return self.tr("memory, for this session only")

    def _on_kind_changed(self) -> None:
        is_mj = self.kind is ProfileKind.MIDJOURNEY
        self.mj_auth_combo.setVisible(is_mj)
        self._labels["mj"].setVisible(is_mj)
        self.model_edit.setVisible(not is_mj)
        self._labels["model"].setVisible(not is_mj)
        self.base_edit.setPlaceholderText(
            "https://mj.example.com  ·  https://relay.example.com/mj-relax"
            if is_mj
            else "https://api.openai.com/v1  ·  https://relay.example.com"
        )
        self._update_base_hint()

    def _update_base_hint(self) -> None:
        self.http_warning.setVisible(self.allow_http_check.isChecked())
        raw = self.base_edit.text()
        if not raw.strip():
            self.base_hint.clear()
            return
        try:
            normalized = normalize_base_url(raw, self.kind)
        except KeyholdError as exc:
            self.base_hint.setStyleSheet(ERROR_STYLE)
            self.base_hint.setText(describe(exc)[1])
            return
        target = (
            mj_endpoint(normalized.base, "submit/imagine")
            if self.kind is ProfileKind.MIDJOURNEY
            else openai_endpoint(normalized.base, "chat/completions")
        )
        lines = [self.tr("Requests go to %1").replace("%1", target)]
        style = ""
        for warning in normalized.warnings:
            if warning is UrlWarning.TRAILING_MJ:
                lines.append(
                    self.tr(
                        "The base URL ends in /mj; Keyhold adds /mj/… itself. "
                        "Remove it unless your server is really mounted there."
                    )
                )
                style = WARN_STYLE
            elif warning is UrlWarning.REMOVED_ENDPOINT:
                lines.append(self.tr("The URL pointed at an endpoint; only the base part is kept."))
                style = WARN_STYLE
            elif warning is UrlWarning.PLAIN_HTTP and not is_loopback_url(normalized.base):
                if self.allow_http_check.isChecked():
                    lines.append(self.tr("Plain HTTP: the key travels unencrypted."))
                else:
                    lines.append(self.tr("Plain HTTP to a non-local server is refused unless allowed below."))
                style = WARN_STYLE
        self.base_hint.setStyleSheet(style)
        self.base_hint.setText("\n".join(lines))

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
            spawn(self._reveal_stored())
        else:
            self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal)
            self._hide_timer.start(REVEAL_SECONDS * 1000)

    async def _reveal_stored(self) -> None:
        record = self.record
        assert record is not None
        try:
            key = await keyring_call(self.core.profiles.secrets.get, account(record.id, "api_key"))
        except KeyholdError as exc:
            self.reveal_btn.setChecked(False)
            self.show_error(exc)
            return
        if self.record is not record or not self.reveal_btn.isChecked():
            return
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Normal)
        self.key_edit.setText(key or "")
        self._hide_timer.start(REVEAL_SECONDS * 1000)

    def _hide_key(self) -> None:
        self._hide_timer.stop()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if self.record is not None and self.key_edit.isReadOnly():
            self.key_edit.clear()
        if self.reveal_btn.isChecked():
            self.reveal_btn.setChecked(False)

    # ----- feedback --------------------------------------------------------
    def show_error(self, error: BaseException) -> None:
        headline, body = describe(error)
        self.result_label.setStyleSheet(ERROR_STYLE)
        self.result_label.setText(f"{headline}\n{body}")
        named(self.result_label, headline)

    def show_ok(self, text: str) -> None:
        self.result_label.setStyleSheet(OK_STYLE)
        self.result_label.setText(text)
        named(self.result_label, text)

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
    async def _typed_key(self) -> str:
        if self.key_edit.text().strip() and not (self.record is not None and self.key_edit.isReadOnly()):
            register_secret(self.key_edit.text().strip(), "key")
            return clean_key(self.key_edit.text())
        if self.record is not None:
            stored = await keyring_call(self.core.profiles.secrets.get, account(self.record.id, "api_key"))
            if stored:
                return stored
        return clean_key("")

    async def _draft(self) -> ResolvedProfile:
        """The profile as typed, unsaved, for Test connection."""
        kind = self.kind
        register_secret(self.base_edit.text().strip(), "base-url")
        normalized = normalize_base_url(self.base_edit.text(), kind)
        register_secret(normalized.base, "base-url")
        allow_http = self.allow_http_check.isChecked()
        check_plain_http(normalized.base, allow_http)
        key = await self._typed_key()
        register_secret(self.proxy_edit.text().strip(), "proxy")
        proxy = validate_proxy_url(self.proxy_edit.text())
        record = ProfileRecord(
            id=self.record.id if self.record else "draft",
            name=self.name_edit.text().strip() or "draft",
            kind=kind,
            default_model=self.model_edit.text().strip(),
            mj_auth=MjAuth(self.mj_auth_combo.currentData() or MjAuth.MJ_API_SECRET),
            allow_http=allow_http,
            has_proxy=bool(proxy),
        )
        return ResolvedProfile(
            record, ProfileSecrets(SecretStr(normalized.base), SecretStr(key), SecretStr(proxy) if proxy else None)
        )

    async def test_connection(self) -> None:
        generation = self._begin()
        if generation is None:
            return
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("Testing…"))
        from desktop_client.core.net.client import SecureHttp
        from desktop_client.core.services.connection import check_connection

        try:
            draft = await self._draft()
            http = SecureHttp(draft)
            try:
                report = await check_connection(http)
            finally:
                await http.aclose()
        except KeyholdError as exc:
            if self._finish(generation):
                self.show_error(exc)
            return
        if not self._finish(generation):
            return
        if report.error is not None:
            self.show_error(report.error)
        elif draft.kind is ProfileKind.OPENAI:
            self.models.setStringList(report.models)
            self.show_ok(self.tr("OK: the server answered with %n model(s).", "", len(report.models)))
        else:
            self.show_ok(self.tr("OK: the midjourney-proxy API answered."))

    async def save(self) -> None:
        generation = self._begin()
        if generation is None:
            return
        profiles = self.core.profiles
        mj_auth = MjAuth(self.mj_auth_combo.currentData() or MjAuth.MJ_API_SECRET)
        try:
            if self.record is None:
                record, _warnings = await keyring_call(
                    profiles.add,
                    self.name_edit.text(),
                    self.kind,
                    self.base_edit.text(),
                    self.key_edit.text(),
                    default_model=self.model_edit.text(),
                    mj_auth=mj_auth,
                    proxy_url=self.proxy_edit.text(),
                    allow_http=self.allow_http_check.isChecked(),
                )
            else:
                new_key = "" if self.key_edit.isReadOnly() else self.key_edit.text()
                if new_key:
                    clean_key(new_key)  # fail before writing anything
                record, _warnings = await keyring_call(
                    profiles.update,
                    self.record.id,
                    name=self.name_edit.text(),
                    base_url=self.base_edit.text(),
                    default_model=self.model_edit.text(),
                    mj_auth=mj_auth,
                    proxy_url=self.proxy_edit.text(),
                    allow_http=self.allow_http_check.isChecked(),
                )
                if new_key:
                    await keyring_call(profiles.rotate_key, record.id, new_key)
            await self.core.forget_client(record.id)
        except KeyholdError as exc:
            if self._finish(generation):
                self.show_error(exc)
            return
        if not self._finish(generation):
            self.saved.emit(record.id)  # saved all the same: the list must show it
            return
        self.load(record)
        self.show_ok(self.tr("Saved. The key and base URL are in %1.").replace("%1", self._store_name()))
        self.saved.emit(record.id)
