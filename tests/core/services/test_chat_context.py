"""How much history a question carries: the last N messages within a token budget, the answer's
length limit, and how many messages were sent, over a loopback server."""

import pytest

from desktop_client.core.services.chat_types import ConversationSettings
from desktop_client.core.services.context import DEFAULT_MESSAGES, estimate_tokens, fit
from desktop_client.core.storage.chats import Status
from tests.core.services.test_chat_service import close, setup  # noqa: F401  (the fixture)
from tests.core.sse_helpers import stream_of


def test_fit_keeps_the_newest_within_the_count_and_the_budget() -> None:
    items = list(range(10))
    texts = ["x" * 400] * 10  # about 100 tokens each
    assert fit(items, texts, 0, 0) == items
    assert fit(items, texts, 3, 0) == [7, 8, 9]
    assert fit(items, texts, 0, 350) == [7, 8, 9]
    assert fit(items, texts, 2, 350) == [8, 9]
    # The question being asked always goes, however long it is.
    assert fit(items, ["x" * 40_000] * 10, 0, 50) == [9]
    assert fit([], [], 5, 5) == []


def test_the_estimate_counts_chinese_characters_as_tokens() -> None:
    assert estimate_tokens("你好世界") >= 4
    assert 20 <= estimate_tokens("word " * 20) <= 30
    assert DEFAULT_MESSAGES == 20


async def _history(core, conv, exchanges: int) -> str:
    store = core.chat.store
    parent = None
    for number in range(exchanges):
        parent = store.add_message(conv.id, "user", f"question {number}", parent_id=parent).id
        parent = store.add_message(
            conv.id, "assistant", f"answer {number}", parent_id=parent, status=Status.COMPLETE
        ).id
    store.update_conversation(conv.id, current_leaf=parent, touch=False)
    return parent


@pytest.mark.asyncio
async def test_a_long_conversation_sends_only_its_last_messages(setup) -> None:  # noqa: F811
    core, conv, script = setup(stream_of(["ok"]))
    await _history(core, conv, 12)
    settings = ConversationSettings.of(core.chat.store.conversation(conv.id))
    await core.chat.update_settings(conv.id, ConversationSettings(**{**settings.__dict__, "context_messages": 5}))
    outcome = await core.chat.send(conv.id, "the new question")
    await close(core)
    sent = script.requests[0]["messages"]
    assert sent[0] == {"role": "system", "content": "be brief"}
    assert [m["content"] for m in sent[1:]] == [
        "answer 9",
        "question 10",
        "answer 10",
        "question 11",
        "answer 11",
        "the new question",
    ][-5:]
    assert outcome.message.context_count == 5
    assert core.chat.store.message(outcome.message.id).context_count == 5
    assert "max_tokens" not in script.requests[0]


@pytest.mark.asyncio
async def test_the_default_is_twenty_messages_and_max_tokens_is_sent_when_set(setup) -> None:  # noqa: F811
    core, conv, script = setup(stream_of(["ok"]))
    await _history(core, conv, 15)
    settings = ConversationSettings.of(core.chat.store.conversation(conv.id))
    assert (settings.context_messages, settings.context_tokens, settings.max_tokens) == (20, 0, None)
    await core.chat.update_settings(conv.id, ConversationSettings(**{**settings.__dict__, "max_tokens": 300}))
    outcome = await core.chat.send(conv.id, "go on")
    await close(core)
    body = script.requests[0]
    assert len(body["messages"]) == 1 + 20 and body["messages"][-1]["content"] == "go on"
    assert body["max_tokens"] == 300
    assert outcome.message.context_count == 20
