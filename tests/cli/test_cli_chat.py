"""`keyhold chat` and `keyhold history` as separate processes, SIGKILL included."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.core.sse_helpers import ChatScript, stream_of
from tests.fakes.server import Conn, LoopbackServer, Request
from tests.procs import add_openai_profile, keyhold_env, run_cli

pytestmark = pytest.mark.keyring


@pytest.fixture
def chat_server():
    script = ChatScript(stream_of(["Hello", " from", " the", " model"], reasoning="let me think"))

    def handle(request: Request, conn: Conn) -> None:
        if request.path.endswith("/chat/completions"):
            if request.headers.get("authorization") != "Bearer sk-cli-chat-0000000001":
                conn.send_json(
                    401, {"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}}
                )
                return
            script(request, conn)
        else:
            conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})

    with LoopbackServer(handle) as server:
        yield server, script


def add_profile(home, url, key="sk-cli-chat-0000000001"):
    result = add_openai_profile(home, "p", url, key, "--model", "m")
    assert result.returncode == 0, result.stderr


def test_chat_streams_and_history_finds_it(tmp_path, keyring_store, chat_server) -> None:
    server, script = chat_server
    home = tmp_path / "home"
    add_profile(home, server.url)
    result = run_cli(home, "chat", "-p", "p", "--system", "be nice", "Say hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from the model\n"
    # The reasoning on stderr is labelled, and so is the start of the answer.
    assert result.stderr.startswith("[reasoning]\nlet me think\n\n[answer]\n")
    assert script.requests[0]["messages"][0] == {"role": "system", "content": "be nice"}

    listing = json.loads(run_cli(home, "history", "list", "--json").stdout)
    assert [c["title"] for c in listing] == ["Say hello"]
    conversation = listing[0]["id"]
    again = run_cli(home, "chat", "-p", "p", "--conversation", conversation[:8], "-m", "m2", "And again?")
    assert again.returncode == 0, again.stderr
    assert [m["role"] for m in script.requests[1]["messages"]] == ["system", "user", "assistant", "user"]
    assert script.requests[1]["model"] == "m2"

    hits = run_cli(home, "history", "search", "model")
    assert conversation[:12] in hits.stdout and "[model]" in hits.stdout
    md = run_cli(home, "history", "export", conversation[:12], "--format", "md")
    assert "## You" in md.stdout and "Hello from the model" in md.stdout
    out_file = tmp_path / "export.json"
    exported = run_cli(home, "history", "export", conversation[:12], "--format", "json", "-o", str(out_file))
    assert exported.returncode == 0
    document = json.loads(out_file.read_text())
    assert [m["role"] for m in document["messages"]] == ["user", "assistant", "user", "assistant"]
    text = out_file.read_text() + md.stdout
    assert "sk-cli-chat" not in text and server.url not in text and f"{server.port}" not in text


def test_chat_errors_are_one_line_with_the_exit_code(tmp_path, keyring_store, chat_server) -> None:
    server, _ = chat_server
    home = tmp_path / "home"
    add_profile(home, server.url, key="sk-wrong-key-00000001")
    result = run_cli(home, "chat", "-p", "p", "hi")
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("keyhold: error: Bad key")
    missing = run_cli(home, "chat", "-p", "nobody", "hi")
    assert missing.returncode == 2


def test_prompt_from_stdin(tmp_path, keyring_store, chat_server) -> None:
    server, script = chat_server
    home = tmp_path / "home"
    add_profile(home, server.url)
    result = run_cli(home, "chat", "-p", "p", "-", stdin="a question\nover two lines\n")
    assert result.returncode == 0
    assert script.requests[0]["messages"][-1]["content"] == "a question\nover two lines\n"


def test_sigkill_mid_answer_keeps_the_partial_answer(tmp_path, keyring_store) -> None:
    home = tmp_path / "home"
    words = [f"word{i} " for i in range(200)]
    script = ChatScript(stream_of(words), pause=0.05)
    with LoopbackServer(script) as server:
        add_profile(home, server.url)
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop_client", "chat", "-p", "p", "tell a long story"],
            env=keyhold_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert proc.stdout is not None
            seen = b""
            deadline = time.monotonic() + 20
            while b"word20 " not in seen and time.monotonic() < deadline:
                seen += os.read(proc.stdout.fileno(), 4096)
            time.sleep(1.2)  # at least one flush interval after word20 arrived
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            proc.stdout.close()
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    db = sqlite3.connect(home / "keyhold.db")
    message_id, stored, status = db.execute(
        "SELECT id, content, status FROM messages WHERE role = 'assistant'"
    ).fetchone()
    # While it streams, an answer is kept as chunks of its own, folded in when it ends.
    chunks = db.execute("SELECT content FROM message_chunks WHERE message_id = ? ORDER BY id", (message_id,))
    content = stored + "".join(row[0] for row in chunks)
    db.close()
    assert status == "streaming" and stored == ""
    assert content.startswith("word0 word1 ") and "word20 " in content
    assert len(content) < len("".join(words))
    # the next start (any command) marks it interrupted and keeps every word
    exported = run_cli(
        home,
        "history",
        "export",
        json.loads(run_cli(home, "history", "list", "--json").stdout)[0]["id"],
        "--format",
        "json",
    )
    message = json.loads(exported.stdout)["messages"][1]
    assert message["status"] == "interrupted" and message["content"] == content


def test_history_delete_hides_a_conversation_the_app_would_open(tmp_path, keyring_store, chat_server) -> None:
    server, _ = chat_server
    home = tmp_path / "home"
    add_profile(home, server.url)
    assert run_cli(home, "chat", "-p", "p", "Say hello").returncode == 0
    assert run_cli(home, "chat", "-p", "p", "Keep this one").returncode == 0
    listing = json.loads(run_cli(home, "history", "list", "--json").stdout)
    doomed = next(c["id"] for c in listing if c["title"] == "Say hello")

    deleted = run_cli(home, "history", "delete", doomed[:8])
    assert deleted.returncode == 0, deleted.stderr
    assert deleted.stdout == f'deleted conversation {doomed[:12]} "Say hello" (hidden now, purged after 7 days)\n'
    assert [c["title"] for c in json.loads(run_cli(home, "history", "list", "--json").stdout)] == ["Keep this one"]
    assert "Say hello" not in run_cli(home, "history", "search", "hello").stdout
    # The same soft delete as the app's: the rows stay until the purge.
    db = sqlite3.connect(home / "keyhold.db")
    (deleted_at,) = db.execute("SELECT deleted_at FROM conversations WHERE id = ?", (doomed,)).fetchone()
    db.close()
    assert deleted_at is not None

    for missing in (doomed, doomed[:12], "abcdef0123"):
        again = run_cli(home, "history", "delete", missing)
        assert again.returncode == 2
        assert again.stderr.startswith("keyhold: error: No conversation with id")
        assert again.stderr.count("\n") == 1


def readme_lines(start: str) -> list[str]:
    """The README's Command line examples that begin with ``start``, comments cut off."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Command line", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.startswith(start)]


def test_the_readmes_chat_examples_run_as_written(tmp_path, keyring_store) -> None:
    """`profile edit` and the piped `chat … -p work --system … -` from the README, through a shell,
    against a server that lists an embedding model first: the first chat model answers."""
    from tests.fakes.openai_fake import FakeOpenAI
    from tests.fakes.openai_streams import OPENAI_ANSWER

    key = "sk-readme-000000000001"
    home = tmp_path / "home"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "keyhold"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m desktop_client "$@"\n')
    shim.chmod(0o755)
    env = keyhold_env(home, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    [piped] = readme_lines('echo "long prompt')
    [edit] = readme_lines("keyhold profile edit")
    with FakeOpenAI(key, models=["text-embedding-3-small", "gpt-4o-mini"]) as fake:
        assert add_openai_profile(home, "work", fake.url, key).returncode == 0
        first = subprocess.run(["bash", "-c", piped], capture_output=True, text=True, timeout=60, env=env)
        assert first.returncode == 0, first.stderr
        assert first.stdout == OPENAI_ANSWER + "\n"
        sent = fake.chat_requests[0].json()
        assert sent["model"] == "gpt-4o-mini"  # the first chat model the server lists
        assert sent["messages"][0] == {"role": "system", "content": "Be brief"}
        assert sent["messages"][1]["content"] == "long prompt from a file\n"
        edited = subprocess.run(["bash", "-c", edit], capture_output=True, text=True, timeout=60, env=env)
        assert edited.returncode == 0, edited.stderr
        again = subprocess.run(["bash", "-c", piped], capture_output=True, text=True, timeout=60, env=env)
        assert again.returncode == 0, again.stderr
        assert fake.chat_requests[1].json()["model"] == "gpt-4o"  # the profile's default now


def test_chat_without_a_model_names_what_the_server_offers(tmp_path, keyring_store) -> None:
    from tests.fakes.openai_fake import FakeOpenAI

    key = "sk-nomodel-00000000001"
    home = tmp_path / "home"
    offered = [f"text-embedding-{n}" for n in range(10)]
    with FakeOpenAI(key, models=offered) as fake:
        assert add_openai_profile(home, "p", fake.url, key).returncode == 0
        result = run_cli(home, "chat", "-p", "p", "hi")
        assert fake.chat_requests == []
        empty = FakeOpenAI(key, models=[])
        with empty:
            assert add_openai_profile(home, "none", empty.url, key).returncode == 0
            nothing = run_cli(home, "chat", "-p", "none", "hi")
    assert result.returncode == 2, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert "pass -m MODEL (this server offers: " in line
    assert ", ".join(sorted(offered)[:8]) + "…)" in line and sorted(offered)[8] not in line
    assert nothing.returncode == 2 and "pass -m MODEL (this server lists none)" in nothing.stderr
    with_model = run_cli(home, "history", "list", "--json")
    assert with_model.returncode == 0


def test_history_list_shows_and_filters_by_folder(tmp_path, keyring_store, chat_server) -> None:
    server, _ = chat_server
    home = tmp_path / "home"
    add_profile(home, server.url)
    assert run_cli(home, "chat", "-p", "p", "Filed away").returncode == 0
    assert run_cli(home, "chat", "-p", "p", "Loose one").returncode == 0
    db = sqlite3.connect(home / "keyhold.db")
    db.execute("INSERT INTO folders (id, name, created) VALUES ('f1', 'Work', 1)")
    db.execute("UPDATE conversations SET folder_id = 'f1' WHERE title = 'Filed away'")
    db.commit()
    db.close()
    listing = json.loads(run_cli(home, "history", "list", "--json").stdout)
    assert {c["title"]: c["folder"] for c in listing} == {"Filed away": "Work", "Loose one": None}
    filed = run_cli(home, "history", "list", "--folder", "work")
    assert filed.returncode == 0, filed.stderr
    assert filed.stdout.count("\n") == 1 and filed.stdout.rstrip().endswith("Filed away  [Work]")
    missing = run_cli(home, "history", "list", "--folder", "Nowhere")
    assert missing.returncode != 0 and "Nowhere" in missing.stderr and "Traceback" not in missing.stderr


def test_without_p_the_default_profile_answers(tmp_path, keyring_store, chat_server) -> None:
    server, script = chat_server
    home = tmp_path / "home"
    wrong = add_openai_profile(home, "first", server.url, "sk-wrong-key-00000001", "--model", "m")
    assert wrong.returncode == 0, wrong.stderr
    add_profile(home, server.url)  # "p", with the right key
    assert run_cli(home, "chat", "hi").returncode == 3  # the first of its kind: the wrong key
    chosen = run_cli(home, "profile", "default", "p")
    assert chosen.returncode == 0 and "default openai profile" in chosen.stdout
    listed = {row["name"]: row["default"] for row in json.loads(run_cli(home, "profile", "list", "--json").stdout)}
    assert listed == {"first": False, "p": True}
    result = run_cli(home, "chat", "Say hello")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello from the model\n"
