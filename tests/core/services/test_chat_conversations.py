"""The chat service as the one door to conversations: list, search, open (branch and versions
in one read), settings, rename, pin, delete and restore, versions, export, attachments."""

import json

import pytest

from desktop_client.core.errors import InputError, NotFoundError
from desktop_client.core.services.chat_types import ConversationSettings
from desktop_client.core.services.export import to_markdown
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.chats import Status
from tests.core.services.test_chat_service import PNG

pytestmark = pytest.mark.asyncio


def tree(core, conversation_id: str):
    """q1 → a1, a1' (regenerated); a1' → q2 → a2; q2' (edited) → a2'. Shows the newest branch."""
    store = core.chat.store
    q1 = store.add_message(conversation_id, "user", "q1", parent_id=None)
    store.add_message(conversation_id, "assistant", "a1", parent_id=q1.id)
    a1b = store.add_message(conversation_id, "assistant", "a1'", parent_id=q1.id)
    q2 = store.add_message(conversation_id, "user", "q2", parent_id=a1b.id)
    store.add_message(conversation_id, "assistant", "a2", parent_id=q2.id)
    q2b = store.add_message(conversation_id, "user", "q2'", parent_id=a1b.id)
    store.add_message(conversation_id, "assistant", "a2'", parent_id=q2b.id, status=Status.STOPPED)


async def test_open_gives_the_branch_and_each_messages_versions_as_the_store_does(core) -> None:
    conv = await core.chat.new_conversation(ConversationSettings(model="m"))
    tree(core, conv.id)
    view = await core.chat.open(conv.id)
    store = core.chat.store
    assert view.conversation == store.conversation(conv.id)
    assert [m.content for m in view.path] == ["q1", "a1'", "q2'", "a2'"]
    assert view.path == store.path(conv.id)
    assert view.siblings == {m.id: [s.id for s in store.siblings(m)] for m in view.path}
    assert [len(view.siblings[m.id]) for m in view.path] == [1, 2, 2, 1]


async def test_open_reads_the_versions_in_one_query_however_long_the_branch(core, monkeypatch) -> None:
    short = await core.chat.new_conversation(ConversationSettings())
    long = await core.chat.new_conversation(ConversationSettings())
    parent = None
    for index in range(20):
        role = "user" if index % 2 == 0 else "assistant"
        parent = core.chat.store.add_message(long.id, role, "x", parent_id=parent).id
    tree(core, short.id)
    queries: list[str] = []
    real = core.chat.store.db.query
    monkeypatch.setattr(core.chat.store.db, "query", lambda sql, *a: queries.append(sql) or real(sql, *a))
    await core.chat.open(short.id)
    few = len(queries)
    queries.clear()
    await core.chat.open(long.id)
    assert len(queries) == few <= 3


async def test_select_version_shows_the_newest_branch_under_that_version(core) -> None:
    conv = await core.chat.new_conversation(ConversationSettings())
    tree(core, conv.id)
    first_q2 = next(m for m in core.chat.store.messages(conv.id) if m.content == "q2")
    view = await core.chat.select_version(first_q2.id)
    assert [m.content for m in view.path] == ["q1", "a1'", "q2", "a2"]
    assert view.conversation.current_leaf == view.path[-1].id
    assert (await core.chat.open(conv.id)).path == view.path


async def test_settings_are_stored_and_saving_them_does_not_reorder_the_list(core) -> None:
    settings = ConversationSettings(profile_id="p1", model="m", system_prompt="be brief", temperature=0.3)
    older = await core.chat.new_conversation(settings)
    newer = await core.chat.new_conversation(ConversationSettings())
    assert ConversationSettings.of(older) == settings
    changed = await core.chat.update_settings(older.id, ConversationSettings(model="other"))
    assert ConversationSettings.of(changed) == ConversationSettings(model="other")
    assert [c.id for c in await core.chat.conversations()] == [newer.id, older.id]
    await core.chat.update_settings(older.id, settings, touch=True)  # the CLI's way: it is about to send
    assert [c.id for c in await core.chat.conversations()] == [older.id, newer.id]


async def test_the_list_pins_first_and_a_query_matches_titles_and_messages(core) -> None:
    chat = core.chat
    relays = await chat.rename((await chat.new_conversation(ConversationSettings())).id, "About relays")
    other = await chat.new_conversation(ConversationSettings())
    core.chat.store.add_message(other.id, "user", "how do proxies and relays differ", parent_id=None)
    quiet = await chat.new_conversation(ConversationSettings())
    await chat.set_pinned(relays.id, True)
    assert [c.id for c in await chat.conversations()] == [relays.id, quiet.id, other.id]
    assert {c.id for c in await chat.conversations("relays")} == {relays.id, other.id}
    assert [c.id for c in await chat.conversations("  ABOUT  ")] == [relays.id]  # the title, any case
    assert await chat.conversations("nothing like this") == []
    assert [h.conversation_id for h in await chat.search("proxies")] == [other.id]


async def test_delete_hides_until_restored_and_names_what_it_deleted(core) -> None:
    conv = await core.chat.rename((await core.chat.new_conversation(ConversationSettings())).id, "doomed")
    deleted = await core.chat.delete(conv.id)
    assert deleted.title == "doomed" and deleted.deleted_at is None  # as it was, for the undo offer
    assert await core.chat.conversations() == []
    with pytest.raises(NotFoundError):
        await core.chat.find(conv.id[:8])  # as the CLI looks it up
    await core.chat.restore(conv.id)
    assert [c.id for c in await core.chat.conversations()] == [conv.id]
    assert (await core.chat.find(conv.id[:8])).id == conv.id


async def test_export_renders_the_shown_branch_and_writes_it_whole(core, tmp_path) -> None:
    record, _ = core.profiles.add("relay", ProfileKind.OPENAI, "https://relay.example/v1", "sk-export-00000001")
    conv = await core.chat.new_conversation(ConversationSettings(profile_id=record.id, model="m"))
    tree(core, conv.id)
    markdown = await core.chat.export(conv.id, "md")
    expected = to_markdown(core.chat.store.conversation(conv.id), core.chat.store.path(conv.id), "relay")
    # The stamp in the first lines is the minute of the export: the rest is the same.
    assert markdown.splitlines()[2:] == expected.splitlines()[2:] and "“relay”" in markdown
    target = tmp_path / "out.json"
    assert await core.chat.export_to(conv.id, "json", target) == 4
    assert [m["content"] for m in json.loads(target.read_text())["messages"]] == ["q1", "a1'", "q2'", "a2'"]
    assert target.stat().st_mode & 0o777 == 0o644


async def test_attachments_are_checked_and_kept_in_the_data_home(core) -> None:
    name = await core.chat.save_attachment(PNG, "pixel.png")
    assert core.chat.attachment_path(name).read_bytes() == PNG and name.endswith(".png")
    with pytest.raises(InputError, match=r"x\.txt is not a PNG"):
        await core.chat.save_attachment(b"not an image", "x.txt")
