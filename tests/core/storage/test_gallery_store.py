"""The gallery index: search, filters, delete to the trash with undo, rescan, import/export."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from pathlib import Path

import pytest

from desktop_client.core.api.images import Family, ImageRequest, family_of
from desktop_client.core.context import build_core
from desktop_client.core.errors import NotFoundError
from desktop_client.core.images import image_size
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.storage.gallery import CORRUPT, MISSING, OK, GalleryFilter
from desktop_client.core.storage.gallery_files import write_sidecar
from tests.fakes.mj_sim import solid_png


def rescan(core):
    return asyncio.run(core.gallery.rescan())


def add_image(core, folder: str, name: str, document: dict, color=(10, 20, 30), size=(16, 12)) -> Path:
    path = core.home.gallery / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(solid_png(*size, color))
    write_sidecar(path, document)
    return path


def fill(core) -> dict[str, int]:
    now = time.time()
    entries = {
        "lighthouse": (
            "openai",
            {
                "source": "openai",
                "prompt": "a lighthouse at dusk",
                "model": "gpt-image-1",
                "profile": "relay",
                "created": now,
            },
        ),
        "cat": (
            "openai",
            {
                "source": "openai",
                "prompt": "a cat",
                "revised_prompt": "A fluffy cat on a sofa",
                "model": "dall-e-3",
                "profile": "other",
                "created": now - 3 * 86400,
            },
        ),
        "dragon": (
            "midjourney",
            {
                "source": "midjourney",
                "prompt": "水墨画 龙 in the mist",
                "task_id": "T1",
                "profile": "mj",
                "finished": now - 40 * 86400,
            },
        ),
        "old": (
            "midjourney",
            {"source": "midjourney", "prompt": "an old harbour", "profile": "mj", "finished": now - 400 * 86400},
        ),
    }
    ids = {}
    for number, (name, (folder, document)) in enumerate(entries.items()):
        path = add_image(core, folder, f"{name}.png", document, color=(number * 40, 10, 10))
        ids[name] = core.gallery.store.index_file(path).id
    return ids


def names(core, flt: GalleryFilter) -> list[str]:
    return [item.name.removesuffix(".png") for item in core.gallery.store.items(flt)]


def test_search_and_filters(core) -> None:
    fill(core)
    assert names(core, GalleryFilter()) == ["lighthouse", "cat", "dragon", "old"]  # newest first
    assert names(core, GalleryFilter(search="lighthouse dusk")) == ["lighthouse"]
    assert names(core, GalleryFilter(search="fluffy")) == ["cat"]  # the revised prompt is searched too
    assert names(core, GalleryFilter(search="龙")) == ["dragon"]  # one Chinese character: a scan
    assert names(core, GalleryFilter(search="水墨画")) == ["dragon"]  # three: full-text
    assert names(core, GalleryFilter(search='"; DROP TABLE gallery; --')) == []
    assert names(core, GalleryFilter(source="midjourney")) == ["dragon", "old"]
    assert names(core, GalleryFilter(profile="other")) == ["cat"]
    assert names(core, GalleryFilter(since=time.time() - 30 * 86400)) == ["lighthouse", "cat"]
    assert core.gallery.store.profiles() == ["mj", "other", "relay"]


def test_favourite_survives_losing_the_index(core) -> None:
    ids = fill(core)
    core.gallery.store.set_favourite(ids["cat"], True)
    assert names(core, GalleryFilter(favourites=True)) == ["cat"]
    core.database.execute("DELETE FROM gallery")
    report = rescan(core)
    assert report.added == 4
    assert names(core, GalleryFilter(favourites=True)) == ["cat"]
    rebuilt = core.gallery.store.items(GalleryFilter(search="lighthouse"))[0]
    assert rebuilt.model == "gpt-image-1" and rebuilt.profile == "relay"


def test_delete_hides_at_once_undo_restores_and_purge_goes_to_the_trash(core, tmp_path) -> None:
    ids = fill(core)
    path = core.gallery.absolute(core.gallery.store.item(ids["cat"]))
    core.gallery.store.delete([ids["cat"]])
    assert "cat" not in names(core, GalleryFilter())
    assert path.exists()  # nothing is gone during the undo window
    core.gallery.store.restore([ids["cat"]])
    assert "cat" in names(core, GalleryFilter())
    core.gallery.store.delete([ids["cat"]])
    assert core.gallery.store.purge_deleted([ids["cat"]]) == 1
    assert not path.exists() and not path.with_suffix(".json").exists()
    trashed = tmp_path / "xdg-data" / "Trash" / "files"
    assert sorted(p.name for p in trashed.iterdir()) == ["cat.json", "cat.png"]
    with pytest.raises(NotFoundError):
        core.gallery.store.item(ids["cat"])
    # A rescan does not bring it back: the file is in the trash.
    rescan(core)
    assert "cat" not in names(core, GalleryFilter())


def test_missing_and_corrupt_files_are_marked_not_fatal(core) -> None:
    ids = fill(core)
    lighthouse = core.gallery.store.item(ids["lighthouse"])
    core.gallery.absolute(lighthouse).unlink()
    dragon_path = core.gallery.absolute(core.gallery.store.item(ids["dragon"]))
    dragon_path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage")
    os.utime(dragon_path, (time.time() + 5, time.time() + 5))
    report = rescan(core)
    assert report.missing == 1 and report.corrupt == 1
    assert core.gallery.store.item(ids["lighthouse"]).state == MISSING
    assert core.gallery.store.item(ids["dragon"]).state == CORRUPT
    assert core.gallery.store.check(core.gallery.store.item(ids["cat"])) == OK
    # Missing entries stay listed (the user decides), and the file coming back heals them.
    assert "lighthouse" in names(core, GalleryFilter())
    core.gallery.absolute(lighthouse).write_bytes(solid_png(8, 8, (1, 1, 1)))
    rescan(core)
    assert core.gallery.store.item(ids["lighthouse"]).state == OK


def test_rescan_finds_new_files_without_sidecars_and_chat_images(core) -> None:
    assert core.gallery.store.count() == 0  # the index exists before the files arrive
    stray = core.home.gallery / "loose" / "by-hand.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(solid_png(10, 10, (0, 0, 0)))
    (core.home.gallery / "loose" / "notes.txt").write_text("not an image")
    conv = core.chat.store.create_conversation(title="drawing")
    question = core.chat.store.add_message(conv.id, "user", "draw a fox", parent_id=None)
    core.home.attachments.mkdir(parents=True, exist_ok=True)
    (core.home.attachments / "fox.png").write_bytes(solid_png(20, 10, (200, 100, 0)))
    answer = core.chat.store.add_message(conv.id, "assistant", "here", parent_id=question.id)
    core.chat.store.set_attachments(answer.id, ("fox.png",))
    report = rescan(core)
    assert report.added == 2
    by_source = {item.source: item for item in core.gallery.store.items()}
    assert by_source["import"].name == "by-hand.png"
    assert by_source["chat"].prompt == "draw a fox" and (by_source["chat"].width, by_source["chat"].height) == (
        20,
        10,
    )
    assert rescan(core).unchanged == 2  # unchanged files are not read again


def test_export_then_import_round_trip(core, tmp_path) -> None:
    fill(core)
    destination = tmp_path / "export"
    items = core.gallery.store.items(GalleryFilter(source="openai"))
    written = core.gallery.store.export(items, destination)
    assert sorted(p.name for p in written) == ["cat.png", "lighthouse.png"]
    index = json.loads((destination / "keyhold-export.json").read_text(encoding="utf-8"))
    assert {entry["prompt"] for entry in index["images"]} == {"a cat", "a lighthouse at dusk"}
    assert (
        json.loads((destination / "cat.json").read_text(encoding="utf-8"))["revised_prompt"]
        == "A fluffy cat on a sofa"
    )
    # Importing the same files again finds them already there.
    assert asyncio.run(core.gallery.import_folder(destination)).duplicates == 2
    # Into a fresh data home, they come back with their prompts.
    # (An empty index is built from the files on first use, so this one starts from an import.)
    other = build_core(
        type(core.home)(tmp_path / "other-home").ensure(), secrets=MemorySecretStore()
    ).open_blocking()
    (destination / "junk.png").write_bytes(b"not really a png")
    report = asyncio.run(other.gallery.import_folder(destination))
    assert len(report.added) == 2 and report.not_images == 1
    imported = {item.prompt: item for item in other.gallery.store.items()}
    assert set(imported) == {"a cat", "a lighthouse at dusk"}
    assert imported["a cat"].prompt_extra == "A fluffy cat on a sofa"
    other.database.close()


def test_families_and_their_fields() -> None:
    assert family_of("") is Family.DALLE2
    assert family_of("gpt-image-1.5") is Family.GPT_IMAGE
    assert family_of("DALL-E-3") is Family.DALLE3
    assert family_of("flux-pro") is Family.OTHER
    fields = ImageRequest("p", "gpt-image-1", 2, "auto", {"output_format": "webp", "style": "vivid"}, 70).fields()
    assert fields == {
        "model": "gpt-image-1",
        "prompt": "p",
        "n": 2,
        "size": "auto",
        "output_format": "webp",
        "output_compression": 70,
    }
    assert ImageRequest("p", "gpt-image-2", size="2048x1152").fields()["size"] == "2048x1152"
    ImageRequest("p", "gpt-image-2", size="2048x1152").validate()


def test_image_size_from_headers() -> None:
    assert image_size(solid_png(33, 17, (1, 2, 3))) == (33, 17)
    gif = b"GIF89a" + (40).to_bytes(2, "little") + (30).to_bytes(2, "little") + b"\0" * 10
    assert image_size(gif) == (40, 30)
    # A baseline JPEG header: SOI, APP0, SOF0 with 120 x 80.
    jpeg = b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    jpeg += b"\xff\xc0\x00\x11\x08\x00\x50\x00\x78\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    assert image_size(jpeg) == (120, 80)
    vp8x = (
        b"RIFF\0\0\0\0WEBPVP8X"
        + b"\x0a\0\0\0"
        + b"\0\0\0\0"
        + (99).to_bytes(3, "little")
        + (49).to_bytes(3, "little")
    )
    assert image_size(vp8x) == (100, 50)
    assert image_size(b"\x89PNG\r\n\x1a\n" + b"\0" * 4) is None
    assert image_size(base64.b64decode("R0lGODlh")) is None


def test_a_gallery_folder_linked_to_another_disk_still_works(core, tmp_path) -> None:
    elsewhere = tmp_path / "other-disk" / "gallery"
    elsewhere.mkdir(parents=True)
    core.home.gallery.rmdir()
    core.home.gallery.symlink_to(elsewhere, target_is_directory=True)
    path = add_image(core, "openai", "linked.png", {"source": "openai", "prompt": "through a link"})
    item = core.gallery.store.index_file(path)
    assert item.path == "gallery/openai/linked.png" and item.state == OK
    assert rescan(core).missing == 0


def test_a_jpeg_with_long_metadata_is_not_called_damaged(core) -> None:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(0x336699)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "JPG")
    plain = bytes(buffer.data().data())
    # An APP1 segment of ~65 KB (EXIF/XMP sized) before the frame header.
    segment = b"\xff\xe1" + (65533).to_bytes(2, "big") + b"x" * 65531
    jpeg = plain[:2] + segment + plain[2:]
    assert QImage.fromData(QByteArray(jpeg)).width() == 64
    path = core.home.gallery / "import" / "phone.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(jpeg)
    item = core.gallery.store.index_file(path)
    assert (item.state, item.width, item.height) == (OK, 64, 48)


def test_import_keeps_one_sidecar_per_image(core, tmp_path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    (folder / "cat.png").write_bytes(solid_png(8, 8, (1, 2, 3)))
    (folder / "cat.webp").write_bytes(b"RIFF\0\0\0\0WEBPVP8X" + b"\0" * 8 + (7).to_bytes(3, "little") * 2)
    core.gallery.store.count()
    report = asyncio.run(core.gallery.import_folder(folder))
    assert len(report.added) == 2
    sidecars = {p.with_suffix(".json") for p in report.added}
    assert len(sidecars) == 2 and all(s.exists() for s in sidecars)


def test_deleting_a_chat_image_hides_it_but_keeps_the_conversation_file(core) -> None:
    conv = core.chat.store.create_conversation(title="c")
    question = core.chat.store.add_message(conv.id, "user", "draw", parent_id=None)
    core.home.attachments.mkdir(parents=True, exist_ok=True)
    (core.home.attachments / "a.png").write_bytes(solid_png(8, 8, (9, 9, 9)))
    answer = core.chat.store.add_message(conv.id, "assistant", "here", parent_id=question.id)
    core.chat.store.set_attachments(answer.id, ("a.png",))
    (item,) = core.gallery.store.items()
    core.gallery.store.delete([item.id])
    core.gallery.store.purge_deleted([item.id])
    assert (core.home.attachments / "a.png").exists()
    rescan(core)
    assert core.gallery.store.items() == []  # and a rescan does not bring it back


def test_rescan_reads_a_changed_sidecar(core) -> None:
    ids = fill(core)
    path = core.gallery.absolute(core.gallery.store.item(ids["cat"]))
    document = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    document["favourite"] = True
    time.sleep(0.01)
    write_sidecar(path, document)
    os.utime(path.with_suffix(".json"), (time.time() + 2, time.time() + 2))
    assert rescan(core).updated == 1
    assert core.gallery.store.item(ids["cat"]).favourite


def test_edits_leave_out_what_the_edit_endpoint_lacks() -> None:
    request = ImageRequest("p", "gpt-image-1", options={"moderation": "low", "quality": "high"})
    assert request.fields()["moderation"] == "low"
    assert "moderation" not in request.fields(edit=True)
    with pytest.raises(Exception, match="divisible by 16"):
        ImageRequest("p", "gpt-image-2", size="1000x1000").validate()
    with pytest.raises(Exception, match="does not make"):
        ImageRequest("p", "gpt-image-1", size="2048x1152").validate()
