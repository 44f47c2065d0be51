"""The Midjourney workspace: tasks on the left, the chosen task's image and buttons on the
right, and the prompt with its helpers and reference images at the bottom.

Tasks are polled by one poller for the whole app (started after the first paint, picking up
whatever was unfinished at the last exit); the page only shows what the store says.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.mj_prompt import ASPECTS, VERSIONS, MjParams, build_prompt
from desktop_client.core.api.mj_types import MjButton, MjStatus
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError, NotFoundError
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.mj_tasks import StoredTask
from desktop_client.ui.errors import describe, show_notice_on
from desktop_client.ui.imaging import load_scaled, split_grid
from desktop_client.ui.midjourney.tasks_model import (
    TASK_ROLE,
    TaskDelegate,
    TaskListModel,
    action_name,
    state_text,
)
from desktop_client.ui.midjourney.widgets import ImagesDialog, ImageStrip, ImageView, LinkButton, PromptDialog
from desktop_client.ui.qtutils import clear_layout, fill_profile_combo, named, spawn

log = logging.getLogger(__name__)

CHANGE_ACTIONS = frozenset({"IMAGINE", "VARIATION", "REROLL", "BLEND"})
CHANGE_BUTTONS = ("U1", "U2", "U3", "U4", "🔄", "V1", "V2", "V3", "V4")
GRID_ACTIONS = frozenset({"IMAGINE", "VARIATION", "REROLL", "BLEND", "OUTPAINT", "ZOOM", "PAN", "INPAINT"})
THUMB_SIDE = 160
VIEW_SIDE = 1600


class PromptEdit(QPlainTextEdit):
    """Enter submits, Shift+Enter breaks the line (as in the chat composer)."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


def button_text(button: MjButton) -> str:
    """A button's words in the UI language; emoji alone are not a given in every font."""
    by_label = {
        "Vary (Subtle)": QCoreApplication.translate("MjButtons", "Vary (Subtle)"),
        "Vary (Strong)": QCoreApplication.translate("MjButtons", "Vary (Strong)"),
        "Vary (Region)": QCoreApplication.translate("MjButtons", "Vary (Region)"),
        "Zoom Out 2x": QCoreApplication.translate("MjButtons", "Zoom Out 2x"),
        "Zoom Out 1.5x": QCoreApplication.translate("MjButtons", "Zoom Out 1.5x"),
        "Custom Zoom": QCoreApplication.translate("MjButtons", "Custom Zoom"),
        "Make Square": QCoreApplication.translate("MjButtons", "Make Square"),
        "Upscale (Subtle)": QCoreApplication.translate("MjButtons", "Upscale (Subtle)"),
        "Upscale (Creative)": QCoreApplication.translate("MjButtons", "Upscale (Creative)"),
        "Imagine all": QCoreApplication.translate("MjButtons", "Imagine all"),
    }
    if button.label:
        return by_label.get(button.label, button.label)
    custom = button.custom_id
    if custom == "🔄":  # the stand-in reroll of a server without buttons
        return QCoreApplication.translate("MjButtons", "Reroll")
    for marker, text in (
        ("::reroll::", QCoreApplication.translate("MjButtons", "Reroll")),
        ("Picread::Retry", QCoreApplication.translate("MjButtons", "Describe again")),
        ("::pan_left::", QCoreApplication.translate("MjButtons", "Pan left")),
        ("::pan_right::", QCoreApplication.translate("MjButtons", "Pan right")),
        ("::pan_up::", QCoreApplication.translate("MjButtons", "Pan up")),
        ("::pan_down::", QCoreApplication.translate("MjButtons", "Pan down")),
        ("::PicReader::", QCoreApplication.translate("MjButtons", "Imagine %1")),
        ("PromptAnalyzer::", QCoreApplication.translate("MjButtons", "Imagine %1")),
    ):
        if marker in custom:
            return text.replace("%1", custom.rsplit("::", 1)[-1])
    return button.emoji or custom


class MidjourneyPage(QWidget):
    task_ended = Signal(object)  # StoredTask, for the window's notification
    go_to_settings = Signal()

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.current: StoredTask | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self._closed = False
        self._stopping: list[asyncio.Task[None]] = []  # cancelled, maybe not unwound yet
        self._stop = asyncio.Event()
        self._preview_urls: dict[str, str] = {}  # task id → preview URL shown
        self._full: dict[str, QPixmap] = {}  # task id → image for the result view
        self.dialog: QDialog | None = None  # the open dialog (tests reach it here)
        self._busy = False  # a submit is on its way

        # header
        self.profile_combo = QComboBox()
        self.describe_btn = QPushButton()
        self.blend_btn = QPushButton()
        self.shorten_btn = QPushButton()
        header = QHBoxLayout()
        self.profile_label = QLabel()
        header.addWidget(self.profile_label)
        header.addWidget(self.profile_combo)
        header.addStretch(1)
        header.addWidget(self.describe_btn)
        header.addWidget(self.blend_btn)
        header.addWidget(self.shorten_btn)

        # left: tasks
        self.model = TaskListModel()
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(TaskDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumWidth(250)
        self.tasks_label = QLabel()
        self.tasks_label.setStyleSheet("font-weight: 600;")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tasks_label)
        left_layout.addWidget(self.list, 1)

        # right: the chosen task
        self.image = ImageView()
        self.state_label = QLabel()
        self.state_label.setStyleSheet("font-weight: 600;")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.prompt_label = QLabel()
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setStyleSheet("color: palette(placeholder-text);")
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons_box = QWidget()
        self.buttons_grid = QGridLayout(self.buttons_box)
        self.buttons_grid.setContentsMargins(0, 0, 0, 0)
        self.buttons_grid.setHorizontalSpacing(6)
        self.buttons_grid.setVerticalSpacing(6)
        self.prompts_box = QWidget()
        self.prompts_layout = QVBoxLayout(self.prompts_box)
        self.prompts_layout.setContentsMargins(0, 0, 0, 0)
        self.confirm_btn = QPushButton()
        self.retry_save_btn = QPushButton()
        self.split_btn = LinkButton()
        self.open_btn = LinkButton()
        self.folder_btn = LinkButton()
        self.copy_btn = LinkButton()
        self.reuse_btn = LinkButton()
        self.seed_btn = LinkButton()
        self.tools = QGridLayout()
        self.tools.setHorizontalSpacing(2)
        self.tool_buttons = (
            self.split_btn,
            self.open_btn,
            self.folder_btn,
            self.copy_btn,
            self.reuse_btn,
            self.seed_btn,
        )
        for button in self.tool_buttons:
            # Shrink with the panel instead of pushing it wider than the window.
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(48)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.state_label)
        details_layout.addWidget(self.progress)
        details_layout.addWidget(self.prompt_label)
        details_layout.addWidget(self.info_label)
        details_layout.addWidget(self.confirm_btn, 0, Qt.AlignmentFlag.AlignLeft)
        details_layout.addWidget(self.retry_save_btn, 0, Qt.AlignmentFlag.AlignLeft)
        details_layout.addWidget(self.prompts_box)
        details_layout.addWidget(self.buttons_box)
        details_layout.addLayout(self.tools)
        details_layout.addStretch(1)
        details_scroll = QScrollArea()
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setWidget(details)
        # Image and details side by side: the buttons stay in view next to the image.
        details_scroll.setMinimumWidth(280)
        details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for label in (self.state_label, self.prompt_label, self.info_label):
            # Long ids and file names wrap anywhere rather than widen the panel.
            label.setMinimumWidth(1)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        result = QSplitter(Qt.Orientation.Horizontal)
        result.addWidget(self.image)
        result.addWidget(details_scroll)
        result.setStretchFactor(0, 3)
        result.setStretchFactor(1, 2)
        result.setChildrenCollapsible(False)

        # bottom: composer
        self.references = ImageStrip(5)
        self.references.setFixedHeight(50)
        self.prompt_edit = PromptEdit()
        self.prompt_edit.setFixedHeight(64)
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
        self.stylize.setValue(-1)
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
        self.preview_label = QLabel()
        self.preview_label.setStyleSheet("color: palette(placeholder-text);")
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.imagine_btn = QPushButton()
        self.imagine_btn.setDefault(True)
        self.settings_btn = QPushButton()
        self.settings_btn.setVisible(False)
        helpers = QHBoxLayout()
        self.helper_labels: list[tuple[QLabel, QWidget]] = []
        for widget in (self.aspect_combo, self.version_combo, self.stylize, self.chaos):
            label = QLabel()
            label.setBuddy(widget)
            self.helper_labels.append((label, widget))
            helpers.addWidget(label)
            helpers.addWidget(widget)
        helpers.addWidget(self.raw_check)
        self.no_label = QLabel()
        self.no_label.setBuddy(self.no_edit)
        helpers.addWidget(self.no_label)
        helpers.addWidget(self.no_edit)
        helpers.addStretch(1)
        composer_row = QHBoxLayout()
        composer_row.addWidget(self.prompt_edit, 1)
        composer_buttons = QVBoxLayout()
        composer_buttons.addStretch(1)
        composer_buttons.addWidget(self.imagine_btn)
        composer_row.addLayout(composer_buttons)
        composer = QWidget()
        composer_layout = QVBoxLayout(composer)
        composer_layout.setContentsMargins(0, 6, 0, 0)
        composer_layout.addWidget(self.notice)
        composer_layout.addWidget(self.settings_btn, 0, Qt.AlignmentFlag.AlignLeft)
        composer_layout.addLayout(composer_row)
        composer_layout.addLayout(helpers)
        composer_layout.addWidget(self.references)
        composer_layout.addWidget(self.preview_label)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(result, 1)
        right_layout.addWidget(composer)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(splitter, 1)

        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(8000)
        self._notice_timer.timeout.connect(lambda: self.notice.setVisible(False))
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self._update_preview)

        self.list.selectionModel().currentChanged.connect(self._on_current)
        self.prompt_edit.submitted.connect(lambda: spawn(self.imagine()))
        self.imagine_btn.clicked.connect(lambda: spawn(self.imagine()))
        self.describe_btn.clicked.connect(self.open_describe)
        self.blend_btn.clicked.connect(self.open_blend)
        self.shorten_btn.clicked.connect(lambda: spawn(self.shorten()))
        self.confirm_btn.clicked.connect(self.open_confirm)
        self.retry_save_btn.clicked.connect(self._retry_save)
        self.split_btn.clicked.connect(lambda: spawn(self.split_current()))
        self.open_btn.clicked.connect(self._open_image)
        self.folder_btn.clicked.connect(self._open_folder)
        self.copy_btn.clicked.connect(self._copy_prompt)
        self.reuse_btn.clicked.connect(self._reuse_prompt)
        self.seed_btn.clicked.connect(lambda: spawn(self.look_up_seed()))
        self.settings_btn.clicked.connect(self.go_to_settings)
        self.prompt_edit.textChanged.connect(self._preview_timer.start)
        self.aspect_combo.currentTextChanged.connect(lambda _t: self._preview_timer.start())
        self.version_combo.currentIndexChanged.connect(lambda _i: self._preview_timer.start())
        self.stylize.valueChanged.connect(lambda _v: self._preview_timer.start())
        self.chaos.valueChanged.connect(lambda _v: self._preview_timer.start())
        self.raw_check.toggled.connect(lambda _v: self._preview_timer.start())
        self.no_edit.textChanged.connect(lambda _t: self._preview_timer.start())
        self.references.changed.connect(self._update_preview)

        self.retranslate()
        self.refresh_profiles()
        self.show_task(None)

    # ----- i18n ---------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.profile_label.setText(self.tr("Profile"))
        self.describe_btn.setText(self.tr("Describe…"))
        self.blend_btn.setText(self.tr("Blend…"))
        self.shorten_btn.setText(self.tr("Shorten prompt"))
        self.tasks_label.setText(self.tr("Tasks"))
        self.confirm_btn.setText(self.tr("Give the prompt or mask…"))
        self.retry_save_btn.setText(self.tr("Try saving the image again"))
        self.split_btn.setText(self.tr("Split into 4"))
        self.open_btn.setText(self.tr("Open image"))
        self.folder_btn.setText(self.tr("Show in folder"))
        self.copy_btn.setText(self.tr("Copy prompt"))
        self.reuse_btn.setText(self.tr("Reuse prompt"))
        self.seed_btn.setText(self.tr("Seed"))
        self.imagine_btn.setText(self.tr("Imagine"))
        self.settings_btn.setText(self.tr("Add a Midjourney profile…"))
        self.prompt_edit.setPlaceholderText(
            self.tr("Describe the image. Enter submits, Shift+Enter starts a new line.")
        )
        self.references.set_hint(self.tr("Reference images: drop up to 5 here (optional)"))
        self.aspect_combo.setItemText(0, self.tr("any"))
        self.version_combo.setItemText(0, self.tr("default"))
        self.stylize.setSpecialValueText(self.tr("default"))
        self.chaos.setSpecialValueText(self.tr("default"))
        self.raw_check.setText(self.tr("Raw"))
        self.no_edit.setPlaceholderText(self.tr("words to leave out"))
        for (label, _widget), text in zip(
            self.helper_labels,
            (self.tr("Aspect"), self.tr("Version"), self.tr("Stylize"), self.tr("Chaos")),
            strict=True,
        ):
            label.setText(text)
        self.no_label.setText(self.tr("No"))
        self.image.set_text(self.tr("Submit a prompt below; tasks appear on the left."))
        for widget, name in (
            (self.profile_combo, self.tr("Midjourney profile")),
            (self.describe_btn, self.tr("Describe an image")),
            (self.blend_btn, self.tr("Blend images")),
            (self.shorten_btn, self.tr("Shorten the prompt")),
            (self.list, self.tr("Tasks")),
            (self.image, self.tr("Task image")),
            (self.confirm_btn, self.tr("Give the prompt or mask")),
            (self.retry_save_btn, self.tr("Try saving the image again")),
            (self.split_btn, self.tr("Split the grid into four images")),
            (self.open_btn, self.tr("Open image")),
            (self.folder_btn, self.tr("Show in folder")),
            (self.copy_btn, self.tr("Copy prompt")),
            (self.reuse_btn, self.tr("Reuse prompt")),
            (self.seed_btn, self.tr("Look up the seed")),
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
        self.show_task(self.current)

    # ----- start-up and polling ----------------------------------------------------------
    async def load(self) -> None:
        """After the first paint: the stored tasks, then polling of the unfinished ones."""
        service = await asyncio.to_thread(lambda: self.core.midjourney)
        tasks = await asyncio.to_thread(service.store.all, 300)
        self.model.reset(tasks)
        if tasks and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))
        for task in tasks[:60]:
            if task.image_path:
                spawn(self._load_thumb(task))
        self.start_polling()

    def start_polling(self) -> None:
        if self._closed or (self._poll_task is not None and not self._poll_task.done()):
            return  # closed: a late start (a page load finishing after shutdown) would outlive it
        self._stop = asyncio.Event()
        poller = self.core.midjourney.poller(on_update=self.on_update)
        known = lambda profile_id: any(r.id == profile_id for r in self.core.profiles.all())  # noqa: E731
        self._poll_task = asyncio.ensure_future(poller.run(self._stop, known=known))
        self._poll_task.add_done_callback(self._poller_ended)

    def _poller_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or self._stop.is_set():
            return
        # Polling must never stop silently: a bug in a round is logged and polling restarts.
        log.error("the Midjourney poller stopped; restarting it", exc_info=task.exception())
        if task is self._poll_task:
            self._poll_task = None
        QTimer.singleShot(2000, self, self.start_polling)

    def shutdown(self) -> None:
        self._closed = True
        self._stop.set()
        if self._poll_task is not None:
            self._poll_task.cancel()
            self._stopping.append(self._poll_task)
            self._poll_task = None

    async def aclose(self) -> None:
        """Stops polling and waits until the poller has let go (nothing of it runs later)."""
        self.shutdown()
        stopping, self._stopping = self._stopping, []
        for task in stopping:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def on_update(self, task: StoredTask) -> None:
        row = self.model.row_of(task.id)
        before = self.model.tasks[row] if row >= 0 else None
        self.model.upsert(task)
        ended = (before is None or before.open) and not task.open
        saved = bool(task.image_path) and (before is None or not before.image_path)
        if saved:
            self._full.pop(task.id, None)
            spawn(self._load_thumb(task))
            if self.current is not None and self.current.id == task.id:
                spawn(self._load_full(task))
        elif task.open and task.image_url and self._preview_urls.get(task.id) != task.image_url:
            spawn(self._load_preview(task))
        if ended or (saved and before is not None and not before.open):
            self.task_ended.emit(task)
        if self.current is not None and self.current.id == task.id:
            self.show_task(task)

    async def _load_thumb(self, task: StoredTask) -> None:
        image = await asyncio.to_thread(load_scaled, task.image_path, THUMB_SIDE)
        if image is not None:
            self.model.set_thumb(task.id, QPixmap.fromImage(image))

    async def _load_preview(self, task: StoredTask) -> None:
        """The in-progress preview, or a describe task's image: shown, never saved."""
        self._preview_urls[task.id] = task.image_url
        try:
            data = await self.core.midjourney.preview(task.profile_id, task.image_url)
        except KeyholdError as exc:
            log.info("no preview for task %s: %s", task.id, exc)
            return
        image = await asyncio.to_thread(load_scaled, data, VIEW_SIDE)
        if image is None:
            return
        pixmap = QPixmap.fromImage(image)
        self.model.set_thumb(task.id, pixmap)
        self._full[task.id] = pixmap
        if self.current is not None and self.current.id == task.id:
            self.image.set_pixmap(pixmap)

    # ----- profiles ----------------------------------------------------------------------
    def refresh_profiles(self) -> None:
        fill_profile_combo(self.profile_combo, self.core.profiles.all(), ProfileKind.MIDJOURNEY)
        has = self.profile_combo.count() > 0
        self.settings_btn.setVisible(not has)
        for widget in (self.imagine_btn, self.describe_btn, self.blend_btn, self.shorten_btn):
            widget.setEnabled(has)

    def profile_id(self) -> str | None:
        value = self.profile_combo.currentData()
        return str(value) if value else None

    # ----- composing -----------------------------------------------------------------------
    def params(self) -> MjParams:
        aspect = self.aspect_combo.currentText().strip()
        if self.aspect_combo.currentIndex() == 0 and aspect == self.aspect_combo.itemText(0):
            aspect = ""
        return MjParams(
            aspect=aspect,
            version=str(self.version_combo.currentData() or ""),
            stylize=None if self.stylize.value() < 0 else self.stylize.value(),
            chaos=None if self.chaos.value() < 0 else self.chaos.value(),
            raw=self.raw_check.isChecked(),
            no=self.no_edit.text(),
        )

    def final_prompt(self) -> str:
        return build_prompt(self.prompt_edit.toPlainText(), self.params())

    def _update_preview(self) -> None:
        try:
            prompt = self.final_prompt()
        except KeyholdError as exc:
            self.preview_label.setText(describe(exc)[1])
            return
        refs = len(self.references.images)
        text = self.tr("Sends: %1").replace("%1", prompt) if prompt else ""
        if refs:
            text += "  " + self.tr("(with %n reference image(s))", "", refs)
        self.preview_label.setText(text)

    def show_notice(self, error: BaseException | None, text: str = "") -> None:
        show_notice_on(self.notice, error, text)
        # Confirmations fade; an error stays until the next action.
        if text and error is None:
            self._notice_timer.start()
        else:
            self._notice_timer.stop()

    def _need_profile(self) -> str | None:
        profile = self.profile_id()
        if profile is None:
            self.show_notice(None, self.tr("Add a Midjourney profile in Settings first."))
        return profile

    async def _submitted(self, profile_id: str, task_id: str, queue: int | None) -> None:
        task = await asyncio.to_thread(self.core.midjourney.store.get, profile_id, task_id)
        self.model.upsert(task)
        self.list.setCurrentIndex(self.model.index(self.model.row_of(task_id)))
        self.show_notice(
            None,
            self.tr("Queued: %n task(s) ahead.", "", queue) if queue else self.tr("Submitted."),
        )

    async def imagine(self, text: str | None = None) -> None:
        if self._busy:
            return  # a second Enter or click while the first submit is on its way costs credits
        profile = self._need_profile()
        if profile is None:
            return
        self._busy = True
        try:
            if text is None:
                params = self.params()
                prompt = build_prompt(self.prompt_edit.toPlainText(), params)
                images = list(self.references.images)
                bot = params.bot
            else:
                prompt, images, bot = text, [], "MID_JOURNEY"
            if not prompt:
                self.show_notice(None, self.tr("Write a prompt first."))
                return
            self.imagine_btn.setEnabled(False)
            result = await self.core.midjourney.imagine(profile, prompt, images, bot=bot)
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        finally:
            self._busy = False
            self.imagine_btn.setEnabled(self.profile_id() is not None)
        await self._submitted(profile, result.task_id, result.queue_position)

    async def shorten(self) -> None:
        profile = self._need_profile()
        if profile is None:
            return
        text = self.prompt_edit.toPlainText().strip()
        if not text:
            self.show_notice(None, self.tr("Write the prompt to shorten first."))
            return
        try:
            result = await self.core.midjourney.shorten(profile, text)
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        await self._submitted(profile, result.task_id, result.queue_position)

    def _open_dialog(self, dialog: QDialog, accepted: Callable[[], object]) -> None:
        """Opened with open(), not exec() (a nested loop stalls qasync); deleted when closed."""
        named(dialog, dialog.windowTitle())
        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.dialog = dialog

    def open_describe(self) -> None:
        if self._need_profile() is None:
            return
        dialog = ImagesDialog(1, 1, blend=False, parent=self)
        self._open_dialog(dialog, lambda: spawn(self.describe(dialog.images())))

    def open_blend(self) -> None:
        if self._need_profile() is None:
            return
        dialog = ImagesDialog(2, 5, blend=True, parent=self)
        self._open_dialog(dialog, lambda: spawn(self.blend(dialog.images(), dialog.chosen_dimensions())))

    async def describe(self, images: list[bytes]) -> None:
        profile = self._need_profile()
        if profile is None or not images:
            return
        try:
            result = await self.core.midjourney.describe(profile, images[0])
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        await self._submitted(profile, result.task_id, result.queue_position)

    async def blend(self, images: list[bytes], dimensions: str) -> None:
        profile = self._need_profile()
        if profile is None:
            return
        try:
            result = await self.core.midjourney.blend(profile, images, dimensions)
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        await self._submitted(profile, result.task_id, result.queue_position)

    # ----- the chosen task -------------------------------------------------------------------
    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        task = current.data(TASK_ROLE) if current.isValid() else None
        self.show_task(task)
        if task is not None:
            if task.image_path and task.id not in self._full:
                spawn(self._load_full(task))
            elif not task.image_path and task.image_url and task.id not in self._full:
                spawn(self._load_preview(task))

    async def _load_full(self, task: StoredTask) -> None:
        image = await asyncio.to_thread(load_scaled, task.image_path, VIEW_SIDE)
        if image is None:
            if self.current is not None and self.current.id == task.id:
                self.image.set_pixmap(None)
                self.image.set_text(
                    self.tr("The image file is missing or damaged:\n%1").replace("%1", task.image_path)
                )
            return
        self._full[task.id] = QPixmap.fromImage(image)
        if self.current is not None and self.current.id == task.id:
            self.image.set_pixmap(self._full[task.id])

    def show_task(self, task: StoredTask | None) -> None:
        self.current = task
        has = task is not None
        for label in (self.state_label, self.prompt_label, self.info_label):
            label.setVisible(has)
        clear_layout(self.buttons_grid)
        clear_layout(self.prompts_layout)
        if task is None:
            self.image.set_pixmap(None)
            self.progress.setVisible(False)
            for widget in (self.confirm_btn, self.retry_save_btn, *self.tool_buttons):
                widget.setVisible(False)
            return
        pixmap = self._full.get(task.id)
        self.image.set_pixmap(pixmap)
        if pixmap is None:
            self.image.set_text(self.tr("Waiting for the first preview…") if task.open else "")
        state = state_text(task)
        self.state_label.setText(f"{action_name(task.action)} — {state}")
        self.progress.setVisible(task.open and not task.needs_input)
        self.progress.setValue(task.progress)
        self.prompt_label.setText(task.final_prompt or task.prompt)
        info = [self.tr("Task %1").replace("%1", task.id)]
        if task.parent_id:
            info.append(self.tr("from %1").replace("%1", task.parent_id))
        if task.seed:
            info.append(self.tr("seed %1").replace("%1", task.seed))
        if task.image_path:
            info.append(self.tr("saved as %1").replace("%1", Path(task.image_path).name))
        problem = task.fail_reason or task.image_error or task.last_error
        if problem:
            info.append(self.tr("Server said: %1").replace("%1", problem))
        self.info_label.setText(" · ".join(info))
        self.confirm_btn.setVisible(task.needs_input)
        self.retry_save_btn.setVisible(task.image_pending and bool(task.image_error))
        done = task.status is MjStatus.SUCCESS
        self.split_btn.setVisible(done and bool(task.image_path) and task.action in GRID_ACTIONS)
        self.open_btn.setVisible(bool(task.image_path))
        self.folder_btn.setVisible(bool(task.image_path))
        self.copy_btn.setVisible(bool(task.final_prompt or task.prompt))
        self.reuse_btn.setVisible(bool(task.prompt) and task.makes_image)
        self.seed_btn.setVisible(done and task.makes_image and not task.seed)
        shown_tools = [b for b in self.tool_buttons if not b.isHidden()]
        for index, tool in enumerate(shown_tools):  # visible ones only, so no gaps
            self.tools.addWidget(tool, index // 3, index % 3)
        for number, prompt in enumerate(task.prompts if done else [], 1):
            row = QHBoxLayout()
            label = QLabel(f"{number}. {prompt}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            go = QPushButton(self.tr("Imagine"))
            named(go, self.tr("Imagine prompt %1").replace("%1", str(number)))
            go.clicked.connect(lambda _c=False, p=prompt: spawn(self.imagine(p)))
            use = LinkButton()
            use.setText(self.tr("Edit"))
            named(use, self.tr("Put prompt %1 in the prompt box").replace("%1", str(number)))
            use.clicked.connect(lambda _c=False, p=prompt: self.prompt_edit.setPlainText(p))
            row.addWidget(label, 1)
            row.addWidget(use)
            row.addWidget(go)
            holder = QWidget()
            holder.setLayout(row)
            self.prompts_layout.addWidget(holder)
        if done and task.makes_image:
            shown = [b for b in task.buttons if "BOOKMARK" not in b.custom_id]
            if not shown and task.action in CHANGE_ACTIONS:
                # The open-source server sends no buttons: U/V/reroll go through /submit/change.
                shown = [MjButton(name, label="" if name == "🔄" else name) for name in CHANGE_BUTTONS]
            # U1…V4 fit four to a row; worded buttons (Vary (Subtle), 缩小 2 倍) two.
            columns = 4 if all(len(button_text(b)) <= 6 for b in shown) else 2
            for index, button in enumerate(shown):
                pressable = QPushButton(button_text(button))
                # Shrink with the panel instead of pushing it wider than the window.
                pressable.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
                pressable.setMinimumWidth(48)
                pressable.setToolTip(f"{button_text(button)}\n{button.custom_id}")
                named(pressable, button_text(button))
                pressable.clicked.connect(lambda _c=False, b=button: self.press(b))
                self.buttons_grid.addWidget(pressable, index // columns, index % columns)

    def button_widgets(self) -> list[QPushButton]:
        found = []
        for index in range(self.buttons_grid.count()):
            item = self.buttons_grid.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton):
                found.append(widget)
        return found

    # ----- buttons ---------------------------------------------------------------------------
    def press(self, button: MjButton) -> None:
        task = self.current
        if task is None:
            return
        if button.custom_id.startswith("MJ::Inpaint::"):
            self.open_mask(task, lambda p, m: spawn(self.act(task, button.custom_id, prompt=p, mask=m)))
        elif button.custom_id.startswith("MJ::CustomZoom::"):
            dialog = PromptDialog(
                self.tr("Custom Zoom"),
                self.tr("Zoom out with this prompt. --zoom takes 1 to 2."),
                f"{task.final_prompt or task.prompt} --zoom 1.5",
                self,
            )
            self._open_dialog(dialog, lambda: spawn(self.act(task, button.custom_id, prompt=dialog.prompt())))
        else:
            spawn(self.act(task, button.custom_id))

    def open_mask(self, task: StoredTask, done: Callable[[str, bytes], object]) -> None:
        """The mask painter over ``task``'s saved image; ``done(prompt, mask_png)`` on OK."""
        from desktop_client.ui.midjourney.mask_painter import MaskDialog

        image = QImage(task.image_path) if task.image_path else QImage()
        if image.isNull():
            self.show_notice(None, self.tr("The image is not saved yet; wait for it, then paint the region."))
            return
        dialog = MaskDialog(image, task.final_prompt or task.prompt, self)
        self._open_dialog(dialog, lambda: done(dialog.prompt(), dialog.mask_png()))

    async def act(
        self, task: StoredTask, custom_id: str, prompt: str | None = None, mask: bytes | None = None
    ) -> None:
        if self._busy:
            return  # a double click on U1 would pay for two upscales
        self._busy = True
        self.buttons_box.setEnabled(False)
        try:
            result = await self.core.midjourney.act(
                task.profile_id, task.id, custom_id, prompt=prompt, mask_png=mask
            )
        except KeyholdError as exc:
            self.show_notice(exc)
            # A modal task made before the error waits in the list, to be confirmed again.
            with contextlib.suppress(NotFoundError):
                for waiting in await asyncio.to_thread(self.core.midjourney.store.unfinished, task.profile_id):
                    self.model.upsert(waiting)
            return
        finally:
            self._busy = False
            self.buttons_box.setEnabled(True)
        await self._submitted(task.profile_id, result.task_id, result.queue_position)

    def open_confirm(self) -> None:
        """A task waiting in MODAL (remix, or a confirm that failed): ask again."""
        task = self.current
        if task is None:
            return
        if task.action == "INPAINT":
            parent = self._find(task.parent_id)
            if parent is None or not parent.image_path:
                self.show_notice(None, self.tr("The parent image is not in this list; paint the mask from it."))
                return
            self.open_mask(parent, lambda p, m: spawn(self.confirm(task, p, m)))
            return
        dialog = PromptDialog(
            self.tr("Prompt"),
            self.tr("The server asks for the prompt of this task (remix). Change it or keep it."),
            task.prompt or task.final_prompt,
            self,
        )
        self._open_dialog(dialog, lambda: spawn(self.confirm(task, dialog.prompt(), None)))

    async def confirm(self, task: StoredTask, prompt: str, mask: bytes | None) -> None:
        try:
            await self.core.midjourney.confirm(task.profile_id, task.id, prompt, mask)
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        self.show_notice(None, self.tr("Submitted."))

    def _find(self, task_id: str) -> StoredTask | None:
        row = self.model.row_of(task_id)
        return self.model.tasks[row] if row >= 0 else None

    # ----- tools -------------------------------------------------------------------------------
    async def split_current(self) -> None:
        task = self.current
        if task is None or not task.image_path:
            return
        try:
            saved = await self.core.midjourney.split(task.profile_id, task.id, split_grid)
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        except (OSError, ValueError) as exc:
            self.show_notice(None, self.tr("Could not split the image: %1").replace("%1", str(exc)))
            return
        self.show_notice(None, self.tr("Saved %n image(s) beside the grid.", "", len(saved)))

    def _open_image(self) -> None:
        if self.current is not None and self.current.image_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.current.image_path))

    def _open_folder(self) -> None:
        if self.current is not None and self.current.image_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.current.image_path).parent)))

    def _copy_prompt(self) -> None:
        if self.current is not None:
            QGuiApplication.clipboard().setText(self.current.final_prompt or self.current.prompt)
            self.show_notice(None, self.tr("Prompt copied."))

    def _reuse_prompt(self) -> None:
        if self.current is not None:
            self.prompt_edit.setPlainText(self.current.prompt)
            self.prompt_edit.setFocus()

    def _retry_save(self) -> None:
        # The poller retries by itself; this just makes it look now.
        self.core.midjourney.wake_pollers()

    async def look_up_seed(self) -> None:
        task = self.current
        if task is None:
            return
        try:
            seed = await self.core.midjourney.seed(task.profile_id, task.id)
        except KeyholdError as exc:
            self.show_notice(exc)
            return
        QGuiApplication.clipboard().setText(seed)
        self.show_notice(None, self.tr("Seed %1 copied.").replace("%1", seed))
        updated = await asyncio.to_thread(self.core.midjourney.store.get, task.profile_id, task.id)
        self.on_update(updated)

    def select_task(self, task_id: str) -> None:
        row = self.model.row_of(task_id)
        if row >= 0:
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    # ----- what other pages ask for ----------------------------------------------------------
    def reuse_prompt(self, prompt: str) -> None:
        """Another page's prompt into the composer (the gallery's "Reuse prompt")."""
        self.prompt_edit.setPlainText(prompt)

    def press_button(self, task_id: str, custom_id: str) -> bool:
        """A button of a listed task, pressed as in its detail; False when the task is not listed."""
        self.select_task(task_id)
        if self.current is None or self.current.id != task_id:
            return False
        self.press(MjButton(custom_id))
        return True
