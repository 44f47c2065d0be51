"""One way into the gallery: OpenAI images, Midjourney tasks and split grids, chat answers'
images and imports all go through GalleryService.save, which writes a version-2 sidecar and
indexes from memory, off the calling thread; the row it makes is the one a rescan rebuilds."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from pathlib import Path

import pytest

from desktop_client.core.api.images import ImageRequest
from desktop_client.core.errors import NotFoundError, StorageError
from desktop_client.core.gallery_record import VERSION, ImageRecord
from desktop_client.core.services import gallery as service_module
from desktop_client.core.services.gallery import GalleryService
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage import gallery as store_module
from desktop_client.core.storage.gallery import MISSING, OK, GalleryFilter, GalleryStore
from desktop_client.core.storage.gallery_files import write_sidecar
from tests.core.sse_helpers import ChatScript, stream_of
from tests.fakes.images_fake import FakeImages
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.mj_sim import grid_png, png_size, solid_png
from tests.fakes.server import LoopbackServer

pytestmark = pytest.mark.asyncio
KEY = "sk-gallery-service-canary-0000001"
MJ_SECRET = "mj-gallery-service-secret-01"
GRID = grid_png(64, 48, [(200, 10, 10), (10, 200, 10), (10, 10, 200), (200, 200, 10)])


@pytest.fixture
def saves(monkeypatch):
    """Every call of GalleryService.save: (record, folder, name, sidecar)."""
    calls: list[tuple[ImageRecord, str, str, bool]] = []
    real = GalleryService.save

    async def spy(self, data, record, folder, name, *, sidecar=True):
        calls.append((record, folder, name, sidecar))
        return await real(self, data, record, folder, name, sidecar=sidecar)

    monkeypatch.setattr(GalleryService, "save", spy)
    return calls


def index_rows(core) -> dict[str, dict]:
    rows = core.database.query("SELECT * FROM gallery")
    return {row["path"]: {k: row[k] for k in row.keys() if k != "id"} for row in rows}


async def assert_rescan_rebuilds_the_same_rows(core) -> dict[str, dict]:
    saved = index_rows(core)
    assert saved
    core.database.execute("DELETE FROM gallery")
    report = await core.gallery.rescan()
    assert report.added == len(saved)
    assert index_rows(core) == saved
    return saved


def sidecar(core, rel: str) -> dict:
    return json.loads(core.gallery.absolute(rel).with_suffix(".json").read_text(encoding="utf-8"))


# ----- the four producers ---------------------------------------------------------------------
async def test_openai_images_are_saved_through_the_service(core, saves) -> None:
    with FakeImages(KEY) as fake:
        profile, _ = core.profiles.add("relay", ProfileKind.OPENAI, fake.url, KEY)
        try:
            outcome = await core.images.generate(profile.id, ImageRequest("a harbour", "dall-e-3", 1, "1024x1024"))
        finally:
            await core.connections.aclose()
    (item,) = outcome.items
    assert [(record.source, where.split("/")[:2], written) for record, where, _n, written in saves] == [
        ("openai", ["gallery", "openai"], True)
    ]
    document = sidecar(core, item.path)
    assert document["version"] == VERSION and document["prompt"] == "a harbour"
    assert document["revised_prompt"] == item.prompt_extra != "" and document["model"] == "dall-e-3"
    assert item.meta == document
    assert fake.url.split("//")[1] not in json.dumps(document)
    await assert_rescan_rebuilds_the_same_rows(core)


async def test_midjourney_images_and_split_grids_are_saved_through_the_service(core, saves) -> None:
    fake = FakeMidjourney(MJ_SECRET).start()
    try:
        fake.route_overrides[("GET", "/mj/task/T1/fetch")] = lambda r, c: c.send_response(200, b"")
        fake.route_overrides[("GET", "/mj/task/T1/image-seed")] = lambda r, c: c.send_json(
            200, {"code": 1, "result": "4242"}
        )
        fake.route_overrides[("GET", "/attachments/grid.png")] = lambda r, c: c.send_response(
            200, GRID, {"Content-Type": "image/png"}
        )
        profile, _ = core.profiles.add("mj", ProfileKind.MIDJOURNEY, fake.url, MJ_SECRET)
        core.midjourney.store.add(profile.id, "T1", action="IMAGINE", prompt="a lighthouse")
        fake.tasks["T1"] = {
            "id": "T1",
            "action": "IMAGINE",
            "status": "SUCCESS",
            "progress": "100%",
            "imageUrl": f"{fake.url}/attachments/grid.png",
            "prompt": "a lighthouse",
            "properties": {"finalPrompt": "a lighthouse --v 6"},
            "buttons": [{"customId": "MJ::JOB::upsample::1::abc", "emoji": "", "label": "U1"}],
        }
        [task] = await core.midjourney.poller().poll_once(profile.id)
    finally:
        await core.connections.aclose()
        fake.stop()
    grid = Path(task.image_path)
    assert grid.read_bytes() == GRID and not task.image_pending
    document = sidecar(core, core.gallery.relative(grid))
    assert document["version"] == VERSION and document["task_id"] == "T1" and document["seed"] == "4242"
    assert document["final_prompt"] == "a lighthouse --v 6" and document["image_host"] is None
    assert fake.url.split("//")[1] not in grid.with_suffix(".json").read_text(encoding="utf-8")

    def quarters(data: bytes) -> list[tuple[bytes, str]]:
        assert data == GRID
        return [(solid_png(32, 24, (n, n, n)), "png") for n in range(4)]

    parts = await core.midjourney.split(profile.id, "T1", quarters)
    assert [p.name for p in parts] == [f"{grid.stem}-{n}.png" for n in range(1, 5)]
    assert [(record.source, name, written) for record, _f, name, written in saves] == [
        ("midjourney", grid.name, True),
        *[("midjourney", p.name, True) for p in parts],
    ]
    quadrant = sidecar(core, core.gallery.relative(parts[1]))
    assert quadrant["version"] == VERSION and (quadrant["split_from"], quadrant["quadrant"]) == (grid.name, 2)
    assert quadrant["prompt"] == "a lighthouse" and quadrant["buttons"] == document["buttons"]
    rows = await assert_rescan_rebuilds_the_same_rows(core)
    assert {row["task_id"] for row in rows.values()} == {"T1"} and len(rows) == 5


async def test_images_in_chat_answers_are_saved_through_the_service_without_a_sidecar(core, saves) -> None:
    png = solid_png(6, 4, (9, 8, 7))
    script = ChatScript(stream_of([f"Here: ![pixel](data:image/png;base64,{base64.b64encode(png).decode()})"]))
    with LoopbackServer(script) as server:
        profile, _ = core.profiles.add("p", ProfileKind.OPENAI, server.url, KEY, default_model="m")
        conversation = core.chat.store.create_conversation(profile_id=profile.id, model="m")
        try:
            outcome = await core.chat.send(conversation.id, "draw a pixel")
        finally:
            await core.connections.aclose()
    (name,) = outcome.message.attachments
    path = core.chat.attachment_path(name)
    assert path.read_bytes() == png and not path.with_suffix(".json").exists()  # the conversation is its record
    [(record, folder, saved_name, with_sidecar)] = saves
    assert (record.source, folder, saved_name, with_sidecar) == ("chat", "attachments", name, False)
    (item,) = await core.gallery.items()
    assert (item.prompt, item.model, item.profile) == ("draw a pixel", outcome.message.model, "p")
    assert (await core.gallery.item(item.id)).meta["version"] == VERSION
    await assert_rescan_rebuilds_the_same_rows(core)


async def test_imports_are_saved_through_the_service_in_the_current_schema(core, saves, tmp_path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "bare.png").write_bytes(solid_png(5, 5, (1, 1, 1)))
    old = folder / "old.png"
    old.write_bytes(solid_png(7, 3, (2, 2, 2)))
    write_sidecar(old, {"source": "midjourney", "prompt": "a fox", "bot": "MID_JOURNEY", "finished": 1.7e9})
    report = await core.gallery.import_folder(folder)
    assert len(report.added) == 2
    assert [(record.source, where.split("/")[:2]) for record, where, _n, _s in saves] == [
        ("import", ["gallery", "imported"]),
        ("midjourney", ["gallery", "imported"]),
    ]
    documents = {p.name: json.loads(p.with_suffix(".json").read_text(encoding="utf-8")) for p in report.added}
    assert {d["version"] for d in documents.values()} == {VERSION}
    assert documents["old.png"]["created"] == 1.7e9 and documents["old.png"]["imported_from"] == "old.png"
    rows = await assert_rescan_rebuilds_the_same_rows(core)
    assert sorted((row["source"], row["model"], row["created"]) for row in rows.values())[1] == (
        "midjourney",
        "MID_JOURNEY",
        1.7e9,
    )


# ----- how save works --------------------------------------------------------------------------
async def test_save_indexes_from_memory_without_reading_back_what_it_wrote(core, monkeypatch) -> None:
    await core.gallery.open()
    reads: list[str] = []
    for name in ("read_sidecar", "probe", "sha256"):
        real = getattr(store_module, name)

        def counted(*args, _name=name, _real=real):
            reads.append(_name)
            return _real(*args)

        monkeypatch.setattr(store_module, name, counted)
    real_write = service_module.write_sidecar

    def write_then_spoil(path: Path, document: dict) -> None:
        real_write(path, document)
        # Were the sidecar read back, the row would lose its prompt.
        path.with_suffix(".json").write_text("not json", encoding="utf-8")

    monkeypatch.setattr(service_module, "write_sidecar", write_then_spoil)
    data = solid_png(40, 30, (5, 6, 7))
    record = ImageRecord("openai", "a boat", "generate", "A small boat", "gpt-image-1", "relay", created=12345.0)
    item = await core.gallery.save(data, record, "gallery/openai/2025-01", "boat.png")
    assert reads == []
    assert (item.source, item.action, item.prompt, item.prompt_extra, item.model, item.profile) == (
        "openai",
        "generate",
        "a boat",
        "A small boat",
        "gpt-image-1",
        "relay",
    )
    assert (item.created, item.width, item.height, item.bytes, item.state) == (12345.0, 40, 30, len(data), "ok")
    [row] = core.database.query("SELECT sha256, meta FROM gallery WHERE id = ?", (item.id,))
    assert row["sha256"] == hashlib.sha256(data).hexdigest()
    assert json.loads(row["meta"])["prompt"] == "a boat"
    assert core.gallery.absolute(item).read_bytes() == data and png_size(data) == (40, 30)


async def test_save_does_its_disk_work_off_the_calling_thread(core, monkeypatch) -> None:
    threads: dict[str, int] = {}

    def recorded(name, real):
        def run(*args, **kwargs):
            threads[name] = threading.get_ident()
            return real(*args, **kwargs)

        return run

    monkeypatch.setattr(service_module, "atomic_write_bytes", recorded("image", service_module.atomic_write_bytes))
    monkeypatch.setattr(service_module, "write_sidecar", recorded("sidecar", service_module.write_sidecar))
    monkeypatch.setattr(GalleryStore, "index_written", recorded("index", GalleryStore.index_written))
    caller = threading.get_ident()
    await core.gallery.save(solid_png(4, 4, (0, 0, 0)), ImageRecord("openai", "dark"), "gallery/openai/x", "a.png")
    assert set(threads) == {"image", "sidecar", "index"}
    assert caller not in threads.values()


async def test_save_refuses_to_write_outside_the_data_home(core, tmp_path) -> None:
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    record = ImageRecord("openai", "escape")
    for folder, name in (("../outside", "a.png"), ("gallery/../..", "a.png"), ("/tmp", "a.png")):
        with pytest.raises(StorageError, match="outside the gallery"):
            await core.gallery.save(b"\x89PNG", record, folder, name)
    for name in ("../a.png", "a/b.png", "..", ""):
        with pytest.raises(StorageError, match="outside the gallery"):
            await core.gallery.save(b"\x89PNG", record, "gallery/openai", name)
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert [p for p in after if p not in before and "keyhold-home" not in p.parts] == []


async def test_an_index_that_fails_costs_a_midjourney_image_nothing_but_its_row(core, monkeypatch) -> None:
    def broken(*_args, **_kwargs):
        raise StorageError("the database is locked")

    await core.gallery.open()
    monkeypatch.setattr(GalleryStore, "index_written", broken)
    grid = core.home.gallery / "midjourney" / "2025-01" / "grid.png"
    write_sidecar(grid, {"source": "midjourney", "prompt": "a grid", "task_id": "T7"})
    grid.write_bytes(GRID)
    core.midjourney.store.add("p", "T7", action="IMAGINE", prompt="a grid")
    core.database.execute("UPDATE mj_tasks SET image_path = ? WHERE id = 'T7'", (str(grid),))
    parts = await core.midjourney.split("p", "T7", lambda data: [(solid_png(2, 2, (1, 1, 1)), "png")] * 4)
    assert all(p.exists() and p.with_suffix(".json").exists() for p in parts)
    assert await core.gallery.items() == []
    monkeypatch.undo()
    await core.gallery.rescan()  # the files are the truth: a rescan finds them
    assert sorted(i.name for i in await core.gallery.items()) == sorted([grid.name, *(p.name for p in parts)])


# ----- the reads the gallery page makes ------------------------------------------------------------
async def saved_three(core) -> list:
    items = []
    for number, profile in enumerate(("relay", "", "backup")):
        record = ImageRecord("openai", f"picture {number}", profile=profile, created=1000.0 + number)
        png = solid_png(4, 4, (number, 0, 0))
        items.append(await core.gallery.save(png, record, "gallery/openai/x", f"{number}.png"))
    return items


async def test_listing_is_the_matching_ids_newest_first_and_the_profiles_in_one_trip(core, monkeypatch) -> None:
    items = await saved_three(core)
    trips: list[object] = []
    real = service_module.asyncio.to_thread

    async def counted(function, *args, **kwargs):
        trips.append(function)
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(service_module.asyncio, "to_thread", counted)
    listing = await core.gallery.listing()
    assert listing.ids == [items[2].id, items[1].id, items[0].id]
    assert listing.profiles == ["backup", "relay"]
    assert len(trips) == 1
    assert (await core.gallery.listing(GalleryFilter(profile="relay"))).ids == [items[0].id]


async def test_detail_is_the_item_with_its_metadata_and_its_files_state(core) -> None:
    items = await saved_three(core)
    item, state = await core.gallery.detail(items[0].id)
    assert (item.prompt, state) == ("picture 0", OK)
    assert item.meta["profile"] == "relay"  # the metadata a listing row leaves out
    core.gallery.absolute(items[1]).unlink()
    item, state = await core.gallery.detail(items[1].id)
    assert state == MISSING
    assert core.gallery.store.item(items[1].id).state == MISSING  # what was found is kept
    with pytest.raises(NotFoundError):
        await core.gallery.detail(10_000)


async def test_rows_are_read_synchronously_and_from_any_thread(core) -> None:
    items = await saved_three(core)
    ids = [item.id for item in items] + [10_000]  # one gone since the listing: left out
    here = core.gallery.rows(ids)
    elsewhere: dict = {}
    worker = threading.Thread(target=lambda: elsewhere.update(core.gallery.rows(ids)))
    worker.start()
    worker.join()
    assert sorted(here) == sorted(elsewhere) == sorted(item.id for item in items)
    assert here[items[0].id].prompt == "picture 0"
