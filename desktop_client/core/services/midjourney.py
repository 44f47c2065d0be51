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

from desktop_client.core.api.midjourney import MjClient
from desktop_client.core.errors import KeyholdError
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
