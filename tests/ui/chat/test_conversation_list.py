"""The conversation list: date groups by last activity in local time (headers the keys skip),
relative times, a search's snippet with the match apart, folders, and everything painted as
plain text however hostile the title or message."""

import time
from datetime import datetime

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QImage, QPainter, QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu, QStyleOptionViewItem

from desktop_client.core.models import Conversation, Folder, MessageMatch, Snippet
from desktop_client.ui.chat.conversation_list import ConversationList
from desktop_client.ui.chat.conversation_rows import HEADER_ROLE
from desktop_client.ui.chat.list_times import group_label, group_of, relative_time


def local(*parts: int) -> float:
    return datetime(*parts).timestamp()  # local time, as the list reads it


def listing(qtbot, conversations, current=None, matches=None, now=None) -> ConversationList:
    widget = ConversationList()
    qtbot.addWidget(widget)
    widget.model.now = now
    widget.show_conversations(conversations, current, matches)
    return widget


def test_each_conversation_says_when_it_last_changed(qtbot) -> None:
    now = time.time()
    older = now - 5 * 86400
    conversations = [
        Conversation("a", "today's", updated=now),
        Conversation("b", "old", updated=older),
        Conversation("c", "<b>not bold</b> & <i>", updated=now),
    ]
    widget = listing(qtbot, conversations, "a")

    def tip(conversation_id: str) -> str:
        document = QTextDocument()
        document.setHtml(
            widget.model.index(widget.model.row_of(conversation_id)).data(Qt.ItemDataRole.ToolTipRole)
        )
        return document.toPlainText()

    assert tip("a") == f"today's\n{time.strftime('%H:%M', time.localtime(now))}"
    assert tip("b") == f"old\n{time.strftime('%Y-%m-%d %H:%M', time.localtime(older))}"
    assert tip("c").startswith("<b>not bold</b> & <i>\n")  # the title as text, not markup


def test_groups_follow_local_day_boundaries() -> None:
    now = local(2026, 12, 3, 0, 5)  # five past midnight: a few minutes ago was yesterday
    assert group_of(local(2026, 12, 3, 0, 0), now) == group_of(now, now)
    assert group_label(group_of(local(2026, 12, 2, 23, 59), now)) == "Yesterday"
    assert group_label(group_of(local(2026, 12, 1, 23, 59), now)) == "Previous 7 days"
    assert group_label(group_of(local(2026, 11, 26, 0, 0), now)) == "Previous 7 days"  # 7 days ago
    assert group_label(group_of(local(2026, 11, 25, 23, 59), now)) == "Previous 30 days"
    assert group_label(group_of(local(2026, 11, 3, 12, 0), now)) == "Previous 30 days"  # 30 days ago
    assert group_label(group_of(local(2026, 11, 2, 12, 0), now)) == "November 2026"
    assert group_label(group_of(local(2025, 12, 31, 23, 0), now)) == "December 2025"
    assert group_label(group_of(now + 3600, now)) == "Today"  # a clock set wrong: not the future


def test_relative_times() -> None:
    now = local(2026, 12, 3, 15, 0)  # a Thursday
    assert relative_time(now - 20, now) == "now"
    assert relative_time(now - 5 * 60, now) == "5 min"
    assert relative_time(now - 3 * 3600 - 59, now) == "3 h"
    assert relative_time(local(2026, 12, 3, 0, 1), now) == "14 h"
    assert relative_time(local(2026, 12, 2, 23, 59), now) == "Yesterday"
    assert relative_time(local(2026, 11, 30, 9, 0), now) == "Mon"
    assert relative_time(local(2026, 11, 26, 9, 0), now) == "Nov 26"  # a week ago: the date
    assert relative_time(local(2025, 6, 1, 9, 0), now) == "Jun 1, 2025"


def test_rows_are_grouped_and_the_keys_skip_the_headers(qtbot) -> None:
    now = local(2026, 12, 3, 15, 0)
    conversations = [
        Conversation("p", "pinned", pinned=True, updated=local(2026, 1, 1, 9, 0)),
        Conversation("a", "today", updated=now - 60),
        Conversation("b", "yesterday", updated=local(2026, 12, 2, 9, 0)),
        Conversation("c", "", updated=local(2026, 10, 2, 9, 0)),
    ]
    widget = listing(qtbot, conversations, "a", now=now)
    assert widget.headers() == ["Pinned", "Today", "Yesterday", "October 2026"]
    assert widget.titles() == ["pinned", "today", "yesterday", "New conversation"] and widget.count() == 4
    header = widget.model.index(0)
    assert header.data(HEADER_ROLE) and not header.flags() & Qt.ItemFlag.ItemIsSelectable
    opened: list[str] = []
    widget.open_requested.connect(opened.append)
    widget.list.setFocus()
    assert widget.current_id() == "a" and opened == []  # selected, not asked to open again
    QTest.keyClick(widget.list, Qt.Key.Key_Down)
    QTest.keyClick(widget.list, Qt.Key.Key_Down)
    QTest.keyClick(widget.list, Qt.Key.Key_Up)
    QTest.keyClick(widget.list, Qt.Key.Key_Up)
    QTest.keyClick(widget.list, Qt.Key.Key_Up)
    QTest.keyClick(widget.list, Qt.Key.Key_End)
    QTest.keyClick(widget.list, Qt.Key.Key_Home)
    assert opened == ["b", "c", "b", "a", "p", "c", "p"]


class RecordingPainter(QPainter):
    """Keeps what the delegate draws, and in which font."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.drawn: list[tuple[str, bool]] = []

    def drawText(self, *args) -> None:
        self.drawn.append((args[-1], self.font().bold()))
        super().drawText(*args)


def painted(widget: ConversationList, conversation_id: str, width: int = 260) -> list[tuple[str, bool]]:
    index = widget.model.index(widget.model.row_of(conversation_id))
    option = QStyleOptionViewItem()
    option.initFrom(widget.list)
    option.font = QFont(widget.list.font())
    option.widget = widget.list
    delegate = widget.list.itemDelegate()
    option.rect = QRect(0, 0, width, delegate.sizeHint(option, index).height())
    image = QImage(width, option.rect.height(), QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return painter.drawn


def test_hostile_titles_and_snippets_are_painted_as_text(qtbot) -> None:
    now = time.time()
    hostile = "<b>bold</b> <img src=x> &amp; " + "long " * 400
    snippet = Snippet("…<i>before</i> ", "<u>match</u>", " after <a href='x'>link</a>")
    widget = listing(
        qtbot,
        [Conversation("h", hostile, model="<b>m</b>", updated=now), Conversation("s", "plain", updated=now)],
        matches={"s": MessageMatch("s", "m1", snippet)},
        now=now,
    )
    drawn = painted(widget, "h")
    title = drawn[0][0]
    assert title.startswith("<b>bold</b> <img src=x> &amp;") and title.endswith("…") and len(title) < 100
    assert drawn[1] == ("now  ·  <b>m</b>", False)
    runs = painted(widget, "s", width=2000)[2:]
    assert runs == [("…<i>before</i> ", False), ("<u>match</u>", True), (" after <a href='x'>link</a>", False)]
    # A narrow row: the words before the match give way so it stays in sight; the rest is cut.
    narrow = painted(widget, "s", width=210)[2:]
    assert narrow[0][0].startswith("…") and len(narrow[0][0]) < len(snippet.before)
    assert narrow[1] == ("<u>match</u>", True) and narrow[-1][0].endswith("…")


def test_a_search_result_opens_at_its_message(qtbot) -> None:
    now = time.time()
    widget = listing(
        qtbot,
        [Conversation("a", "found", updated=now), Conversation("b", "by title", updated=now - 10)],
        matches={"a": MessageMatch("a", "msg-7", Snippet("", "word", ""))},
    )
    jumps: list[tuple[str, str]] = []
    opened: list[str] = []
    widget.jump_requested.connect(lambda c, m: jumps.append((c, m)))
    widget.open_requested.connect(opened.append)
    widget.select("a")
    widget.select("b")
    assert jumps == [("a", "msg-7")] and opened == ["b"]


def test_folders_are_offered_and_chosen(qtbot) -> None:
    widget = listing(qtbot, [Conversation("a", "x", folder_id="f2")])
    assert widget.show_folders([Folder("f1", "Home"), Folder("f2", "<b>Work</b>")])
    assert [widget.folder_combo.itemText(i) for i in range(3)] == ["All chats", "Home", "<b>Work</b>"]
    assert widget.folder_id() is None and not widget.delete_folder_action.isEnabled()
    changes: list[str | None] = []
    widget.folder_changed.connect(lambda: changes.append(widget.folder_id()))
    widget.choose_folder("f2")
    assert changes == ["f2"] and widget.delete_folder_action.isEnabled()
    deleted: list[str] = []
    widget.delete_folder_requested.connect(deleted.append)
    widget.delete_folder_action.trigger()
    assert deleted == ["f2"]
    assert not widget.show_folders([Folder("f1", "Home")])  # the chosen one is gone
    assert widget.folder_id() is None


def test_a_new_folder_is_asked_for_by_name(qtbot) -> None:
    widget = listing(qtbot, [Conversation("a", "x")])
    created: list[tuple[str, str]] = []
    widget.create_folder_requested.connect(lambda name, cid: created.append((name, cid)))
    dialog = widget.ask_folder_name("a")
    dialog.setTextValue("Research")
    dialog.accept()
    blank = widget.ask_folder_name("")
    blank.setTextValue("   ")
    blank.accept()
    assert created == [("Research", "a")]


def test_an_empty_listing_is_empty(qtbot) -> None:
    widget = listing(qtbot, [])
    assert widget.count() == 0 and widget.headers() == [] and widget.current_id() is None
    widget.select_first()
    widget.delete_current()
    assert widget.list.currentIndex() == QModelIndex()


def test_the_context_menu_moves_a_conversation_to_a_folder(qtbot) -> None:
    widget = listing(qtbot, [Conversation("a", "x", folder_id="f1", updated=time.time())])
    widget.resize(300, 400)
    widget.show()
    widget.show_folders([Folder("f1", "R&D"), Folder("f2", "Home")])
    moves: list[tuple[str, str]] = []
    widget.move_requested.connect(lambda c, f: moves.append((c, f)))
    row = widget.list.visualRect(widget.model.index(widget.model.row_of("a"))).center()
    widget._context_menu(row)
    menu = next(m for m in widget.findChildren(QMenu) if m.title() == "Move to folder")
    entries = {a.text(): a for a in menu.actions() if a.text()}
    assert list(entries) == ["No folder", "R&&D", "Home", "New folder…"]
    assert entries["R&&D"].isChecked() and not entries["Home"].isChecked()
    entries["Home"].trigger()
    entries["No folder"].trigger()
    assert moves == [("a", "f2"), ("a", "")]
    header = widget.list.visualRect(widget.model.index(0)).center()
    before = len(widget.findChildren(QMenu))
    widget._context_menu(header)  # a group header has no menu
    assert len(widget.findChildren(QMenu)) == before


def test_rows_grow_with_the_text_size(qtbot) -> None:
    widget = listing(qtbot, [Conversation("a", "x", updated=time.time())])
    index = widget.model.index(1)
    small = index.data(Qt.ItemDataRole.SizeHintRole).height()
    font = widget.list.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    widget.list.setFont(font)
    assert index.data(Qt.ItemDataRole.SizeHintRole).height() > small * 1.5
