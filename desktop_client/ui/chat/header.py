"""Above the conversation: its title, profile, model, temperature, system prompt, export."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.services.chat_types import Conversation, ConversationSettings
from desktop_client.core.settings import ProfileKind, ProfileRecord
from desktop_client.ui.design import Space, set_icon, set_type
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import fill_profile_combo, named
from desktop_client.ui.widgets.elided_label import ElidedLabel
from desktop_client.ui.widgets.overflow_bar import OverflowBar

NO_TEMPERATURE = -0.1  # the spin box's lowest value stands for "the server's default"


class ChatHeader(Retranslatable, QWidget):
    """Shows a conversation's settings and says when the user changed them."""

    settings_edited = Signal()  # model, temperature or system prompt: read them with settings()
    profile_chosen = Signal()
    refresh_models_requested = Signal()
    export_requested = Signal(str)  # "md" or "json"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = ElidedLabel(least=90)
        set_type(self.title_label, "subtitle")
        self.profile_combo = QComboBox()
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setMinimumContentsLength(10)
        for combo in (self.profile_combo, self.model_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.profile_combo.setMinimumContentsLength(6)
        model_edit = self.model_combo.lineEdit()
        assert model_edit is not None
        self.model_edit: QLineEdit = model_edit
        self.refresh_models_btn = QToolButton()
        set_icon(self.refresh_models_btn, "regenerate")
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(NO_TEMPERATURE, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setDecimals(1)
        self.system_btn = QToolButton()
        self.system_btn.setCheckable(True)
        set_icon(self.system_btn, "sliders")
        self.export_btn = QToolButton()
        self.export_btn.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        set_icon(self.export_btn, "export")
        self.export_menu = QMenu(self)
        self.export_md = QAction(self)
        self.export_json = QAction(self)
        self.export_menu.addAction(self.export_md)
        self.export_menu.addAction(self.export_json)
        self.export_btn.setMenu(self.export_menu)
        self.system_edit = QPlainTextEdit()
        self.system_edit.setMaximumHeight(90)
        self.more = self._build_more()  # the system prompt and the context limits, shown on demand
        # In a small window the system prompt and export buttons are under More.
        self.more_bar = OverflowBar()
        self.more_bar.add(self.system_btn)
        self.more_bar.add(self.export_btn)
        row = QHBoxLayout()
        row.setSpacing(Space.S)
        row.addWidget(self.title_label, 1)
        # The temperature sits with the system prompt and the limits: set once, not every turn.
        for widget in (self.profile_combo, self.model_combo, self.refresh_models_btn):
            row.addWidget(widget)
        row.addWidget(self.more_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(Space.L, Space.S, Space.L, Space.S)
        layout.setSpacing(Space.S)
        layout.addLayout(row)
        layout.addWidget(self.more)

        self.profile_combo.activated.connect(lambda _index: self.profile_chosen.emit())
        self.model_edit.editingFinished.connect(self.settings_edited)
        self.model_combo.activated.connect(lambda _index: self.settings_edited.emit())
        self.refresh_models_btn.clicked.connect(self.refresh_models_requested)
        self.temperature.editingFinished.connect(self.settings_edited)
        self.system_btn.toggled.connect(self.more.setVisible)
        for spin in (self.context_messages, self.context_tokens, self.max_tokens):
            spin.editingFinished.connect(self.settings_edited)
        self.system_edit.installEventFilter(self)
        self.export_md.triggered.connect(lambda: self.export_requested.emit("md"))
        self.export_json.triggered.connect(lambda: self.export_requested.emit("json"))
        self.retranslate()

    def _build_more(self) -> QWidget:
        """The system prompt, then how much history each question carries and how long an answer
        may be (0: no limit)."""
        self.context_messages = QSpinBox()
        self.context_messages.setRange(0, 1000)
        self.context_tokens = QSpinBox()
        self.context_tokens.setRange(0, 2_000_000)
        self.context_tokens.setSingleStep(1000)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(0, 1_000_000)
        self.max_tokens.setSingleStep(256)
        more = QWidget()
        column = QVBoxLayout(more)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.system_edit)
        limits = QHBoxLayout()
        for spin in (self.temperature, self.context_messages, self.context_tokens, self.max_tokens):
            limits.addWidget(spin)
        limits.addStretch(1)
        column.addLayout(limits)
        more.setVisible(False)
        return more

    def retranslate(self) -> None:
        self.context_messages.setPrefix(self.tr("send the last "))
        self.context_messages.setSuffix(self.tr(" messages"))
        self.context_messages.setSpecialValueText(self.tr("send every message"))
        self.context_tokens.setPrefix(self.tr("up to "))
        self.context_tokens.setSuffix(self.tr(" tokens of them"))
        self.context_tokens.setSpecialValueText(self.tr("no token budget"))
        self.max_tokens.setPrefix(self.tr("answers up to "))
        self.max_tokens.setSuffix(self.tr(" tokens"))
        self.max_tokens.setSpecialValueText(self.tr("answer length: server default"))
        self.temperature.setSpecialValueText(self.tr("temp. default"))
        self.temperature.setPrefix(self.tr("temp. "))
        self.system_btn.setText(self.tr("System prompt and context"))
        self.export_btn.setText(self.tr("Export"))
        self.export_md.setText(self.tr("As Markdown…"))
        self.export_json.setText(self.tr("As JSON…"))
        self.system_edit.setPlaceholderText(self.tr("System prompt for this conversation (optional)"))
        self.model_edit.setPlaceholderText(self.tr("model"))
        for widget, name in (
            (self.profile_combo, self.tr("Profile")),
            (self.model_combo, self.tr("Model")),
            (self.refresh_models_btn, self.tr("Refresh the model list")),
            (self.temperature, self.tr("Temperature")),
            (self.system_btn, self.tr("System prompt and context")),
            (self.system_edit, self.tr("System prompt")),
            (self.context_messages, self.tr("Messages sent with each question")),
            (self.context_tokens, self.tr("Token budget for the messages sent")),
            (self.max_tokens, self.tr("Longest answer, in tokens")),
            (self.export_btn, self.tr("Export conversation")),
            (self.model_edit, self.tr("Model")),
        ):
            named(widget, name)
        # Parts Qt builds inside composite widgets need names too.
        for spin, name in (
            (self.temperature, self.tr("Temperature")),
            (self.context_messages, self.tr("Messages sent with each question")),
            (self.context_tokens, self.tr("Token budget for the messages sent")),
            (self.max_tokens, self.tr("Longest answer, in tokens")),
        ):
            spin_edit = spin.findChild(QLineEdit)
            if spin_edit is not None:
                named(spin_edit, name)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.system_edit and event.type() == QEvent.Type.FocusOut:
            self.settings_edited.emit()
        return super().eventFilter(watched, event)

    # ----- what it shows -------------------------------------------------------------
    def show_conversation(self, conversation: Conversation | None, default_model: str) -> None:
        """A conversation's settings, or for a new one the profile's default model."""
        self.export_btn.setEnabled(conversation is not None)
        self.title_label.setText(conversation.title if conversation else self.tr("New conversation"))
        self.system_edit.setPlainText(conversation.system_prompt if conversation else "")
        self.system_btn.setChecked(bool(conversation and conversation.system_prompt))
        temperature = conversation.temperature if conversation else None
        self.temperature.setValue(NO_TEMPERATURE if temperature is None else temperature)
        chosen = ConversationSettings.of(conversation) if conversation else ConversationSettings()
        self.context_messages.setValue(chosen.context_messages)
        self.context_tokens.setValue(chosen.context_tokens)
        self.max_tokens.setValue(chosen.max_tokens or 0)
        if conversation and conversation.model:
            self.model_combo.setEditText(conversation.model)
        elif not conversation:
            self.model_combo.setEditText(default_model)

    def show_title(self, title: str) -> None:
        self.title_label.setText(title)

    def show_profiles(
        self, records: Iterable[ProfileRecord], wanted: str | None, default: str | None = None
    ) -> None:
        self.profile_combo.blockSignals(True)
        fill_profile_combo(self.profile_combo, records, ProfileKind.OPENAI, wanted, default)
        self.profile_combo.blockSignals(False)

    def show_models(self, models: list[str]) -> None:
        """The model list offered; what is typed in the box stays."""
        text = self.model_combo.currentText()
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        self.model_combo.addItems(models)
        self.model_combo.setEditText(text)
        self.model_combo.blockSignals(False)

    def open_models(self) -> None:
        self.model_combo.setFocus()
        self.model_combo.showPopup()

    def suggest_model(self, model: str) -> None:
        """Fills in ``model`` unless one is typed already."""
        if not self.model_combo.currentText().strip():
            self.model_combo.setEditText(model)

    # ----- what the user chose -------------------------------------------------------
    def profile_id(self) -> str:
        return str(self.profile_combo.currentData() or "")

    def settings(self) -> ConversationSettings:
        temperature = self.temperature.value()
        return ConversationSettings(
            profile_id=self.profile_id(),
            model=self.model_combo.currentText().strip(),
            system_prompt=self.system_edit.toPlainText(),
            temperature=None if temperature < 0 else round(temperature, 1),
            context_messages=self.context_messages.value(),
            context_tokens=self.context_tokens.value(),
            max_tokens=self.max_tokens.value() or None,
        )

    async def choose_export_path(self, name: str) -> str:
        """Where to save an export (the home folder and ``name`` offered); "" if cancelled."""
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        dialog = QFileDialog(self, self.tr("Export conversation"), str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)

        def settle(path: str) -> None:
            if not future.done():
                future.set_result(path)

        dialog.fileSelected.connect(settle)
        dialog.finished.connect(lambda _result: settle(""))
        dialog.open()
        return await future
