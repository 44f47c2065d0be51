"""The keyhold CLI as a user runs it: a separate process, a real keyring, real loopback servers."""

import json
import subprocess

import pytest

from tests.conftest import ROOT
from tests.fakes.openai_fake import FakeOpenAI
from tests.fakes.server import Conn, Request
from tests.procs import add_openai_profile, run_cli

pytestmark = pytest.mark.keyring


@pytest.fixture
def cli_home(tmp_path, keyring_store):
    return tmp_path / "cli-home"


def add_openai(home, name, url, key, *extra):
    return add_openai_profile(home, name, url, key, *extra)


def profile_id(home, name):
    settings = json.loads((home / "settings.json").read_text())
    return next(p["id"] for p in settings["profiles"] if p["name"] == name)


def test_add_list_test_rotate_remove(cli_home, canary_key) -> None:
    with FakeOpenAI(canary_key, models=["gpt-4o", "gpt-4o-mini", "o3"]) as fake:
        added = add_openai(cli_home, "relay", fake.url + "/v1/", canary_key, "--model", "gpt-4o")
        assert added.returncode == 0, added.stderr
        assert f"sk-…{canary_key[-4:]}" in added.stdout
        assert canary_key not in added.stdout + added.stderr

        # readable through the keyring, by libsecret's own tool
        pid = profile_id(cli_home, "relay")
        lookup = subprocess.run(
            ["secret-tool", "lookup", "service", "keyhold", "username", f"profile/{pid}/api_key"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert lookup.stdout == canary_key

        listing = run_cli(cli_home, "profile", "list", "--json")
        rows = json.loads(listing.stdout)
        assert rows == [
            {
                "name": "relay",
                "kind": "openai",
                "host": f"127.0.0.1:{fake.port}",
                "fingerprint": f"sk-…{canary_key[-4:]}",
                "default_model": "gpt-4o",
                "mj_auth": None,
                "allow_http": False,
                "proxy": False,
                "default": True,  # the only openai profile
                "secrets_available": True,
            }
        ]
        plain = run_cli(cli_home, "profile", "list")
        assert "relay" in plain.stdout and canary_key not in plain.stdout

        tested = run_cli(cli_home, "profile", "test", "relay")
        assert tested.returncode == 0, tested.stderr
        assert tested.stdout.strip() == "relay: OK (3 models)"

        rotated = run_cli(cli_home, "profile", "rotate", "relay", "--key-stdin", stdin="sk-rotated-0000000000zz\n")
        assert rotated.returncode == 0 and "sk-…00zz" in rotated.stdout
        bad = run_cli(cli_home, "profile", "test", "relay")
        assert bad.returncode == 3
        assert bad.stderr.startswith("keyhold: error: Bad key")
        assert len(bad.stderr.strip().splitlines()) == 1

    removed = run_cli(cli_home, "profile", "remove", "relay")
    assert removed.returncode == 0
    gone = subprocess.run(
        ["secret-tool", "lookup", "service", "keyhold", "username", f"profile/{pid}/api_key"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert gone.stdout == ""
    assert json.loads(run_cli(cli_home, "profile", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("setup", "code", "start"),
    [
        ("spa", 5, "Wrong URL"),
        ("quota", 4, "Out of credit"),
        ("down", 5, "Unreachable"),
        ("rate", 4, "Rate limited"),
    ],
)
def test_test_command_exit_codes(cli_home, setup, code, start) -> None:
    key = "sk-exitcodes-000000000001"
    with FakeOpenAI(key, spa_everywhere=setup == "spa") as fake:
        if setup == "quota":
            fake.route_overrides[("GET", "/v1/models")] = lambda r, c: c.send_json(
                429,
                {
                    "error": {
                        "message": "You exceeded your current quota",
                        "type": "insufficient_quota",
                        "param": None,
                        "code": "insufficient_quota",
                    }
                },
            )
        if setup == "rate":
            fake.route_overrides[("GET", "/v1/models")] = lambda r, c: c.send_json(
                429,
                {"error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}},
            )
        url = fake.url
        assert add_openai(cli_home, "p", url, key).returncode == 0
        if setup != "down":
            result = run_cli(cli_home, "profile", "test", "p")
    if setup == "down":
        result = run_cli(cli_home, "profile", "test", "p")
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith(f"keyhold: error: {start}")
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_usage_exits_2(cli_home) -> None:
    assert run_cli(cli_home, "profile", "add", "x", "--base-url", "https://a.example.com").returncode == 2
    no_key = run_cli(
        cli_home,
        "profile",
        "add",
        "x",
        "--kind",
        "openai",
        "--base-url",
        "https://a.example.com",
        "--key-stdin",
        stdin="",
    )
    assert no_key.returncode == 2 and "No key arrived" in no_key.stderr
    not_tty = run_cli(cli_home, "profile", "add", "x", "--kind", "openai", "--base-url", "https://a.example.com")
    assert not_tty.returncode == 2 and "--key-stdin" in not_tty.stderr
    # there is no way to pass a key in argv
    argv_key = run_cli(
        cli_home,
        "profile",
        "add",
        "x",
        "--kind",
        "openai",
        "--base-url",
        "https://a.example.com",
        "--key",
        "sk-in-argv-000000000001",
    )
    assert argv_key.returncode == 2
    assert "sk-in-argv" not in argv_key.stderr
    http = add_openai(cli_home, "h", "http://relay.example.com", "sk-0000000000001")
    assert http.returncode == 2 and "--allow-http" in http.stderr
    unknown = run_cli(cli_home, "profile", "test", "nope")
    assert unknown.returncode == 2 and "No profile named 'nope'" in unknown.stderr


def test_midjourney_profile_with_warning(cli_home) -> None:
    result = run_cli(
        cli_home,
        "profile",
        "add",
        "mj",
        "--kind",
        "midjourney",
        "--base-url",
        "https://mj.example.com/mj",
        "--mj-auth",
        "bearer",
        "--key-stdin",
        stdin="mj-secret-0001\n",
    )
    assert result.returncode == 0, result.stderr
    assert "ends in /mj" in result.stderr


def test_no_keyring_exits_6_with_the_fix(tmp_path) -> None:
    result = run_cli(
        tmp_path / "h",
        "profile",
        "list",
        DBUS_SESSION_BUS_ADDRESS="unix:path=/nonexistent",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    assert result.returncode == 6
    assert "No secure keyring" in result.stderr and "gnome-keyring" in result.stderr


def test_a_greedy_keyring_plugin_is_refused_with_the_fix(cli_home, tmp_path, canary_key) -> None:
    plain = tmp_path / "plain-keyring.json"
    result = add_openai_profile(
        cli_home,
        "p",
        "https://relay.example.com",
        canary_key,
        PYTHON_KEYRING_BACKEND="tests.hostile_keyring.GreedyKeyring",
        HOSTILE_KEYRING_FILE=str(plain),
        PYTHONPATH=str(ROOT),
    )
    assert result.returncode == 6, result.stderr
    assert result.stderr.startswith("keyhold: error: No secure keyring is available (tests.hostile_keyring.")
    assert "PYTHON_KEYRING_BACKEND" in result.stderr and "gnome-keyring" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not plain.exists()
    assert canary_key not in result.stdout + result.stderr


def test_the_chainer_skips_a_greedy_plugin_for_the_secret_service(cli_home, tmp_path, canary_key) -> None:
    """An installed plugin with priority 100 comes first in keyring's chainer; Keyhold uses the
    Secret Service that the chainer also holds."""
    import sys

    from tests.procs import keyhold_env

    plain = tmp_path / "plain-keyring.json"
    code = "import tests.hostile_keyring\nfrom desktop_client.cli import main\nraise SystemExit(main())\n"
    env = keyhold_env(
        cli_home,
        PYTHON_KEYRING_BACKEND="keyring.backends.chainer.ChainerBackend",
        HOSTILE_KEYRING_FILE=str(plain),
        PYTHONPATH=str(ROOT),
    )
    args = ["profile", "add", "p", "--kind", "openai", "--base-url", "https://relay.example.com", "--key-stdin"]
    added = subprocess.run(
        [sys.executable, "-c", code, *args],
        input=canary_key + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert added.returncode == 0, added.stderr
    assert not plain.exists()
    lookup = subprocess.run(
        [
            "secret-tool",
            "lookup",
            "service",
            "keyhold",
            "username",
            f"profile/{profile_id(cli_home, 'p')}/api_key",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert lookup.stdout == canary_key


def test_slow_server_answer_while_the_cli_waits(cli_home) -> None:
    """The CLI accepts no connections even while it is busy on the network."""
    import threading
    import time

    from tests.procs import keyhold_env, listening_sockets

    release = threading.Event()
    key = "sk-slow-0000000000001"
    with FakeOpenAI(key) as fake:

        def slow(request: Request, conn: Conn) -> None:
            release.wait(10)
            conn.send_json(200, {"object": "list", "data": []})

        fake.route_overrides[("GET", "/v1/models")] = slow
        assert add_openai(cli_home, "slow", fake.url, key).returncode == 0
        import sys

        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop_client", "profile", "test", "slow"],
            env=keyhold_env(cli_home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while not fake.requests and time.monotonic() < deadline:
                time.sleep(0.05)
            assert fake.requests, "the CLI never reached the server"
            assert listening_sockets(proc.pid) == []
        finally:
            release.set()
            _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err


def test_base_url_and_key_from_stdin_keep_argv_clean(cli_home, canary_key) -> None:
    with FakeOpenAI(canary_key) as fake:
        added = run_cli(
            cli_home,
            "profile",
            "add",
            "quiet",
            "--kind",
            "openai",
            "--base-url",
            "-",
            "--key-stdin",
            stdin=f"{fake.url}/v1\n{canary_key}\n",
        )
        assert added.returncode == 0, added.stderr
        assert run_cli(cli_home, "profile", "test", "quiet").returncode == 0


def test_a_proxy_password_is_never_echoed(cli_home) -> None:
    result = run_cli(
        cli_home,
        "profile",
        "add",
        "p",
        "--kind",
        "openai",
        "--base-url",
        "https://a.example.com",
        "--proxy",
        "http://alice:hunter22",
        "--key-stdin",
        stdin="sk-0000000000001\n",
    )
    assert result.returncode == 2
    assert "hunter22" not in result.stdout + result.stderr
    assert "hunter22" not in (cli_home / "logs" / "keyhold.log").read_text()


def test_errors_are_printed_in_the_system_language(cli_home) -> None:
    catalogue = json.loads((ROOT / "resources" / "i18n" / "errors_zh_CN.json").read_text(encoding="utf-8"))
    headline = catalogue["Bad key: the server rejected the API key"]
    key = "sk-language-000000000001"
    with FakeOpenAI(key) as fake:
        assert add_openai(cli_home, "p", fake.url, key).returncode == 0
        run_cli(cli_home, "profile", "rotate", "p", "--key-stdin", stdin="sk-language-wrong-0000002\n")
        chinese = run_cli(cli_home, "profile", "test", "p", LANG="zh_CN.UTF-8")
        english = run_cli(cli_home, "profile", "test", "p", LANG="C")
    assert chinese.returncode == english.returncode == 3
    assert chinese.stderr.startswith(f"keyhold: error: {headline}. 请检查此配置的密钥")
    assert "Bad key" not in chinese.stderr and len(chinese.stderr.splitlines()) == 1
    assert english.stderr.startswith("keyhold: error: Bad key: the server rejected the API key")
    # A local not-found, in both languages: the id the user typed is data and stays as typed.
    missing = run_cli(cli_home, "history", "export", "abcdef0123", LANG="zh_CN.UTF-8")
    assert missing.returncode == 2
    assert missing.stderr.startswith(
        f"keyhold: error: {catalogue['Not found: it is not stored here, or was deleted']}"
    )
    assert "'abcdef0123'" in missing.stderr
    assert run_cli(cli_home, "history", "export", "abcdef0123").stderr.startswith(
        "keyhold: error: No conversation with id 'abcdef0123'"
    )


def test_profile_edit_changes_model_proxy_and_base_url(cli_home, canary_key) -> None:
    def row() -> dict:
        return json.loads(run_cli(cli_home, "profile", "list", "--json").stdout)[0]

    with FakeOpenAI(canary_key) as fake, FakeOpenAI(canary_key) as moved:
        assert add_openai(cli_home, "work", fake.url, canary_key).returncode == 0
        assert row()["default_model"] == ""
        edited = run_cli(cli_home, "profile", "edit", "work", "--model", "gpt-4o", "--proxy", "http://127.0.0.1:9")
        assert edited.returncode == 0, edited.stderr
        assert "default model gpt-4o" in edited.stdout and "a proxy" in edited.stdout
        assert (row()["default_model"], row()["proxy"]) == ("gpt-4o", True)
        assert run_cli(cli_home, "profile", "edit", "work", "--no-proxy").returncode == 0
        assert row()["proxy"] is False
        # The base URL from standard input: out of the process list; the key stays.
        moved_to = run_cli(cli_home, "profile", "edit", "work", "--base-url", "-", stdin=f"{moved.url}/v1\n")
        assert moved_to.returncode == 0, moved_to.stderr
        assert row()["host"] == f"127.0.0.1:{moved.port}" and row()["default_model"] == "gpt-4o"
        assert run_cli(cli_home, "profile", "test", "work").returncode == 0
        assert [r.path for r in moved.requests] == ["/v1/models"]
        cleared = run_cli(cli_home, "profile", "edit", "work", "--model", "")
        assert cleared.returncode == 0 and row()["default_model"] == ""
        assert canary_key not in edited.stdout + edited.stderr + moved_to.stdout + moved_to.stderr
    nothing = run_cli(cli_home, "profile", "edit", "work")
    assert nothing.returncode == 2 and "Nothing to change" in nothing.stderr
    both = run_cli(cli_home, "profile", "edit", "work", "--proxy", "http://127.0.0.1:9", "--no-proxy")
    assert both.returncode == 2
    missing = run_cli(cli_home, "profile", "edit", "nobody", "--model", "m")
    assert missing.returncode == 2, missing.stderr


def test_a_reader_that_goes_away_ends_every_command_quietly(cli_home, tmp_path) -> None:
    """`keyhold gallery list | head`: the pipe closes early; no traceback, exit 141 (128 + SIGPIPE)."""
    import os
    import sys

    from tests.fakes.mj_sim import solid_png
    from tests.procs import keyhold_env

    folder = tmp_path / "pictures"
    folder.mkdir()
    for number in range(3):
        (folder / f"p{number}.png").write_bytes(solid_png(8, 8, (number * 40, 10, 10)))
    assert run_cli(cli_home, "gallery", "import", str(folder)).returncode == 0
    for args in (("gallery", "list"), ("gallery", "list", "--json"), ("profile", "list"), ("--help",)):
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before the first line
        try:
            result = subprocess.run(
                [sys.executable, "-m", "desktop_client", *args],
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                timeout=60,
                env=keyhold_env(cli_home),
            )
        finally:
            os.close(write_end)
        assert result.returncode in (0, 141), (args, result.stderr)
        assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, (args, result.stderr)
        assert "internal error" not in result.stderr, (args, result.stderr)

    # A reader that takes the first line and leaves, as `head -1` does, with more output than a pipe holds.
    many = tmp_path / "many"
    many.mkdir()
    for number in range(60):
        (many / f"m{number}.png").write_bytes(solid_png(4, 4, (number, number, 10)))
    assert run_cli(cli_home, "gallery", "import", str(many)).returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_client", "gallery", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=keyhold_env(cli_home),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) in (0, 141), err
    assert "Traceback" not in err and "BrokenPipe" not in err, err
