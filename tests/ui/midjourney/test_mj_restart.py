"""Killing the app while a Midjourney task runs, and starting it again, finishes the task."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.test_cli_mj import SECRET, add_mj_profile
from tests.conftest import find_canaries
from tests.fakes.mj_sim import MjSimulator
from tests.procs import keyhold_env, run_cli

pytestmark = [pytest.mark.keyring]


def start_gui(home: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_client"],
        env=keyhold_env(home, KEYHOLD_MJ_POLL_SECONDS="0.2"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def polls(sim: MjSimulator) -> int:
    return sum(1 for r in list(sim.requests) if r.path.endswith(("/list-by-condition", "/fetch")))


def wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def image_recorded(home: Path, task_id: str) -> bool:
    try:
        db = sqlite3.connect(f"file:{home / 'keyhold.db'}?mode=ro", uri=True, timeout=1)
        try:
            row = db.execute("SELECT image_path FROM mj_tasks WHERE id = ?", (task_id,)).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def test_killed_app_finishes_the_task_when_started_again(tmp_path, keyring_store) -> None:
    home = tmp_path / "home"
    with MjSimulator(SECRET, dialect="trueai") as sim:
        assert add_mj_profile(home, sim.url).returncode == 0
        sim.hold("*")
        submitted = run_cli(home, "imagine", "-p", "mj", "a castle that takes its time")
        assert submitted.returncode == 0, submitted.stderr
        task_id = submitted.stdout.strip()

        gui = start_gui(home)
        try:
            seen = polls(sim)
            wait(lambda: polls(sim) >= seen + 3, 60, "the app to poll the task")
        finally:
            gui.send_signal(signal.SIGKILL)
            gui.wait(10)
        assert not list((home / "gallery").rglob("*.png"))

        sim.release("*")
        gui = start_gui(home)
        try:
            # The file is written first, then recorded on the task: wait for the record.
            wait(lambda: image_recorded(home, task_id), 60, "the image recorded on the task")
        finally:
            gui.terminate()
            gui.wait(20)
        image = next((home / "gallery").rglob("*.png"))
        assert image.read_bytes() == sim.image_bytes(task_id)
        tasks = json.loads(run_cli(home, "mj", "tasks", "--json").stdout)
        assert [(t["id"], t["status"], t["image"]) for t in tasks] == [(task_id, "SUCCESS", str(image))]
        assert find_canaries(home, [SECRET, sim.url.split("//")[1]]) == []
