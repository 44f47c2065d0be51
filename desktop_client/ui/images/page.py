"""Image generation and edits with an OpenAI-compatible profile (dall-e-2/3, gpt-image-*)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.images import (
    EDIT_ONLY_NOT,
    EDIT_SIZES,
    KNOWN_MODELS,
    SPECS,
    Family,
    ImageRequest,
    Phase,
    Progress,
    family_of,
    takes_any_size,
)
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.gallery import GalleryItem
from desktop_client.ui.errors import show_notice_on
from desktop_client.ui.imaging import load_scaled, openai_mask
from desktop_client.ui.qtutils import clear_layout, fill_profile_combo, name_buttons_by_text, named, spawn
from desktop_client.ui.widgets.drop_strip import DropStrip
from desktop_client.ui.widgets.prompt_edit import PromptEdit

MAX_EDIT_IMAGES = 16
OPTION_NAMES = ("quality", "style", "background", "output_format", "moderation")


def _mb(count: int) -> str:
    return f"{count / (1024 * 1024):.1f}"


class SourceStrip(DropStrip):
    """The images an edit starts from (the first one is the one a mask applies to)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.paths: list[Path] = []
        self.hint.setWordWrap(True)
        self._rebuild()

    def set_paths(self, paths: list[Path]) -> None:
        self.paths = list(paths)[:MAX_EDIT_IMAGES]
        self._rebuild()
        self.changed.emit()

    def add_paths(self, paths: list[Path]) -> None:
        self.set_paths(self.paths + [p for p in paths if p not in self.paths])

    def remove(self, index: int) -> None:
        del self.paths[index]
        self._rebuild()
        self.changed.emit()

    def choose(self) -> None:
        dialog = QFileDialog(
            self, self.tr("Choose images to edit"), "", self.tr("Images (*.png *.jpg *.jpeg *.webp)")
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(lambda paths: self.add_paths([Path(p) for p in paths]))
        dialog.open()
        self.dialog = dialog

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        self.add_paths(paths)
        event.acceptProposedAction()

    def _rebuild(self) -> None:
        clear_layout(self.row, keep=(self.hint, self.add_btn))
        thumbs = []
        for index, path in enumerate(self.paths):
            thumb = QToolButton()
            thumb.setIconSize(QSize(56, 56))
            text = self.tr("%1 — click to remove").replace("%1", path.name)
            thumb.setToolTip(text)
            named(thumb, text)
            thumb.clicked.connect(lambda _c=False, i=index: self.remove(i))
            self.row.addWidget(thumb)
            thumbs.append(thumb)
        if thumbs:
            spawn(self._load_icons(list(zip(thumbs, self.paths, strict=True))))
        self.hint.setVisible(not self.paths)
        self.row.addWidget(self.hint, 1)
        self.row.addWidget(self.add_btn)
        self.retranslate()

    async def _load_icons(self, pairs: list[tuple[QToolButton, Path]]) -> None:
        images = await asyncio.to_thread(lambda: [load_scaled(path, 72) for _b, path in pairs])
        for (button, _path), image in zip(pairs, images, strict=True):
            if image is not None and shiboken6.isValid(button):
                button.setIcon(QIcon(QPixmap.fromImage(image)))

    def retranslate(self) -> None:
        self.hint.setText(self.tr("To edit: drop images here, or pick one in the gallery and press Edit with AI."))
        named(self.add_btn, self.tr("Add images to edit"))


class ImagesPage(QWidget):
    show_in_gallery = Signal(int)
    generated = Signal()

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.mask_png: bytes | None = None
        self.task: asyncio.Task[Any] | None = None
        self._started = 0.0
        self._progress: Progress | None = None

        self.profile_combo = named(QComboBox(), self.tr("Profile"))
        self.model_combo = named(QComboBox(), self.tr("Model"))
        self.model_combo.setEditable(True)
        self.model_combo.addItems(list(KNOWN_MODELS))
        self.prompt_edit = PromptEdit()
        self.prompt_edit.setMinimumHeight(90)
        named(self.prompt_edit, self.tr("Prompt"))
        self.size_combo = named(QComboBox(), self.tr("Size"))
        self.option_combos: dict[str, QComboBox] = {name: QComboBox() for name in OPTION_NAMES}
        self.compression_spin = QSpinBox()
        self.compression_spin.setRange(0, 100)
        self.compression_spin.setValue(90)
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 10)
        self.form = QFormLayout()
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

        self.sources = SourceStrip()
        self.mask_btn = QPushButton()
        self.clear_mask_btn = QPushButton()
        self.mask_label = QLabel()
        mask_row = QHBoxLayout()
        mask_row.addWidget(self.mask_btn)
        mask_row.addWidget(self.clear_mask_btn)
        mask_row.addWidget(self.mask_label, 1)

        self.generate_btn = QPushButton()
        self.generate_btn.setDefault(True)
        self.cancel_btn = QPushButton()
        self.cancel_btn.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress_label = QLabel()
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        go_row = QHBoxLayout()
        go_row.addWidget(self.generate_btn)
        go_row.addWidget(self.cancel_btn)
        go_row.addWidget(self.progress_label, 1)

        self.results_title = QLabel()
        self.results_title.setVisible(False)
        self.results = QHBoxLayout()
        self.results.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.result_info = QLabel()
        self.result_info.setWordWrap(True)
        self.result_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.prompt_edit, 2)
        right.addWidget(self.sources)
        right.addLayout(mask_row)
        right.addLayout(go_row)
        right.addWidget(self.progress)
        right.addWidget(self.notice)
        right.addWidget(self.results_title)
        right.addLayout(self.results)
        right.addWidget(self.result_info)
        right.addStretch(3)
        layout = QHBoxLayout(self)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(340)
        layout.addWidget(left_box)
        layout.addLayout(right, 1)

        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._show_progress)
        self.model_combo.currentTextChanged.connect(lambda _t: self.update_fields())
        self.sources.changed.connect(self._sources_changed)
        self.generate_btn.clicked.connect(self.start)
        self.prompt_edit.submitted.connect(self.start)
        self.cancel_btn.clicked.connect(self.cancel)
        self.mask_btn.clicked.connect(self.paint_mask)
        self.clear_mask_btn.clicked.connect(self.clear_mask)
        self.option_combos["output_format"].currentIndexChanged.connect(lambda _i: self.update_fields())
        self.refresh_profiles()
        self.retranslate()

    # ----- i18n / fields -------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

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
            self.fields[key].setAccessibleName(text)
        self.prompt_edit.setPlaceholderText(
            self.tr("Describe the image. Enter generates, Shift+Enter starts a new line.")
        )
        self.mask_btn.setText(self.tr("Paint mask…"))
        self.mask_btn.setToolTip(self.tr("Paint the part of the first image to redraw"))
        self.clear_mask_btn.setText(self.tr("Clear mask"))
        self.cancel_btn.setText(self.tr("Cancel"))
        self.results_title.setText(self.tr("Last result — click an image to see it in the gallery"))
        self.sources.retranslate()
        self.update_fields()
        name_buttons_by_text(self)

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

    @property
    def editing(self) -> bool:
        return bool(self.sources.paths)

    def family(self) -> Family:
        return family_of(self.model_combo.currentText())

    def update_fields(self) -> None:
        """Only the parameters the chosen model takes are shown."""
        family = self.family()
        spec = SPECS[family]
        sizes = EDIT_SIZES[family] if self.editing and EDIT_SIZES[family] else spec.sizes
        current = self.size_combo.currentData()
        self.size_combo.blockSignals(True)
        self.size_combo.clear()
        self.size_combo.addItem(self.tr("default"), "")
        for size in sizes:
            self.size_combo.addItem(self.option_text(size), size)
        self.size_combo.setEditable(takes_any_size(self.model_combo.currentText()))
        self.size_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        index = self.size_combo.findData(current)
        self.size_combo.setCurrentIndex(max(0, index))
        self.size_combo.blockSignals(False)
        for name, combo in self.option_combos.items():
            choices = spec.options.get(name)
            if self.editing and name in EDIT_ONLY_NOT:
                choices = None
            self.form.setRowVisible(combo, choices is not None)
            if choices is None:
                continue
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("default"), "")
            for choice in choices:
                combo.addItem(self.option_text(choice), choice)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        lossy = self.option_combos["output_format"].currentData() in ("jpeg", "webp")
        self.form.setRowVisible(self.compression_spin, spec.compression and lossy)
        self.n_spin.setMaximum(spec.max_n)
        self.form.setRowVisible(self.n_spin, spec.max_n > 1)
        can_edit = bool(EDIT_SIZES[family])
        self.mask_btn.setEnabled(self.editing and can_edit)
        self.generate_btn.setText(self.tr("Edit") if self.editing else self.tr("Generate"))
        self.mask_label.setText(self.tr("Mask painted") if self.mask_png else "")
        self.clear_mask_btn.setVisible(self.mask_png is not None)
        self.mask_btn.setVisible(self.editing)
        if self.editing and not can_edit:
            self.mask_label.setText(
                self.tr("%1 cannot edit images; choose gpt-image-1 or dall-e-2.").replace(
                    "%1", self.model_combo.currentText()
                )
            )

    def refresh_profiles(self) -> None:
        self.profile_combo.blockSignals(True)
        fill_profile_combo(self.profile_combo, self.core.profiles.all(), ProfileKind.OPENAI)
        self.profile_combo.blockSignals(False)

    def request(self) -> ImageRequest:
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
        return ImageRequest(
            self.prompt_edit.toPlainText().strip(),
            self.model_combo.currentText().strip(),
            n,
            size,
            options,
            compression,
        )

    # ----- edits ---------------------------------------------------------------------
    def set_sources(self, paths: list[Path]) -> None:
        self.mask_png = None
        self.sources.set_paths(paths)
        family = self.family()
        if not EDIT_SIZES[family]:
            self.model_combo.setCurrentText("gpt-image-1")

    def _sources_changed(self) -> None:
        self.mask_png = None  # a mask belongs to the first image it was painted on
        self.update_fields()

    def paint_mask(self) -> None:
        if not self.sources.paths:
            return
        from desktop_client.ui.midjourney.mask_painter import MaskDialog

        image = QImage(str(self.sources.paths[0]))
        if image.isNull():
            self.show_notice(None, self.tr("The first image cannot be read."))
            return
        dialog = MaskDialog(image, self.prompt_edit.toPlainText(), self)
        dialog.setWindowTitle(self.tr("Paint the part to redraw"))

        def accepted() -> None:
            try:
                self.mask_png = openai_mask(dialog.mask_png())
            except ValueError:
                self.mask_png = None
            if dialog.prompt():
                self.prompt_edit.setPlainText(dialog.prompt())
            self.update_fields()

        dialog.accepted.connect(accepted)
        dialog.open()
        self.dialog = dialog

    def clear_mask(self) -> None:
        self.mask_png = None
        self.update_fields()

    # ----- running -------------------------------------------------------------------
    def show_notice(self, error: BaseException | None, text: str = "") -> None:
        show_notice_on(self.notice, error, text)

    def start(self) -> None:
        if self.task is not None and not self.task.done():
            return  # one request at a time: a double click would pay twice
        self.task = spawn(self.run())

    def cancel(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def _on_progress(self, progress: Progress) -> None:
        self._progress = progress

    def _show_progress(self) -> None:
        seconds = int(time.monotonic() - self._started)
        progress = self._progress
        if progress is None or progress.phase in (Phase.SENDING, Phase.WAITING):
            self.progress.setRange(0, 0)
            text = self.tr("Waiting for the server to draw… %1 s").replace("%1", str(seconds))
        else:
            received = _mb(progress.done)
            if progress.total:
                self.progress.setRange(0, 1000)
                self.progress.setValue(int(1000 * progress.done / progress.total))
                text = self.tr("Receiving the images: %1 of %2 MB").replace("%1", received)
                text = text.replace("%2", _mb(progress.total))
            else:
                self.progress.setRange(0, 0)
                text = self.tr("Receiving the images: %1 MB").replace("%1", received)
            if progress.phase is Phase.DOWNLOADING:
                text = self.tr("Downloading the image: %1 MB").replace("%1", received)
        self.progress_label.setText(text)

    async def run(self) -> list[GalleryItem]:
        profile_id = self.profile_combo.currentData()
        if profile_id is None:
            self.show_notice(None, self.tr("Add an OpenAI-compatible profile in Settings first."))
            return []
        request = self.request()
        try:
            request.validate(edit=self.editing)
        except KeyholdError as exc:
            self.show_notice(exc)
            return []
        self.show_notice(None)
        self._started = time.monotonic()
        self._progress = None
        self.generate_btn.setEnabled(False)
        self.cancel_btn.setVisible(True)
        self.progress.setVisible(True)
        self._show_progress()
        self._ticker.start()
        try:
            # Built off the GUI thread: the first use loads the HTTP stack.
            service = await asyncio.to_thread(lambda: self.core.images)
            if self.editing:
                outcome = await service.edit(
                    profile_id, request, list(self.sources.paths), self.mask_png, on_progress=self._on_progress
                )
            else:
                outcome = await service.generate(profile_id, request, on_progress=self._on_progress)
        except asyncio.CancelledError:
            self.show_notice(None, self.tr("Cancelled. A server may still finish (and charge for) the request."))
            return []
        except KeyholdError as exc:
            self.show_notice(exc)
            return []
        finally:
            self._ticker.stop()
            self.progress.setVisible(False)
            self.progress_label.setText("")
            self.generate_btn.setEnabled(True)
            self.cancel_btn.setVisible(False)
        gallery = self.core.gallery
        previews = await asyncio.to_thread(lambda: [load_scaled(gallery.absolute(i), 220) for i in outcome.items])
        self.show_result(outcome.items, previews, outcome.usage, time.monotonic() - self._started)
        if outcome.failures:
            self.show_notice(outcome.failures[0])
        self.generated.emit()
        items: list[GalleryItem] = outcome.items
        return items

    def show_result(
        self, items: list[GalleryItem], previews: list[QImage | None], usage: dict[str, Any] | None, seconds: float
    ) -> None:
        self.results_title.setVisible(bool(items))
        clear_layout(self.results)
        for item, image in zip(items, previews, strict=True):
            button = QToolButton()
            if image is not None:
                button.setIcon(QIcon(QPixmap.fromImage(image)))
            button.setIconSize(QSize(200, 200))
            button.setToolTip(item.prompt_extra or item.prompt)
            named(button, self.tr("Show in the gallery"))
            button.clicked.connect(lambda _c=False, i=item.id: self.show_in_gallery.emit(i))
            self.results.addWidget(button)
        lines = [self.tr("%n image(s) in %1 s", "", len(items)).replace("%1", f"{seconds:.0f}")]
        revised = next((i.prompt_extra for i in items if i.prompt_extra), "")
        if revised:
            lines.append(self.tr("Revised prompt: %1").replace("%1", revised))
        if usage and usage.get("total_tokens"):
            lines.append(self.tr("Tokens: %1").replace("%1", str(usage.get("total_tokens"))))
        self.result_info.setText("\n".join(lines))

    async def aclose(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
