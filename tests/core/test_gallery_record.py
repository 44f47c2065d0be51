"""The sidecar schema: version-2 documents written from now on, and every older shape still read."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from desktop_client.core.gallery_record import VERSION, ImageRecord
from desktop_client.core.storage.gallery_files import write_sidecar
from tests.fakes.mj_sim import solid_png

# Sidecars exactly as Keyhold wrote them before they carried a version (None values included,
# as Midjourney's were), and an import's: someone else's file with the oldest key names.
OPENAI_V1 = {
    "source": "openai",
    "action": "edit",
    "model": "dall-e-3",
    "prompt": "a cat",
    "revised_prompt": "A fluffy cat on a sofa",
    "params": {"size": "1024x1024", "n": 1},
    "usage": {"total_tokens": 12},
    "profile": "relay",
    "index": 1,
    "count": 1,
    "inputs": ["gallery/openai/2024-05/source.png"],
    "mask": True,
    "created": 1714000000.5,
    "server_created": 1713999990,
    "seconds": 4.2,
    "file": "cat.png",
    "bytes": 1234,
    "saved": 1714000001.0,
}
MIDJOURNEY_V1 = {
    "source": "midjourney",
    "task_id": "1712205491372990",
    "parent_task_id": None,
    "action": "IMAGINE",
    "custom_id": None,
    "prompt": "a lighthouse",
    "final_prompt": "a lighthouse --v 6.1",
    "buttons": [{"customId": "MJ::JOB::upsample::1::abc", "emoji": "", "label": "U1"}],
    "bot": "MID_JOURNEY",
    "seed": None,
    "profile": "mj",
    "image_host": "cdn.discordapp.com",
    "submitted": 1714000000.0,
    "finished": 1714000042.0,
    "saved": 1714000043.0,
    "file": "grid.png",
    "bytes": 2345,
}
IMPORTED_V1 = {"prompt": "by hand", "kind": "sketch", "saved": 1600000000, "imported_from": "x.png"}

# What the index made of each (before this schema existed): the guesses among old key names.
ROWS = {
    "openai": ("openai", "edit", "relay", "dall-e-3", "a cat", "A fluffy cat on a sofa", "", 1714000000.5),
    "midjourney": (
        "midjourney",
        "IMAGINE",
        "mj",
        "MID_JOURNEY",
        "a lighthouse",
        "a lighthouse --v 6.1",
        "1712205491372990",
        1714000042.0,  # "finished" wins over "submitted" and "saved"
    ),
    "import": ("import", "sketch", "", "", "by hand", "", "", 1600000000.0),
}
COLUMNS = "source, action, profile, model, prompt, prompt_extra, task_id, created"


def row(core, item_id: int) -> tuple:
    return tuple(core.database.query(f"SELECT {COLUMNS} FROM gallery WHERE id = ?", (item_id,))[0])


@pytest.mark.parametrize(
    ("name", "document"), [("openai", OPENAI_V1), ("midjourney", MIDJOURNEY_V1), ("import", IMPORTED_V1)]
)
def test_unversioned_sidecars_still_read_into_the_same_rows(core, name, document) -> None:
    path = core.home.gallery / name / f"{name}.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(solid_png(8, 8, (1, 2, 3)))
    write_sidecar(path, document)
    item = core.gallery.store.index_file(path)
    assert row(core, item.id) == ROWS[name]
    assert item.meta == document  # the detail view shows the file as it is, not a conversion
    # Written again in the current schema (as an import does), it reads into the same row.
    record = ImageRecord.from_json(document)
    assert record.version == 1
    again = record.to_json()
    assert again["version"] == VERSION
    write_sidecar(path, again)
    core.database.execute("DELETE FROM gallery")
    assert row(core, core.gallery.store.index_file(path).id) == ROWS[name]
    # Nothing an old writer kept is lost on the way.
    assert {key: again[key] for key in document} == document
    assert ImageRecord.from_json(again) == replace(record, version=VERSION)


@pytest.mark.parametrize(
    ("document", "fields"),
    [
        (OPENAI_V1, ("openai", "edit", "A fluffy cat on a sofa", "dall-e-3", 1714000000.5)),
        # "finished" before "created", "submitted" and "saved"; "bot" when there is no "model".
        (MIDJOURNEY_V1, ("midjourney", "IMAGINE", "a lighthouse --v 6.1", "MID_JOURNEY", 1714000042.0)),
        # "kind" when there is no "action"; the last date tried, "saved", when it is the only one.
        (IMPORTED_V1, ("", "sketch", "", "", 1600000000.0)),
    ],
)
def test_unversioned_sidecars_map_as_the_index_always_guessed(document, fields) -> None:
    record = ImageRecord.from_json(document)
    assert record.version == 1
    assert (record.source, record.action, record.prompt_extra, record.model, record.created) == fields
    assert record.prompt == document["prompt"] and record.favourite is False


def test_version_2_keeps_each_sources_key_names_and_guesses_nothing() -> None:
    mj = ImageRecord("midjourney", "a fox", "UPSCALE", "a fox --v 6", "NIJI_JOURNEY", "mj", "T1", 5.0)
    document = mj.to_json()
    assert document == {
        "version": 2,
        "source": "midjourney",
        "action": "UPSCALE",
        "prompt": "a fox",
        "final_prompt": "a fox --v 6",
        "bot": "NIJI_JOURNEY",
        "profile": "mj",
        "task_id": "T1",
        "created": 5.0,
    }
    assert ImageRecord.from_json(json.loads(json.dumps(document))) == mj
    openai = ImageRecord("openai", "a cat", prompt_extra="A cat", model="dall-e-3", extra={"params": {"n": 1}})
    assert {"revised_prompt", "model", "params"} <= set(openai.to_json())
    # A version-2 document means what its keys say: the old alternatives are not consulted.
    stray = {"version": 2, "source": "openai", "prompt": "p", "kind": "k", "bot": "b", "finished": 9.0}
    record = ImageRecord.from_json(stray)
    assert (record.action, record.model, record.created) == ("", "", None)
    assert record.extra == {"kind": "k", "bot": "b", "finished": 9.0}


def test_hostile_values_count_as_absent() -> None:
    record = ImageRecord.from_json(
        {"source": 7, "prompt": ["x"], "created": True, "finished": -1, "favourite": "yes", "version": "2"}
    )
    assert (record.source, record.prompt, record.created, record.favourite, record.version) == (
        "",
        "",
        None,
        False,
        1,
    )
