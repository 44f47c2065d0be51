"""The conversation list tells when each conversation last changed: the date unless it was today."""

import time

from desktop_client.core.storage.chats import Conversation
from desktop_client.ui.chat.conversation_list import ConversationList


def test_each_conversation_says_when_it_last_changed(qtbot) -> None:
    listing = ConversationList()
    qtbot.addWidget(listing)
    now = time.time()
    older = now - 5 * 86400
    listing.show_conversations(
        [Conversation("a", "today's", updated=now), Conversation("b", "old", updated=older)], "a"
    )
    today_tip, old_tip = listing.list.item(0).toolTip(), listing.list.item(1).toolTip()
    assert today_tip == f"today's\n{time.strftime('%H:%M', time.localtime(now))}"
    assert old_tip == f"old\n{time.strftime('%Y-%m-%d %H:%M', time.localtime(older))}"
