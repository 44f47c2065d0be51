"""Security invariants of the foundation, each checked end to end.

(a) After a scripted session with a canary key and a canary base URL, no file under the
    data home holds either canary, plain or encoded.
(b) Neither the GUI nor the CLI opens a listening socket (the CLI half is in
    tests/cli/test_cli.py, while it waits on a slow server).
(c) and (d) are in tests/core/net/test_net.py: cross-origin redirects drop auth headers,
    plain http to a remote host is refused unless allowed.
"""

import dataclasses
import secrets
import subprocess
import sys
import time

import pytest

from tests.conftest import find_canaries
from tests.fakes.openai_fake import FakeOpenAI
from tests.fakes.server import Conn, Request
from tests.procs import add_openai_profile, keyhold_env, listening_sockets, run_cli
from tests.ui.conftest import wait_until

pytestmark = [pytest.mark.keyring]


def start_gui(home) -> subprocess.Popen[str]:
    # KEYHOLD_BENCHMARK makes the app report its first paint, idle two seconds, and quit.
    return subprocess.Popen(
        [sys.executable, "-m", "desktop_client"],
        env=keyhold_env(home, KEYHOLD_BENCHMARK="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(proc: subprocess.Popen[str], prefix: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith(prefix):
            return line
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"no {prefix!r} from the app; stderr: {proc.stderr.read() if proc.stderr else ''}")


@pytest.mark.asyncio(loop_scope="session")
async def test_a_no_canary_anywhere_after_a_full_session(tmp_path, keyring_store, make_window) -> None:
    canary_key = f"sk-canary-{secrets.token_hex(20)}"
    second_key = f"sk-canary-{secrets.token_hex(20)}"
    canary_path = f"/canary-base-{secrets.token_hex(8)}"
    home = tmp_path / "keyhold-home"  # the same home the make_window fixture uses
    outputs: list[str] = []
    with FakeOpenAI(canary_key, models=["gpt-4o"]) as fake:

        def models_under_canary_path(request: Request, conn: Conn) -> None:
            fake.handle(dataclasses.replace(request, path="/v1/models"), conn)

        def chat_under_canary_path(request: Request, conn: Conn) -> None:
            fake.handle(dataclasses.replace(request, path="/v1/chat/completions"), conn)

        fake.route_overrides[("GET", f"{canary_path}/v1/models")] = models_under_canary_path
        fake.route_overrides[("POST", f"{canary_path}/v1/chat/completions")] = chat_under_canary_path
        canary_base = f"{fake.url}{canary_path}"
        export_file = tmp_path / "export.json"

        steps = [
            run_cli(
                home,
                "profile",
                "add",
                "canary",
                "--kind",
                "openai",
                "--base-url",
                canary_base + "/v1",
                "--key-stdin",
                "--model",
                "gpt-4o",
                stdin=canary_key + "\n",
            ),
            run_cli(home, "profile", "list"),
            run_cli(home, "profile", "list", "--json"),
            run_cli(home, "profile", "test", "canary"),
            run_cli(home, "profile", "rotate", "canary", "--key-stdin", stdin=second_key + "\n"),
            run_cli(home, "profile", "test", "canary"),  # bad key now: an error path that logs
            run_cli(home, "profile", "rotate", "canary", "--key-stdin", stdin=canary_key + "\n"),
            run_cli(home, "chat", "-p", "canary", "hello there"),
        ]
        listing = run_cli(home, "history", "list", "--json")
        steps.append(
            run_cli(
                home,
                "history",
                "export",
                listing.stdout.split('"id": "')[1][:12],
                "--format",
                "json",
                "-o",
                str(export_file),
            )
        )
        assert [s.returncode for s in steps] == [0, 0, 0, 0, 0, 3, 0, 0, 0], [s.stderr for s in steps]
        outputs += [s.stdout + s.stderr for s in steps]

        gui = start_gui(home)
        wait_for_line(gui, "first-paint")
        out, err = gui.communicate(timeout=60)
        assert gui.returncode == 0, err
        outputs.append(out + err)

        # and the GUI in-process: open the profile, reveal the key, test the connection
        window, _core = make_window()
        form = window.settings_page.profiles.form
        await wait_until(lambda: form.base_edit.text() == canary_base + "/v1")
        form.reveal_btn.click()
        await wait_until(lambda: form.key_edit.text() == canary_key)
        form.reveal_btn.click()
        form.test_btn.click()
        await wait_until(lambda: "OK" in form.notice.text())
        window.close()

    for text in outputs:
        assert canary_key not in text and second_key not in text and canary_path not in text
    log_text = (home / "logs" / "keyhold.log").read_text()
    assert "test connection of 'canary'" in log_text, "the session must have logged something to check"
    files = [p.relative_to(home).as_posix() for p in home.rglob("*") if p.is_file()]
    assert "settings.json" in files and "logs/keyhold.log" in files
    assert find_canaries(home, [canary_key, second_key, canary_base, canary_path]) == []
    assert (home / "keyhold.db").exists() and export_file.read_text().count('"role"') == 2
    assert find_canaries(tmp_path, [canary_key, second_key, canary_base, canary_path]) == []


def test_b_gui_opens_no_listening_socket(tmp_path, keyring_store) -> None:
    home = tmp_path / "gui-home"
    with FakeOpenAI("sk-sockets-000000000001") as fake:
        assert add_openai_profile(home, "p", fake.url, "sk-sockets-000000000001").returncode == 0
        gui = start_gui(home)
        try:
            wait_for_line(gui, "first-paint")
            assert listening_sockets(gui.pid) == []
        finally:
            out, err = gui.communicate(timeout=60)
    assert gui.returncode == 0, err
    assert out.startswith("idle-rss") or "idle-rss" in out
