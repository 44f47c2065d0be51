"""Answers with over-long lines, through the whole app: does the window ever freeze?

Prints, all measured in this run, the longest GUI event-loop stall (a 5 ms timer's
longest gap) while a real ChatPage
1. streams, from a loopback OpenAI-compatible server, a plain short answer (the baseline),
   a 5 MB line with no space (in 4 KB deltas, and as one single SSE event), a code block
   with a line of more than 100,000 characters, and 100 paragraphs with no space one character short
   of the cut (LINE_CAP);
2. opens, as at start (a fresh window over the stored data, after its first paint), a
   conversation holding the plain answer (the baseline), the 5 MB line or the code line;
and each stall's ratio to its baseline. The target is no stall over 50 ms. Each figure is
the median (and the worst) of BENCH_ROUNDS rounds (3): the machine's other work adds noise.

Run: python benchmarks/long_lines.py   (QT_QPA_PLATFORM defaults to offscreen)
     BENCH_ONLY=stream|start runs one half; BENCH_STACKS=1 prints where the GUI thread was
     during stalls.
"""

from __future__ import annotations

import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.chat_stream import sse_body
from desktop_client.core.render.lines import LINE_CAP
from tests.fakes.server import Conn, LoopbackServer, Request

TARGET_MS = 50
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
BIG_LINE = "".join(chr(0x61 + i % 26) for i in range(5 * 2**20))
CODE_LINE = "data = [" + ", ".join(str(i % 997) for i in range(22_000)) + "]"
CODE_ANSWER = f"Here it is:\n\n```python\n{CODE_LINE}\nprint(len(data))\n```\n\nDone."
PLAIN_ANSWER = " ".join(f"Sentence {i} of a plain answer, short and calm." for i in range(60))
UNDER_CUT = "\n\n".join("".join(chr(0x61 + (i + k) % 26) for i in range(LINE_CAP - 1)) for k in range(100))


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


STREAMS: dict[str, list[str]] = {
    "plain short answer (baseline)": pieces(PLAIN_ANSWER, 6),
    "5 MB line, no space, 4 KB deltas": pieces(BIG_LINE, 4096),
    "5 MB line, no space, one SSE event": [BIG_LINE],
    f"{len(CODE_LINE):,}-character code line": pieces(CODE_ANSWER, 64),
    f"100 lines of {LINE_CAP - 1:,} characters": pieces(UNDER_CUT, 4096),
}
STORED: dict[str, str] = {
    "plain short answer (baseline)": PLAIN_ANSWER,
    "5 MB line, no space": BIG_LINE,
    f"{len(CODE_LINE):,}-character code line": CODE_ANSWER,
}


def serve(bodies: dict[str, bytes]) -> LoopbackServer:
    """Answers each question (the case's name) with that case's stream."""

    def handle(request: Request, conn: Conn) -> None:
        if not request.path.endswith("/chat/completions"):
            conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})
            return
        body = bodies[request.json()["messages"][-1]["content"]]
        conn.start_chunked(200, {"Content-Type": "text/event-stream"})
        view = memoryview(body)
        for start in range(0, len(body), 65536):
            conn.send_chunk(bytes(view[start : start + 65536]))
        conn.end_chunked()

    return LoopbackServer(handle).start()


class StallMeter:
    """The longest gap between ticks of a 5 ms timer: how long the GUI thread did not
    answer. Beside it, the GUI thread's own CPU time in its longest gap: on a machine
    shared with other work, a gap also holds the time the thread waited for a core."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self.busy: list[float] = []
        self.stacks: Counter[str] = Counter()
        self._last = time.perf_counter()
        self._last_cpu = time.thread_time()
        self._timer = QTimer()
        self._timer.setInterval(5)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.gaps.append(now - self._last)
        self.busy.append(cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def start(self) -> None:
        gc.collect()  # the garbage of the case before is not this case's stall
        self.gaps.clear()
        self.busy.clear()
        self._last, self._last_cpu = time.perf_counter(), time.thread_time()
        self._timer.start()
        if os.environ.get("BENCH_STACKS"):
            self._watch()

    def _watch(self) -> None:
        """Debugging aid: prints where the GUI thread is when a tick is 30 ms late."""
        import threading
        import traceback

        main = threading.main_thread().ident
        seen = self.stacks = Counter()

        def watch() -> None:
            while self._timer.isActive():
                time.sleep(0.01)
                if time.perf_counter() - self._last > 0.03 and main is not None:
                    frame = sys._current_frames().get(main)
                    if frame is not None:
                        seen["".join(traceback.format_stack(frame)[-6:])] += 1

        threading.Thread(target=watch, daemon=True).start()

    def stop(self) -> tuple[float, float]:
        """The longest gap and the most CPU time the GUI thread used in one gap, in ms."""
        self._timer.stop()
        self._tick()
        for stack, count in self.stacks.most_common(4):
            print(f"--- {count} samples\n{stack}")
        return max(self.gaps) * 1000, max(self.busy) * 1000


def report(title: str, results: dict[str, list[tuple[float, float]]]) -> None:
    """Median and worst of the rounds: other programs on the machine add noise to one run."""
    baseline = statistics.median(wall for wall, _ in next(iter(results.values())))
    print(f"{title}\n  median (worst) of {ROUNDS} rounds, in ms: longest stall; GUI thread's CPU time in one gap")
    for name, rounds in results.items():
        walls, busies = [wall for wall, _ in rounds], [busy for _, busy in rounds]
        median, busy = statistics.median(walls), statistics.median(busies)
        verdict = "ok" if median <= TARGET_MS else f"OVER {TARGET_MS} ms"
        print(
            f"  {name:<36} {median:4.0f} ({max(walls):4.0f}); {busy:3.0f} ({max(busies):3.0f})"
            f"  {median / baseline:4.1f}x baseline  {verdict}"
        )


async def until(predicate: Callable[[], object], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the display did not settle")
        await asyncio.sleep(0.01)


def main() -> None:
    import qasync
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from desktop_client.app import build_window, install_asyncgen_hooks
    from desktop_client.core.context import Core, build_core
    from desktop_client.core.paths import DataHome
    from desktop_client.core.secrets import MemorySecretStore
    from desktop_client.core.settings import ProfileKind
    from desktop_client.core.storage.chats import Status
    from desktop_client.ui.mainwindow import MainWindow

    server = serve({name: sse_body(stream) for name, stream in STREAMS.items()})
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    install_asyncgen_hooks(loop)
    windows: list[MainWindow] = []
    cores: list[Core] = []

    def open_window(home: DataHome, core: Core | None = None) -> MainWindow:
        core = core or build_core(home, secrets=MemorySecretStore())
        window, _translations, _hook = build_window(core)
        window.resize(1100, 800)
        window.show()
        windows.append(window)
        cores.append(core)
        return window

    def new_home() -> tuple[DataHome, Core]:
        home = DataHome(Path(tempfile.mkdtemp(prefix="keyhold-bench-"))).ensure()
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _warnings = core.profiles.add(
            "bench", ProfileKind.OPENAI, server.url, "sk-bench-000000000001", default_model="m"
        )
        # A model list fetched earlier today: opening a conversation then needs no network.
        core.chat.store.cache_models(record.id, ["m"])
        return home, core

    async def streaming(results: dict[str, list[tuple[float, float]]]) -> None:
        window = open_window(*new_home())
        page = window.chat_page
        await until(lambda: page.loaded)
        meter = StallMeter()
        # A first answer loads the renderer, Pygments and the HTTP stack: not what is measured.
        page.composer.edit.setPlainText(next(iter(STREAMS)))
        await page.send()
        await until(lambda: not page.tasks and not any(w.streaming for w in page.view.widgets.values()))
        for name, stream in STREAMS.items():
            page.new_conversation()
            page.composer.edit.setPlainText(name)
            await asyncio.sleep(0.2)
            meter.start()
            await page.send()
            await until(lambda: not page.tasks and not any(w.streaming for w in page.view.widgets.values()))
            await asyncio.sleep(0.3)  # layout and paint of what was shown last
            results.setdefault(name, []).append(meter.stop())
            stored = page.core.chat.store.path(page.conversation.id)[-1].content
            assert stored == "".join(stream), f"{name}: the stored answer is not whole"
        window.hide()

    async def open_at_start(name: str, answer: str) -> tuple[float, float]:
        home, core = new_home()
        conversation = core.chat.store.create_conversation(
            title=name, model="m", profile_id=core.profiles.all()[0].id
        )
        question = core.chat.store.add_message(conversation.id, "user", "show it", parent_id=None)
        core.chat.store.add_message(
            conversation.id, "assistant", answer, parent_id=question.id, status=Status.COMPLETE
        )
        await core.aclose()
        meter = StallMeter()
        window = open_window(home)
        # Measured from the first paint (start-up itself is benchmarks/startup.py's).
        await until(lambda: window._painted)
        meter.start()
        page = window.chat_page
        await until(lambda: page.loaded and len(page.view.widgets) == 2)
        answer_widget = list(page.view.widgets.values())[1]
        await until(lambda: answer_widget.renders > 0)
        await asyncio.sleep(0.5)
        stall = meter.stop()
        window.hide()
        return stall

    async def at_start(results: dict[str, list[tuple[float, float]]]) -> None:
        for name, answer in STORED.items():
            results.setdefault(name, []).append(await open_at_start(name, answer))

    streamed: dict[str, list[tuple[float, float]]] = {}
    opened: dict[str, list[tuple[float, float]]] = {}
    try:
        only = os.environ.get("BENCH_ONLY", "")  # "stream" or "start", when looking into one
        for _ in range(ROUNDS):
            if only != "start":
                loop.run_until_complete(streaming(streamed))
            if only != "stream":
                loop.run_until_complete(at_start(opened))
        if streamed:
            report("Streaming through ChatPage from a loopback server:", streamed)
        if opened:
            report("Opening the conversation at start (after the first paint):", opened)
    finally:
        for window in windows:
            loop.run_until_complete(window.aclose())
            window.close()
        for core in cores:
            loop.run_until_complete(core.aclose())
        for window in windows:
            shiboken6.delete(window)
        server.stop()
        loop.close()
        app.shutdown()


if __name__ == "__main__":
    main()
