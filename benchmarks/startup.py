"""Cold start to the first painted main window, and idle RSS, against a bare PySide6 window;
then the same with a lived-in data folder (1,000 conversations of 10 messages, 2,000 gallery
images, one profile), where the time until the conversation list is filled counts too.

Both programs run as fresh processes, alternately, in the same run; each prints
"first-paint" from its first Paint event and "idle-rss N" two seconds later; Keyhold also
prints "list-filled" when the chat page has listed the stored conversations (read as soon as
the database is open, before the services and the HTTP stack have loaded). Ratios are against
the bare window's first paint measured in the same run. Both run with their bytecode cached,
as an installed app does: PYTHONDONTWRITEBYTECODE is dropped, and the warm-up runs write it.
Run: python benchmarks/startup.py [--runs 7] [--conversations 1000] [--images 2000]
(QT_QPA_PLATFORM defaults to offscreen; the data folder is built once per run, about a minute.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(first paint, list filled, idle RSS); a bare window's list is its first paint."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    assert proc.stdout is not None
    paint = filled = rss = None
    for line in proc.stdout:
        if line.startswith("first-paint") and paint is None:
            paint = time.perf_counter() - started
        elif line.startswith("list-filled") and filled is None:
            filled = time.perf_counter() - started
        elif line.startswith("idle-rss"):
            rss = int(line.split()[1])
    proc.wait(timeout=120)
    if paint is None or rss is None:
        raise RuntimeError(f"{cmd} did not report (exit {proc.returncode})")
    return paint, filled if filled is not None else paint, rss


def lived_in_home(conversations: int, messages: int, images: int) -> Path:
    """A data folder as a daily user's: one profile, the conversations, the gallery indexed."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.gallery import ensure_library, fresh_home
    from desktop_client.core.context import build_core
    from desktop_client.core.paths import DataHome
    from desktop_client.core.secrets import MemorySecretStore
    from desktop_client.core.settings import ProfileKind
    from desktop_client.core.storage.chats import Status

    started = time.perf_counter()
    library = ensure_library(Path(tempfile.gettempdir()) / f"keyhold-startup-library-{images}", images)
    root = fresh_home(library)
    # Opening indexes the gallery files, as the first start after an update would.
    core = build_core(DataHome(root).ensure(), secrets=MemorySecretStore()).open_blocking()
    # Listed from the settings; its key (in memory here) is not needed to start.
    profile, _warnings = core.profiles.add(
        "relay", ProfileKind.OPENAI, "https://relay.example.com/v1", "sk-bench-0000000000000000", default_model="m"
    )
    store = core.chat.store
    for number in range(conversations):
        conversation = store.create_conversation(title=f"Conversation {number}", model="m", profile_id=profile.id)
        parent = None
        for turn in range(messages):
            role = "user" if turn % 2 == 0 else "assistant"
            text = f"Message {turn} of conversation {number}: " + "some words about relays and keys " * 8
            parent = store.add_message(conversation.id, role, text, parent_id=parent, status=Status.COMPLETE).id
    core.database.close()
    print(
        f"(data folder: {conversations} conversations of {messages} messages, {images} images, "
        f"built in {time.perf_counter() - started:.0f} s)"
    )
    return root


def compare(label: str, home: Path, runs: int) -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["KEYHOLD_BENCHMARK"] = "1"
    env["PYTHONPATH"] = str(ROOT)
    env["KEYHOLD_HOME"] = str(home)
    # Compiling every module at each start is not what an installed app does.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    bare_cmd = [sys.executable, str(ROOT / "benchmarks" / "bare_window.py")]
    app_cmd = [sys.executable, "-m", "desktop_client"]
    measure(bare_cmd, env)  # warm the page cache for both: we compare warm starts
    measure(app_cmd, env)
    bare: list[tuple[float, float, int]] = []
    app: list[tuple[float, float, int]] = []
    for _ in range(runs):
        bare.append(measure(bare_cmd, env))
        app.append(measure(app_cmd, env))
    bare_paint = statistics.median(p for p, _, _ in bare)
    app_paint = statistics.median(p for p, _, _ in app)
    app_filled = statistics.median(f for _, f, _ in app)
    bare_rss = statistics.median(r for _, _, r in bare) / 2**20
    app_rss = statistics.median(r for _, _, r in app) / 2**20
    print(f"{label} ({env['QT_QPA_PLATFORM']}, {runs} runs each, medians)")
    print(
        f"  first paint   bare PySide6 {bare_paint * 1000:7.0f} ms   Keyhold {app_paint * 1000:7.0f} ms   "
        f"ratio {app_paint / bare_paint:.2f}x"
    )
    print(
        f"  list filled   bare PySide6 {bare_paint * 1000:7.0f} ms   Keyhold {app_filled * 1000:7.0f} ms   "
        f"ratio {app_filled / bare_paint:.2f}x"
    )
    ratio = app_rss / bare_rss
    print(f"  idle RSS      bare PySide6 {bare_rss:7.1f} MB   Keyhold {app_rss:7.1f} MB   ratio {ratio:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--conversations", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--images", type=int, default=2000)
    args = parser.parse_args()
    compare("empty data folder", Path(tempfile.mkdtemp(prefix="keyhold-bench-")), args.runs)
    home = lived_in_home(args.conversations, args.messages, args.images)
    compare("lived-in data folder", home, args.runs)


if __name__ == "__main__":
    main()
