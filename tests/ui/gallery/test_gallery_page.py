"""The gallery page's panels and its own notice, on a core with session-only keys (no keyring)."""

from __future__ import annotations

import asyncio

import pytest
import shiboken6
from PySide6.QtWidgets import QWidget

from desktop_client.core.settings import Language
from desktop_client.core.storage.gallery import MISSING
from desktop_client.ui.gallery import undo_bar
from desktop_client.ui.gallery.detail_panel import DetailPanel
from desktop_client.ui.gallery.filter_bar import SEARCH_PAUSE_MS, FilterBar
from desktop_client.ui.gallery.model import day_range
from desktop_client.ui.gallery.page import GalleryPage
from desktop_client.ui.gallery.undo_bar import UndoBar
from desktop_client.ui.i18n import Translations
from tests.ui.conftest import wait_until
from tests.ui.gallery.test_gallery import add_images

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_import_and_export_failures_show_in_the_pages_own_notice(qapp, core, tmp_path) -> None:
    add_images(core, 2)
    page = GalleryPage(core)
    try:
        await page.load()
        assert page.model.rowCount() == 2
        await page.import_folder(tmp_path / "nowhere")
        assert page.notice.is_error and "is not a folder" in page.notice.text()
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        await page.export_to(blocker / "inside")
        assert page.notice.is_error and "Export failed" in page.notice.text()
        written = await page.export_to(tmp_path / "out")
        assert len(written) == 2
        assert not page.notice.is_error and "Exported 2 images to" in page.notice.text()
    finally:
        await page.shutdown()
        shiboken6.delete(page)


async def test_the_filter_bar_waits_for_typing_to_settle_and_says_what_it_filters(qapp) -> None:
    bar = FilterBar()
    changes = []
    bar.changed.connect(lambda: changes.append(bar.filter()))
    for text in ("c", "ca", "cat"):
        bar.search_edit.setText(text)
    assert changes == []
    await wait_until(lambda: changes, timeout=2)
    await asyncio.sleep(2 * SEARCH_PAUSE_MS / 1000)
    assert [change.search for change in changes] == ["cat"]
    bar.set_profiles(["backup", "relay"])
    bar.source_combo.setCurrentIndex(bar.source_combo.findData("midjourney"))
    bar.date_combo.setCurrentIndex(bar.date_combo.findData("today"))
    bar.profile_combo.setCurrentIndex(bar.profile_combo.findData("relay"))
    bar.favourites_box.setChecked(True)
    assert len(changes) == 5  # each at once
    last = changes[-1]
    assert (last.source, last.profile, last.favourites, last.since) == (
        "midjourney",
        "relay",
        True,
        day_range("today")[0],
    )
    bar.set_profiles(["relay"])  # a new listing: the profile chosen stays, and that is no change
    assert bar.filter().profile == "relay" and len(changes) == 5
    assert bar.narrowed()
    shiboken6.delete(bar)


async def test_the_detail_view_redraws_the_image_it_shows_in_a_new_language(qapp, core) -> None:
    add_images(core, 1)
    item = core.gallery.store.item(core.gallery.store.ids()[0])
    holder = QWidget()  # never shown: a shown panel of its own would be a window
    panel = DetailPanel(core.gallery.absolute, holder)
    panel.show_item(item, MISSING)
    assert "<b>Source</b>" in panel.info_label.text() and "missing" in panel.state_label.text()
    panel.favourite_btn.click()  # the star given stays through the redraw
    translations = Translations()
    try:
        translations.apply(Language.CHINESE)
        await wait_until(lambda: "<b>来源</b>" in panel.info_label.text(), timeout=2)
        assert "Source" not in panel.info_label.text()
        assert str(core.gallery.absolute(item)) in panel.state_label.text()  # still names the file
        assert panel.favourite_btn.isChecked()
    finally:
        translations.apply(Language.ENGLISH)
    await wait_until(lambda: "<b>Source</b>" in panel.info_label.text(), timeout=2)
    shiboken6.delete(holder)


async def test_the_undo_bar_offers_undo_until_its_time_is_up(qapp, monkeypatch) -> None:
    monkeypatch.setattr(undo_bar, "UNDO_SECONDS", 0.1)
    holder = QWidget()
    bar = UndoBar(holder)
    undone, expired = [], []
    bar.undo.connect(lambda: undone.append(True))
    bar.expired.connect(lambda: expired.append(True))
    bar.offer(2)
    assert not bar.isHidden() and "2 image(s) deleted." in bar.label.text()
    bar.undo_btn.click()
    assert undone == [True]
    await wait_until(lambda: expired, timeout=2)
    bar.withdraw()
    assert bar.isHidden()
    shiboken6.delete(holder)


async def test_the_detail_view_orders_midjourney_buttons_as_users_know_them(qapp, core) -> None:
    import dataclasses

    add_images(core, 1)
    item = core.gallery.store.item(core.gallery.store.ids()[0])
    sent = [{"customId": f"MJ::JOB::variation::{i}::h", "label": f"V{i}"} for i in (3, 1, 4, 2)]
    sent.append({"customId": "MJ::JOB::reroll::0::h::SOLO", "emoji": "🔄"})
    sent += [{"customId": f"MJ::JOB::upsample::{i}::h", "label": f"U{i}"} for i in (4, 3, 2, 1)]
    item = dataclasses.replace(item, source="midjourney", task_id="1700000000000009", meta={"buttons": sent})
    holder = QWidget()
    panel = DetailPanel(core.gallery.absolute, holder)
    panel.show_item(item)
    grid = panel.mj_layout
    rows = [
        [
            grid.itemAtPosition(row, column).widget().text()
            for column in range(4)
            if grid.itemAtPosition(row, column)
        ]
        for row in range(grid.rowCount())
    ]
    assert rows == [["U1", "U2", "U3", "U4"], ["V1", "V2", "V3", "V4"], ["Reroll"]]
    shiboken6.delete(holder)
