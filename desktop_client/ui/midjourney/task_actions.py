"""What the chosen task's buttons and tools do: a press (with the mask painter or the prompt a
button asks for), confirming a task the server made wait, splitting a grid, the seed.

Connected to ``TaskPanel``'s signals; the work goes through ``MjPresenter``; errors land on
the page's notice line (``async_slot``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QDialog, QWidget

from desktop_client.core.api.mj_types import MjButton
from desktop_client.core.models import StoredTask
from desktop_client.ui.i18n import tr_args
from desktop_client.ui.midjourney.presenter import MjPresenter
from desktop_client.ui.midjourney.task_panel import TaskPanel
from desktop_client.ui.midjourney.widgets import PromptDialog, open_dialog
from desktop_client.ui.qtutils import async_slot
from desktop_client.ui.widgets.notice import Notice


class TaskActions(QObject):
    def __init__(self, presenter: MjPresenter, panel: TaskPanel, notice: Notice, page: QWidget) -> None:
        super().__init__(page)
        self.presenter = presenter
        self.panel = panel
        self.notice = notice
        self.page = page  # the dialogs' parent
        self.dialog: QDialog | None = None  # the open dialog (tests reach it here)
        panel.button_pressed.connect(self.press)
        panel.confirm_requested.connect(self.open_confirm)
        panel.retry_save_requested.connect(presenter.save_again)
        panel.split_requested.connect(self.split)
        panel.seed_requested.connect(self.look_up_seed)

    def _open(self, dialog: QDialog, accepted: Callable[[], object]) -> None:
        self.dialog = open_dialog(dialog, accepted)

    def press(self, button: MjButton) -> None:
        task = self.presenter.current
        if task is None:
            return
        if button.custom_id.startswith("MJ::Inpaint::"):
            self.open_mask(task, lambda p, m: self.act(task, button.custom_id, p, m))
        elif button.custom_id.startswith("MJ::CustomZoom::"):
            dialog = PromptDialog(
                self.tr("Custom Zoom"),
                self.tr("Zoom out with this prompt. --zoom takes 1 to 2."),
                f"{task.final_prompt or task.prompt} --zoom 1.5",
                self.page,
            )
            self._open(dialog, lambda: self.act(task, button.custom_id, dialog.prompt()))
        else:
            self.act(task, button.custom_id)

    def open_mask(self, task: StoredTask, done: Callable[[str, bytes], object]) -> None:
        """The mask painter over ``task``'s saved image; ``done(prompt, mask_png)`` on OK."""
        from desktop_client.ui.widgets.mask_painter import MaskDialog

        image = QImage(task.image_path) if task.image_path else QImage()
        if image.isNull():
            self.notice.show_info(self.tr("The image is not saved yet; wait for it, then paint the region."))
            return
        dialog = MaskDialog(image, task.final_prompt or task.prompt, self.page)
        self._open(dialog, lambda: done(dialog.prompt(), dialog.mask_png()))

    @async_slot
    async def act(
        self, task: StoredTask, custom_id: str, prompt: str | None = None, mask: bytes | None = None
    ) -> None:
        if self.presenter.busy:
            return  # a double click on U1 would pay for two upscales
        self.panel.buttons_box.setEnabled(False)
        try:
            await self.presenter.act(task, custom_id, prompt, mask)
        finally:
            self.panel.buttons_box.setEnabled(True)

    def open_confirm(self) -> None:
        """A task waiting in MODAL (remix, or a confirm that failed): ask again."""
        task = self.presenter.current
        if task is None:
            return
        if task.action == "INPAINT":
            parent = self.presenter.model.task(task.parent_id)
            if parent is None or not parent.image_path:
                self.notice.show_info(self.tr("The parent image is not in this list; paint the mask from it."))
                return
            self.open_mask(parent, lambda p, m: self.confirm(task, p, m))
            return
        dialog = PromptDialog(
            self.tr("Prompt"),
            self.tr("The server asks for the prompt of this task (remix). Change it or keep it."),
            task.prompt or task.final_prompt,
            self.page,
        )
        self._open(dialog, lambda: self.confirm(task, dialog.prompt(), None))

    @async_slot
    async def confirm(self, task: StoredTask, prompt: str, mask: bytes | None) -> None:
        await self.presenter.confirm(task, prompt, mask)
        self.notice.show_info(self.tr("Submitted."))

    @async_slot
    async def split(self) -> None:
        task = self.presenter.current
        if task is None or not task.image_path:
            return
        try:
            saved = await self.presenter.split(task)
        except (OSError, ValueError) as exc:
            self.notice.show_info(tr_args(self.tr("Could not split the image: %1"), exc))
            return
        self.notice.show_info(self.tr("Saved %n image(s) beside the grid.", "", len(saved)))

    @async_slot
    async def look_up_seed(self) -> None:
        task = self.presenter.current
        if task is not None:
            seed = await self.presenter.seed(task)
            QGuiApplication.clipboard().setText(seed)
            self.notice.show_info(tr_args(self.tr("Seed %1 copied."), seed))
