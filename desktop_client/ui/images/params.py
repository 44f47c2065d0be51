"""The images page's parameter form: profile, model, and the options the chosen model takes."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from desktop_client.core.api.images import (
    EDIT_ONLY_NOT,
    EDIT_SIZES,
    KNOWN_MODELS,
    SPECS,
    Family,
    ImageRequest,
    family_of,
    takes_any_size,
)
from desktop_client.core.settings import ProfileKind, ProfileRecord
from desktop_client.ui.design import tidy_form
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import fill_profile_combo, named

OPTION_NAMES = ("quality", "style", "background", "output_format", "moderation")


class ImageParams(Retranslatable, QWidget):
    """Shows only the parameters the chosen model takes (for a generation or, with
    ``editing``, an edit), and turns them into an ImageRequest."""

    changed = Signal()  # the model or the output format, after the fields were brought in line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editing = False
        self.profile_combo = QComboBox()
        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.addItems(list(KNOWN_MODELS))
        self.size_combo = QComboBox()
        self.option_combos: dict[str, QComboBox] = {name: QComboBox() for name in OPTION_NAMES}
        self.compression_spin = QSpinBox()
        self.compression_spin.setRange(0, 100)
        self.compression_spin.setValue(90)
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 10)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)  # as the page's own layout: aligned with its other side
        self.labels: dict[str, QLabel] = {}
        rows: list[tuple[str, QWidget]] = [
            ("profile", self.profile_combo),
            ("model", self.model_combo),
            ("size", self.size_combo),
            *[(name, combo) for name, combo in self.option_combos.items()],
            ("compression", self.compression_spin),
            ("n", self.n_spin),
        ]
        self.fields = dict(rows)
        for key, widget in rows:
            label = QLabel()
            self.labels[key] = label
            self.form.addRow(label, widget)
        tidy_form(self.form)
        self.model_combo.currentTextChanged.connect(self._choice_changed)
        self.option_combos["output_format"].currentIndexChanged.connect(self._choice_changed)
        self.retranslate()

    def _choice_changed(self) -> None:
        self.update_fields(self.editing)
        self.changed.emit()

    def retranslate(self) -> None:
        texts = {
            "profile": self.tr("Profile"),
            "model": self.tr("Model"),
            "size": self.tr("Size"),
            "quality": self.tr("Quality"),
            "style": self.tr("Style"),
            "background": self.tr("Background"),
            "output_format": self.tr("Format"),
            "moderation": self.tr("Moderation"),
            "compression": self.tr("Compression"),
            "n": self.tr("Images"),
        }
        for key, text in texts.items():
            self.labels[key].setText(text)
            named(self.fields[key], text)
        self.update_fields(self.editing)

    def option_text(self, value: str) -> str:
        words = {
            "auto": self.tr("auto"),
            "standard": self.tr("standard"),
            "hd": self.tr("HD"),
            "low": self.tr("low"),
            "medium": self.tr("medium"),
            "high": self.tr("high"),
            "vivid": self.tr("vivid"),
            "natural": self.tr("natural"),
            "transparent": self.tr("transparent"),
            "opaque": self.tr("opaque"),
            "png": "PNG",
            "jpeg": "JPEG",
            "webp": "WebP",
        }
        return words.get(value, value)

    # ----- what the model takes ------------------------------------------------------
    def model_name(self) -> str:
        return self.model_combo.currentText().strip()

    def family(self) -> Family:
        return family_of(self.model_combo.currentText())

    def can_edit(self) -> bool:
        return bool(EDIT_SIZES[self.family()])

    def choose_model(self, model: str) -> None:
        self.model_combo.setCurrentText(model)

    def update_fields(self, editing: bool) -> None:
        """Only the parameters the chosen model takes, for a generation or an edit."""
        self.editing = editing
        spec = SPECS[self.family()]
        self._fill_sizes()
        for name, combo in self.option_combos.items():
            choices = spec.options.get(name)
            if editing and name in EDIT_ONLY_NOT:
                choices = None
            self.form.setRowVisible(combo, choices is not None)
            if choices is not None:
                self._fill(combo, choices)
        lossy = self.option_combos["output_format"].currentData() in ("jpeg", "webp")
        self.form.setRowVisible(self.compression_spin, spec.compression and lossy)
        self.n_spin.setMaximum(spec.max_n)
        self.form.setRowVisible(self.n_spin, spec.max_n > 1)

    def _fill_sizes(self) -> None:
        family = self.family()
        sizes = EDIT_SIZES[family] if self.editing and EDIT_SIZES[family] else SPECS[family].sizes
        self._fill(self.size_combo, sizes)
        self.size_combo.setEditable(takes_any_size(self.model_combo.currentText()))
        self.size_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)

    def _fill(self, combo: QComboBox, choices: Iterable[str]) -> None:
        """ "default" and ``choices``, without a change signal; the one chosen stays chosen."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(self.tr("default"), "")
        for choice in choices:
            combo.addItem(self.option_text(choice), choice)
        combo.setCurrentIndex(max(0, combo.findData(chosen)))
        combo.blockSignals(False)

    # ----- profiles and the request --------------------------------------------------------
    def refresh_profiles(
        self, records: Iterable[ProfileRecord], default: str | None = None, *, to_default: bool = False
    ) -> None:
        self.profile_combo.blockSignals(True)
        fill_profile_combo(
            self.profile_combo, records, ProfileKind.OPENAI, default if to_default else None, default
        )
        self.profile_combo.blockSignals(False)

    def profile_id(self) -> str | None:
        found = self.profile_combo.currentData()
        return found if isinstance(found, str) else None

    def request(self, prompt: str) -> ImageRequest:
        size = self.size_combo.currentData() or ""
        if self.size_combo.isEditable():
            typed = self.size_combo.currentText().strip()
            if typed and self.size_combo.findText(typed) < 0:
                size = typed  # a custom WxH (gpt-image-2, relay models)
        options = {}
        for name, combo in self.option_combos.items():
            if self.form.isRowVisible(combo) and combo.currentData():
                options[name] = combo.currentData()
        compression = self.compression_spin.value() if self.form.isRowVisible(self.compression_spin) else None
        n = self.n_spin.value() if self.form.isRowVisible(self.n_spin) else 1
        return ImageRequest(prompt, self.model_name(), n, size, options, compression)
