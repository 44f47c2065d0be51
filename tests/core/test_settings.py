import json
import os

import pytest

from desktop_client.core.atomic import atomic_write_text
from desktop_client.core.errors import StorageError
from desktop_client.core.settings import (
    Language,
    MjAuth,
    ProfileKind,
    ProfileRecord,
    SendKey,
    Settings,
    SettingsStore,
)


def test_round_trip(tmp_path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.update(lambda s: s.profiles.append(ProfileRecord(id="a", name="n", kind=ProfileKind.OPENAI)))
    store.update(lambda s: setattr(s, "language", Language.CHINESE))
    again = SettingsStore(tmp_path / "settings.json")
    assert again.settings.language is Language.CHINESE
    assert again.settings.profiles[0].kind is ProfileKind.OPENAI


def test_the_send_key_is_enter_unless_chosen_and_a_file_from_before_it_still_reads(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "language": "en", "profiles": []}))  # written before the field
    store = SettingsStore(path)
    assert not store.problem and store.settings.send_key is SendKey.ENTER
    store.update(lambda s: setattr(s, "send_key", SendKey.CTRL_ENTER))
    assert json.loads(path.read_text())["send_key"] == "ctrl-enter"
    assert SettingsStore(path).settings.send_key is SendKey.CTRL_ENTER


def test_file_is_private_and_has_no_temp_leftovers(tmp_path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save()
    assert os.stat(tmp_path / "settings.json").st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_corrupt_file_is_set_aside_not_lost(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ this is not json")
    store = SettingsStore(path)
    assert store.settings == Settings()
    kept = list(tmp_path.glob("settings.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{ this is not json"


def test_unknown_fields_are_tolerated(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps(
            {
                "version": 1,
                "profiles": [{"id": "x", "name": "n", "kind": "midjourney", "future_field": 1}],
                "new_top": True,
            }
        )
    )
    assert SettingsStore(path).settings.profiles[0].kind is ProfileKind.MIDJOURNEY


def test_atomic_write_keeps_old_file_when_writing_fails(tmp_path, monkeypatch) -> None:
    path = tmp_path / "f.txt"
    atomic_write_text(path, "old")

    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    try:
        atomic_write_text(path, "new")
    except OSError:
        pass
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_wrong_shapes_are_set_aside(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "profiles": ["not-an-object"]}))
    assert SettingsStore(path).settings == Settings()
    assert list(tmp_path.glob("settings.json.corrupt-*"))


def deep_json(depth: int = 100_000) -> str:
    return '{"profiles": ' + "[" * depth + "]" * depth + "}"


def profile(**changes: object) -> dict[str, object]:
    return {"id": "a1", "name": "Work", "kind": "openai", **changes}


DAMAGED_DOCUMENTS = {
    "100k deep": deep_json(),
    "null name": json.dumps({"profiles": [profile(name=None)]}),
    "profiles is a number": json.dumps({"profiles": 5}),
    "unknown kind": json.dumps({"profiles": [profile(kind="anthropic")]}),
    "unknown language": json.dumps({"language": "klingon"}),
    "unknown send key": json.dumps({"send_key": "alt-enter"}),
    "bool for the send key": json.dumps({"send_key": True}),
    "NaN": '{"profiles": [{"id": "a1", "name": "Work", "kind": "openai", "created": NaN}]}',
    "overflowing number": '{"profiles": [{"id": "a1", "name": "Work", "kind": "openai", "created": 1e999}]}',
    "string for a bool": json.dumps({"profiles": [profile(allow_http="yes")]}),
    "number for a string": json.dumps({"profiles": [profile(default_model=4)]}),
    "bool for a version": json.dumps({"version": True}),
    "string for a version": json.dumps({"version": "1"}),
    "missing id": json.dumps({"profiles": [{"name": "Work", "kind": "openai"}]}),
    "list for ui_state": json.dumps({"ui_state": ["geometry"]}),
    "number in ui_state": json.dumps({"ui_state": {"geometry": 5}}),
    "root is a list": "[]",
}


@pytest.mark.parametrize("text", DAMAGED_DOCUMENTS.values(), ids=DAMAGED_DOCUMENTS.keys())
def test_damaged_documents_are_set_aside_and_defaults_used(tmp_path, text: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text)
    store = SettingsStore(path)
    assert store.settings == Settings()
    assert store.set_aside is not None and store.set_aside.read_text() == text
    assert store.problem
    assert not path.exists()
    store.save()  # a fresh file takes its place
    assert SettingsStore(path).settings == Settings()


def test_a_file_from_before_active_profiles_was_dropped_still_loads(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"language": "zh_CN", "active_profiles": {"chat": "a1", "images": None}}))
    store = SettingsStore(path)
    assert store.settings == Settings(language=Language.CHINESE)
    assert store.set_aside is None and not store.problem
    store.save()
    assert "active_profiles" not in path.read_text()


def test_the_problem_names_the_field(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(DAMAGED_DOCUMENTS["null name"])
    assert SettingsStore(path).problem == "settings.profiles[0].name: expected a string, got null"
    path.write_text(deep_json())
    assert SettingsStore(path).problem == "it is nested too deeply"
    path.write_text(json.dumps({"ui_state": {"\x1b]0;pwned\x07" + "k" * 100: 5}}))
    assert SettingsStore(path).problem == f"settings.ui_state.{'k' * 40}: expected a string, got a number"


def test_a_directory_in_its_place_is_set_aside(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.mkdir()
    (path / "inside").write_text("kept")
    store = SettingsStore(path)
    assert store.settings == Settings()
    assert store.problem == "it is a folder"
    assert store.set_aside is not None and (store.set_aside / "inside").read_text() == "kept"
    store.save()
    assert path.is_file()


def test_text_that_is_not_utf8_is_set_aside(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(b'{"language": "\xff\xfe"}')
    store = SettingsStore(path)
    assert store.problem == "it is not UTF-8 text"
    assert store.set_aside is not None and store.set_aside.read_bytes() == b'{"language": "\xff\xfe"}'


def test_an_earlier_damaged_file_is_never_overwritten(tmp_path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("first")
    first = SettingsStore(path).set_aside
    path.write_text("second")
    second = SettingsStore(path).set_aside
    assert first is not None and second is not None and first != second
    assert (first.read_text(), second.read_text()) == ("first", "second")


def test_when_it_cannot_be_moved_aside_defaults_are_used_and_it_is_never_overwritten(tmp_path) -> None:
    # The name with ".corrupt-<stamp>" appended is longer than a file name may be: the rename fails.
    path = tmp_path / ("s" * 250)
    path.write_text("{ damaged")
    store = SettingsStore(path)
    assert store.settings == Settings()
    assert store.set_aside is None and store.stuck
    with pytest.raises(StorageError, match="could not be moved aside"):
        store.update(lambda s: setattr(s, "language", Language.CHINESE))
    assert path.read_text() == "{ damaged"


def test_a_valid_file_loads_every_field(tmp_path) -> None:
    path = tmp_path / "settings.json"
    record = ProfileRecord(
        id="a1",
        name="MJ",
        kind=ProfileKind.MIDJOURNEY,
        default_model="m",
        mj_auth=MjAuth.BEARER,
        allow_http=True,
        has_proxy=True,
        created=12.5,
    )
    settings = Settings(
        language=Language.CHINESE,
        profiles=[record],
        ui_state={"geometry": "AAAA"},
    )
    path.write_text(settings.to_json())
    store = SettingsStore(path)
    assert store.settings == settings and store.set_aside is None and not store.problem
    # a whole number where a float belongs is still a number
    path.write_text(json.dumps({"profiles": [profile(created=12)]}))
    assert SettingsStore(path).settings.profiles[0].created == 12.0
