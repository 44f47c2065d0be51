"""The sidecar schema: version-2 documents written from now on, and every older shape still read."""

from __future__ import annotations

import json

import pytest

from desktop_client.core.gallery_record import ImageRecord

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
