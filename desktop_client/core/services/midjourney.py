"""Polling Midjourney tasks until they end, across network trouble and restarts.

Polling backs off while tasks run, backs off harder on transient errors (5xx, timeouts,
dropped connections) but never stops by itself, treats "not found" as not found (and as a
failure only after several polls in a row), and ends a task on SUCCESS, FAILURE or CANCEL.
Every unfinished task in the database is picked up again after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import weakref
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from desktop_client.core.api.midjourney import MjClient, unusable_task_id
from desktop_client.core.api.mj_types import (
    MjButton,
    MjStatus,
    MjTask,
    SubmitResult,
    button_action,
    change_spec,
    data_url,
    valid_task_id,
)
from desktop_client.core.errors import ErrorKind, InputError, KeyholdError, NotFoundError
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import sniff_image
from desktop_client.core.redact import REDACTOR, redact
from desktop_client.core.services.connections import Connections
from desktop_client.core.services.gallery import GalleryService
from desktop_client.core.services.mj_images import (
    fetch_image,
    is_server_url,
    portable_url,
    save_quadrants,
    save_task_image,
)
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.gallery import read_sidecar
from desktop_client.core.storage.mj_tasks import MjTaskStore, StoredTask

log = logging.getLogger(__name__)


class MjPoller:
    def __init__(
        self,
        store: MjTaskStore,
        client_for: Callable[[str], Awaitable[MjClient]],
        *,
        on_update: Callable[[StoredTask], None] | None = None,
        save_image: Callable[[str, StoredTask], Awaitable[str]] | None = None,
        interval: float = 2.0,
        max_interval: float = 15.0,
        max_error_interval: float = 60.0,
        give_up_not_found: int = 3,
    ) -> None:
        self.store = store
        self.client_for = client_for
        self.on_update = on_update
        self.save_image = save_image  # saves the task's image into the gallery; returns its path
        self.interval = interval
        self.max_interval = max_interval
        self.max_error_interval = max_error_interval
        self.give_up_not_found = give_up_not_found
        self.wake = asyncio.Event()

    async def poll_once(self, profile_id: str) -> list[StoredTask]:
        """One round for one profile: returns the tasks as now stored. Raises on failure
        (after noting the error on each task, so the UI can show it)."""
        open_tasks = await asyncio.to_thread(
            self.store.unfinished, profile_id, with_pending_images=self.save_image is not None
        )
        unusable = [t for t in open_tasks if not valid_task_id(t.id)]
        for task in unusable:
            # Stored by an older Keyhold: fail it once, with the reason, instead of every round.
            failed = await asyncio.to_thread(self.store.fail, profile_id, task.id, unusable_task_id().one_line())
            if self.on_update is not None:
                self.on_update(failed)
        open_tasks = [t for t in open_tasks if valid_task_id(t.id)]
        if not open_tasks:
            return []
        try:
            client = await self.client_for(profile_id)
            found = {t.id: t for t in await client.list_by_condition([t.id for t in open_tasks])}
            updated: list[StoredTask] = []
            for stored in open_tasks:
                try:
                    now = await self._one(client, profile_id, stored, found.get(stored.id))
                except KeyholdError:
                    raise
                except Exception as exc:  # one malformed task must not stall the others
                    log.exception("task %s could not be updated", stored.id)
                    await asyncio.to_thread(self.store.note_error, profile_id, stored.id, redact(repr(exc)))
                    continue
                updated.append(now)
                if self.on_update is not None:
                    self.on_update(now)
            return updated
        except KeyholdError as exc:
            for stored in open_tasks:
                await asyncio.to_thread(self.store.note_error, profile_id, stored.id, str(exc))
            raise

    async def _one(self, client: MjClient, profile_id: str, stored: StoredTask, task: MjTask | None) -> StoredTask:
        if stored.open:
            task = task or await client.fetch(stored.id)
            if task is None:
                now = await asyncio.to_thread(
                    self.store.note_not_found, profile_id, stored.id, self.give_up_not_found
                )
            else:
                task = _redacted(
                    dataclasses.replace(task, image_url=portable_url(task.image_url, client.http.base_url))
                )
                now = await asyncio.to_thread(self.store.update, profile_id, task)
        else:
            # Finished with its image not saved yet: the stored URL is all we need (the
            # server may have forgotten the task by now).
            now = stored
        if now.image_pending and self.save_image is not None:
            now = await self._save(profile_id, now)
        return now

    async def _save(self, profile_id: str, task: StoredTask) -> StoredTask:
        assert self.save_image is not None
        try:
            path = await self.save_image(profile_id, task)
        except KeyholdError as exc:
            if exc.kind is ErrorKind.REFUSED:
                # Retrying can't make a refused address acceptable: say it once and stop.
                log.warning("the image of task %s will not be fetched: %s", task.id, exc)
                return await asyncio.to_thread(self.store.image_refused, profile_id, task.id, str(exc))
            log.warning("the image of task %s is not saved yet: %s", task.id, exc)
            return await asyncio.to_thread(self.store.image_failed, profile_id, task.id, str(exc))
        except Exception as exc:
            # The task stays listed (and its image pending) until a save succeeds.
            log.warning("the image of task %s is not saved yet: %s", task.id, exc)
            reason = str(exc) if isinstance(exc, KeyholdError) else redact(repr(exc))
            return await asyncio.to_thread(self.store.image_failed, profile_id, task.id, reason)
        return await asyncio.to_thread(self.store.image_saved, profile_id, task.id, path)

    async def run(self, stop: asyncio.Event, known: Callable[[str], bool] | None = None) -> None:
        """Polls until ``stop``. Each profile is polled in a round of its own and backs off on
        its own: a relay that is down, or one that answers a byte a minute, never holds up
        the others. With nothing running it still looks every ``max_interval``, for tasks
        another process (the CLI) submitted. ``known`` filters out removed profiles."""
        loop = asyncio.get_running_loop()
        delays: dict[str, float] = {}
        due: dict[str, float] = {}
        rounds: dict[str, asyncio.Task[None]] = {}

        async def one_round(profile_id: str) -> None:
            delay = delays.get(profile_id, self.interval)
            try:
                await self.poll_once(profile_id)
            except KeyholdError as exc:
                log.info("polling Midjourney tasks failed, will retry: %s", exc)
                delay = min(max(delay, self.interval) * 2, self.max_error_interval)
            except Exception:
                # A bug or an answer nobody foresaw: the round is lost, polling and its
                # back-off go on (restarting the poller would hammer the server).
                log.exception("a Midjourney polling round failed")
                delay = min(max(delay, self.interval) * 2, self.max_error_interval)
            else:
                delay = min(delay * 1.5, self.max_interval)
            delays[profile_id] = delay
            due[profile_id] = loop.time() + delay

        try:
            while not stop.is_set():
                self.wake.clear()  # before looking: a submit meanwhile wakes the next look
                open_tasks = await asyncio.to_thread(
                    self.store.unfinished, None, with_pending_images=self.save_image is not None
                )
                profiles = sorted({t.profile_id for t in open_tasks if known is None or known(t.profile_id)})
                now = loop.time()
                for profile_id in profiles:
                    if profile_id not in rounds and due.get(profile_id, 0.0) <= now:
                        rounds[profile_id] = asyncio.ensure_future(one_round(profile_id))
                for gone in set(delays) - set(profiles) - set(rounds):
                    delays.pop(gone)
                    due.pop(gone, None)
                waiting = [d for p, d in due.items() if p not in rounds]
                timeout = max(0.0, min(waiting) - loop.time()) if waiting else self.max_interval
                waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
                try:
                    await asyncio.wait(
                        [*waiters, *rounds.values()], timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                finally:
                    for waiter in waiters:
                        waiter.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await waiter
                for profile_id in [p for p, r in rounds.items() if r.done()]:
                    rounds.pop(profile_id)
                if self.wake.is_set():
                    # A new task: look at every profile soon.
                    delays = {key: self.interval for key in delays}
                    due.clear()
        finally:
            for pending in rounds.values():
                pending.cancel()
            if rounds:
                await asyncio.gather(*rounds.values(), return_exceptions=True)


def _redacted(task: MjTask) -> MjTask:
    """The server's words on a task pass the redactor before they are stored: a key or the
    server's address echoed in a reason or a prompt never reaches the database or a sidecar."""
    clean = REDACTOR.redact_known
    return dataclasses.replace(
        task,
        # A link on the server itself is already a path; one elsewhere that spells out the
        # server's address or key is broken by this, which is fine: it is hostile.
        image_url=task.image_url if is_server_url(task.image_url) else clean(task.image_url),
        prompt=clean(task.prompt),
        prompt_en=clean(task.prompt_en),
        description=clean(task.description),
        fail_reason=clean(task.fail_reason),
        buttons=tuple(MjButton(clean(b.custom_id), clean(b.emoji), clean(b.label)) for b in task.buttons),
        properties={"finalPrompt": clean(task.final_prompt)},
    )


MAX_REFERENCE_BYTES = 10 * 1024 * 1024
DIMENSIONS = ("PORTRAIT", "SQUARE", "LANDSCAPE")


def reference_image(data: bytes, what: str = "A reference image") -> str:
    """An image for the server as a data URL, refused here (with the reason) rather than there."""
    kind = sniff_image(data)
    if kind is None:
        raise InputError(f"{what} is not a PNG, JPEG, GIF or WebP image", hint="Choose an image file")
    if len(data) > MAX_REFERENCE_BYTES:
        raise InputError(
            f"{what} is {len(data) / 1e6:.1f} MB; servers take at most {MAX_REFERENCE_BYTES // 2**20} MB",
            hint="Use a smaller or more compressed image",
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

    async def _store(self, profile_id: str, result: SubmitResult, **fields: Any) -> StoredTask:
        description = REDACTOR.redact_known(result.description)
        task = await asyncio.to_thread(
            self.store.add, profile_id, result.task_id, description=description, **fields
        )
        self.wake_pollers()
        return task

    async def imagine(
        self, profile_id: str, prompt: str, images: Sequence[bytes] = (), bot: str = "MID_JOURNEY"
    ) -> SubmitResult:
        if not prompt.strip():
            raise InputError("The prompt is empty", hint="Describe the image to draw")
        if len(images) > 5:
            raise InputError("At most 5 reference images", hint="Remove some of the images")
        references = [reference_image(image) for image in images]
        client = await self.client(profile_id)
        result = await client.imagine(prompt, images=references, bot_type=bot)
        await self._store(profile_id, result, action="IMAGINE", prompt=prompt, bot=bot, inputs=len(images))
        return result

    async def describe(self, profile_id: str, image: bytes, bot: str = "MID_JOURNEY") -> SubmitResult:
        url = reference_image(image, "The image to describe")
        client = await self.client(profile_id)
        result = await client.describe(url, bot_type=bot)
        await self._store(profile_id, result, action="DESCRIBE", bot=bot, inputs=1)
        return result

    async def blend(self, profile_id: str, images: Sequence[bytes], dimensions: str = "SQUARE") -> SubmitResult:
        if not 2 <= len(images) <= 5:
            raise InputError("Blend takes 2 to 5 images", hint="Choose between two and five images")
        if dimensions.upper() not in DIMENSIONS:
            raise InputError(f"Unknown dimensions {dimensions!r}", hint="Use PORTRAIT, SQUARE or LANDSCAPE")
        references = [reference_image(image, f"Image {n}") for n, image in enumerate(images, 1)]
        client = await self.client(profile_id)
        result = await client.blend(references, dimensions.upper())
        await self._store(
            profile_id, result, action="BLEND", prompt=f"/blend {dimensions.lower()}", inputs=len(images)
        )
        return result

    async def shorten(self, profile_id: str, prompt: str) -> SubmitResult:
        if not prompt.strip():
            raise InputError("The prompt is empty", hint="Enter the prompt to shorten")
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
                    "This server does not look up seeds",
                    hint="Seed lookup needs a trueai/plus server or a relay that offers it",
                ) from None
            raise
        with contextlib.suppress(NotFoundError):
            await asyncio.to_thread(self.store.set_seed, profile_id, task_id, seed)
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
                f"The server does not know task {task_id}", hint="Check the id with `keyhold mj tasks`"
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
                "Vary (Region) needs a mask of the part to redraw",
                hint="Paint the region in the app, or pass --mask FILE.png (white where to redraw)",
            )
        if chosen.custom_id.startswith("MJ::CustomZoom::") and "--zoom" not in (prompt or ""):
            raise InputError(
                "Custom Zoom needs a prompt with --zoom (1 to 2)",
                hint=f"For example: {task.final_prompt} --zoom 1.5",
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
        mask = reference_image(mask_png, "The mask") if mask_png else None
        client = await self.client(profile_id)
        try:
            result = await client.modal(task_id, prompt, mask)
        except KeyholdError as exc:
            with contextlib.suppress(NotFoundError):
                await asyncio.to_thread(self.store.note_error, profile_id, task_id, str(exc))
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
            raise InputError(f"Task {task_id} has no saved image", hint="Wait until its image is saved")
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
                    f"Task {task_id} waits for a prompt or a mask",
                    hint="Confirm it in the app, or press the button again with --prompt/--mask",
                )
            if asyncio.get_running_loop().time() > deadline:
                raise KeyholdError(
                    f"Task {task_id} did not finish within {limit:g} s",
                    hint="It keeps running on the server; the app picks it up, or run the command again",
                    kind=ErrorKind.TIMEOUT,
                )
            await asyncio.sleep(self.poll_interval if interval is None else interval)
