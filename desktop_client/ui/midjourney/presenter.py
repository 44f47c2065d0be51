"""The Midjourney page's state and its one door to the service: the task list (a model kept
current by the service's updates), the chosen task, the images loaded to show, and the
submits. The page's panels only show what this holds and forward what the user asks for.

Updates come from the app's poller (``app.MjPolling``) and from every submit, through
``MidjourneyService.subscribe``; the page never reads a store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QPixmap

from desktop_client.core.errors import KeyholdError
from desktop_client.core.models import StoredTask
from desktop_client.ui.imaging import load_scaled, split_grid
from desktop_client.ui.midjourney.tasks_model import TaskListModel
from desktop_client.ui.qtutils import spawn

if TYPE_CHECKING:
    from pathlib import Path

    from desktop_client.core.api.mj_types import SubmitResult
    from desktop_client.core.context import Core
    from desktop_client.ui.midjourney.composer import MjDraft

log = logging.getLogger(__name__)

THUMB_SIDE = 160
VIEW_SIDE = 1600
LISTED = 300  # tasks read at start; older ones stay in the database (and the CLI's list)
THUMBS_AT_START = 60  # a few screens' worth: reading all 300 images would hold up the start


class MjPresenter(QObject):
    current_changed = Signal(object)  # StoredTask | None: the chosen task, or a newer version of it
    image_ready = Signal(object)  # QPixmap: the chosen task's image or preview, loaded to show
    image_missing = Signal(str)  # the chosen task's saved file (gone or unreadable)
    task_ended = Signal(object)  # StoredTask: finished or failed, for the window's notification
    submitted = Signal(str, object)  # task id, its place in the server's queue (int | None)

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.model = TaskListModel(self)
        self.current: StoredTask | None = None
        self.busy = False  # a submit or a button press is on its way: the page ignores another
        self.loaded = False
        self._closed = False
        self._unsubscribe: Callable[[], None] | None = None
        self._early: list[StoredTask] | None = None  # updates that arrived while the list was read
        self._images: dict[str, QPixmap] = {}  # task id → image for the result view
        self._preview_urls: dict[str, str] = {}  # task id → the preview URL loaded

    # ----- the list -----------------------------------------------------------------------
    async def load(self) -> None:
        """After the first paint: listens to the service, then reads the stored tasks."""
        await self.core.open()  # in a worker, off the GUI thread; at once when already open
        service = self.core.midjourney
        if self._closed or self._unsubscribe is not None:
            return
        self._early = []
        self._unsubscribe = service.subscribe(self.on_update)
        try:
            tasks = await service.tasks(LISTED)
        finally:
            early, self._early = self._early, None
        self.model.reset(tasks)
        for task in early:  # newer than what was read
            self.on_update(task)
        self.loaded = True
        for task in tasks[:THUMBS_AT_START]:
            if task.image_path:
                self._spawn(self._load_thumb(task))

    def close(self) -> None:
        """Stops listening and loading: nothing reaches the page after this."""
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def on_update(self, task: StoredTask) -> None:
        """A task stored or changed (by the poller or a submit): list it, load what it now
        shows, and say when it ended."""
        if self._early is not None:
            self._early.append(task)
            return
        before = self.model.upsert(task)
        ended = (before is None or before.open) and not task.open
        saved = bool(task.image_path) and (before is None or not before.image_path)
        if saved:
            self._images.pop(task.id, None)
            self._spawn(self._load_thumb(task))
            if self._is_current(task):
                self._spawn(self._load_full(task))
        elif task.open and task.image_url and self._preview_urls.get(task.id) != task.image_url:
            self._spawn(self._load_preview(task))
        if ended or (saved and before is not None and not before.open):
            self.task_ended.emit(task)
        if self._is_current(task):
            self.current = task
            self.current_changed.emit(task)

    # ----- the chosen task ------------------------------------------------------------------
    def choose(self, task: StoredTask | None) -> None:
        self.current = task
        self.current_changed.emit(task)
        if task is None or task.id in self._images:
            return
        if task.image_path:
            self._spawn(self._load_full(task))
        elif task.image_url:
            self._spawn(self._load_preview(task))

    def image(self, task_id: str) -> QPixmap | None:
        return self._images.get(task_id)

    def _is_current(self, task: StoredTask) -> bool:
        return self.current is not None and self.current.id == task.id

    # ----- images to show -------------------------------------------------------------------
    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        if self._closed:
            coro.close()  # the window is going: load nothing more
            return
        spawn(coro)

    async def _load_full(self, task: StoredTask) -> None:
        image = await asyncio.to_thread(load_scaled, task.image_path, VIEW_SIDE)
        if image is None:
            if self._is_current(task):
                self.image_missing.emit(task.image_path)
            return
        self._images[task.id] = QPixmap.fromImage(image)
        if self._is_current(task):
            self.image_ready.emit(self._images[task.id])

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
        self._images[task.id] = pixmap
        if self._is_current(task):
            self.image_ready.emit(pixmap)

    # ----- submits (each raises KeyholdError; ``submitted`` says where the task went) ----------
    async def imagine(self, profile_id: str, draft: MjDraft) -> None:
        self.busy = True
        service = self.core.midjourney
        try:
            result = await service.imagine(profile_id, draft.prompt, list(draft.images), bot=draft.bot)
        finally:
            self.busy = False
        await self._submitted(profile_id, result)

    async def act(self, task: StoredTask, custom_id: str, prompt: str | None, mask: bytes | None) -> None:
        """Presses a button; a task the server makes wait for a prompt (and the error, if the
        confirm failed) reaches the list through the service's update."""
        self.busy = True
        service = self.core.midjourney
        try:
            result = await service.act(task.profile_id, task.id, custom_id, prompt=prompt, mask_png=mask)
        finally:
            self.busy = False
        await self._submitted(task.profile_id, result)

    async def shorten(self, profile_id: str, text: str) -> None:
        await self._submitted(profile_id, await self.core.midjourney.shorten(profile_id, text))

    async def describe(self, profile_id: str, image: bytes) -> None:
        await self._submitted(profile_id, await self.core.midjourney.describe(profile_id, image))

    async def blend(self, profile_id: str, images: list[bytes], dimensions: str) -> None:
        await self._submitted(profile_id, await self.core.midjourney.blend(profile_id, images, dimensions))

    async def _submitted(self, profile_id: str, result: SubmitResult) -> None:
        if self.model.row_of(result.task_id) < 0:
            # Its update found the list still loading (the user was quick): list it now.
            self.model.upsert(await self.core.midjourney.task(profile_id, result.task_id))
        self.submitted.emit(result.task_id, result.queue_position)

    async def confirm(self, task: StoredTask, prompt: str, mask: bytes | None) -> None:
        await self.core.midjourney.confirm(task.profile_id, task.id, prompt, mask)

    async def split(self, task: StoredTask) -> list[Path]:
        """The grid's four images, saved beside it; OSError or ValueError if it can't be read."""
        return await self.core.midjourney.split(task.profile_id, task.id, split_grid)

    async def seed(self, task: StoredTask) -> str:
        """Looks the seed up; the task, with it, comes back through the service's update."""
        return await self.core.midjourney.seed(task.profile_id, task.id)

    def save_again(self) -> None:
        # The poller retries by itself; this just makes it look now.
        self.core.midjourney.wake_pollers()
