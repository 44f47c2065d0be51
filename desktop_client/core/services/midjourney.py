"""Polling Midjourney tasks until they end, across network trouble and restarts.

Polling backs off while tasks run, backs off harder on transient errors (5xx, timeouts,
dropped connections) but never stops by itself, treats "not found" as not found (and as a
failure only after several polls in a row), and ends a task on SUCCESS, FAILURE or CANCEL.
Every unfinished task in the database is picked up again after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from desktop_client.core.aio import keyring_call
from desktop_client.core.api.midjourney import MjClient, SubmitResult
from desktop_client.core.errors import ErrorKind, InputError, KeyholdError
from desktop_client.core.net.client import HttpPool
from desktop_client.core.profiles import ProfileService
from desktop_client.core.services.mj_images import save_task_image
from desktop_client.core.settings import ProfileKind
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
        self.save_image = save_image
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
        if not open_tasks:
            return []
        try:
            client = await self.client_for(profile_id)
            found = {t.id: t for t in await client.list_by_condition([t.id for t in open_tasks])}
            updated: list[StoredTask] = []
            for stored in open_tasks:
                task = found.get(stored.id) or await client.fetch(stored.id)
                if task is None:
                    now = await asyncio.to_thread(
                        self.store.note_not_found, profile_id, stored.id, self.give_up_not_found
                    )
                else:
                    now = await asyncio.to_thread(self.store.update, profile_id, task)
                if now.image_pending and self.save_image is not None:
                    now = await self._save(profile_id, now)
                updated.append(now)
                if self.on_update is not None:
                    self.on_update(now)
            return updated
        except KeyholdError as exc:
            for stored in open_tasks:
                await asyncio.to_thread(self.store.note_error, profile_id, stored.id, str(exc))
            raise

    async def _save(self, profile_id: str, task: StoredTask) -> StoredTask:
        assert self.save_image is not None
        try:
            path = await self.save_image(profile_id, task)
        except (KeyholdError, OSError) as exc:
            # The task stays listed (and its image pending) until a save succeeds.
            log.warning("the image of task %s is not saved yet: %s", task.id, exc)
            return await asyncio.to_thread(self.store.image_failed, profile_id, task.id, str(exc))
        return await asyncio.to_thread(self.store.image_saved, profile_id, task.id, path)

    async def run(self, stop: asyncio.Event) -> None:
        delay = self.interval
        while not stop.is_set():
            open_tasks = await asyncio.to_thread(
                self.store.unfinished, None, with_pending_images=self.save_image is not None
            )
            failed = False
            for profile_id in sorted({t.profile_id for t in open_tasks}):
                try:
                    await self.poll_once(profile_id)
                except KeyholdError as exc:
                    failed = True
                    log.info("polling Midjourney tasks failed, will retry: %s", exc)
            if not open_tasks:
                delay = self.interval
            elif failed:
                delay = min(max(delay, self.interval) * 2, self.max_error_interval)
            else:
                delay = min(delay * 1.5, self.max_interval)
            self.wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
            try:
                timeout = None if not open_tasks else delay
                await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for waiter in waiters:
                    waiter.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await waiter
            if self.wake.is_set():
                delay = self.interval  # a new task: look at it soon


class MidjourneyService:
    """Submit, act and wait, for the GUI and the CLI; every submit is stored at once."""

    def __init__(self, store: MjTaskStore, profiles: ProfileService, pool: HttpPool, gallery: Path) -> None:
        self.store = store
        self.profiles = profiles
        self.pool = pool
        self.gallery = gallery

    async def client(self, profile_id: str) -> MjClient:
        profile = await keyring_call(self.profiles.resolve, profile_id)
        if profile.kind is not ProfileKind.MIDJOURNEY:
            raise InputError(
                f"Profile {profile.name!r} is not a Midjourney profile",
                hint="Choose a profile of kind midjourney",
            )
        return MjClient(await self.pool.get(profile))

    async def _save(self, profile_id: str, task: StoredTask) -> str:
        client = await self.client(profile_id)
        name = self.profiles.find(profile_id).name
        return str(await save_task_image(client.http, task, self.gallery, name))

    def poller(self, on_update: Callable[[StoredTask], None] | None = None) -> MjPoller:
        return MjPoller(self.store, self.client, on_update=on_update, save_image=self._save)

    async def imagine(self, profile_id: str, prompt: str, images: list[str] | None = None) -> SubmitResult:
        if not prompt.strip():
            raise InputError("The prompt is empty", hint="Describe the image to draw")
        client = await self.client(profile_id)
        result = await client.imagine(prompt, images=images)
        await asyncio.to_thread(self.store.add, profile_id, result.task_id, action="IMAGINE", prompt=prompt)
        return result

    async def act(self, profile_id: str, task_id: str, button: str) -> SubmitResult:
        """A button of a finished task, named by label (U1, V3), emoji (🔄) or customId."""
        client = await self.client(profile_id)
        task = await client.fetch(task_id)
        if task is None:
            raise InputError(
                f"The server does not know task {task_id}", hint="Check the id with `keyhold mj tasks`"
            )
        chosen = task.button(button)
        result = await client.action(task_id, chosen.custom_id)
        await asyncio.to_thread(
            self.store.add,
            profile_id,
            result.task_id,
            action="ACTION",
            prompt=task.final_prompt,
            parent_id=task_id,
            custom_id=chosen.custom_id,
        )
        return result

    async def wait(self, profile_id: str, task_id: str, limit: float, interval: float = 2.0) -> StoredTask:
        """Polls until the task ended and its image is saved, or raises a timeout."""
        poller = self.poller()
        deadline = asyncio.get_running_loop().time() + limit
        while True:
            try:
                await poller.poll_once(profile_id)
            except KeyholdError as exc:
                log.info("polling failed, will retry: %s", exc)
            task = await asyncio.to_thread(self.store.get, profile_id, task_id)
            if not task.open and not task.image_pending:
                return task
            if asyncio.get_running_loop().time() > deadline:
                raise KeyholdError(
                    f"Task {task_id} did not finish within {limit:g} s",
                    hint="It keeps running on the server; the app picks it up, or run the command again",
                    kind=ErrorKind.TIMEOUT,
                )
            await asyncio.sleep(interval)
