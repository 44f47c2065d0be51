"""Midjourney for the GUI and the CLI: submit, act, confirm, split, wait — every submit
stored at once — and, for the GUI, the stored tasks and their changes.

The GUI runs one poller for the app's life (``run_polling``, started by ``app.py``) and
reads tasks only through this service: ``tasks``/``task`` for what is stored, ``subscribe``
for every change this process makes to one. The poller itself is in ``mj_poller.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import weakref
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, Literal

from desktop_client.core.api.midjourney import MjClient
from desktop_client.core.api.mj_types import (
    MjStatus,
    SubmitResult,
    button_action,
    change_spec,
    data_url,
)
from desktop_client.core.errors import N_, ErrorKind, InputError, KeyholdError, NotFoundError, Template
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import sniff_image
from desktop_client.core.redact import REDACTOR
from desktop_client.core.services.connections import Connections
from desktop_client.core.services.gallery import GalleryService
from desktop_client.core.services.mj_images import fetch_image, save_quadrants, save_task_image
from desktop_client.core.services.mj_poller import MjPoller
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.gallery_files import read_sidecar
from desktop_client.core.storage.mj_tasks import MjTaskStore, StoredTask

__all__ = ["DIMENSIONS", "MidjourneyService", "MjPoller", "reference_image"]

log = logging.getLogger(__name__)

MAX_REFERENCE_BYTES = 10 * 1024 * 1024
DIMENSIONS = ("PORTRAIT", "SQUARE", "LANDSCAPE")


# Which image a refusal names: (not an image, too large); %1 is a blended image's number.
Reference = Literal["reference", "describe", "blend", "mask"]
_REFUSED: Final[dict[Reference, tuple[Template, Template]]] = {
    "reference": (
        N_("Errors", "A reference image is not a PNG, JPEG, GIF or WebP image"),
        N_("Errors", "A reference image is %2 MB; servers take at most %3 MB"),
    ),
    "describe": (
        N_("Errors", "The image to describe is not a PNG, JPEG, GIF or WebP image"),
        N_("Errors", "The image to describe is %2 MB; servers take at most %3 MB"),
    ),
    "blend": (
        N_("Errors", "Image %1 is not a PNG, JPEG, GIF or WebP image"),
        N_("Errors", "Image %1 is %2 MB; servers take at most %3 MB"),
    ),
    "mask": (
        N_("Errors", "The mask is not a PNG, JPEG, GIF or WebP image"),
        N_("Errors", "The mask is %2 MB; servers take at most %3 MB"),
    ),
}


def reference_image(data: bytes, what: Reference = "reference", number: int = 0) -> str:
    """An image for the server as a data URL, refused here (with the reason) rather than there."""
    not_image, too_large = _REFUSED[what]
    kind = sniff_image(data)
    if kind is None:
        raise InputError(not_image, hint=N_("Errors", "Choose an image file"), args=(number,))
    if len(data) > MAX_REFERENCE_BYTES:
        raise InputError(
            too_large,
            hint=N_("Errors", "Use a smaller or more compressed image"),
            args=(number, f"{len(data) / 1e6:.1f}", MAX_REFERENCE_BYTES // 2**20),
        )
    return data_url(data, kind)


class MidjourneyService:
    """Submit, act and wait, for the GUI and the CLI; every submit is stored at once."""

    def __init__(self, store: MjTaskStore, connections: Connections, gallery: GalleryService) -> None:
        self.store = store
        self.connections = connections
        self.profiles = connections.profiles
        self.gallery = gallery
        # Weak: a poller whose run ended is gone with it.
        self._pollers: weakref.WeakSet[MjPoller] = weakref.WeakSet()
        self._subscribers: list[Callable[[StoredTask], None]] = []
        self._polling = 0  # run_polling loops running (tests wait for one)
        # Seconds between looks at running tasks (backing off to the maximum); servers
        # update progress every few seconds, and a relay may count every request.
        self.poll_interval = float(os.environ.get("KEYHOLD_MJ_POLL_SECONDS") or 2.0)
        self.poll_max_interval = max(
            self.poll_interval, 15.0 if self.poll_interval >= 1 else self.poll_interval * 4
        )

    async def client(self, profile_id: str) -> MjClient:
        return MjClient(await self.connections.client_for(profile_id, ProfileKind.MIDJOURNEY))

    async def _save(self, profile_id: str, task: StoredTask) -> str:
        client = await self.client(profile_id)
        if not task.seed:
            task = await self._lookup_seed(client, profile_id, task)
        name = self.profiles.find(profile_id).name
        return str(await save_task_image(client.http, task, self.gallery, name))

    async def _lookup_seed(self, client: MjClient, profile_id: str, task: StoredTask) -> StoredTask:
        # Best effort for the metadata: novicezk has no seed endpoint, and the image matters more.
        try:
            seed = await asyncio.wait_for(client.image_seed(task.id), 15)
        except (KeyholdError, TimeoutError) as exc:
            log.info("no seed for task %s: %s", task.id, exc)
            return task
        return await asyncio.to_thread(self.store.set_seed, profile_id, task.id, seed) if seed else task

    def poller(self, on_update: Callable[[StoredTask], None] | None = None) -> MjPoller:
        poller = MjPoller(
            self.store,
            self.client,
            on_update=on_update,
            save_image=self._save,
            interval=self.poll_interval,
            max_interval=self.poll_max_interval,
            max_error_interval=max(self.poll_max_interval, 60.0 if self.poll_interval >= 1 else 1.0),
        )
        self._pollers.add(poller)
        return poller

    def wake_pollers(self) -> None:
        for poller in self._pollers:
            poller.wake.set()

    # ----- for the GUI: the stored tasks, their changes, and the app's poller ---------------
    async def tasks(self, limit: int = 200) -> list[StoredTask]:
        """The newest ``limit`` tasks, newest first."""
        return await asyncio.to_thread(self.store.all, limit)

    async def task(self, profile_id: str, task_id: str) -> StoredTask:
        """One stored task; NotFoundError if there is none."""
        return await asyncio.to_thread(self.store.get, profile_id, task_id)

    def subscribe(self, callback: Callable[[StoredTask], None]) -> Callable[[], None]:
        """Calls ``callback(task)`` with every task this process stores or changes (a submit, a
        poll, a seed, an error noted), on the event loop's thread; returns the unsubscribe call."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    def _publish(self, task: StoredTask) -> None:
        for callback in list(self._subscribers):
            try:
                callback(task)
            except Exception:
                # One broken view must neither cost the others the update nor end a poll round.
                log.exception("a Midjourney task subscriber failed on task %s", task.id)

    @property
    def polling(self) -> bool:
        return self._polling > 0

    async def run_polling(self, stop: asyncio.Event, restart_after: float = 2.0) -> None:
        """Polls every profile's unfinished tasks until ``stop``, publishing each change. A poller
        that dies of a bug is logged and started again ``restart_after`` seconds later: polling
        must never stop silently. Profiles removed meanwhile are left alone."""

        def known(profile_id: str) -> bool:
            return any(record.id == profile_id for record in self.profiles.all())

        self._polling += 1
        try:
            while not stop.is_set():
                try:
                    await self.poller(on_update=self._publish).run(stop, known=known)
                except Exception:
                    log.exception("the Midjourney poller stopped; restarting it")
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), restart_after)
        finally:
            self._polling -= 1

    async def _store(self, profile_id: str, result: SubmitResult, **fields: Any) -> StoredTask:
        description = REDACTOR.redact_known(result.description)
        task = await asyncio.to_thread(
            self.store.add, profile_id, result.task_id, description=description, **fields
        )
        self._publish(task)
        self.wake_pollers()
        return task

    async def imagine(
        self, profile_id: str, prompt: str, images: Sequence[bytes] = (), bot: str = "MID_JOURNEY"
    ) -> SubmitResult:
        if not prompt.strip():
            raise InputError(N_("Errors", "The prompt is empty"), hint=N_("Errors", "Describe the image to draw"))
        if len(images) > 5:
            raise InputError(
                N_("Errors", "At most 5 reference images"), hint=N_("Errors", "Remove some of the images")
            )
        references = [reference_image(image) for image in images]
        client = await self.client(profile_id)
        result = await client.imagine(prompt, images=references, bot_type=bot)
        await self._store(profile_id, result, action="IMAGINE", prompt=prompt, bot=bot, inputs=len(images))
        return result

    async def describe(self, profile_id: str, image: bytes, bot: str = "MID_JOURNEY") -> SubmitResult:
        url = reference_image(image, "describe")
        client = await self.client(profile_id)
        result = await client.describe(url, bot_type=bot)
        await self._store(profile_id, result, action="DESCRIBE", bot=bot, inputs=1)
        return result

    async def blend(self, profile_id: str, images: Sequence[bytes], dimensions: str = "SQUARE") -> SubmitResult:
        if not 2 <= len(images) <= 5:
            raise InputError(
                N_("Errors", "Blend takes 2 to 5 images"), hint=N_("Errors", "Choose between two and five images")
            )
        if dimensions.upper() not in DIMENSIONS:
            raise InputError(
                N_("Errors", "Unknown dimensions %1"),
                hint=N_("Errors", "Use PORTRAIT, SQUARE or LANDSCAPE"),
                args=(repr(dimensions),),
            )
        references = [reference_image(image, "blend", n) for n, image in enumerate(images, 1)]
        client = await self.client(profile_id)
        result = await client.blend(references, dimensions.upper())
        await self._store(
            profile_id, result, action="BLEND", prompt=f"/blend {dimensions.lower()}", inputs=len(images)
        )
        return result

    async def shorten(self, profile_id: str, prompt: str) -> SubmitResult:
        if not prompt.strip():
            raise InputError(N_("Errors", "The prompt is empty"), hint=N_("Errors", "Enter the prompt to shorten"))
        client = await self.client(profile_id)
        result = await client.shorten(prompt)
        await self._store(profile_id, result, action="SHORTEN", prompt=prompt)
        return result

    async def seed(self, profile_id: str, task_id: str) -> str:
        client = await self.client(profile_id)
        try:
            seed = await client.image_seed(task_id)
        except KeyholdError as exc:
            if exc.kind in (ErrorKind.NOT_FOUND, ErrorKind.WRONG_URL):
                raise InputError(
                    N_("Errors", "This server does not look up seeds"),
                    hint=N_("Errors", "Seed lookup needs a trueai/plus server or a relay that offers it"),
                ) from None
            raise
        with contextlib.suppress(NotFoundError):
            self._publish(await asyncio.to_thread(self.store.set_seed, profile_id, task_id, seed))
        return seed

    async def act(
        self,
        profile_id: str,
        task_id: str,
        button: str,
        *,
        prompt: str | None = None,
        mask_png: bytes | None = None,
    ) -> SubmitResult:
        """A button of a finished task, named by label (U1, V3), emoji (🔄) or customId.

        Buttons that open a dialog on the server (Vary Region, Custom Zoom, or any button on
        a remix account) are confirmed at once with ``prompt`` and ``mask_png``."""
        client = await self.client(profile_id)
        task = await client.fetch(task_id)
        if task is None:
            raise InputError(
                N_("Errors", "The server does not know task %1"),
                hint=N_("Errors", "Check the id with `keyhold mj tasks`"),
                args=(task_id,),
            )
        spec = change_spec(button) if not task.buttons else None
        if spec is not None:
            # The open-source server has no buttons: U/V/reroll go through /submit/change.
            result = await client.change(task_id, *spec)
            await self._store(
                profile_id, result, action=spec[0], prompt=task.final_prompt, parent_id=task_id, custom_id=button
            )
            return result
        chosen = task.button(button)
        if chosen.custom_id.startswith("MJ::Inpaint::") and not mask_png:
            raise InputError(
                N_("Errors", "Vary (Region) needs a mask of the part to redraw"),
                hint=N_("Errors", "Paint the region in the app, or pass --mask FILE.png (white where to redraw)"),
            )
        if chosen.custom_id.startswith("MJ::CustomZoom::") and "--zoom" not in (prompt or ""):
            raise InputError(
                N_("Errors", "Custom Zoom needs a prompt with --zoom (1 to 2)"),
                hint=N_("Errors", "For example: %1 --zoom 1.5"),
                args=(task.final_prompt,),
            )
        result = await client.action(task_id, chosen.custom_id)
        stored = await self._store(
            profile_id,
            result,
            action=button_action(chosen.custom_id),
            prompt=prompt or task.final_prompt,
            parent_id=task_id,
            custom_id=chosen.custom_id,
            status=MjStatus.MODAL if result.needs_modal else MjStatus.SUBMITTED,
        )
        if not (result.needs_modal or chosen.needs_modal):
            return result
        final = prompt if prompt is not None else str(result.properties.get("finalPrompt") or task.final_prompt)
        return await self.confirm(profile_id, stored.id, final, mask_png)

    async def confirm(
        self, profile_id: str, task_id: str, prompt: str, mask_png: bytes | None = None
    ) -> SubmitResult:
        """Answers a task waiting in MODAL (``/mj/submit/modal``); on failure the task stays
        waiting, with the error noted, so it can be confirmed again."""
        mask = reference_image(mask_png, "mask") if mask_png else None
        client = await self.client(profile_id)
        try:
            result = await client.modal(task_id, prompt, mask)
        except KeyholdError as exc:
            with contextlib.suppress(NotFoundError):
                await asyncio.to_thread(self.store.note_error, profile_id, task_id, str(exc))
                # Still waiting, now with the reason: shown, to be confirmed again.
                self._publish(await self.task(profile_id, task_id))
            raise
        self.wake_pollers()
        return result

    async def split(
        self, profile_id: str, task_id: str, splitter: Callable[[bytes], Sequence[tuple[bytes, str]]]
    ) -> list[Path]:
        """Splits a task's saved grid into its four images, saved beside it into the gallery;
        their paths. ``splitter`` decodes and cuts the grid (the GUI's, built on Qt, which the
        core does without); it runs in a worker thread. Raises OSError or ValueError when the
        grid cannot be read or split."""
        task = await asyncio.to_thread(self.store.get, profile_id, task_id)  # NotFoundError if gone
        if not task.image_path:
            raise InputError(
                N_("Errors", "Task %1 has no saved image"),
                hint=N_("Errors", "Wait until its image is saved"),
                args=(task_id,),
            )
        grid = Path(task.image_path)
        data = await asyncio.to_thread(grid.read_bytes)
        parts = await asyncio.to_thread(splitter, data)
        # The grid's own sidecar (written earlier, maybe by an older Keyhold) is what each quadrant inherits.
        document = await asyncio.to_thread(read_sidecar, grid)
        record = ImageRecord.from_json(document) if document else ImageRecord("midjourney")
        return await save_quadrants(self.gallery, grid, record, parts)

    async def preview(self, profile_id: str, url: str) -> bytes:
        """An in-progress preview (or a text task's image) for display only; never saved."""
        client = await self.client(profile_id)
        data, _kind, _source = await fetch_image(client.http, url, 30)
        return data

    async def wait(self, profile_id: str, task_id: str, limit: float, interval: float | None = None) -> StoredTask:
        """Polls until the task ended and its image is saved, or raises a timeout."""
        poller = MjPoller(self.store, self.client, save_image=self._save)
        deadline = asyncio.get_running_loop().time() + limit
        while True:
            try:
                await poller.poll_once(profile_id)
            except KeyholdError as exc:
                log.info("polling failed, will retry: %s", exc)
            task = await asyncio.to_thread(self.store.get, profile_id, task_id)
            if not task.open and not task.image_pending:
                return task
            if task.needs_input:
                raise InputError(
                    N_("Errors", "Task %1 waits for a prompt or a mask"),
                    hint=N_("Errors", "Confirm it in the app, or press the button again with --prompt/--mask"),
                    args=(task_id,),
                )
            if asyncio.get_running_loop().time() > deadline:
                raise KeyholdError(
                    f"Task {task_id} did not finish within {limit:g} s",
                    hint="It keeps running on the server; the app picks it up, or run the command again",
                    kind=ErrorKind.TIMEOUT,
                )
            await asyncio.sleep(self.poll_interval if interval is None else interval)
