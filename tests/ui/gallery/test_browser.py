"""The gallery page's state and its calls to the service, without a window."""

from __future__ import annotations

import asyncio

import pytest

from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.storage.gallery import GalleryFilter
from desktop_client.ui.gallery.browser import GalleryBrowser
from tests.fakes.mj_sim import solid_png

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def saved(core, *prompts: str) -> list:
    items = []
    for number, prompt in enumerate(prompts):
        record = ImageRecord("openai", prompt, profile="relay", created=1000.0 + number)
        png = solid_png(4, 4, (number, 0, 0))
        items.append(await core.gallery.save(png, record, "gallery/openai/x", f"{number}.png"))
    return items


async def test_only_the_newest_search_is_answered(core) -> None:
    cat, dog = await saved(core, "a cat", "a dog")
    browser = GalleryBrowser(core.gallery)
    typed_on, latest = await asyncio.gather(
        browser.search(GalleryFilter(search="cat")), browser.search(GalleryFilter(search="dog"))
    )
    assert typed_on is None  # overtaken while it ran: its answer must not replace the newer one
    assert latest is not None and latest.ids == [dog.id] and latest.profiles == ["relay"]
    alone = await browser.search(GalleryFilter())
    assert alone is not None and alone.ids == [dog.id, cat.id]


async def test_a_look_overtaken_by_another_is_dropped_and_a_gone_image_is_none(core) -> None:
    first, second = await saved(core, "first", "second")
    browser = GalleryBrowser(core.gallery)
    earlier, later = browser.looks.next(), browser.looks.next()
    assert await browser.look(first.id, earlier) is None
    found = await browser.look(second.id, later)
    assert found is not None and found[0].prompt == "second" and found[0].meta
    assert await browser.look(10_000, browser.looks.next()) is None


async def test_one_deletion_can_be_undone_and_the_next_makes_the_earlier_final(core) -> None:
    a, b, c = await saved(core, "a", "b", "c")
    browser = GalleryBrowser(core.gallery)
    await browser.delete([a.id])
    assert browser.pending_delete == [a.id] and core.gallery.absolute(a).exists()
    await browser.delete([b.id, c.id])
    assert not core.gallery.absolute(a).exists()  # in the trash: its undo window ended
    assert browser.pending_delete == [b.id, c.id]
    assert await browser.undo_delete() == [b.id, c.id]
    assert core.gallery.store.count() == 2 and browser.pending_delete == []
    assert await browser.undo_delete() == []
    await browser.finish_delete()  # nothing pending: nothing happens
    assert core.gallery.store.count() == 2


async def test_a_favourite_updates_the_image_shown_unless_another_is_shown_by_then(core) -> None:
    a, b = await saved(core, "a", "b")
    browser = GalleryBrowser(core.gallery)
    browser.show(a)
    await browser.set_favourite(a, True)
    assert browser.current is not None and browser.current.favourite
    browser.show(b)
    await browser.set_favourite(a, False)
    assert browser.current == b
    assert not core.gallery.store.item(a.id).favourite
