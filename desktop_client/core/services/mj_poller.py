"""The Midjourney poller: one round per profile, backing off on its own, until stopped.

Polling backs off while tasks run, backs off harder on transient errors (5xx, timeouts,
dropped connections) but never stops by itself, treats "not found" as not found (and as a
failure only after several polls in a row), and ends a task on SUCCESS, FAILURE or CANCEL.
Every unfinished task in the database is picked up again after a restart. The service
(``core/services/midjourney.py``) builds pollers and runs the app's one.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterable

from desktop_client.core.api.midjourney import MjClient, unusable_task_id
from desktop_client.core.api.mj_types import MjButton, MjTask, valid_task_id
from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.redact import REDACTOR, redact
from desktop_client.core.services.mj_images import is_server_url, portable_url
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
            delay = await self._round(profile_id, delays.get(profile_id, self.interval))
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
                await self._wait(stop, rounds.values(), timeout)
                for profile_id in [p for p, r in rounds.items() if r.done()]:
                    rounds.pop(profile_id)
                if self.wake.is_set():
                    # A new task: look at every profile soon.
                    delays.update(dict.fromkeys(delays, self.interval))
                    due.clear()
        finally:
            for pending in rounds.values():
                pending.cancel()
            if rounds:
                await asyncio.gather(*rounds.values(), return_exceptions=True)

    async def _round(self, profile_id: str, delay: float) -> float:
        """One profile's round; returns the delay before its next (backing off on errors)."""
        try:
            await self.poll_once(profile_id)
        except KeyholdError as exc:
            log.info("polling Midjourney tasks failed, will retry: %s", exc)
            return min(max(delay, self.interval) * 2, self.max_error_interval)
        except Exception:
            # A bug or an answer nobody foresaw: the round is lost, polling and its
            # back-off go on (restarting the poller would hammer the server).
            log.exception("a Midjourney polling round failed")
            return min(max(delay, self.interval) * 2, self.max_error_interval)
        return min(delay * 1.5, self.max_interval)

    async def _wait(self, stop: asyncio.Event, rounds: Iterable[asyncio.Task[None]], seconds: float) -> None:
        """Until ``stop``, a wake (a new task), a round's end or ``seconds``."""
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self.wake.wait())]
        try:
            await asyncio.wait([*waiters, *rounds], timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter


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
