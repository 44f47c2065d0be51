"""The PyInstaller build starts, paints its window and runs the CLI, frozen."""

import importlib.util
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.procs import keyhold_env


@pytest.mark.keyring  # the frozen app and CLI open the real Secret Service
@pytest.mark.skipif(importlib.util.find_spec("PyInstaller") is None, reason="PyInstaller is not installed")
@pytest.mark.timeout(600)
def test_frozen_app_starts(tmp_path) -> None:
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(tmp_path / "dist"),
            "--workpath",
            str(tmp_path / "build"),
            str(ROOT / "build.spec"),
        ],
        capture_output=True,
        text=True,
        timeout=540,
        cwd=ROOT,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    exe = tmp_path / "dist" / "keyhold" / "keyhold"
    home = tmp_path / "home"
    gui = subprocess.run(
        [str(exe)], env=keyhold_env(home, KEYHOLD_BENCHMARK="1"), capture_output=True, text=True, timeout=60
    )
    assert gui.returncode == 0, gui.stderr
    assert gui.stdout.startswith("first-paint")
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.startswith("keyhold ")
    # the frozen app finds the real keyring through keyring's backends
    listing = subprocess.run(
        [str(exe), "profile", "list", "--json"], env=keyhold_env(home), capture_output=True, text=True, timeout=60
    )
    assert listing.returncode == 0, listing.stderr
    assert (ROOT / "resources" / "i18n" / "keyhold_zh_CN.qm").exists()
    assert (tmp_path / "dist" / "keyhold" / "_internal" / "resources" / "i18n" / "keyhold_zh_CN.qm").exists()
