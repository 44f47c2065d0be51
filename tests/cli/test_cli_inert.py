"""Names are inert: nothing a server, a model or a paste puts in a name, a title or an error
message reaches the terminal as an escape sequence, a control character or a bidi override."""

import json
import sqlite3
import subprocess

import pytest

from tests.core.sse_helpers import ChatScript, stream_of
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.openai_fake import FakeOpenAI
from tests.fakes.server import Conn, LoopbackServer, Request
from tests.procs import add_openai_profile, run_cli

pytestmark = pytest.mark.keyring

# Window title (OSC 0), clipboard write (OSC 52), clear screen (CSI 2J), colour, the 8-bit CSI,
# a right-to-left override and a bell.
HOSTILE = "\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x1b[31mvisible\x9b0m \u202etxt.exe\x07"
SAFE_PART = "visible txt.exe"


def assert_inert(text: str) -> None:
    for char in ("\x1b", "\x07", "\x9b", "\u202e"):
        assert char not in text, f"{char!r} reached the terminal: {text!r}"
    assert "pwned" not in text  # the title a terminal would have set


@pytest.fixture
def home(tmp_path, keyring_store):
    return tmp_path / "home"


@pytest.mark.parametrize(
    "name", ["\x1b[31mred", "invoice\u202efdp.exe", "tab\there", "bell\x07", "zero\u200bwidth"]
)
def test_profile_names_with_controls_escapes_or_bidi_are_refused(home, name) -> None:
    result = add_openai_profile(home, name, "https://relay.example.com", "sk-name-test-0000001")
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("keyhold: error: The profile name contains control characters")
    assert_inert(result.stderr)
    assert json.loads(run_cli(home, "profile", "list", "--json").stdout) == []


def test_a_key_shortened_with_an_ellipsis_is_refused_without_echoing_it(home) -> None:
    key = "sk-proj-Abcdefghijklmnop0123456789…"
    result = add_openai_profile(home, "p", "https://relay.example.com", key)
    assert result.returncode == 2
    assert result.stderr == (
        "keyhold: error: The API key contains the non-ASCII character '…' (U+2026); API keys are plain ASCII, "
        "so it was probably shortened when copied. Copy the whole key again from your provider or relay\n"
    )
    assert key[:-1] not in result.stdout + result.stderr
    assert "Abcdefghijklmnop" not in (home / "logs" / "keyhold.log").read_text()
    assert json.loads(run_cli(home, "profile", "list", "--json").stdout) == []
    lookup = subprocess.run(
        ["secret-tool", "search", "--all", "service", "keyhold"], capture_output=True, text=True, timeout=30
    )
    assert "Abcdefghijklmnop" not in lookup.stdout + lookup.stderr


def test_titles_are_stored_and_listed_inert(home) -> None:
    # The model's answer holds escapes too; history search prints a snippet of it.
    script = ChatScript(stream_of(["a ", "\x1b]0;pwned\x07calm", " \u202eanswer\x1b[2J"]))

    def handle(request: Request, conn: Conn) -> None:
        if request.path.endswith("/chat/completions"):
            script(request, conn)
        else:
            conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})

    with LoopbackServer(handle) as server:
        assert add_openai_profile(home, "p", server.url, "sk-inert-titles-00001", "--model", "m").returncode == 0
        chat = run_cli(home, "chat", "-p", "p", f"{HOSTILE} question")
        assert chat.returncode == 0, chat.stderr
    assert script.requests[0]["messages"][-1]["content"] == f"{HOSTILE} question"  # the prompt itself is kept

    stored = json.loads(run_cli(home, "history", "list", "--json").stdout)
    assert [c["title"] for c in stored] == [f"{SAFE_PART} question"]
    listed = run_cli(home, "history", "list")
    assert listed.stdout.rstrip().endswith(f"{SAFE_PART} question")
    assert_inert(listed.stdout)

    # A title stored before this check existed (written straight into the database) is printed inert.
    db = sqlite3.connect(home / "keyhold.db")
    with db:
        db.execute("UPDATE conversations SET title = ?", (HOSTILE,))
    db.close()
    listed = run_cli(home, "history", "list")
    assert listed.stdout.rstrip().endswith(SAFE_PART)
    assert_inert(listed.stdout)
    found = run_cli(home, "history", "search", "calm")
    assert found.returncode == 0 and "calm" in found.stdout
    assert_inert(found.stdout)


def test_server_errors_with_escapes_never_reach_the_terminal(home) -> None:
    key = "sk-inert-errors-000001"
    with FakeOpenAI(key) as fake:
        fake.route_overrides[("GET", "/v1/models")] = lambda r, c: c.send_json(
            401, {"error": {"message": HOSTILE, "code": "invalid_api_key"}}
        )
        fake.route_overrides[("POST", "/v1/chat/completions")] = lambda r, c: c.send_json(
            400, {"error": {"message": f"bad request {HOSTILE}"}}
        )
        assert add_openai_profile(home, "p", fake.url, key).returncode == 0
        tested = run_cli(home, "profile", "test", "p")
        chat = run_cli(home, "chat", "-p", "p", "-m", "gpt-4o", "hi")
        fake.route_overrides[("GET", "/v1/models")] = lambda r, c: c.send_response(
            401, HOSTILE.encode(), {"Content-Type": "text/plain"}
        )
        raw = run_cli(home, "profile", "test", "p")
    assert tested.returncode == 3
    assert tested.stderr.endswith(f"Server said: {SAFE_PART}\n")
    assert chat.returncode == 2
    assert f"Server said: bad request {SAFE_PART}" in chat.stderr
    assert raw.returncode == 3
    for result in (tested, chat, raw):
        assert_inert(result.stderr)
        assert len(result.stderr.splitlines()) == 1


def test_midjourney_prompts_and_fail_reasons_are_printed_inert(home) -> None:
    secret = "mj-inert-secret-0001"
    with FakeMidjourney(secret) as fake:

        def submit(request: Request, conn: Conn) -> None:
            conn.send_json(200, {"code": 1, "description": "ok", "result": "T1"})
            fake.tasks["T1"] = {
                "id": "T1",
                "action": "IMAGINE",
                "status": "FAILURE",
                "progress": "0%",
                "prompt": request.json()["prompt"],
                "failReason": f"banned {HOSTILE}",
            }

        fake.route_overrides[("POST", "/mj/submit/imagine")] = submit
        added = run_cli(
            home,
            "profile",
            "add",
            "mj",
            "--kind",
            "midjourney",
            "--base-url",
            fake.url,
            "--key-stdin",
            stdin=secret + "\n",
        )
        assert added.returncode == 0, added.stderr
        waited = run_cli(
            home,
            "imagine",
            "-p",
            "mj",
            "--wait",
            "--timeout",
            "60",
            f"a cat {HOSTILE}",
            KEYHOLD_MJ_POLL_SECONDS="0.1",
        )
    assert waited.returncode == 5, waited.stderr
    assert f"Server said: banned {SAFE_PART}" in waited.stderr
    assert_inert(waited.stderr)
    tasks = run_cli(home, "mj", "tasks")
    assert tasks.returncode == 0 and f"a cat {SAFE_PART}" in tasks.stdout
    assert_inert(tasks.stdout)


def test_gallery_prompts_are_printed_inert(home, tmp_path) -> None:
    from desktop_client.core.storage.gallery_files import write_sidecar
    from tests.fakes.mj_sim import solid_png

    # An exported image whose sidecar (made by anyone) carries a hostile prompt and source.
    folder = tmp_path / "export"
    folder.mkdir()
    image = folder / "picture.png"
    image.write_bytes(solid_png(8, 8, (200, 10, 10)))
    write_sidecar(image, {"prompt": f"a fox {HOSTILE}", "source": "\x1b[2Jopenai"})
    assert run_cli(home, "gallery", "import", str(folder)).returncode == 0
    listed = run_cli(home, "gallery", "list")
    assert listed.returncode == 0, listed.stderr
    assert f"a fox {SAFE_PART}" in listed.stdout
    assert_inert(listed.stdout)


def test_a_models_escape_sequences_never_reach_a_terminal_but_a_pipe_gets_every_byte(home) -> None:
    import os
    import pty
    import sys

    from tests.procs import keyhold_env

    answer = f"Hello {HOSTILE} bye"
    script = ChatScript(stream_of([answer]))
    with LoopbackServer(script) as server:
        assert add_openai_profile(home, "p", server.url, "sk-inert-tty-0000001", "--model", "m").returncode == 0
        piped = run_cli(home, "chat", "-p", "p", "say it")
        # The same command with its output on a terminal (a pseudo-terminal here).
        pid, fd = pty.fork()
        if pid == 0:
            env = keyhold_env(home)
            os.execve(sys.executable, [sys.executable, "-m", "desktop_client", "chat", "-p", "p", "say it"], env)
        seen = b""
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            seen += data
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert piped.returncode == 0 and piped.stdout == answer + "\n"  # a pipe is data: untouched
    shown = seen.decode("utf-8", "replace")
    assert "Hello" in shown and "bye" in shown
    assert_inert(shown)
