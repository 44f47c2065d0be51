"""The GUI's one door to Midjourney tasks: ``tasks``/``task`` read what is stored,
``subscribe`` hears every change this process makes (a submit, each poll), and
``run_polling`` keeps one poller going for the app's life, restarting one that died."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from desktop_client.core.api.mj_types import MjStatus
from desktop_client.core.context import Core, build_core
from desktop_client.core.errors import NotFoundError
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.mj_tasks import StoredTask
from tests.fakes.mj_sim import MjSimulator

pytestmark = pytest.mark.asyncio
SECRET = "mj-service-secret-0001"


@pytest.fixture
def world(home) -> Iterator[tuple[Core, MjSimulator, str]]:
    sim = MjSimulator(SECRET, dialect="trueai", steps=2).start()
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    profile, _ = core.profiles.add("MJ", ProfileKind.MIDJOURNEY, sim.url, SECRET)
    core.midjourney.poll_interval = 0.02
    core.midjourney.poll_max_interval = 0.05
    yield core, sim, profile.id
    sim.stop()


async def finish(core: Core, stop: asyncio.Event, until: asyncio.Event, restart_after: float = 2.0) -> None:
    running = asyncio.ensure_future(core.midjourney.run_polling(stop, restart_after=restart_after))
    try:
        await asyncio.wait_for(until.wait(), 15)
        assert core.midjourney.polling
    finally:
        stop.set()
        await asyncio.wait_for(running, 5)
        await core.aclose()
    assert not core.midjourney.polling  # stopped means stopped: nothing of it runs later


async def test_a_subscriber_hears_the_submit_then_every_poll_until_the_end(world) -> None:
    core, sim, profile = world
    service = core.midjourney
    heard: list[StoredTask] = []
    done = asyncio.Event()

    def listen(task: StoredTask) -> None:
        heard.append(task)
        if not task.open and task.image_path:
            done.set()

    unsubscribe = service.subscribe(listen)
    result = await service.imagine(profile, "a lighthouse")
    assert [(t.id, t.status) for t in heard] == [(result.task_id, MjStatus.SUBMITTED)]  # at once, from the submit
    await finish(core, asyncio.Event(), done)
    assert heard[-1].status is MjStatus.SUCCESS and heard[-1].image_path
    assert any(t.status is MjStatus.IN_PROGRESS for t in heard)
    unsubscribe()
    unsubscribe()  # twice is harmless


async def test_tasks_and_task_read_what_is_stored(world) -> None:
    core, _sim, profile = world
    service = core.midjourney
    first = await service.imagine(profile, "one")
    second = await service.imagine(profile, "two")
    assert [t.id for t in await service.tasks(10)] == [second.task_id, first.task_id]
    assert [t.id for t in await service.tasks(1)] == [second.task_id]
    assert (await service.task(profile, first.task_id)).prompt == "one"
    with pytest.raises(NotFoundError):
        await service.task(profile, "1700000000000099")
    await core.aclose()


async def test_a_broken_subscriber_costs_no_other_subscriber_an_update(world, caplog) -> None:
    core, _sim, profile = world
    service = core.midjourney
    heard: list[StoredTask] = []
    done = asyncio.Event()

    def broken(task: StoredTask) -> None:
        raise RuntimeError("a bug in a view")

    def listen(task: StoredTask) -> None:
        heard.append(task)
        if not task.open:
            done.set()

    service.subscribe(broken)
    unsubscribe = service.subscribe(listen)
    await service.imagine(profile, "a harbour")
    await finish(core, asyncio.Event(), done)
    assert heard[0].status is MjStatus.SUBMITTED and heard[-1].status is MjStatus.SUCCESS
    assert "subscriber failed" in caplog.text
    unsubscribe()


async def test_a_poller_that_dies_is_started_again(world, caplog) -> None:
    core, _sim, profile = world
    service = core.midjourney
    real = service.store.unfinished
    looks = {"n": 0}

    def dies_once(*args: object, **kwargs: object) -> list[StoredTask]:
        looks["n"] += 1
        if looks["n"] == 1:
            raise RuntimeError("a bug outside any round")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    service.store.unfinished = dies_once  # type: ignore[method-assign]
    done = asyncio.Event()
    service.subscribe(lambda task: done.set() if not task.open else None)
    await service.imagine(profile, "a castle")
    with caplog.at_level(logging.ERROR):
        await finish(core, asyncio.Event(), done, restart_after=0.05)
    assert "restarting it" in caplog.text and looks["n"] > 1


async def test_tasks_of_a_removed_profile_are_left_alone(world) -> None:
    core, _sim, profile = world
    service = core.midjourney
    orphan = service.store.add("removed-profile", "1700000000000042", action="IMAGINE", prompt="orphan")
    done = asyncio.Event()
    seen: list[str] = []
    service.subscribe(lambda task: (seen.append(task.id), done.set() if not task.open else None))
    await service.imagine(profile, "a kept one")
    await finish(core, asyncio.Event(), done)
    assert orphan.id not in seen
