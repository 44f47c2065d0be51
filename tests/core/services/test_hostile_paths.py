"""Nothing a server names becomes a path: hostile Midjourney task ids, image URLs with
``../`` file names, answers linking images, over real loopback servers, then a walk of the
data home that every written file must pass."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from desktop_client.core.api.images import ImageRequest
from desktop_client.core.api.mj_types import valid_task_id
from desktop_client.core.context import build_core
from desktop_client.core.errors import ErrorKind, KeyholdError
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.services.mj_images import safe_stem
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Status
from tests.core.sse_helpers import chunk
from tests.fakes.images_fake import rgba_png
from tests.fakes.server import Conn, FakeApp, LoopbackServer, Request

pytestmark = pytest.mark.asyncio
KEY = "sk-hostile-paths-0000000000000001"
PNG = rgba_png(4, 4, (200, 10, 10, 255))
HOSTILE_IDS = [
    "../../../../home/u/.config/x",
    "a/b",
    "x\x00y",
    "A" * 300,
    "..",
    "",
    "id with spaces",
    "%2e%2e%2fup",
]


class HostileMidjourney(FakeApp):
    """Hands out the ids and image URLs it is given; serves a PNG for any other GET."""

    def __init__(self) -> None:
        super().__init__()
        self.next_ids: list[object] = []
        self.tasks: dict[str, dict[str, object]] = {}
        self.image_hits: list[str] = []

    def handle(self, request: Request, conn: Conn) -> None:
        if request.path == "/mj/submit/imagine":
            conn.send_json(200, {"code": 1, "description": "Submit success", "result": self.next_ids.pop(0)})
        elif request.path == "/mj/task/list-by-condition":
            ids = request.json().get("ids", [])
            conn.send_json(200, [self.tasks[i] for i in ids if i in self.tasks])
        elif request.path.endswith("/image-seed"):
            conn.send_json(404, {"code": 3, "description": "not supported"})
        elif request.path.startswith("/mj/"):
            conn.send_response(204)
        else:
            self.image_hits.append(request.path)
            conn.send_response(200, PNG, {"Content-Type": "image/png"})


def success(task_id: str, image_url: str) -> dict[str, object]:
    return {"id": task_id, "status": "SUCCESS", "progress": "100%", "imageUrl": image_url, "action": "IMAGINE"}


def allowed(rel: str) -> bool:
    """Where Keyhold may write in its data home: fixed names, and gallery files in a month
    folder with names made of letters, digits, - and _ only."""
    month = r"\d{4}-\d{2}"
    name = r"[A-Za-z0-9_-]+\.(?:png|jpg|webp|gif|json)"
    patterns = [
        r"settings\.json",
        r"keyhold\.db(?:-wal|-shm|-journal)?",
        r"logs/keyhold\.log(?:\.\d)?",
        r"backups/keyhold-v\d+-[\d-]+\.db",
        r"attachments/[0-9a-f]{32}\.(?:png|jpg|webp|gif)",
        rf"gallery/(?:midjourney|openai)/{month}/{name}",
    ]
    return any(re.fullmatch(p, rel) for p in patterns)


def walk(root: Path) -> tuple[list[str], list[str]]:
    files, folders = [], []
    for folder, dirs, names in os.walk(root):
        for d in dirs:
            folders.append(Path(folder, d).relative_to(root).as_posix())
        for n in names:
            files.append(Path(folder, n).relative_to(root).as_posix())
    return files, folders


async def test_every_server_supplied_name_stays_a_safe_file_in_its_folder(home, tmp_path) -> None:
    outside_before = sorted(p.name for p in tmp_path.iterdir())
    mj = HostileMidjourney().start()
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    service = core.midjourney
    try:
        mj_profile, _ = core.profiles.add("mj", ProfileKind.MIDJOURNEY, mj.url, KEY)
        # 1. Ids no file name or URL may be built from: refused at submit, nothing stored.
        for bad in HOSTILE_IDS:
            mj.next_ids.append(bad)
            with pytest.raises(KeyholdError) as info:
                await service.imagine(mj_profile.id, "a fox")
            assert info.value.kind is ErrorKind.PROTOCOL and "cannot use" in info.value.message
        assert service.store.all() == []
        # 2. Usable but odd ids, with image URLs whose file names try to climb out.
        odd = ["1712205491372990", "task.7:x-y_z", "9" * 128]
        urls = [
            f"{mj.url}/../../../../etc/passwd.png",
            f"{mj.url}/img/%2e%2e%2f%2e%2e%2fescape.png",
            f"{mj.url}/img/a\\..\\..\\b.png?name=../../c.png",
        ]
        for task_id, url in zip(odd, urls, strict=True):
            mj.next_ids.append(task_id)
            await service.imagine(mj_profile.id, "a fox")
            mj.tasks[task_id] = success(task_id, url)
        poller = service.poller()
        await poller.poll_once(mj_profile.id)
        saved = [service.store.get(mj_profile.id, t) for t in odd]
        assert all(t.image_path and not t.open for t in saved), [t.image_error for t in saved]
        for task in saved:
            path = Path(task.image_path)
            assert path.parent.parent == home.gallery / "midjourney"
            assert path.stem.endswith(safe_stem(task.id)) and re.fullmatch(r"[\w-]+", path.stem)
        # 3. A task stored by an older Keyhold under an id it should never have taken fails once.
        service.store.add(mj_profile.id, "../../x", action="IMAGINE")
        await poller.poll_once(mj_profile.id)
        failed = service.store.get(mj_profile.id, "../../x")
        assert failed.status.value == "FAILURE" and "cannot use" in failed.fail_reason
        assert await poller.poll_once(mj_profile.id) == []
        # 4. Image addresses that can never be fetched: refused once, never retried.
        hits_before = len(mj.image_hits)
        for task_id, url in (("R1", "file:///etc/passwd"), ("R2", "http://127.0.0.2:9/x.png"), ("R3", " ")):
            mj.next_ids.append(task_id)
            await service.imagine(mj_profile.id, "a fox")
            mj.tasks[task_id] = success(task_id, url)
        await poller.poll_once(mj_profile.id)
        assert await poller.poll_once(mj_profile.id) == []
        for task_id in ("R1", "R2", "R3"):
            refused = service.store.get(mj_profile.id, task_id)
            assert not refused.image_pending and "fetch" in refused.image_error, refused
        assert len(mj.image_hits) == hits_before
        assert not any(valid_task_id(bad) for bad in HOSTILE_IDS)

        # 5. OpenAI images: a link whose name climbs out, and a chat answer linking images.
        def images(request: Request, conn: Conn) -> None:
            if request.path == "/v1/images/generations":
                conn.send_json(200, {"created": 1, "data": [{"url": f"{server.url}/files/../../../../evil.png"}]})
            elif request.path == "/v1/chat/completions":
                text = f"![a]({server.url}/x/../../up.png) ![b]({server.url}/%2e%2e/%2e%2e/y.png)"
                body = chunk(text, finish="stop") + b"data: [DONE]\n\n"
                conn.send_response(200, body, {"Content-Type": "text/event-stream"})
            else:
                conn.send_response(200, PNG, {"Content-Type": "image/png"})

        with LoopbackServer(images) as server:
            openai, _ = core.profiles.add("openai", ProfileKind.OPENAI, server.url, KEY, default_model="m")
            generation = await core.images.generate(openai.id, ImageRequest("a fox", "dall-e-3"))
            assert len(generation.items) == 1
            conversation = core.chat.store.create_conversation(profile_id=openai.id, model="m")
            outcome = await core.chat.send(conversation.id, "draw")
            assert outcome.message.status is Status.COMPLETE and len(outcome.message.attachments) == 2
    finally:
        mj.stop()
        await core.aclose()
    files, folders = walk(home.root)
    assert [f for f in files if not allowed(f)] == []
    expected_folders = {
        "logs",
        "gallery",
        "cache",
        "attachments",
        "backups",
        "gallery/midjourney",
        "gallery/openai",
    }
    extra = [d for d in folders if d not in expected_folders and not re.fullmatch(r"gallery/\w+/\d{4}-\d{2}", d)]
    assert extra == []
    # Nothing was created beside the data home either.
    assert sorted(p.name for p in tmp_path.iterdir()) == outside_before
