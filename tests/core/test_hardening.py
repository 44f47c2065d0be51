"""Crash dumps are off in the running CLI (and so the GUI, which starts through the same main)."""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.procs import keyhold_env

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def core_limits(pid: int) -> tuple[str, str]:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            soft, hard = line.split()[4:6]
            return soft, hard
    raise AssertionError("no core limit in /proc/<pid>/limits")


def _core_limit_to_start_with() -> int:
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    return 1 << 20 if os.geteuid() == 0 or hard == resource.RLIM_INFINITY else min(hard, 1 << 20)


def _allow_core_files() -> None:
    # The child starts with core files allowed, as on a system that keeps them, so the limit
    # it ends up with is its own doing.
    limit = _core_limit_to_start_with()
    resource.setrlimit(resource.RLIMIT_CORE, (limit, limit))


@pytest.mark.keyring
def test_the_running_cli_has_core_files_off_and_says_so(tmp_path, keyring_store) -> None:
    if _core_limit_to_start_with() == 0:
        pytest.skip("this test cannot give the child a core limit to lower")
    home = tmp_path / "home"
    log_file = home / "logs" / "keyhold.log"
    # `chat -` reads the prompt from stdin: the CLI waits, fully started, until stdin closes.
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_client", "chat", "-p", "nobody", "-"],
        env=keyhold_env(home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_allow_core_files,
    )
    try:
        deadline = time.monotonic() + 30
        # "secret store:" is the last line build_core logs: the CLI is up and waiting.
        while "secret store:" not in (log_file.read_text() if log_file.exists() else ""):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the CLI never finished starting"
            time.sleep(0.05)
        assert core_limits(proc.pid) == ("0", "0")
    finally:
        _out, err = proc.communicate("", timeout=30)
    assert proc.returncode == 2, err  # the prompt arrived; there is no profile "nobody"
    lines = [line for line in log_file.read_text().splitlines() if "crash dumps" in line]
    assert len(lines) == 1
    assert " INFO " in lines[0]
    assert lines[0].endswith("crash dumps disabled: core limit 0, not dumpable")


def test_disable_crash_dumps_reads_its_state_back() -> None:
    # In a child: the change cannot be undone, and the test process keeps its own limits.
    code = (
        "import ctypes, resource\n"
        "from desktop_client.core.hardening import disable_crash_dumps\n"
        "print(disable_crash_dumps())\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE))\n"
        "print(ctypes.CDLL(None).prctl(3, 0, 0, 0, 0))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, preexec_fn=_allow_core_files
    )
    assert result.stdout.splitlines() == ["crash dumps disabled: core limit 0, not dumpable", "(0, 0)", "0"]
