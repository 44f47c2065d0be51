"""The gallery page and the images page, with real widgets over a real loopback server."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint
from PySide6.QtGui import QImage

from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.gallery import CORRUPT, MISSING
from desktop_client.core.storage.gallery_files import write_sidecar
from desktop_client.ui.gallery.model import StateRole, ThumbRole
from tests.fakes.images_fake import FakeImages
from tests.fakes.mj_sim import grid_png, png_size, solid_png
from tests.ui.conftest import wait_until
from tests.ui.widgets.test_mask_painter import drag

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]
KEY = "sk-gallery-ui-canary-000000000001"


def add_images(core, count: int, *, prefix: str = "image", source: str = "openai") -> list[Path]:
    paths = []
    now = time.time()
    for number in range(count):
        path = core.home.gallery / source / f"{prefix}-{number:03}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            grid_png(64, 48, [(number * 7 % 255, 90, 160), (240, 200, 40), (30, 30, 30), (200, 60, 60)])
        )
        document = {"source": source, "prompt": f"{prefix} number {number}", "model": "gpt-image-1"}
        document["created"] = now - number * 60
        document["profile"] = "relay"
        write_sidecar(path, document)
        paths.append(path)
    return paths


async def open_gallery(make_window, count: int = 0, url: str = "http://127.0.0.1:9"):
    window, core = make_window()
    core.profiles.add("relay", ProfileKind.OPENAI, url, KEY)
    window._update_mode()  # a profile: the workspace instead of the onboarding
    window.images_page.refresh_profiles()
    paths = add_images(core, count) if count else []
    window.go_to("gallery")
    page = window.gallery_page
    await wait_until(lambda: page.browser.loaded and page.model is not None and page.model.rowCount() == count)
    return window, core, page, paths


async def test_thumbnails_are_made_off_thread_and_cached_on_disk(make_window) -> None:
    window, core, page, paths = await open_gallery(make_window, 12)
    model = page.model
    await wait_until(lambda: all(model.data(model.index(r), ThumbRole) is not None for r in range(12)))
    cached = list((core.home.cache / "thumbs").glob("*.jpg"))
    assert len(cached) == 12
    assert QImage(str(cached[0])).width() <= 192


async def test_search_filter_and_detail(make_window) -> None:
    window, core, page, paths = await open_gallery(make_window, 25)
    page.filters.search_edit.setText("number 17")
    await wait_until(lambda: page.model.rowCount() == 1, message="search narrowed")
    assert "1" in page.filters.count_label.text()
    page.grid.selectionModel().setCurrentIndex(
        page.model.index(0), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    await wait_until(lambda: page.browser.current is not None and not page.detail.view.pixmap().isNull())
    assert page.detail.prompt_view.toPlainText() == "image number 17"
    assert "gpt-image-1" in page.detail.info_label.text() and "64 × 48" in page.detail.info_label.text()
    page.filters.search_edit.clear()
    page.filters.source_combo.setCurrentIndex(page.filters.source_combo.findData("midjourney"))
    await wait_until(lambda: page.model.rowCount() == 0)
    page.filters.source_combo.setCurrentIndex(0)
    page.filters.favourites_box.setChecked(True)
    await wait_until(lambda: page.model.rowCount() == 0)
    page.filters.favourites_box.setChecked(False)
    await wait_until(lambda: page.model.rowCount() == 25)


async def test_delete_undo_then_trash(make_window, tmp_path) -> None:
    window, core, page, paths = await open_gallery(make_window, 6)
    selection = page.grid.selectionModel()
    for row in (0, 1):
        selection.select(page.model.index(row), QItemSelectionModel.SelectionFlag.Select)
    await page.delete_selected()
    assert page.model.rowCount() == 4 and page.undo_bar.isVisible()
    assert "2" in page.undo_bar.label.text()
    assert paths[0].exists()  # kept during the undo window
    page.undo_bar.undo_btn.click()
    await wait_until(lambda: page.model.rowCount() == 6 and not page.undo_bar.isVisible())
    selection.clearSelection()
    selection.select(page.model.index(0), QItemSelectionModel.SelectionFlag.Select)
    await page.delete_selected()
    await page.finish_delete()  # what the undo timer does when it runs out
    assert not paths[0].exists()
    assert (tmp_path / "xdg-data" / "Trash" / "files" / paths[0].name).exists()
    assert page.model.rowCount() == 5 and core.gallery.store.count() == 5


async def test_missing_and_corrupt_files_are_shown_as_such(make_window) -> None:
    window, core = make_window()
    core.profiles.add("relay", ProfileKind.OPENAI, "http://127.0.0.1:9", KEY)
    window._update_mode()
    paths = add_images(core, 3)
    assert core.gallery.store.count() == 3  # indexed while the files were whole
    paths[0].unlink()  # newest: row 0
    paths[1].write_bytes(paths[1].read_bytes()[:60])  # truncated: row 1
    window.go_to("gallery")
    page = window.gallery_page
    await wait_until(lambda: page.browser.loaded and page.model.rowCount() == 3)
    model = page.model
    for row in range(3):
        model.data(model.index(row), ThumbRole)
    await wait_until(lambda: model.data(model.index(0), StateRole) == MISSING)
    await wait_until(lambda: model.data(model.index(1), StateRole) == CORRUPT)
    window.resize(1100, 700)
    page.grid.viewport().grab()  # painting a missing or damaged cell must not fail
    page.select(model.ids()[1])
    await wait_until(lambda: page.detail.state_label.isVisible() and "damaged" in page.detail.state_label.text())
    page.select(model.ids()[0])
    await wait_until(lambda: "missing" in page.detail.state_label.text())
    assert page.detail.view.pixmap().isNull()


async def test_generate_with_each_family_lands_in_the_gallery(make_window) -> None:
    with FakeImages(KEY) as fake:
        window, core, page, paths = await open_gallery(make_window, 0, fake.url)
        images = window.images_page
        window.go_to("images")
        form = images.params.form
        visible = {name: form.isRowVisible(combo) for name, combo in images.params.option_combos.items()}
        images.params.model_combo.setCurrentText("dall-e-3")
        shown_dalle3 = {n: form.isRowVisible(c) for n, c in images.params.option_combos.items()}
        assert shown_dalle3 == {
            "quality": True,
            "style": True,
            "background": False,
            "output_format": False,
            "moderation": False,
        }
        assert not form.isRowVisible(images.params.n_spin)  # dall-e-3 makes one image
        images.params.model_combo.setCurrentText("gpt-image-1")
        assert visible["background"] and not visible["style"]
        assert not form.isRowVisible(images.params.compression_spin)
        images.params.option_combos["output_format"].setCurrentIndex(
            images.params.option_combos["output_format"].findData("webp")
        )
        assert form.isRowVisible(images.params.compression_spin)
        images.params.option_combos["output_format"].setCurrentIndex(0)
        images.params.model_combo.setCurrentText("dall-e-2")
        assert not any(form.isRowVisible(c) for c in images.params.option_combos.values())

        for model, options in (
            ("dall-e-2", {}),
            ("dall-e-3", {"style": "natural"}),
            ("gpt-image-1", {"quality": "low"}),
        ):
            images.params.model_combo.setCurrentText(model)
            for name, value in options.items():
                combo = images.params.option_combos[name]
                combo.setCurrentIndex(combo.findData(value))
            images.prompt_edit.setPlainText(f"a harbour by {model}")
            images.generate_btn.click()
            await wait_until(lambda: images.task is not None and images.task.done(), timeout=20)
            assert not images.notice.isVisible(), images.notice.text()
            assert fake.image_requests[-1].json["model"] == model
            for name, value in options.items():
                assert fake.image_requests[-1].json[name] == value
        assert images.results.count() == 1
        assert "Revised" not in images.result_info.text()  # gpt-image has no revised prompt
        listed = core.gallery.store.items()
        assert [item.model for item in listed] == ["gpt-image-1", "dall-e-3", "dall-e-2"]
        assert listed[1].prompt_extra == "A revised a harbour by dall-e-3"

        images.results.itemAt(0).widget().click()
        page = window.gallery_page
        await wait_until(lambda: page.browser.current is not None and page.browser.current.id == listed[0].id)
        assert window.current_page() is page


async def test_edit_from_the_gallery_with_a_painted_mask(make_window) -> None:
    with FakeImages(KEY) as fake:
        window, core, page, paths = await open_gallery(make_window, 2, fake.url)
        images = window.images_page
        page.select(page.model.ids()[0])
        await wait_until(lambda: page.browser.current is not None and page.detail.edit_btn.isEnabled())
        page.detail.edit_btn.click()
        assert window.current_page() is images
        assert images.sources.paths == [paths[0]] and images.generate_btn.text() == "Edit"
        images.paint_mask()
        dialog = images.dialog
        canvas = dialog.canvas
        await wait_until(lambda: canvas.isVisible())
        drag(
            canvas,
            QPoint(canvas.width() // 2 - 5, canvas.height() // 2),
            QPoint(canvas.width() // 2 + 5, canvas.height() // 2),
        )
        dialog.ok_btn.click()
        assert images.mask_png is not None and images.mask_label.text()
        images.prompt_edit.setPlainText("add a moon")
        images.generate_btn.click()
        await wait_until(lambda: images.task is not None and images.task.done(), timeout=20)
        assert not images.notice.isVisible(), images.notice.text()
        call = fake.image_requests[-1]
        assert call.endpoint == "edits"
        image, mask = call.files
        assert (image.field, mask.field) == ("image", "mask")  # one image: the field every relay parses
        assert image.data == paths[0].read_bytes()
        assert png_size(mask.data) == (64, 48)
        decoded = QImage.fromData(mask.data)
        assert decoded.pixelColor(32, 24).alpha() == 0  # painted: to be redrawn
        assert decoded.pixelColor(1, 1).alpha() == 255
        edited = core.gallery.store.items()[0]
        assert edited.action == "edit" and edited.prompt == "add a moon"
        assert core.gallery.store.item(edited.id).meta["inputs"] == [core.gallery.relative(paths[0])]


async def test_reuse_prompt_goes_to_the_page_that_made_it(make_window) -> None:
    window, core, page, paths = await open_gallery(make_window, 1)
    mj = core.home.gallery / "midjourney" / "grid.png"
    mj.parent.mkdir(parents=True, exist_ok=True)
    mj.write_bytes(solid_png(20, 20, (0, 0, 0)))
    buttons = [{"customId": "MJ::JOB::upsample::1::abc", "emoji": "", "label": "U1"}]
    write_sidecar(mj, {"source": "midjourney", "prompt": "a dragon --ar 1:1", "task_id": "T9", "buttons": buttons})
    core.gallery.store.index_file(mj)
    await page.refresh()
    page.select(core.gallery.store.by_path(mj).id)
    await wait_until(lambda: page.browser.current is not None and page.browser.current.source == "midjourney")
    assert page.detail.mj_box.isVisibleTo(page) and page.detail.mj_layout.count() == 1
    page.detail.reuse_btn.click()
    assert window.current_page() is window.mj_page
    assert window.mj_page.composer.prompt_edit.toPlainText() == "a dragon --ar 1:1"
    window.go_to("gallery")
    page.select(page.model.ids()[-1])
    await wait_until(lambda: page.browser.current is not None and page.browser.current.source == "openai")
    assert not page.detail.mj_box.isVisibleTo(page)
    page.detail.reuse_btn.click()
    assert window.current_page() is window.images_page
    assert window.images_page.prompt_edit.toPlainText() == "image number 0"


async def test_the_delete_key_deletes_the_selected_images_and_ctrl_z_brings_them_back(make_window) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window, core, page, paths = await open_gallery(make_window, 4)
    window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is window, message="window active")
    selection = page.grid.selectionModel()
    for row in (0, 1):
        selection.select(page.model.index(row), QItemSelectionModel.SelectionFlag.Select)
    page.grid.setFocus()
    QTest.keyClick(page.grid, Qt.Key.Key_Delete)
    await wait_until(lambda: page.model.rowCount() == 2 and page.undo_bar.isVisible(), message="deleted")
    assert paths[0].exists()  # kept during the undo window
    QTest.keyClick(page.grid, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    await wait_until(lambda: page.model.rowCount() == 4 and not page.undo_bar.isVisible(), message="undone")
