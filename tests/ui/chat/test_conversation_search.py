"""The conversation list on the Chat page: a search result opens its conversation scrolled to
the matching message, outlined; folders go through the chat service."""

import pytest

from tests.core.sse_helpers import stream_of
from tests.ui.chat.test_chat_page import chat  # noqa: F401 - the page fixture
from tests.ui.conftest import wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]


def long_conversation(core, words: dict[int, str], count: int = 90) -> tuple[str, list[str]]:
    """``count`` messages, question and answer in turn; message ``i`` says ``words[i]`` if given."""
    store = core.chat.store
    conversation = store.create_conversation(title="Long one")
    ids: list[str] = []
    parent = None
    for i in range(count):
        text = f"message {i} " + words.get(i, "filler") + "\n\nmore lines\n\n" * 3
        parent = store.add_message(conversation.id, "user" if i % 2 == 0 else "assistant", text, parent_id=parent)
        ids.append(parent.id)
        parent = parent.id
    return conversation.id, ids


async def test_a_search_result_opens_scrolled_to_the_match_and_outlines_it(chat) -> None:  # noqa: F811
    window, core, page, script = await chat(stream_of(["unused"]))
    conversation_id, ids = long_conversation(core, {4: "the <b>zebra</b> crossing"})
    other = core.chat.store.create_conversation(title="zebra in the title")
    conversations = page.conversations
    conversations.search_edit.setText("zebra")
    await wait_until(lambda: conversations.count() == 2, message="searched")
    match = conversations.model.rows[conversations.model.row_of(conversation_id)].match
    assert match is not None and match.message_id == ids[4]
    assert (match.snippet.before, match.snippet.match) == ("message 4 the <b>", "zebra")
    conversations.select(conversation_id)
    # The match is older than the 60 messages shown at first: the whole branch is shown.
    await wait_until(lambda: page.view.highlighted == ids[4], message="scrolled to the match")
    widget = page.view.widgets[ids[4]]

    def top() -> int:
        return widget.mapTo(page.view.viewport(), widget.rect().topLeft()).y()

    # The messages above settle their heights after the first layout: the view keeps the match in sight.
    await wait_until(lambda: 0 <= top() < 40, message=f"the match at the top (at {top()})")
    assert page.view.verticalScrollBar().value() > 0
    assert page.view.highlight is not None and page.view.highlight.parent() is widget
    await wait_until(
        lambda: page.view.highlight.geometry() == widget.rect(), message="the outline fits its message"
    )
    conversations.select(other.id)  # a title match opens as usual
    await wait_until(lambda: page.conversation is not None and page.conversation.id == other.id)


async def test_a_match_on_another_branch_shows_that_branch(chat) -> None:  # noqa: F811
    window, core, page, script = await chat(stream_of(["unused"]))
    store = core.chat.store
    conversation = store.create_conversation(title="branches")
    question = store.add_message(conversation.id, "user", "question", parent_id=None)
    first = store.add_message(conversation.id, "assistant", "an old platypus answer", parent_id=question.id)
    store.add_message(conversation.id, "assistant", "a newer answer", parent_id=question.id)
    page.conversations.search_edit.setText("platypus")
    await wait_until(lambda: page.conversations.count() == 1, message="searched")
    page.conversations.select(conversation.id)
    await wait_until(lambda: page.view.highlighted == first.id, message="the old branch shown")
    assert [m.id for m in page.presenter.path] == [question.id, first.id]


async def test_folders_through_the_page(chat) -> None:  # noqa: F811
    window, core, page, script = await chat(stream_of(["unused"]))
    store = core.chat.store
    a = store.create_conversation(title="alpha")
    b = store.create_conversation(title="beta")
    conversations = page.conversations
    await page.refresh_list()
    conversations.create_folder_requested.emit("Work", a.id)
    await wait_until(lambda: [f.name for f in conversations.folders] == ["Work"], message="folder made")
    work = conversations.folders[0].id
    assert store.conversation(a.id).folder_id == work
    conversations.choose_folder(work)
    await wait_until(lambda: conversations.titles() == ["alpha"], message="filtered")
    conversations.move_requested.emit(b.id, work)
    await wait_until(lambda: sorted(conversations.titles()) == ["alpha", "beta"], message="moved")
    conversations.rename_folder_requested.emit(work, "Job")
    await wait_until(lambda: conversations.folder_combo.currentText() == "Job", message="renamed")
    conversations.delete_folder_requested.emit(work)
    await wait_until(lambda: conversations.folder_id() is None and conversations.count() == 2, message="deleted")
    assert store.conversation(a.id).folder_id is None and store.conversation(a.id).deleted_at is None
