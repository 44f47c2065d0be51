"""The PyInstaller build starts, paints its window and runs the CLI, frozen."""

import importlib.util
import json
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


def test_every_runtime_dependency_has_its_licence_listed() -> None:
    """resources/licenses/ (Settings ▸ About) names every package the installed app needs at run
    time; after adding or upgrading one, run scripts/licenses.py."""
    spec = importlib.util.spec_from_file_location("licenses_script", ROOT / "scripts" / "licenses.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    needed = {script.canonical(d.metadata["Name"]): d.version for d in script.runtime_distributions()}
    assert {"pyside6-essentials", "httpx", "httpcore", "h11", "certifi", "keyring", "qasync"} <= needed.keys()
    index = json.loads((ROOT / "resources" / "licenses" / "components.json").read_text(encoding="utf-8"))
    listed = {script.canonical(c["name"]): c for c in index["components"]}
    assert sorted(needed.keys() - listed.keys()) == [], "run scripts/licenses.py"
    assert all(listed[name]["license"] for name in needed)
    texts = (ROOT / "resources" / "licenses" / "THIRD-PARTY.txt").read_text(encoding="utf-8")
    for name in needed:
        assert f"{listed[name]['name']} {listed[name]['version']}: " in texts
    assert index["app"]["license"] == "MIT"  # what pyproject.toml declares
