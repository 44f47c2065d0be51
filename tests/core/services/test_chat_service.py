"""The chat service end to end over a loopback server: storage while streaming, stop,
regenerate, edit, continue, errors that keep the partial answer, attachments."""

import asyncio
import base64

import pytest

from desktop_client.core.context import build_core
from desktop_client.core.errors import ErrorKind
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Status
from tests.core.sse_helpers import ChatScript, chunk, stream_of
from tests.fakes.server import LoopbackServer

pytestmark = pytest.mark.asyncio
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


class Recorder:
    def __init__(self) -> None:
        self.started = []
        self.deltas: list[str] = []
        self.finished = []
        self.retries = []

    def on_started(self, user, assistant) -> None:
        self.started.append((user, assistant))

    def on_delta(self, message_id, content, reasoning) -> None:
        self.deltas.append(content)

    def on_retry(self, notice) -> None:
        self.retries.append(notice)

    def on_finished(self, message) -> None:
        self.finished.append(message)


@pytest.fixture
def setup(home):
    def make(*bodies, pause=0.0):
        script = ChatScript(*bodies, pause=pause)
        server = LoopbackServer(script).start()
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _ = core.profiles.add(
            "p", ProfileKind.OPENAI, server.url, "sk-service-000000001", default_model="m"
        )
        conv = core.chat.store.create_conversation(profile_id=record.id, model="m", system_prompt="be brief")
        made.append((server, core))
        return core, conv, script

    made = []
    yield make
    for server, core in made:
        server.stop()
        if core.is_open:
            core.database.close()


async def until_stored(core, conv, text: str) -> None:
    """Waits until the answer in the database contains ``text`` (it is written while it streams)."""
    for _ in range(200):
        await asyncio.sleep(0.02)
        path = core.chat.store.path(conv.id)
        if len(path) == 2 and text in path[1].content:
            return


async def close(core) -> None:
    """Closes the HTTP clients; the database stays open for the assertions."""
    await core.connections.aclose()


async def test_send_stores_question_answer_usage_and_title(setup) -> None:
    core, conv, script = setup(stream_of(["Hello", " there"], reasoning="hmm"))
    recorder = Recorder()
    outcome = await core.chat.send(conv.id, "Say hi please", observer=recorder)
    await close(core)
    assert outcome.error is None
    message = outcome.message
    assert (message.content, message.reasoning, message.status) == ("Hello there", "hmm", Status.COMPLETE)
    assert (message.prompt_tokens, message.completion_tokens, message.finish_reason) == (7, 2, "stop")
    assert recorder.deltas == ["", "Hello", " there"]
    body = script.requests[0]
    assert body["messages"] == [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "Say hi please"},
    ]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True} and body["model"] == "m"
    assert core.chat.store.conversation(conv.id).title == "Say hi please"


async def test_answer_is_written_while_it_streams(setup) -> None:
    core, conv, script = setup(stream_of([f"w{i} " for i in range(6)]))
    script.hold_after = 4
    task = asyncio.ensure_future(core.chat.send(conv.id, "go"))
    for _ in range(200):
        await asyncio.sleep(0.02)
        path = core.chat.store.path(conv.id)
        if len(path) == 2 and path[1].content:
            break
    partial = core.chat.store.path(conv.id)[1]
    assert partial.status is Status.STREAMING and partial.content.startswith("w0 w1 w2")
    script.release.set()
    outcome = await task
    await close(core)
    assert outcome.message.content == "w0 w1 w2 w3 w4 w5 "


async def test_stop_keeps_the_partial_answer(setup) -> None:
    core, conv, script = setup(stream_of(["one ", "two ", "three"]))
    script.hold_after = 2  # "one ", "two " go out, then the server waits
    task = asyncio.ensure_future(core.chat.send(conv.id, "count"))
    await until_stored(core, conv, "two")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    script.release.set()
    await close(core)
    answer = core.chat.store.path(conv.id)[1]
    assert answer.status is Status.STOPPED and answer.content == "one two "


async def test_regenerate_and_edit_make_siblings(setup) -> None:
    core, conv, script = setup(stream_of(["first"]), stream_of(["second"]), stream_of(["third"]))
    first = (await core.chat.send(conv.id, "q")).message
    second = (await core.chat.regenerate(first.id)).message
    assert [m.id for m in core.chat.store.siblings(second)] == [first.id, second.id]
    user = core.chat.store.message(first.parent_id)
    third = (await core.chat.edit(user.id, "q, edited")).message
    await close(core)
    assert [m.content for m in core.chat.store.path(conv.id)] == ["q, edited", "third"]
    assert script.requests[2]["messages"][-1] == {"role": "user", "content": "q, edited"}
    assert third.parent_id != first.parent_id


async def test_mid_stream_error_keeps_partial_and_marks_failed(setup) -> None:
    broken = chunk("Partial") + b'data: {"error":{"message":"Provider disconnected"}}\n\n'
    core, conv, _ = setup(broken)
    outcome = await core.chat.send(conv.id, "q")
    await close(core)
    assert outcome.message.content == "Partial"
    assert outcome.message.status is Status.FAILED
    assert "Provider disconnected" in outcome.message.error
    assert outcome.error is not None and outcome.error.kind is ErrorKind.SERVER


async def test_continue_appends_to_the_same_message(setup) -> None:
    core, conv, script = setup(
        chunk("The start") + chunk(finish="length") + b"data: [DONE]\n\n", stream_of([" and the end."])
    )
    first = (await core.chat.send(conv.id, "long story")).message
    assert first.finish_reason == "length"
    continued = (await core.chat.continue_answer(first.id)).message
    await close(core)
    assert continued.id == first.id
    assert continued.content == "The start and the end."
    sent = script.requests[1]["messages"]
    assert sent[-2] == {"role": "assistant", "content": "The start"}
    assert sent[-1]["role"] == "user" and "Continue" in sent[-1]["content"]


async def test_images_are_sent_as_data_urls(setup) -> None:
    core, conv, script = setup(stream_of(["a red pixel"]))
    name = await core.chat.save_attachment(PNG, "pixel.png")
    await core.chat.send(conv.id, "what is this?", [name])
    await close(core)
    content = script.requests[0]["messages"][-1]["content"]
    assert content[0] == {"type": "text", "text": "what is this?"}
    assert content[1]["image_url"]["url"].startswith("data:image/png;base64,iVBORw0KGgo")
    with pytest.raises(Exception, match="not a PNG"):
        await core.chat.save_attachment(b"not an image", "x.txt")


async def test_images_in_answers_are_saved(setup) -> None:
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    core, conv, _ = setup(stream_of([f"Here: ![pixel]({data_url})"]))
    outcome = await core.chat.send(conv.id, "draw")
    (shown,) = core.gallery.store.items()  # in the gallery too, under the question that asked for it
    await close(core)
    assert len(outcome.message.attachments) == 1
    assert core.chat.attachment_path(outcome.message.attachments[0]).read_bytes() == PNG
    assert (shown.source, shown.prompt, shown.model) == ("chat", "draw", outcome.message.model)
    assert core.gallery.absolute(shown) == core.chat.attachment_path(outcome.message.attachments[0])


def routed(script: ChatScript, models: list[str]):
    """The chat script for chat completions; ``models`` for ``GET /v1/models``."""

    def handle(request, conn) -> None:
        if request.method == "GET" and request.path.endswith("/models"):
            conn.send_json(200, {"object": "list", "data": [{"id": m} for m in models]})
        else:
            script(request, conn)

    return handle


async def test_missing_model_fails_clearly_without_a_request(home) -> None:
    script = ChatScript(stream_of(["never"]))
    with LoopbackServer(routed(script, ["text-embedding-3-small", "whisper-1"])) as server:
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _ = core.profiles.add("p", ProfileKind.OPENAI, server.url, "sk-service-000000001")
        conv = core.chat.store.create_conversation(profile_id=record.id)
        outcome = await core.chat.send(conv.id, "q")
        await close(core)
    assert outcome.message.status is Status.FAILED and "Pick a model" in outcome.message.error
    assert outcome.error is not None and outcome.error.kind is ErrorKind.BAD_INPUT
    assert script.requests == []
    core.database.close()


async def test_without_a_model_the_first_chat_model_is_used_and_kept(home) -> None:
    script = ChatScript(stream_of(["hi"]))
    with LoopbackServer(routed(script, ["text-embedding-3-small", "my-model", "gpt-4o-mini"])) as server:
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _ = core.profiles.add("p", ProfileKind.OPENAI, server.url, "sk-service-000000001")
        conv = core.chat.store.create_conversation(profile_id=record.id)
        outcome = await core.chat.send(conv.id, "q")
        core.profiles.update("p", default_model="my-model")  # the profile's default comes first
        second = core.chat.store.create_conversation(profile_id=record.id)
        assert await core.chat.model_for(second) == "my-model"
        await close(core)
    assert outcome.error is None and outcome.message.status is Status.COMPLETE
    assert script.requests[0]["model"] == "gpt-4o-mini"
    assert core.chat.store.conversation(conv.id).model == "gpt-4o-mini"
    core.database.close()


async def test_models_are_cached(setup, home) -> None:
    core, _, _ = setup(stream_of(["x"]))
    server = LoopbackServer(lambda r, c: c.send_json(200, {"object": "list", "data": [{"id": "b"}, {"id": "a"}]}))
    with server:
        profile_id = core.profiles.add("m", ProfileKind.OPENAI, server.url, "sk-models-0000001")[0].id
        assert await core.chat.models(profile_id) == ["a", "b"]
    assert await core.chat.models(profile_id) == ["a", "b"]  # served from the cache, server gone
    await close(core)


async def test_stop_twice_still_saves_the_answer(setup) -> None:
    core, conv, script = setup(stream_of(["one ", "two ", "three"]))
    script.hold_after = 2
    task = asyncio.ensure_future(core.chat.send(conv.id, "count"))
    await until_stored(core, conv, "two")
    task.cancel()
    await asyncio.sleep(0)
    task.cancel()  # a double click on Stop, or Ctrl-C twice
    with pytest.raises(asyncio.CancelledError):
        await task
    script.release.set()
    await close(core)
    answer = core.chat.store.path(conv.id)[1]
    assert answer.status is Status.STOPPED and answer.content == "one two "


async def test_a_failing_write_keeps_the_text_for_the_next_one(setup, monkeypatch) -> None:
    core, conv, _ = setup(stream_of(["alpha ", "beta ", "gamma"]), pause=0.3)
    store = core.chat.store
    real_append = store.append
    failures = {"left": 1}

    def flaky_append(message_id, content="", reasoning=""):
        if content and failures["left"]:
            failures["left"] -= 1
            raise __import__("sqlite3").OperationalError("database is locked")
        real_append(message_id, content, reasoning)

    monkeypatch.setattr(store, "append", flaky_append)
    outcome = await core.chat.send(conv.id, "q")
    await close(core)
    assert failures["left"] == 0
    assert outcome.message.content == "alpha beta gamma"
    assert outcome.message.status is Status.COMPLETE


async def test_images_from_other_hosts_are_not_fetched(setup) -> None:
    core, conv, _ = setup(stream_of(["look ![x](http://127.0.0.2:9/track?conversation=secret)"]))
    outcome = await core.chat.send(conv.id, "q")
    await close(core)
    assert outcome.message.attachments == ()


async def test_a_failed_answer_keeps_the_servers_words_as_data(setup) -> None:
    broken = chunk("Partial") + b'data: {"error":{"message":"Provider disconnected"}}\n\n'
    core, conv, _ = setup(broken)
    outcome = await core.chat.send(conv.id, "q")
    await close(core)
    assert outcome.error is not None and outcome.error.detail == "Provider disconnected"
    stored = core.chat.store.message(outcome.message.id)
    assert (stored.error_kind, stored.error_detail) == (outcome.error.kind.value, "Provider disconnected")
    assert stored.error == str(outcome.error)
