"""The conversation list at 5,000 conversations: filling it, and the search behind it.

Prints, all measured in this run (median of --runs):
1. the time to fill the list and paint it once: Keyhold's ConversationList (date groups, two
   painted lines a row, the open conversation selected) against a plain QListWidget given the
   same titles (addItems), both at the same size;
2. a search's snippet rows: the list filled with every conversation carrying a snippet;
3. the chat service's listing over a data folder of as many conversations (4 messages each):
   unfiltered, then a search of a word in every conversation and of a rare word, against the
   unfiltered listing.

Run: python benchmarks/conversation_list.py [--count 5000] [--runs 5]
(QT_QPA_PLATFORM defaults to offscreen.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication, QListWidget, QWidget

from desktop_client.core.models import Conversation, MessageMatch, Snippet
from desktop_client.ui.chat.conversation_list import ConversationList

SIZE = (300, 800)


def median_ms(runs: int, once: Callable[[], None]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        once()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def conversations(count: int) -> list[Conversation]:
    now = time.time()
    # Spread over two years, newest first as the store lists them; a few pinned on top.
    rows = [
        Conversation(
            f"id{n:06d}",
            f"Conversation {n} about relays and keys",
            model="gpt-4o-mini",
            pinned=n < 5,
            updated=now - n * (2 * 365 * 86400 / count),
        )
        for n in range(count)
    ]
    return sorted(rows, key=lambda c: (not c.pinned, -c.updated))


def paint(widget: QWidget) -> None:
    widget.repaint()
    QApplication.processEvents()


def gui(count: int, runs: int) -> None:
    listed = conversations(count)
    titles = [c.title for c in listed]
    matches = {c.id: MessageMatch(c.id, "m", Snippet("…how do ", "relays", " work when the")) for c in listed}
    bare = QListWidget()
    bare.resize(*SIZE)
    bare.show()
    ours = ConversationList()
    ours.resize(*SIZE)
    ours.show()
    QApplication.processEvents()

    def fill_bare() -> None:
        bare.clear()
        bare.addItems(titles)
        bare.setCurrentRow(0)
        paint(bare)

    def fill_ours() -> None:
        ours.show_conversations(listed, listed[0].id)
        paint(ours.list)

    def fill_snippets() -> None:
        ours.show_conversations(listed, listed[0].id, matches)
        paint(ours.list)

    baseline = median_ms(runs, fill_bare)
    filled = median_ms(runs, fill_ours)
    snippets = median_ms(runs, fill_snippets)
    print(f"{count:,} conversations, fill + first paint (median of {runs}):")
    print(f"  plain QListWidget (baseline)        {baseline:7.1f} ms")
    print(f"  ConversationList                    {filled:7.1f} ms   {filled / baseline:5.2f}×")
    print(f"  ConversationList, search snippets   {snippets:7.1f} ms   {snippets / baseline:5.2f}×")


def service(count: int, runs: int) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.paths import DataHome
    from desktop_client.core.secrets import MemorySecretStore
    from desktop_client.core.storage.chats import Status

    home = DataHome(Path(tempfile.mkdtemp(prefix="keyhold-bench-list-"))).ensure()
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    store = core.chat.store
    for n in range(count):
        conversation = store.create_conversation(title=f"Conversation {n}", model="m")
        parent = None
        for turn in range(4):
            role = "user" if turn % 2 == 0 else "assistant"
            word = " zeppelin" if n % 500 == 0 and turn == 3 else ""
            text = f"Message {turn} of {n}: some words about relays and keys{word}. " * 4
            parent = store.add_message(conversation.id, role, text, parent_id=parent, status=Status.COMPLETE).id

    loop = asyncio.new_event_loop()  # one loop for every run: its start-up is not the listing's

    def listing(query: str) -> Callable[[], None]:
        return lambda: loop.run_until_complete(core.chat.listing(query))

    baseline = median_ms(runs, listing(""))
    print(f"chat service listing, {count:,} conversations of 4 messages (median of {runs}):")
    print(f"  unfiltered (baseline)               {baseline:7.1f} ms")
    for label, query in (("search, in every conversation", "relays"), ("search, a rare word", "zeppelin")):
        found = loop.run_until_complete(core.chat.listing(query))
        took = median_ms(runs, listing(query))
        print(
            f"  {label:<34}{took:7.1f} ms   {took / baseline:5.2f}×   "
            f"({len(found.conversations):,} listed, {len(found.matches):,} snippets)"
        )
    loop.run_until_complete(core.aclose())
    loop.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    gui(args.count, args.runs)
    service(args.count, args.runs)
    del app


if __name__ == "__main__":
    main()
