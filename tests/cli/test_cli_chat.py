"""`keyhold chat` and `keyhold history` as separate processes, SIGKILL included."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

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
