import json
import os

from desktop_client.core.atomic import atomic_write_text
from desktop_client.core.settings import Language, ProfileKind, ProfileRecord, Settings, SettingsStore


def test_round_trip(tmp_path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.update(lambda s: s.profiles.append(ProfileRecord(id="a", name="n", kind=ProfileKind.OPENAI)))
    store.update(lambda s: setattr(s, "language", Language.CHINESE))
    again = SettingsStore(tmp_path / "settings.json")
    assert again.settings.language is Language.CHINESE
    assert again.settings.profiles[0].kind is ProfileKind.OPENAI


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
