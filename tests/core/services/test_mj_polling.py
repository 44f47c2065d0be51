"""Midjourney tasks are stored at submit and polled to the end, across 502s, dropped
connections, unknown ids and a restart."""

import asyncio
import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_client.core.api.midjourney import MjClient, MjStatus
from desktop_client.core.errors import ApiError
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.services.gallery import GalleryService
from desktop_client.core.services.midjourney import MjPoller
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.db import Database
from desktop_client.core.storage.mj_tasks import MjTaskStore
from desktop_client.core.storage.schema import MIGRATIONS
from tests.core.helpers import make_profile
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.server import Conn, Request

pytestmark = pytest.mark.asyncio
SECRET = "mj-poll-secret-00001"
PROFILE = "profile-1"


def task(status: str, progress: str = "", image: str = "") -> dict:
    return {
        "id": "T1",
        "action": "IMAGINE",
        "status": status,
        "progress": progress,
        "imageUrl": image,
        "prompt": "a lighthouse",
        "properties": {"finalPrompt": "a lighthouse --v 6"},
        "buttons": [],
    }


@pytest.fixture
def world(home):
    fake = FakeMidjourney(SECRET, dialect="novicezk").start()
    fake.route_overrides[("GET", "/mj/task/T1/fetch")] = lambda r, c: c.send_response(200, b"")
    http = SecureHttp(make_profile(fake.url, SECRET, kind=ProfileKind.MIDJOURNEY))
    db = Database(home.database, home.backups, MIGRATIONS).open()
    store = MjTaskStore(db)

    async def client_for(profile_id: str) -> MjClient:
        return MjClient(http)

    yield fake, store, client_for, http
    fake.stop()
    db.close()


async def test_progress_then_success(world) -> None:
    fake, store, client_for, http = world
    store.add(PROFILE, "T1", action="IMAGINE", prompt="a lighthouse")
    seen = []
    poller = MjPoller(store, client_for, on_update=seen.append)
    fake.tasks["T1"] = task("IN_PROGRESS", "15%", "https://cdn.example/preview.webp")
    [running] = await poller.poll_once(PROFILE)
    assert running.status is MjStatus.IN_PROGRESS and running.progress == 15 and running.open
    assert running.image_url.endswith("preview.webp")
    fake.tasks["T1"] = task("SUCCESS", "100%", "https://cdn.example/grid.png")
    [done] = await poller.poll_once(PROFILE)
    assert done.status is MjStatus.SUCCESS and not done.open and done.final_prompt == "a lighthouse --v 6"
    assert await poller.poll_once(PROFILE) == []
    assert [t.progress for t in seen] == [15, 100]
    await http.aclose()


async def test_transient_failures_never_lose_the_task(world) -> None:
    fake, store, client_for, http = world
    store.add(PROFILE, "T1", action="IMAGINE")
    poller = MjPoller(store, client_for)
    fake.tasks["T1"] = task("IN_PROGRESS", "40%")
    fake.route_overrides[("POST", "/mj/task/list-by-condition")] = lambda r, c: c.send_response(
        502, b"<html><head><title>502 Bad Gateway</title></head></html>", {"Content-Type": "text/html"}
    )
    with pytest.raises(ApiError):
        await poller.poll_once(PROFILE)
    assert "Server error 502" in store.get(PROFILE, "T1").last_error

    def drop(request: Request, conn: Conn) -> None:
        conn.close()

    fake.route_overrides[("POST", "/mj/task/list-by-condition")] = drop
    with pytest.raises(ApiError):
        await poller.poll_once(PROFILE)
    assert store.get(PROFILE, "T1").open
    del fake.route_overrides[("POST", "/mj/task/list-by-condition")]
    [task_now] = await poller.poll_once(PROFILE)
    assert task_now.progress == 40 and task_now.last_error == ""
    await http.aclose()


async def test_unknown_task_fails_only_after_several_polls(world) -> None:
    fake, store, client_for, http = world
    store.add(PROFILE, "T1", action="IMAGINE")
    poller = MjPoller(store, client_for, give_up_not_found=3)
    for expected_open in (True, True, False):
        [now] = await poller.poll_once(PROFILE)
        assert now.open is expected_open
    assert now.status is MjStatus.FAILURE and "no longer knows" in now.fail_reason
    await http.aclose()


async def test_a_restart_resumes_unfinished_tasks(world, home) -> None:
    fake, store, client_for, http = world
    store.add(PROFILE, "T1", action="IMAGINE")
    store.db.close()  # the app dies here
    reopened = MjTaskStore(Database(home.database, home.backups, MIGRATIONS).open())
    fake.tasks["T1"] = task("SUCCESS", "100%", "https://cdn.example/grid.png")
    stop = asyncio.Event()
    finished = []

    def on_update(t):
        if not t.open:
            finished.append(t)
            stop.set()

    poller = MjPoller(reopened, client_for, on_update=on_update, interval=0.05)
    await asyncio.wait_for(poller.run(stop), 10)
    assert [t.id for t in finished] == ["T1"]
    reopened.db.close()
    await http.aclose()


async def test_run_backs_off_through_errors_and_finishes(world) -> None:
    fake, store, client_for, http = world
    store.add(PROFILE, "T1", action="IMAGINE")
    fake.tasks["T1"] = task("IN_PROGRESS", "10%")
    calls = {"n": 0}

    def flaky(request: Request, conn: Conn) -> None:
        calls["n"] += 1
        if calls["n"] <= 2:
            conn.send_response(503, b"", {})
        else:
            fake.tasks["T1"] = task("SUCCESS", "100%", "https://cdn.example/grid.png")
            fake.handle(request, conn)

    fake.route_overrides[("POST", "/mj/task/list-by-condition")] = flaky
    stop = asyncio.Event()
    poller = MjPoller(
        store,
        client_for,
        interval=0.02,
        max_error_interval=0.2,
        on_update=lambda t: stop.set() if not t.open else None,
    )
    await asyncio.wait_for(poller.run(stop), 10)
    assert calls["n"] == 3
    assert store.get(PROFILE, "T1").status is MjStatus.SUCCESS
    await http.aclose()


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d5b1d50000000049454e44ae426082"
)


async def test_success_saves_the_image_and_its_metadata_once(world, home) -> None:
    from desktop_client.core.services.mj_images import save_task_image

    fake, store, client_for, http = world
    gallery = GalleryService(home.root, lambda: store.db)
    attempts = {"n": 0}

    def image(request: Request, conn: Conn) -> None:
        attempts["n"] += 1
        if attempts["n"] == 1:
            conn.send_response(500, b"", {})  # the CDN hiccups once: the task stays pending
        else:
            conn.send_response(200, PNG, {"Content-Type": "image/png"})

    fake.route_overrides[("GET", "/attachments/grid.png")] = image
    store.add(PROFILE, "T1", action="IMAGINE", prompt="a lighthouse")
    fake.tasks["T1"] = task("SUCCESS", "100%", f"{fake.url}/attachments/grid.png?ex=1&is=2&hm=3")

    async def save(profile_id, stored):
        return str(await save_task_image(http, stored, gallery, "MJ relay"))

    poller = MjPoller(store, client_for, save_image=save)
    [first] = await poller.poll_once(PROFILE)
    assert (
        first.status is MjStatus.SUCCESS
        and first.image_pending
        and "image download failed (HTTP 500)" in first.image_error
    )
    [second] = await poller.poll_once(PROFILE)
    assert not second.image_pending
    image_file = Path(second.image_path)
    assert home.gallery in image_file.parents
    assert image_file.read_bytes() == PNG and image_file.suffix == ".png"
    sidecar = json.loads(image_file.with_suffix(".json").read_text())
    assert sidecar["task_id"] == "T1" and sidecar["final_prompt"] == "a lighthouse --v 6"
    assert sidecar["profile"] == "MJ relay" and sidecar["source"] == "midjourney"
    assert await poller.poll_once(PROFILE) == []
    assert attempts["n"] == 2
    await http.aclose()


async def test_a_forgotten_task_with_its_image_pending_is_never_failed(world, home) -> None:
    from desktop_client.core.services.mj_images import save_task_image

    fake, store, client_for, http = world
    gallery = GalleryService(home.root, lambda: store.db)
    cdn = {"up": False}
    fake.route_overrides[("GET", "/attachments/grid.png")] = lambda r, c: (
        c.send_response(200, PNG, {"Content-Type": "image/png"}) if cdn["up"] else c.send_response(403, b"", {})
    )
    store.add(PROFILE, "T1", action="IMAGINE", prompt="a lighthouse")
    fake.tasks["T1"] = task("SUCCESS", "100%", f"{fake.url}/attachments/grid.png?ex=1")

    async def save(profile_id, stored):
        return str(await save_task_image(http, stored, gallery, "MJ relay"))

    poller = MjPoller(store, client_for, save_image=save, give_up_not_found=2)
    [first] = await poller.poll_once(PROFILE)
    assert first.image_pending and "HTTP 403" in first.image_error and "bad key" not in first.image_error.lower()
    del fake.tasks["T1"]  # the server restarted and forgot it
    for _ in range(4):
        [again] = await poller.poll_once(PROFILE)
        assert again.status is MjStatus.SUCCESS and again.image_pending
    cdn["up"] = True
    [saved] = await poller.poll_once(PROFILE)
    assert Path(saved.image_path).read_bytes() == PNG
    await http.aclose()


async def test_an_idle_poller_finds_tasks_another_process_submitted(world) -> None:
    fake, store, client_for, http = world
    fake.tasks["T1"] = task("SUCCESS", "100%")
    stop = asyncio.Event()
    seen: list = []
    poller = MjPoller(
        store, client_for, interval=0.02, max_interval=0.1, on_update=lambda t: (seen.append(t), stop.set())
    )
    running = asyncio.ensure_future(poller.run(stop))
    await asyncio.sleep(0.15)  # idle: nothing to poll
    store.add(PROFILE, "T1", action="IMAGINE")  # as `keyhold imagine` does, in its own process
    await asyncio.wait_for(running, 5)
    assert seen and seen[0].status is MjStatus.SUCCESS
    await http.aclose()


async def healthy_pace_beside(world, other: Callable[[Request, Conn], None]) -> tuple[int, FakeMidjourney]:
    """Runs the poller for a second over this profile and one more whose server answers
    with ``other``; returns how often the healthy server was polled, and the other one."""
    fake, store, client_for, http = world
    second = FakeMidjourney(SECRET, dialect="novicezk").start()
    second.route_overrides[("POST", "/mj/task/list-by-condition")] = other
    second_http = SecureHttp(make_profile(second.url, SECRET, kind=ProfileKind.MIDJOURNEY))

    async def client_for_two(profile_id: str) -> MjClient:
        return MjClient(second_http if profile_id == "other" else http)

    store.add("other", "D1", action="IMAGINE")
    store.add(PROFILE, "T1", action="IMAGINE")
    fake.tasks["T1"] = task("IN_PROGRESS", "10%")
    polls = {"n": 0}

    def counting(request: Request, conn: Conn) -> None:
        polls["n"] += 1
        fake.handle(request, conn)

    fake.route_overrides[("POST", "/mj/task/list-by-condition")] = counting
    stop = asyncio.Event()
    poller = MjPoller(store, client_for_two, interval=0.02, max_interval=0.04, max_error_interval=5.0)
    running = asyncio.ensure_future(poller.run(stop))
    await asyncio.sleep(1.0)
    stop.set()
    await asyncio.wait_for(running, 5)  # stopping waits for no answer either
    second.stop()
    await second_http.aclose()
    await http.aclose()
    return polls["n"], second


async def test_one_failing_profile_does_not_slow_another(world) -> None:
    healthy, broken = await healthy_pace_beside(world, lambda r, c: c.send_response(502, b"", {}))
    # The healthy profile kept its pace (~every 0.04 s) while the broken one backed off.
    assert healthy >= 10
    assert sum(1 for r in broken.requests if r.path.endswith("list-by-condition")) <= 6


async def test_a_poison_answer_neither_stops_the_poller_nor_its_back_off(world) -> None:
    fake, store, client_for, http = world
    store.add(PROFILE, "T1", action="IMAGINE")
    store.add(PROFILE, "T2", action="IMAGINE")
    calls: list[str] = []
    answers = [b'{"data": 5}', b'[{"id": {"x": 1}}, {"id": "T2", "status": "SUCCESS", "progress": NaN}]']

    def poison(request: Request, conn: Conn) -> None:
        calls.append("list")
        conn.send_response(200, answers[0] if len(calls) < 4 else answers[1], {"Content-Type": "application/json"})

    fake.route_overrides[("POST", "/mj/task/list-by-condition")] = poison
    broken = {"n": 0}

    async def sometimes_a_bug(profile_id: str) -> MjClient:
        broken["n"] += 1
        if broken["n"] == 2:
            raise TypeError("a bug in building the client")
        return await client_for(profile_id)

    poller = MjPoller(store, sometimes_a_bug, interval=0.05, max_interval=0.2, max_error_interval=0.4)
    stop = asyncio.Event()
    run = asyncio.ensure_future(poller.run(stop))
    await asyncio.sleep(1.6)
    alive = not run.done()
    stop.set()
    await asyncio.wait_for(run, 5)
    assert alive  # neither the wrong type nor the bug ended polling
    # Backing off (0.1, 0.2, 0.4, 0.4 …) makes a handful of requests in 1.6 s, not dozens.
    assert 3 <= len(calls) <= 9
    assert "task list was not understood" in store.get(PROFILE, "T1").last_error or store.get(PROFILE, "T1").open
    # Once the list parses, the good record counts and the malformed one is skipped.
    assert store.get(PROFILE, "T2").status is MjStatus.SUCCESS
    await http.aclose()


async def test_a_server_that_hangs_does_not_hold_up_another_profile(world) -> None:
    release = threading.Event()

    def hang(request: Request, conn: Conn) -> None:
        release.wait(3)
        conn.send_response(502, b"", {})

    try:
        healthy, _hanging = await healthy_pace_beside(world, hang)
    finally:
        release.set()
    # The healthy profile kept its pace while the other one's answer never came.
    assert healthy >= 10
