"""The Midjourney workspace: tasks on the left, the chosen task's image and buttons on the
right (``TaskPanel``), and the prompt with its helpers and reference images at the bottom
(``Composer``).

The page wires them to ``MjPresenter``, which holds the state and talks to the service, and
opens the dialogs a submit needs. Polling is the app's (``app.MjPolling``), not the page's:
the page only shows what the service says.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.mj_types import MjButton
from desktop_client.core.context import Core
from desktop_client.core.models import StoredTask
from desktop_client.core.settings import ProfileKind
from desktop_client.ui.design import set_icon, set_type
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.midjourney.composer import Composer, MjDraft
from desktop_client.ui.midjourney.presenter import MjPresenter
from desktop_client.ui.midjourney.task_actions import TaskActions
from desktop_client.ui.midjourney.task_panel import TaskPanel
from desktop_client.ui.midjourney.tasks_model import TASK_ROLE, TaskDelegate
from desktop_client.ui.midjourney.widgets import ImagesDialog, open_dialog
from desktop_client.ui.qtutils import async_slot, fill_profile_combo, named


class MidjourneyPage(Retranslatable, QWidget):
    task_ended = Signal(object)  # StoredTask, for the window's notification
    go_to_settings = Signal()

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.presenter = MjPresenter(core, self)
        self.model = self.presenter.model
        self.dialog: QDialog | None = None  # the open describe or blend dialog (tests reach it here)
        self.composer = Composer()
        self.notice = self.composer.notice  # where async_slot puts a KeyholdError
        self.panel = TaskPanel()
        self.task_actions = TaskActions(self.presenter, self.panel, self.notice, self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setItemDelegate(TaskDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setMinimumWidth(200)  # leaves the task panel room at 800 px
        self.tasks_label = QLabel()
        set_type(self.tasks_label, "strong")
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tasks_label)
        column.addWidget(self.list, 1)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.panel, 1)
        column.addWidget(self.composer)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 840])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._build_header())
        layout.addWidget(splitter, 1)
        self._connect()
        self.refresh_profiles()
        self.retranslate()

    def _build_header(self) -> QHBoxLayout:
        self.profile_label = QLabel()
        self.profile_combo = QComboBox()
        self.describe_btn = QPushButton()
        self.blend_btn = QPushButton()
        self.shorten_btn = QPushButton()
        for button, name in (
            (self.describe_btn, "describe"),
            (self.blend_btn, "blend"),
            (self.shorten_btn, "shorten"),
        ):
            set_icon(button, name)
        header = QHBoxLayout()
        header.addWidget(self.profile_label)
        header.addWidget(self.profile_combo)
        header.addStretch(1)
        for button in (self.describe_btn, self.blend_btn, self.shorten_btn):
            header.addWidget(button)
        return header

    def _connect(self) -> None:
        presenter, panel = self.presenter, self.panel
        self.list.selectionModel().currentChanged.connect(self._on_current)
        presenter.current_changed.connect(self._show)
        presenter.image_ready.connect(panel.set_image)
        presenter.image_missing.connect(panel.show_missing_image)
        presenter.task_ended.connect(self.task_ended)
        presenter.submitted.connect(self._on_submitted)
        self.composer.submitted.connect(self.imagine)
        self.composer.go_to_settings.connect(self.go_to_settings)
        self.describe_btn.clicked.connect(self.open_describe)
        self.blend_btn.clicked.connect(self.open_blend)
        self.shorten_btn.clicked.connect(self.shorten)
        panel.imagine_prompt.connect(self.imagine_prompt)
        panel.edit_prompt.connect(self.composer.set_prompt)
        panel.reuse_prompt.connect(functools.partial(self.composer.set_prompt, focus=True))
        panel.info.connect(self.notice.show_info)  # the rest of its signals: see TaskActions

    def retranslate(self) -> None:
        for widget, text, name in (
            (self.describe_btn, self.tr("Describe…"), self.tr("Describe an image")),
            (self.blend_btn, self.tr("Blend…"), self.tr("Blend images")),
            (self.shorten_btn, self.tr("Shorten prompt"), self.tr("Shorten the prompt")),
        ):
            widget.setText(text)
            named(widget, name)
        self.profile_label.setText(self.tr("Profile"))
        self.tasks_label.setText(self.tr("Tasks"))
        named(self.profile_combo, self.tr("Midjourney profile"))
        named(self.list, self.tr("Tasks"))

    # ----- life --------------------------------------------------------------------------------
    async def load(self) -> None:
        """After the first paint: the stored tasks, the newest chosen."""
        await self.presenter.load()
        if self.model.rowCount() and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0))

    def shutdown(self) -> None:
        self.presenter.close()

    async def aclose(self) -> None:
        """Stops listening to the service; the poller is the app's and stops with it."""
        self.shutdown()

    # ----- profiles ----------------------------------------------------------------------------
    def refresh_profiles(self, *, to_default: bool = False) -> None:
        """The profiles again, the chosen one kept; ``to_default``: the user chose a new default."""
        profiles = self.core.profiles
        default = profiles.default_for(ProfileKind.MIDJOURNEY)
        wanted = default if to_default else None
        fill_profile_combo(self.profile_combo, profiles.all(), ProfileKind.MIDJOURNEY, wanted, default)
        has = self.profile_combo.count() > 0
        self.composer.set_profile_available(has)
        for widget in (self.describe_btn, self.blend_btn, self.shorten_btn):
            widget.setEnabled(has)

    def profile_id(self) -> str | None:
        value = self.profile_combo.currentData()
        return str(value) if value else None

    def _need_profile(self) -> str | None:
        profile = self.profile_id()
        if profile is None:
            self.notice.show_info(self.tr("Add a Midjourney profile in Settings first."))
        return profile

    # ----- what other pages ask for -------------------------------------------------------------
    def reuse_prompt(self, text: str) -> None:
        self.composer.set_prompt(text)

    def press_button(self, task_id: str, custom_id: str) -> bool:
        """Presses a button of a listed task (from the gallery); False if it is not listed."""
        self.select_task(task_id)
        if self.current is None or self.current.id != task_id:
            return False
        self.task_actions.press(MjButton(custom_id))
        return True

    # ----- the chosen task ----------------------------------------------------------------------
    @property
    def current(self) -> StoredTask | None:
        return self.presenter.current

    def select_task(self, task_id: str) -> None:
        row = self.model.row_of(task_id)
        if row >= 0:
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.presenter.choose(current.data(TASK_ROLE) if current.isValid() else None)

    def _show(self, task: StoredTask | None) -> None:
        self.panel.show_task(task, self.presenter.image(task.id) if task is not None else None)

    # ----- submitting ---------------------------------------------------------------------------
    @async_slot
    async def imagine(self) -> None:
        if self.presenter.busy:
            return  # a second Enter or click while the first submit is on its way costs credits
        profile = self._need_profile()
        if profile is not None:
            await self._imagine(profile, self.composer.draft())

    @async_slot
    async def imagine_prompt(self, prompt: str) -> None:
        if self.presenter.busy:
            return
        profile = self._need_profile()
        if profile is not None:
            await self._imagine(profile, MjDraft(prompt))

    async def _imagine(self, profile: str, draft: MjDraft) -> None:
        if not draft.prompt:
            self.notice.show_info(self.tr("Write a prompt first."))
            return
        self.composer.imagine_btn.setEnabled(False)
        try:
            await self.presenter.imagine(profile, draft)
        finally:
            self.composer.imagine_btn.setEnabled(self.profile_id() is not None)

    @async_slot
    async def shorten(self) -> None:
        profile = self._need_profile()
        if profile is None:
            return
        text = self.composer.prompt_edit.toPlainText().strip()
        if not text:
            self.notice.show_info(self.tr("Write the prompt to shorten first."))
            return
        await self.presenter.shorten(profile, text)

    def open_describe(self) -> None:
        if self._need_profile() is not None:
            dialog = ImagesDialog(1, 1, blend=False, parent=self)
            self.dialog = open_dialog(dialog, lambda: self.describe(dialog.images()))

    def open_blend(self) -> None:
        if self._need_profile() is not None:
            dialog = ImagesDialog(2, 5, blend=True, parent=self)
            self.dialog = open_dialog(dialog, lambda: self.blend(dialog.images(), dialog.chosen_dimensions()))

    @async_slot
    async def describe(self, images: list[bytes]) -> None:
        profile = self._need_profile()
        if profile is not None and images:
            await self.presenter.describe(profile, images[0])

    @async_slot
    async def blend(self, images: list[bytes], dimensions: str) -> None:
        profile = self._need_profile()
        if profile is not None:
            await self.presenter.blend(profile, images, dimensions)

    def _on_submitted(self, task_id: str, queue: int | None) -> None:
        self.list.setCurrentIndex(self.model.index(self.model.row_of(task_id)))
        self.notice.show_info(self.tr("Queued: %n task(s) ahead.", "", queue) if queue else self.tr("Submitted."))
