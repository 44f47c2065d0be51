"""The bottom of the Midjourney page: the prompt, the parameter helpers, the reference
images, the preview of what will be sent, and the notice line above them.

It only composes: ``draft()`` gives what the user wrote as an ``MjDraft``; submitting it is
the page's (which asks the presenter)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.mj_prompt import ASPECTS, VERSIONS, MjParams, build_prompt
from desktop_client.core.errors import KeyholdError
from desktop_client.ui.errors import describe
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.midjourney.widgets import ImageStrip
from desktop_client.ui.qtutils import named
from desktop_client.ui.widgets.flow_layout import FlowLayout
from desktop_client.ui.widgets.notice import Notice
from desktop_client.ui.widgets.prompt_edit import PromptEdit


@dataclass(frozen=True)
class MjDraft:
    """An Imagine to submit: the prompt as sent (parameters included), its reference images
    and the bot (Niji versions go to the Niji bot)."""

    prompt: str
    images: tuple[bytes, ...] = ()
    bot: str = "MID_JOURNEY"


class Composer(Retranslatable, QWidget):
    submitted = Signal()  # Enter in the prompt, or Imagine
    go_to_settings = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notice = Notice()
        self.settings_btn = QPushButton()
        self.settings_btn.setVisible(False)
        self.references = ImageStrip(5)
        self.references.setFixedHeight(50)
        self.prompt_edit = PromptEdit()
        self.prompt_edit.setFixedHeight(64)
        self.imagine_btn = QPushButton()
        self.imagine_btn.setDefault(True)
        self.imagine_btn.setProperty("variant", "primary")
        self.preview_label = QLabel()
        self.preview_label.setProperty("muted", True)
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        prompt_row = QHBoxLayout()
        prompt_row.addWidget(self.prompt_edit, 1)
        buttons = QVBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.imagine_btn)
        prompt_row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.notice)
        layout.addWidget(self.settings_btn, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(prompt_row)
        layout.addWidget(self._build_helpers())
        layout.addWidget(self.references)
        layout.addWidget(self.preview_label)

        # The preview follows typing with a short delay rather than on every key.
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self._update_preview)
        self.prompt_edit.submitted.connect(self.submitted)
        self.imagine_btn.clicked.connect(self.submitted)
        self.settings_btn.clicked.connect(self.go_to_settings)
        for changed in (
            self.prompt_edit.textChanged,
            self.aspect_combo.currentTextChanged,
            self.version_combo.currentIndexChanged,
            self.stylize.valueChanged,
            self.chaos.valueChanged,
            self.raw_check.toggled,
            self.no_edit.textChanged,
        ):
            changed.connect(self._schedule_preview)
        self.references.changed.connect(self._update_preview)
        self.retranslate()

    def _build_helpers(self) -> QWidget:
        """Aspect, version, stylize, chaos, raw and --no: each fills one parameter."""
        self.aspect_combo = QComboBox()
        self.aspect_combo.setEditable(True)
        self.aspect_combo.addItem("", "")
        for aspect in ASPECTS:
            self.aspect_combo.addItem(aspect, aspect)
        self.version_combo = QComboBox()
        self.version_combo.addItem("", "")
        for version in VERSIONS:
            self.version_combo.addItem(version.replace("niji", "Niji"), version)
        self.stylize = QSpinBox()
        self.stylize.setRange(-1, 1000)
        self.stylize.setSingleStep(50)
        self.stylize.setValue(-1)  # -1 shows "default": the parameter is left out
        self.chaos = QSpinBox()
        self.chaos.setRange(-1, 100)
        self.chaos.setSingleStep(5)
        self.chaos.setValue(-1)
        for spin in (self.stylize, self.chaos):
            spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("default") + 36)
        self.raw_check = QCheckBox()
        self.no_edit = QLineEdit()
        self.no_edit.setMinimumWidth(90)
        self.no_edit.setMaximumWidth(160)
        # Each label stays with its field; the pairs wrap to a second row in a narrow window.
        box = QWidget()
        helpers = FlowLayout(box)
        self.helper_labels: list[QLabel] = []

        def pair(label: QLabel, widget: QWidget) -> None:
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(label)
            row.addWidget(widget)
            helpers.addWidget(holder)

        for widget in (self.aspect_combo, self.version_combo, self.stylize, self.chaos):
            label = QLabel()
            label.setBuddy(widget)
            self.helper_labels.append(label)
            pair(label, widget)
        helpers.addWidget(self.raw_check)
        self.no_label = QLabel()
        self.no_label.setBuddy(self.no_edit)
        pair(self.no_label, self.no_edit)
        return box

    def retranslate(self) -> None:
        self.imagine_btn.setText(self.tr("Imagine"))
        self.settings_btn.setText(self.tr("Add a Midjourney profile…"))
        self.prompt_edit.set_hints(
            self.tr("Describe the image. Enter submits, Shift+Enter starts a new line."),
            self.tr("Describe the image. Ctrl+Enter submits, Enter starts a new line."),
        )
        self.references.set_hint(self.tr("Reference images: drop up to 5 here (optional)"))
        self.aspect_combo.setItemText(0, self.tr("any"))
        self.version_combo.setItemText(0, self.tr("default"))
        self.stylize.setSpecialValueText(self.tr("default"))
        self.chaos.setSpecialValueText(self.tr("default"))
        self.raw_check.setText(self.tr("Raw"))
        self.no_edit.setPlaceholderText(self.tr("words to leave out"))
        for label, text in zip(
            self.helper_labels,
            (self.tr("Aspect"), self.tr("Version"), self.tr("Stylize"), self.tr("Chaos")),
            strict=True,
        ):
            label.setText(text)
        self.no_label.setText(self.tr("No"))
        for widget, name in (
            (self.prompt_edit, self.tr("Prompt")),
            (self.references, self.tr("Reference images")),
            (self.aspect_combo, self.tr("Aspect ratio")),
            (self.version_combo, self.tr("Version")),
            (self.stylize, self.tr("Stylize")),
            (self.chaos, self.tr("Chaos")),
            (self.raw_check, self.tr("Raw style")),
            (self.no_edit, self.tr("Leave out")),
            (self.imagine_btn, self.tr("Imagine")),
            (self.settings_btn, self.tr("Add a Midjourney profile")),
        ):
            named(widget, name)
        # The editors inside the combo and spin boxes are read on their own by screen readers.
        for box in (self.aspect_combo, self.stylize, self.chaos):
            inner = box.findChild(QLineEdit)
            if inner is not None:
                named(inner, box.accessibleName())
        self._update_preview()

    # ----- what the user wrote ------------------------------------------------------------------
    def params(self) -> MjParams:
        aspect = self.aspect_combo.currentText().strip()
        if self.aspect_combo.currentIndex() == 0 and aspect == self.aspect_combo.itemText(0):
            aspect = ""  # the "any" entry, in whatever language it is shown
        return MjParams(
            aspect=aspect,
            version=str(self.version_combo.currentData() or ""),
            stylize=None if self.stylize.value() < 0 else self.stylize.value(),
            chaos=None if self.chaos.value() < 0 else self.chaos.value(),
            raw=self.raw_check.isChecked(),
            no=self.no_edit.text(),
        )

    def draft(self) -> MjDraft:
        """What Imagine would send; raises InputError for a parameter out of range."""
        params = self.params()
        prompt = build_prompt(self.prompt_edit.toPlainText(), params)
        return MjDraft(prompt, tuple(self.references.images), params.bot)

    def set_prompt(self, text: str, *, focus: bool = False) -> None:
        self.prompt_edit.setPlainText(text)
        if focus:
            self.prompt_edit.setFocus()

    def set_profile_available(self, available: bool) -> None:
        """Without a Midjourney profile, Imagine is off and the way to add one is shown."""
        self.settings_btn.setVisible(not available)
        self.imagine_btn.setEnabled(available)

    def _schedule_preview(self, *_changed: object) -> None:
        self._preview_timer.start()  # not connected directly: start(int) would take an index

    def _update_preview(self) -> None:
        try:
            prompt = build_prompt(self.prompt_edit.toPlainText(), self.params())
        except KeyholdError as exc:
            self.preview_label.setText(describe(exc)[1])
            return
        refs = len(self.references.images)
        text = tr_args(self.tr("Sends: %1"), prompt) if prompt else ""
        if refs:
            text += "  " + self.tr("(with %n reference image(s))", "", refs)
        self.preview_label.setText(text)
