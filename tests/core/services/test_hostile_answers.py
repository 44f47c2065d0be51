"""The server's address and the key never reach a file through an answer: a model that echoes
the key (split across deltas), links images on the relay's own host, or a 403 page that
echoes the base URL's path; Midjourney images on the server's host at another port."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from desktop_client.core.context import build_core
from desktop_client.core.errors import ErrorKind
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.services.export import to_json, to_markdown
from desktop_client.core.services.mj_images import absolute_url, portable_url
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Status
from tests.core.sse_helpers import chunk
from tests.fakes.server import Conn, LoopbackServer, Request

pytestmark = pytest.mark.asyncio
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def every_file(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in root.rglob("*") if p.is_file())


async def test_an_answer_echoing_the_key_and_the_relays_address_is_stored_without_them(home, canary_key) -> None:
    deltas: list[str] = []

    def handle(request: Request, conn: Conn) -> None:
        if request.path.startswith("/files/"):
            conn.send_response(200, PNG, {"Content-Type": "image/png"})
            return
        base = f"http://127.0.0.1:{server.port}"
        pieces = [
            "Your key is ",
            canary_key[:9],
            canary_key[9:20],
            canary_key[20:] + ". ",
            f"The relay at {base[:12]}",
            f"{base[12:]}/tok-7f3a9e2b4c/v1 answered. ",
            f"![cat]({base}/files/cat.png) done",
        ]
        body = b"".join(chunk(p) for p in pieces) + chunk(finish="stop") + b"data: [DONE]\n\n"
        conn.send_response(200, body, {"Content-Type": "text/event-stream"})

    with LoopbackServer(handle) as server:
        base_url = f"{server.url}/tok-7f3a9e2b4c/v1"
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _ = core.profiles.add("relay", ProfileKind.OPENAI, base_url, canary_key, default_model="m")
        conversation = core.chat.store.create_conversation(profile_id=record.id, model="m")

        class Observer:
            def on_started(self, user, assistant) -> None: ...
            def on_delta(self, message_id, content, reasoning) -> None:
                deltas.append(content)

            def on_retry(self, notice) -> None: ...
            def on_finished(self, message) -> None: ...

        outcome = await core.chat.send(conversation.id, "say everything", observer=Observer())
        await core.connections.aclose()
    message = outcome.message
    assert outcome.error is None and message.status is Status.COMPLETE
    assert canary_key not in message.content and "<key:relay>" in message.content
    # A link on the relay's own host keeps its path, as Midjourney's do, and was still fetched.
    assert "![cat](server:/files/cat.png)" in message.content
    assert len(message.attachments) == 1
    assert f"127.0.0.1:{server.port}" not in message.content and "tok-7f3a9e2b4c" not in message.content
    # What was shown while streaming is what was stored.
    assert "".join(deltas) == message.content
    stored = core.chat.store.path(conversation.id)
    exports = to_markdown(conversation, stored, "relay") + to_json(conversation, stored, "relay")
    for text in (exports, every_file(home.root).decode("utf-8", "replace")):
        assert canary_key not in text
        assert f"127.0.0.1:{server.port}" not in text
        assert "tok-7f3a9e2b4c" not in text
    core.chat.store.db.close()


async def test_a_403_page_echoing_the_base_urls_path_does_not_carry_it_into_the_error(home) -> None:
    def forbidden(request: Request, conn: Conn) -> None:
        # A gateway's plain-text refusal naming the path it refused (the error keeps its text).
        conn.send_response(403, f"Denied: {request.path}".encode(), {"Content-Type": "text/plain"})

    with LoopbackServer(forbidden) as server:
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        base = f"{server.url}/u/secret-tenant-42/v1"
        record, _ = core.profiles.add(
            "relay", ProfileKind.OPENAI, base, "sk-forbidden-0000000001", default_model="m"
        )
        conversation = core.chat.store.create_conversation(profile_id=record.id, model="m")
        outcome = await core.chat.send(conversation.id, "hi")
        await core.connections.aclose()
    assert outcome.error is not None and outcome.error.kind is ErrorKind.FORBIDDEN
    stored = core.chat.store.path(conversation.id)[-1]
    for text in (outcome.error.one_line(), stored.error, every_file(home.root).decode("utf-8", "replace")):
        assert "secret-tenant-42" not in text
    core.chat.store.db.close()


async def test_a_midjourney_image_on_the_servers_host_at_another_port_keeps_no_address(home) -> None:
    def image(request: Request, conn: Conn) -> None:
        conn.send_response(200, PNG, {"Content-Type": "image/png"})

    with LoopbackServer(image) as cdn:

        def mj(request: Request, conn: Conn) -> None:
            if request.path == "/mj/submit/imagine":
                conn.send_json(200, {"code": 1, "description": "ok", "result": "1700000000000001"})
            elif request.path == "/mj/task/list-by-condition":
                echo = f"{server.url.upper()} mj-secret-0000000001"
                task = {
                    "id": "1700000000000001",
                    "status": "SUCCESS",
                    "imageUrl": f"{cdn.url}/att/grid.png",
                    "description": f"done at {echo}",
                    "failReason": echo,
                    "properties": {"finalPrompt": f"a fox {echo}"},
                    "buttons": [{"customId": "MJ::JOB::upsample::1", "label": f"U1 {echo}"}],
                }
                conn.send_json(200, [task])
            else:
                conn.send_json(404, {"code": 3, "description": "none"})

        with LoopbackServer(mj) as server:
            core = build_core(home, secrets=MemorySecretStore()).open_blocking()
            record, _ = core.profiles.add("mj", ProfileKind.MIDJOURNEY, server.url, "mj-secret-0000000001")
            await core.midjourney.imagine(record.id, "a fox")
            await core.midjourney.poller().poll_once(record.id)
            task = core.midjourney.store.get(record.id, "1700000000000001")
            await core.connections.aclose()
    assert task.image_path and task.image_url == f"server+http:{cdn.port}:/att/grid.png"
    assert absolute_url(task.image_url, server.url) == f"{cdn.url}/att/grid.png"
    sidecar = json.loads(Path(task.image_path).with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["image_host"] is None
    data = every_file(home.root)
    assert f"127.0.0.1:{cdn.port}".encode() not in data and f"127.0.0.1:{server.port}".encode() not in data
    assert b"mj-secret-0000000001" not in data and task.final_prompt == "a fox server: <key:mj>"
    core.chat.store.db.close()


async def test_portable_urls_round_trip_and_leave_other_hosts_alone() -> None:
    base = "https://relay.example.com/mj-relax"
    for url, stored in [
        ("https://relay.example.com/img/1.png?x=1", "server:/img/1.png?x=1"),
        ("http://relay.example.com:8080/img/1.png", "server+http:8080:/img/1.png"),
        ("https://RELAY.example.com:8443/a", "server+https:8443:/a"),
        ("https://cdn.discordapp.com/att/1.png", "https://cdn.discordapp.com/att/1.png"),
    ]:
        assert portable_url(url, base) == stored
        assert absolute_url(stored, base).lower() == url.lower()


async def test_capitals_model_names_finish_reasons_and_lone_surrogates_change_nothing(home, canary_key) -> None:
    def handle(request: Request, conn: Conn) -> None:
        base = f"HTTP://127.0.0.1:{server.port}/TOK-7F3A9E2B4C"
        events = [
            b'data: {"choices":[{"delta":{"content":"A \\ud800 b "}}]}\n\n',
            chunk(f"{canary_key.upper()} at {base.lower()}/v1 "),
            b'data: {"model":"m via ' + base.encode() + b'","choices":[{"delta":{"content":"."}}]}\n\n',
            b'data: {"choices":[{"delta":{},"finish_reason":"stop:tok-7f3a9e2b4c"}]}\n\n',
            b"data: [DONE]\n\n",
        ]
        conn.send_response(200, b"".join(events), {"Content-Type": "text/event-stream"})

    with LoopbackServer(handle) as server:
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        base_url = f"{server.url}/tok-7f3a9e2b4c/v1"
        record, _ = core.profiles.add("relay", ProfileKind.OPENAI, base_url, canary_key, default_model="m")
        conversation = core.chat.store.create_conversation(profile_id=record.id, model="m")
        outcome = await core.chat.send(conversation.id, "go")
        await core.connections.aclose()
    message = core.chat.store.path(conversation.id)[-1]
    assert outcome.error is None and message.status is Status.COMPLETE
    assert message.content.startswith("A \ufffd b ")  # a lone surrogate could not even be stored
    data = every_file(home.root).decode("utf-8", "replace").casefold()
    for secret in (canary_key, f"127.0.0.1:{server.port}", "tok-7f3a9e2b4c"):
        assert secret.casefold() not in data
    assert "<base-url:relay>" in message.model and "<base-url:relay>" in message.finish_reason
    core.chat.store.db.close()
