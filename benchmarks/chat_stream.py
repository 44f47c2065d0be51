"""A 50,000-token answer streamed from loopback at full speed.

Prints, all measured in this run:
1. the chat client's throughput beside a bare httpx line reader on the same stream (ratio);
2. the longest event-loop stall in the GUI while the whole app path (ChatPage → service →
   client → storage → rendering) shows the stream;
3. the time to render 10k and 50k tokens into a message widget (it must grow linearly).

Run: python benchmarks/chat_stream.py   (QT_QPA_PLATFORM defaults to offscreen)
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from desktop_client.core.api.chat import ChatClient, collect
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.profiles import ProfileSecrets, ResolvedProfile
from desktop_client.core.secrets import SecretStr
from desktop_client.core.settings import ProfileKind, ProfileRecord
from tests.fakes.server import Conn, LoopbackServer, Request

TOKENS = 50_000


def token_stream(count: int) -> list[str]:
    """Realistic Markdown pieces: prose, lists, code fences, a table now and then."""
    pieces: list[str] = []
    words = "the stream keeps arriving while the window stays responsive and nothing is lost".split()
    index = 0
    while len(pieces) < count:
        section = index % 5
        if section == 3:
            pieces += ["\n\n```python\n"] + [f"value_{i} = compute({i})\n" for i in range(12)] + ["```\n\n"]
        elif section == 4:
            pieces += ["\n\n| key | value |\n|---|---|\n"] + [f"| k{i} | {i * i} |\n" for i in range(6)] + ["\n"]
        else:
            pieces += [f" {words[(index + j) % len(words)]}" for j in range(60)] + [
                "\n\n- item one\n- item two\n\n"
            ]
        index += 1
    return pieces[:count]


def sse_body(pieces: list[str]) -> bytes:
    lines = [
        b"data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": p}}]}).encode() + b"\n\n"
        for p in pieces
    ]
    lines.append(b'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n')
    lines.append(b"data: [DONE]\n\n")
    return b"".join(lines)


def serve(body: bytes) -> LoopbackServer:
    def handle(request: Request, conn: Conn) -> None:
        if not request.path.endswith("/chat/completions"):
            conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})
            return
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        view = memoryview(body)
        for start in range(0, len(body), 16384):
            conn.send_chunk(bytes(view[start : start + 16384]))
        conn.end_chunked()

    return LoopbackServer(handle).start()


def profile(url: str) -> ResolvedProfile:
    record = ProfileRecord(id="bench", name="bench", kind=ProfileKind.OPENAI)
    return ResolvedProfile(record, ProfileSecrets(SecretStr(url), SecretStr("sk-bench-000000000001")))


async def client_throughput(url: str, expected: str, rounds: int = 3) -> tuple[float, float, float]:
    """Best of ``rounds`` for each reader, interleaved, over one kept-alive connection."""
    http = SecureHttp(profile(url))
    ours = bare = parsing = float("inf")
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            answer, *_ = await collect(ChatClient(http).stream("m", [{"role": "user", "content": "go"}]))
            ours = min(ours, time.perf_counter() - started)
            assert answer == expected, "the client lost text"
            started = time.perf_counter()
            async with http.client.stream("POST", f"{url}/v1/chat/completions", json={}) as response:
                async for _line in response.aiter_lines():
                    pass
            bare = min(bare, time.perf_counter() - started)
            started = time.perf_counter()
            async with http.client.stream("POST", f"{url}/v1/chat/completions", json={}) as response:
                async for line in response.aiter_lines():
                    if line.startswith("data: {"):
                        json.loads(line[6:])
            parsing = min(parsing, time.perf_counter() - started)
    finally:
        await http.aclose()
    return ours, bare, parsing


def gui_measurements(url: str, pieces: list[str]) -> None:
    import qasync
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_client.app import build_window, install_asyncgen_hooks
    from desktop_client.core.context import build_core
    from desktop_client.core.paths import DataHome
    from desktop_client.core.secrets import MemorySecretStore
    from desktop_client.core.storage.chats import Message, Status
    from desktop_client.ui.chat.message_widget import MessageWidget

    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    install_asyncgen_hooks(loop)
    home = DataHome(Path(tempfile.mkdtemp(prefix="keyhold-bench-"))).ensure()
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    core.profiles.add("bench", ProfileKind.OPENAI, url, "sk-bench-000000000001", default_model="m")
    window, _translations, _hook = build_window(core)
    window.resize(1100, 800)
    window.show()
    page = window.chat_page

    gaps: list[float] = []
    busy: list[float] = []  # the GUI thread's CPU time in each gap: on a shared machine a gap
    last = [time.perf_counter(), time.thread_time()]  # can also be time the thread was not given

    def tick() -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        gaps.append(now - last[0])
        busy.append(cpu - last[1])
        last[0], last[1] = now, cpu

    async def stream_through_app() -> float:
        await page.load()
        page.refresh_profiles()
        page.composer.edit.setPlainText("a very long answer, please")
        timer = QTimer()
        timer.setInterval(5)
        timer.timeout.connect(tick)
        last[0], last[1] = time.perf_counter(), time.thread_time()
        timer.start()
        started = time.perf_counter()
        await page.send()
        while page.tasks:
            await asyncio.sleep(0.01)
        # Until the display has caught up too, not just the network and the database.
        while any(w.streaming for w in page.view.widgets.values()):
            await asyncio.sleep(0.01)
        elapsed = time.perf_counter() - started
        timer.stop()
        return elapsed

    elapsed = loop.run_until_complete(stream_through_app())
    if os.environ.get("BENCH_QUINTILES"):
        n = len(gaps) // 5 or 1
        print(
            "max stall per fifth of the stream (ms):",
            [round(max(gaps[i * n : (i + 1) * n]) * 1000) for i in range(5)],
        )
        worst = max(range(len(gaps)), key=gaps.__getitem__)
        print(f"worst stall at tick {worst} of {len(gaps)}: {gaps[worst] * 1000:.0f} ms")
    stored = core.chat.store.path(page.conversation.id)[-1].content if page.conversation else ""
    print(
        f"GUI, whole app path: {len(pieces)} tokens in {elapsed:.2f} s; "
        f"longest event-loop stall {max(gaps) * 1000:.0f} ms "
        f"(95th percentile {sorted(gaps)[int(len(gaps) * 0.95)] * 1000:.0f} ms, timer every 5 ms; "
        f"GUI thread's CPU time in it {busy[gaps.index(max(gaps))] * 1000:.0f} ms, "
        f"longest CPU-busy gap {max(busy) * 1000:.0f} ms); "
        f"stored {len(stored)} chars, {'complete' if stored == ''.join(pieces) else 'INCOMPLETE'}"
    )

    def render_time(count: int) -> tuple[float, float]:
        message = Message(id="m", conversation_id="c", parent_id=None, role="assistant", status=Status.STREAMING)
        widget = MessageWidget(message, home.attachments)
        widget.resize(900, 600)
        widget.begin_stream()
        per_tick = 40  # about what arrives in one 50 ms tick at a fast model's speed
        ticks: list[float] = []
        started = time.perf_counter()
        for start in range(0, count, per_tick):
            for piece in pieces[start : start + per_tick]:
                widget.append(piece, "")
            t0 = time.perf_counter()
            widget._apply_pending()
            ticks.append(time.perf_counter() - t0)
        while widget._unparsed or widget._backlog:  # what the time budget left for later ticks
            widget._apply_pending()
        total = time.perf_counter() - started
        shown = widget.body.toPlainText()
        assert "value_11 = compute(11)" in shown and len(shown) > count, "rendering lost text"
        widget.deleteLater()
        last_tenth = ticks[-max(1, len(ticks) // 10) :]
        return total, sum(last_tenth) / len(last_tenth)

    t10, tick10 = render_time(10_000)
    t50, tick50 = render_time(50_000)
    print(
        f"render while streaming: 10k tokens {t10:.2f} s, 50k tokens {t50:.2f} s, ratio {t50 / t10:.2f} "
        f"(linear = 5.0); mean update at the end: {tick10 * 1000:.1f} ms at 10k, {tick50 * 1000:.1f} ms at 50k"
    )
    window.close()
    loop.run_until_complete(core.aclose())
    loop.close()
    import shiboken6

    shiboken6.delete(window)  # ordered teardown, as the app does at exit
    app.shutdown()


def save_cost(delta: int = 200, saves: int = 40) -> None:
    """What one half-second save of a streaming answer costs when the answer so far is 8 KB
    and when it is 8 MB: constant now (each save is a chunk of its own). Beside it, in the
    same database, the old way (the message rewritten and re-indexed on every save)."""
    from desktop_client.core.storage.chats import ChatStore, Status
    from desktop_client.core.storage.db import Database
    from desktop_client.core.storage.schema import MIGRATIONS

    folder = Path(tempfile.mkdtemp(prefix="keyhold-bench-save-"))
    store = ChatStore(Database(folder / "keyhold.db", folder / "backups", MIGRATIONS).open())
    conversation = store.create_conversation(title="bench")
    text = "lorem ipsum dolor sit amet, " * 4

    def median_save(size: int, append: Callable[[str, str], None]) -> float:
        message = store.add_message(conversation.id, "assistant", parent_id=None, status=Status.STREAMING)
        grown = 0
        while grown < size:  # the answer so far, written the same way
            piece = text * 1000
            append(message.id, piece[: size - grown])
            grown += len(piece[: size - grown])
        times = []
        for _ in range(saves):
            started = time.perf_counter()
            append(message.id, text[:delta])
            times.append(time.perf_counter() - started)
        return sorted(times)[len(times) // 2]

    def old_append(message_id: str, piece: str) -> None:
        store.db.execute("UPDATE messages SET content = content || ? WHERE id = ?", (piece, message_id))

    small, large = median_save(8 * 1024, store.append), median_save(8 * 1024 * 1024, store.append)
    old_small, old_large = median_save(8 * 1024, old_append), median_save(8 * 1024 * 1024, old_append)
    print(
        f"save while streaming ({delta} chars, median of {saves}): {small * 1000:.2f} ms at 8 KB, "
        f"{large * 1000:.2f} ms at 8 MB, ratio {large / small:.2f} (constant = 1); "
        f"rewriting the message as before: {old_small * 1000:.2f} ms and {old_large * 1000:.0f} ms, "
        f"ratio {old_large / old_small:.0f}"
    )
    store.db.close()


def main() -> None:
    pieces = token_stream(TOKENS)
    body = sse_body(pieces)
    server = serve(body)
    try:
        ours, bare, parsing = asyncio.run(client_throughput(server.url, "".join(pieces)))
        mb = len(body) / 2**20
        print(f"stream: {TOKENS} tokens, {mb:.1f} MB of SSE (throughput: best of 3 each)")
        print(
            f"throughput: Keyhold client {TOKENS / ours:,.0f} tokens/s ({mb / ours:.1f} MB/s), "
            f"bare httpx line reader {TOKENS / bare:,.0f} tokens/s ({mb / bare:.1f} MB/s), "
            f"ratio {ours / bare:.2f}x the time"
        )
        print(
            f"            a line reader that also parses each event's JSON {TOKENS / parsing:,.0f} tokens/s, "
            f"ratio {ours / parsing:.2f}x the time"
        )
        save_cost()
        gui_measurements(server.url, pieces)
    finally:
        server.stop()
    _ = httpx


if __name__ == "__main__":
    main()
