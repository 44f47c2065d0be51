"""A damaged settings file or database never stops the CLI: it is set aside, and the CLI says so once."""

import json
import shutil

import pytest

from tests.core.test_settings import deep_json
from tests.procs import add_openai_profile, run_cli

pytestmark = pytest.mark.keyring

COMMANDS = [("profile", "list"), ("history", "list"), ("gallery", "list"), ("mj", "tasks")]


def damage(settings, how: str) -> None:
    settings.parent.mkdir(parents=True, exist_ok=True)
    if how == "directory":
        settings.mkdir()
    elif how == "100k deep":
        settings.write_text(deep_json())
    else:
        settings.write_text(json.dumps({"profiles": [{"id": "a1", "name": None, "kind": "openai"}]}))


@pytest.mark.parametrize("how", ["100k deep", "directory", "null name"])
def test_every_command_starts_with_damaged_settings(tmp_path, keyring_store, how) -> None:
    for command in COMMANDS:
        home = tmp_path / "-".join((how, *command)).replace(" ", "-")
        damage(home / "settings.json", how)
        result = run_cli(home, *command)
        assert result.returncode == 0, (command, result.stderr)
        warnings = result.stderr.splitlines()
        assert len(warnings) == 1, (command, result.stderr)
        kept = [p.name for p in home.glob("settings.json.corrupt-*")]
        assert len(kept) == 1
        assert warnings[0].startswith("keyhold: warning: the settings file was damaged (")
        assert warnings[0].endswith(f"it was kept as {kept[0]} and Keyhold started with default settings")
        assert run_cli(home, *command).stderr == ""  # said once


def test_a_profile_can_be_added_after_the_settings_were_set_aside(tmp_path, keyring_store) -> None:
    home = tmp_path / "home"
    damage(home / "settings.json", "directory")
    added = add_openai_profile(home, "p", "https://relay.example.com", "sk-after-damage-000001")
    assert added.returncode == 0, added.stderr
    assert "settings file was damaged (it is a folder)" in added.stderr
    listed = json.loads(run_cli(home, "profile", "list", "--json").stdout)
    assert [row["name"] for row in listed] == ["p"]


@pytest.mark.parametrize("with_backup", [True, False], ids=["backup", "no-backup"])
def test_a_damaged_database_is_reported_once(tmp_path, keyring_store, with_backup) -> None:
    home = tmp_path / "home"
    assert run_cli(home, "history", "list").returncode == 0  # creates the database
    backup = home / "backups" / "keyhold-v1-20250101-000000.db"
    if with_backup:
        backup.parent.mkdir(exist_ok=True)
        shutil.copy(home / "keyhold.db", backup)
    for extra in ("-wal", "-shm"):
        (home / f"keyhold.db{extra}").unlink(missing_ok=True)
    (home / "keyhold.db").write_bytes(b"this is not a database, just garbage " * 200)

    first = run_cli(home, "history", "list")
    assert first.returncode == 0, first.stderr
    kept = [p.name for p in home.glob("keyhold.db.corrupt-*")]
    assert len(kept) == 1
    then = (
        f"the newest backup ({backup.name}) was restored" if with_backup else "a new, empty database was started"
    )
    assert first.stderr == f"keyhold: warning: the database was damaged; it was kept as {kept[0]} and {then}\n"
    second = run_cli(home, "history", "list")
    assert (second.returncode, second.stderr) == (0, "")
