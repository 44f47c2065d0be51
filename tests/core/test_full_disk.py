"""A full disk never loses text silently: on a real (small, full) file system the streamed
answer is marked failed with the reason and returned whole from memory, the CLI exits 6
for chat and images, and logging says once that it cannot write instead of a traceback a line."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time

import pytest

from desktop_client.core.context import build_core
from desktop_client.core.errors import ErrorKind
from desktop_client.core.paths import DataHome
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Status
from tests.core.sse_helpers import ChatScript, stream_of
from tests.fakes.images_fake import FakeImages
from tests.fakes.server import LoopbackServer
from tests.fullfs import fill, small_disk
from tests.procs import add_openai_profile, keyhold_env, run_cli

pytestmark = pytest.mark.asyncio
WORDS = [f"word{i:03d}-" + "x" * 1000 + " " for i in range(300)]  # 300 KB: more than any slack


async def test_the_answer_that_cannot_be_saved_is_failed_and_kept_whole(tmp_path, capfd) -> None:
    script = ChatScript(stream_of(WORDS))
    script.hold_after = 3
    with small_disk(tmp_path / "disk") as disk, LoopbackServer(script) as server:
        home = DataHome(disk / "home").ensure()
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _ = core.profiles.add(
            "p", ProfileKind.OPENAI, server.url, "sk-full-disk-000000001", default_model="m"
        )
        conversation = core.chat.store.create_conversation(profile_id=record.id, model="m")
        finished = []

        class Observer:
            def on_started(self, user, assistant) -> None: ...
            def on_delta(self, message_id, content, reasoning) -> None: ...
            def on_retry(self, notice) -> None: ...
            def on_finished(self, message) -> None:
                finished.append(message)

        task = asyncio.ensure_future(core.chat.send(conversation.id, "a long story", observer=Observer()))
        for _ in range(200):  # until the first words are on disk
            await asyncio.sleep(0.05)
            if "word000" in core.chat.store.path(conversation.id)[-1].content:
                break
        # No WAL slack left to write into, then not a byte free.
        core.chat.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        fill(disk)
        script.release.set()
        outcome = await asyncio.wait_for(task, 60)
        await core.connections.aclose()
        message = outcome.message
        assert outcome.error is not None and outcome.error.kind is ErrorKind.DISK_FULL
        assert "disk is full" in outcome.error.message
        assert message.status is Status.FAILED and message.error_kind == "disk_full"
        assert message.content == "".join(WORDS)  # every word, from memory
        assert finished[-1] == message
        # On disk the answer keeps what fit, never marked complete (the next start marks it
        # interrupted: see the CLI test, which really is a next start).
        os.remove(disk / "filler")
        stored = core.chat.store.path(conversation.id)[-1]
        assert stored.status is Status.STREAMING
        assert stored.content and "".join(WORDS).startswith(stored.content)
        assert len(stored.content) < len(message.content)
        core.chat.store.db.close()
    captured = capfd.readouterr()
    assert "Logging error" not in captured.err and "Traceback" not in captured.err
    assert captured.err.count("the log file cannot be written") <= 1


@pytest.mark.keyring
async def test_keyhold_chat_exits_6_with_the_whole_answer_on_stdout(tmp_path, keyring_store) -> None:
    script = ChatScript(stream_of(WORDS))
    script.hold_after = 3
    with small_disk(tmp_path / "disk") as disk, LoopbackServer(script) as server:
        home = disk / "home"
        added = add_openai_profile(home, "p", server.url, "sk-full-disk-cli-0001", "--model", "m")
        assert added.returncode == 0, added.stderr
        proc = subprocess.Popen(
            [sys.executable, "-m", "desktop_client", "chat", "-p", "p", "a long story"],
            env=keyhold_env(home),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            seen = b""
            deadline = time.monotonic() + 30
            while b"word002" not in seen and time.monotonic() < deadline:
                seen += os.read(proc.stdout.fileno(), 65536)
            time.sleep(0.7)  # the first words reach the disk
            fill(disk)
            script.release.set()
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 6, err.decode()
        assert (seen + out).decode() == "".join(WORDS) + "\n"
        lines = [line for line in err.decode().splitlines() if line.startswith("keyhold: error")]
        assert len(lines) == 1 and "disk is full" in lines[0]
        assert b"Traceback" not in err and b"Logging error" not in err
        # With space again, the next start marks the answer interrupted and keeps what fit.
        os.remove(disk / "filler")
        conversation = json.loads(run_cli(home, "history", "list", "--json").stdout)[0]["id"]
        exported = run_cli(home, "history", "export", conversation, "--format", "json")
        answer = json.loads(exported.stdout)["messages"][1]
    assert answer["status"] == "interrupted"
    assert answer["content"] and "".join(WORDS).startswith(answer["content"])


@pytest.mark.keyring
async def test_keyhold_image_exits_6_when_no_image_could_be_saved(tmp_path, keyring_store) -> None:
    key = "sk-full-disk-images-01"
    with small_disk(tmp_path / "disk") as disk, FakeImages(key, image_bytes=1_500_000) as fake:
        home = disk / "home"
        added = add_openai_profile(home, "p", fake.url, key)
        assert added.returncode == 0, added.stderr
        # The gallery index and folders exist first; then the disk fills, leaving room for the
        # database to open but not for the image.
        assert run_cli(home, "gallery", "list").returncode == 0
        fill(disk, leave=400 * 1024)
        result = run_cli(home, "image", "-p", "p", "-m", "dall-e-3", "a fox")
    assert result.returncode == 6, result.stderr
    assert "could not be written" in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
