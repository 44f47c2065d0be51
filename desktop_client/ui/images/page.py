"""Image generation and edits with an OpenAI-compatible profile (dall-e-2/3, gpt-image-*).

The page is the prompt, the images an edit starts from (SourceStrip), the mask, and the result;
the parameters are ImageParams' (params.py). Every call goes to the image service."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.images import ImageRequest, Phase, Progress
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError
from desktop_client.core.models import GalleryItem
from desktop_client.core.settings import ProfileKind
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.images.params import ImageParams
from desktop_client.ui.imaging import load_scaled, openai_mask
from desktop_client.ui.qtutils import clear_layout, name_buttons_by_text, named, spawn
from desktop_client.ui.widgets.drop_strip import DropStrip
from desktop_client.ui.widgets.notice import Notice
from desktop_client.ui.widgets.prompt_edit import PromptEdit

if TYPE_CHECKING:
    from desktop_client.core.services.images import Generation  # brings the HTTP stack: off the GUI thread

MAX_EDIT_IMAGES = 16


def _mb(count: int) -> str:
    return f"{count / (1024 * 1024):.1f}"


class SourceStrip(Retranslatable, DropStrip):
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
            text = tr_args(self.tr("%1 — click to remove"), path.name)
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


class ImagesPage(Retranslatable, QWidget):
    show_in_gallery = Signal(int)
    generated = Signal()
    generation_ended = Signal(int, int)  # images saved, images that failed: for the notifier

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.mask_png: bytes | None = None
        self.task: asyncio.Task[Any] | None = None
        self._started = 0.0
        self._progress: Progress | None = None

        self.params = ImageParams()
        self.prompt_edit = PromptEdit()
        self.prompt_edit.setMinimumHeight(90)
        self.sources = SourceStrip()
        self.mask_btn = QPushButton()
        self.clear_mask_btn = QPushButton()
        self.mask_label = QLabel()
        self.generate_btn = QPushButton()
        self.generate_btn.setDefault(True)
        self.generate_btn.setProperty("variant", "primary")
        self.cancel_btn = QPushButton()
        self.cancel_btn.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress_label = QLabel()
        self.notice = Notice()
        self.results_title = QLabel()
        self.results_title.setVisible(False)
        self.results = QHBoxLayout()
        self.results.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.result_info = QLabel()
        self.result_info.setWordWrap(True)
        self.result_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lay_out()

        self._ticker = QTimer(self)
        self._ticker.setInterval(250)
        self._ticker.timeout.connect(self._show_progress)
        self.params.changed.connect(self._update_actions)
        self.sources.changed.connect(self._sources_changed)
        self.generate_btn.clicked.connect(self.start)
        self.prompt_edit.submitted.connect(self.start)
        self.cancel_btn.clicked.connect(self.cancel)
        self.mask_btn.clicked.connect(self.paint_mask)
        self.clear_mask_btn.clicked.connect(self.clear_mask)
        self.refresh_profiles()
        self.retranslate()

    def _lay_out(self) -> None:
        mask_row = QHBoxLayout()
        mask_row.addWidget(self.mask_btn)
        mask_row.addWidget(self.clear_mask_btn)
        mask_row.addWidget(self.mask_label, 1)
        go_row = QHBoxLayout()
        go_row.addWidget(self.generate_btn)
        go_row.addWidget(self.cancel_btn)
        go_row.addWidget(self.progress_label, 1)
        left = QVBoxLayout()
        left.addWidget(self.params)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.prompt_edit, 2)
        right.addWidget(self.sources)
        right.addLayout(mask_row)
        right.addLayout(go_row)
        for widget in (self.progress, self.notice, self.results_title):
            right.addWidget(widget)
        right.addLayout(self.results)
        right.addWidget(self.result_info)
        right.addStretch(3)
        layout = QHBoxLayout(self)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setMaximumWidth(340)
        layout.addWidget(left_box)
        layout.addLayout(right, 1)

    def retranslate(self) -> None:
        named(self.prompt_edit, self.tr("Prompt"))
        self.prompt_edit.set_hints(
            self.tr("Describe the image. Enter generates, Shift+Enter starts a new line."),
            self.tr("Describe the image. Ctrl+Enter generates, Enter starts a new line."),
        )
        self.mask_btn.setText(self.tr("Paint mask…"))
        self.mask_btn.setToolTip(self.tr("Paint the part of the first image to redraw"))
        self.clear_mask_btn.setText(self.tr("Clear mask"))
        self.cancel_btn.setText(self.tr("Cancel"))
        self.results_title.setText(self.tr("Last result — click an image to see it in the gallery"))
        self._update_actions()
        name_buttons_by_text(self)

    # ----- what other pages ask for ----------------------------------------------------
    def reuse_prompt(self, prompt: str, model: str = "") -> None:
        """Another page's prompt (the gallery's "Reuse prompt"), and the model that made it if known."""
        self.prompt_edit.setPlainText(prompt)
        if model:
            self.params.choose_model(model)

    def edit_images(self, paths: list[Path]) -> None:
        """An edit of ``paths`` (the gallery's "Edit with AI"): the prompt is next."""
        self.set_sources(paths)
        self.prompt_edit.setFocus()

    def refresh_profiles(self, *, to_default: bool = False) -> None:
        """The profiles again, the chosen one kept; ``to_default``: the user chose a new default."""
        profiles = self.core.profiles
        self.params.refresh_profiles(
            profiles.all(), profiles.default_for(ProfileKind.OPENAI), to_default=to_default
        )

    # ----- fields ---------------------------------------------------------------------
    @property
    def editing(self) -> bool:
        return bool(self.sources.paths)

    def update_fields(self) -> None:
        """Only the parameters the chosen model takes are shown, and only what it can do."""
        self.params.update_fields(self.editing)
        self._update_actions()

    def _update_actions(self) -> None:
        can_edit = self.params.can_edit()
        self.mask_btn.setEnabled(self.editing and can_edit)
        self.generate_btn.setText(self.tr("Edit") if self.editing else self.tr("Generate"))
        self.mask_label.setText(self.tr("Mask painted") if self.mask_png else "")
        self.clear_mask_btn.setVisible(self.mask_png is not None)
        self.mask_btn.setVisible(self.editing)
        if self.editing and not can_edit:
            self.mask_label.setText(
                tr_args(
                    self.tr("%1 cannot edit images; choose gpt-image-1 or dall-e-2."), self.params.model_name()
                )
            )

    # ----- edits ---------------------------------------------------------------------
    def set_sources(self, paths: list[Path]) -> None:
        self.mask_png = None
        self.sources.set_paths(paths)
        if not self.params.can_edit():
            self.params.choose_model("gpt-image-1")

    def _sources_changed(self) -> None:
        self.mask_png = None  # a mask belongs to the first image it was painted on
        self.update_fields()

    def paint_mask(self) -> None:
        if not self.sources.paths:
            return
        from desktop_client.ui.widgets.mask_painter import MaskDialog

        image = QImage(str(self.sources.paths[0]))
        if image.isNull():
            self.notice.show_info(self.tr("The first image cannot be read."))
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
            text = tr_args(self.tr("Waiting for the server to draw… %1 s"), seconds)
        else:
            received = _mb(progress.done)
            if progress.total:
                self.progress.setRange(0, 1000)
                self.progress.setValue(int(1000 * progress.done / progress.total))
                text = tr_args(self.tr("Receiving the images: %1 of %2 MB"), received, _mb(progress.total))
            else:
                self.progress.setRange(0, 0)
                text = tr_args(self.tr("Receiving the images: %1 MB"), received)
            if progress.phase is Phase.DOWNLOADING:
                text = tr_args(self.tr("Downloading the image: %1 MB"), received)
        self.progress_label.setText(text)

    def _busy(self, busy: bool) -> None:
        """While a request runs: no second one, a way to cancel, and how far it got."""
        if busy:
            self._started = time.monotonic()
            self._progress = None
        self.generate_btn.setEnabled(not busy)
        self.cancel_btn.setVisible(busy)
        self.progress.setVisible(busy)
        if busy:
            self._show_progress()
            self._ticker.start()
        else:
            self._ticker.stop()
            self.progress_label.setText("")

    async def run(self) -> list[GalleryItem]:
        profile_id = self.params.profile_id()
        if profile_id is None:
            self.notice.show_info(self.tr("Add an OpenAI-compatible profile in Settings first."))
            return []
        request = self.params.request(self.prompt_edit.toPlainText().strip())
        try:
            request.validate(edit=self.editing)
        except KeyholdError as exc:
            self.notice.show_error(exc)
            return []
        self.notice.clear_notice()
        self._busy(True)
        try:
            outcome = await self._ask(profile_id, request)
        except asyncio.CancelledError:
            self.notice.show_info(self.tr("Cancelled. A server may still finish (and charge for) the request."))
            return []
        except KeyholdError as exc:
            self.notice.show_error(exc)
            return []
        finally:
            self._busy(False)
        gallery = self.core.gallery
        previews = await asyncio.to_thread(lambda: [load_scaled(gallery.absolute(i), 220) for i in outcome.items])
        self.show_result(outcome.items, previews, outcome.usage, time.monotonic() - self._started)
        if outcome.failures:
            self.notice.show_error(outcome.failures[0])
        self.generated.emit()
        self.generation_ended.emit(len(outcome.items), len(outcome.failures))
        return outcome.items

    async def _ask(self, profile_id: str, request: ImageRequest) -> Generation:
        await self.core.open()  # at once: the page is built once the core is open
        service = self.core.images
        if self.editing:
            return await service.edit(
                profile_id, request, list(self.sources.paths), self.mask_png, on_progress=self._on_progress
            )
        return await service.generate(profile_id, request, on_progress=self._on_progress)

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
        lines = [tr_args(self.tr("%n image(s) in %1 s", "", len(items)), f"{seconds:.0f}")]
        revised = next((i.prompt_extra for i in items if i.prompt_extra), "")
        if revised:
            lines.append(tr_args(self.tr("Revised prompt: %1"), revised))
        if usage and usage.get("total_tokens"):
            lines.append(tr_args(self.tr("Tokens: %1"), usage.get("total_tokens")))
        self.result_info.setText("\n".join(lines))

    async def aclose(self) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
