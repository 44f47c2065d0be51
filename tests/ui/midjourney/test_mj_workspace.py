"""The Midjourney workspace against the loopback midjourney-proxy, in each dialect:
imagine → U1 → Vary (Region) with a painted mask → Zoom Out, from the real widgets."""

from __future__ import annotations

import asyncio
import json
import struct
import zlib
from pathlib import Path

import pytest
import pytest_asyncio
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from desktop_client.core.api.mj_types import MjStatus
from desktop_client.core.context import build_core
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.mj_tasks import StoredTask
from desktop_client.ui.midjourney.widgets import ImagesDialog, PromptDialog
from desktop_client.ui.widgets.mask_painter import MaskDialog
from tests.fakes.mj_sim import MjSimulator
from tests.ui.conftest import stop_background, wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]
SECRET = "mj-ui-secret-0000001"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.fixture
def sim_factory():
    started: list[MjSimulator] = []

    def make(dialect: str = "novicezk", **kwargs) -> MjSimulator:
        sim = MjSimulator(SECRET, dialect=dialect, **kwargs).start()
        started.append(sim)
        return sim

    yield make
    for sim in started:
        sim.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def cores():
    made: list = []
    yield made
    for core in made:
        await core.aclose()


def mj_window(make_window, sim: MjSimulator, core=None, cores=None):
    window, core = make_window(core)
    if cores is not None:
        cores.append(core)
    core.midjourney.poll_interval = 0.05
    core.midjourney.poll_max_interval = 0.2
    if not core.profiles.all():
        core.profiles.add("MJ", ProfileKind.MIDJOURNEY, sim.url, SECRET)
    window.settings_page.profiles.reload()
    window._update_mode()
    window.mj_page.refresh_profiles()
    window.nav.setCurrentRow(1)
    return window, core


async def started(page) -> None:
    await wait_until(
        lambda: page.presenter.loaded and page.core.midjourney.polling,
        message="the list loaded, the poller started",
    )


def task_where(page, predicate) -> StoredTask | None:
    return next((t for t in page.model.tasks if predicate(t)), None)


async def finished(page, action: str, timeout: float = 20.0) -> StoredTask:
    await wait_until(
        lambda: task_where(page, lambda t: t.action == action and t.status is MjStatus.SUCCESS and t.image_path),
        timeout,
        f"a finished {action} task with its image saved",
    )
    task = task_where(page, lambda t: t.action == action)
    assert task is not None
    return task


def press(page, text: str) -> None:
    buttons = {b.text(): b for b in page.panel.button_widgets()}
    assert text in buttons, sorted(buttons)
    buttons[text].click()


async def select(page, task: StoredTask) -> None:
    page.select_task(task.id)
    await wait_until(
        lambda: page.current is not None and page.current.id == task.id and page.panel.button_widgets()
    )


def paint_stroke(dialog: MaskDialog) -> None:
    canvas = dialog.canvas
    rect = canvas.image_rect()
    start = QPoint(rect.left() + rect.width() // 4, rect.top() + rect.height() // 2)
    end = QPoint(rect.left() + rect.width() // 2, rect.top() + rect.height() // 2)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for step in range(1, 11):
        point = start + (end - start) * (step / 10)
        QTest.mouseMove(canvas, point)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


@pytest.mark.parametrize("dialect", ["novicezk", "trueai", "newapi"])
async def test_imagine_upscale_vary_region_zoom_out(
    make_window, cores, keyring_store, home, sim_factory, dialect
) -> None:
    sim = sim_factory(dialect)
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)

    page.composer.prompt_edit.setPlainText("a lighthouse at dusk")
    page.composer.aspect_combo.setCurrentText("16:9")
    page.composer.version_combo.setCurrentIndex(page.composer.version_combo.findData("6.1"))
    page.composer.stylize.setValue(250)
    await wait_until(lambda: "--stylize 250" in page.composer.preview_label.text())
    page.composer.imagine_btn.click()
    grid = await finished(page, "IMAGINE")
    imagine_body = next(body for path, body in sim.submits if path.endswith("/submit/imagine"))
    assert imagine_body["prompt"] == "a lighthouse at dusk --ar 16:9 --v 6.1 --stylize 250"
    assert imagine_body.get("botType", "MID_JOURNEY") == "MID_JOURNEY"

    await select(page, grid)
    assert {"U1", "U4", "V1", "V4", "Reroll"} <= {b.text() for b in page.panel.button_widgets()}
    press(page, "U1")
    upscale = await finished(page, "UPSCALE")
    assert upscale.parent_id == grid.id

    await select(page, upscale)
    press(page, "Vary (Region)")
    await wait_until(
        lambda: isinstance(page.task_actions.dialog, MaskDialog) and page.task_actions.dialog.isVisible()
    )
    dialog = page.task_actions.dialog
    assert isinstance(dialog, MaskDialog)
    assert not dialog.ok_btn.isEnabled()
    paint_stroke(dialog)
    assert dialog.ok_btn.isEnabled()
    dialog.prompt_edit.setPlainText("a lighthouse with a red door")
    dialog.ok_btn.click()
    region = await finished(page, "INPAINT")
    assert region.parent_id == upscale.id
    mask = sim.masks[region.id]
    image = QImage.fromData(mask)
    saved = QImage(upscale.image_path)
    assert image.size() == saved.size()
    middle = image.pixelColor(saved.width() * 3 // 8, saved.height() // 2)
    corner = image.pixelColor(2, 2)
    assert middle.red() == 255 and corner.red() == 0
    modal_body = next(body for path, body in sim.submits if path.endswith("/submit/modal"))
    assert modal_body["prompt"] == "a lighthouse with a red door"

    # Vary (Region) gives a new grid; Zoom Out works on an upscale of it, as on Discord.
    await select(page, region)
    press(page, "U1")
    await wait_until(lambda: len([t for t in page.model.tasks if t.action == "UPSCALE" and t.image_path]) == 2, 20)
    second = task_where(page, lambda t: t.action == "UPSCALE" and t.parent_id == region.id)
    assert second is not None
    await select(page, second)
    press(page, "Zoom Out 2x")
    zoomed = await finished(page, "OUTPAINT")
    assert zoomed.parent_id == second.id

    # Every image is in the gallery folder with its metadata, and matches the server's bytes.
    for task in (grid, upscale, region, second, zoomed):
        path = Path(task.image_path)
        assert home.gallery in path.parents
        assert path.read_bytes() == sim.image_bytes(task.id)
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert meta["task_id"] == task.id
        assert meta["parent_task_id"] == (task.parent_id or None)
        assert meta["profile"] == "MJ"
    assert json.loads(Path(grid.image_path).with_suffix(".json").read_text())["buttons"]

    # A grid splits into its four quadrants beside it.
    await select(page, grid)
    page.panel.split_btn.click()
    stem = Path(grid.image_path)
    await wait_until(lambda: all(stem.with_name(f"{stem.stem}-{n}.png").exists() for n in range(1, 5)))
    quarter = QImage(str(stem.with_name(f"{stem.stem}-1.png")))
    whole = QImage(grid.image_path)
    assert (quarter.width(), quarter.height()) == (whole.width() // 2, whole.height() // 2)
    # Every saved image, quadrants included, is in the gallery with the task's prompt.
    await wait_until(lambda: core.gallery.store.by_path(stem.with_name(f"{stem.stem}-4.png")) is not None)
    indexed = {item.path.rsplit("/", 1)[-1]: item for item in core.gallery.store.items()}
    assert indexed[f"{stem.stem}-2.png"].prompt == grid.prompt
    assert indexed[stem.name].task_id == grid.id and indexed[stem.name].source == "midjourney"


async def test_a_task_in_flight_finishes_after_a_restart(
    make_window, cores, keyring_store, home, sim_factory
) -> None:
    sim = sim_factory("trueai")
    sim.hold("*")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.composer.prompt_edit.setPlainText("a slow castle")
    page.composer.imagine_btn.click()
    await wait_until(lambda: sim.tasks_by_id)
    task_id = next(iter(sim.tasks_by_id))
    # Polled at least once (the server holds it at its first step), then the app quits.
    await wait_until(lambda: page.model.tasks and page.model.tasks[0].updated > page.model.tasks[0].submitted)
    window.close()  # as at quit: the poller stops, the task is left running on the server
    await stop_background(window)
    await core.aclose()

    sim.release("*")
    again, core2 = mj_window(make_window, sim, build_core(home), cores=cores)
    page2 = again.mj_page
    await started(page2)
    done = await finished(page2, "IMAGINE")
    assert done.id == task_id and Path(done.image_path).read_bytes() == sim.image_bytes(task_id)


async def test_describe_gives_prompts_one_click_from_imagine(
    make_window, cores, keyring_store, sim_factory
) -> None:
    sim = sim_factory("newapi")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.describe_btn.click()
    dialog = page.dialog
    assert isinstance(dialog, ImagesDialog)
    dialog.strip.add([png(64, 48, (200, 30, 30))])
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    await wait_until(
        lambda: task_where(page, lambda t: t.action == "DESCRIBE" and t.status is MjStatus.SUCCESS), 20
    )
    described = task_where(page, lambda t: t.action == "DESCRIBE")
    assert described is not None and len(described.prompts) == 4 and not described.image_path
    await wait_until(lambda: page.current is not None and page.current.id == described.id)
    page.panel.show_task(described)
    await asyncio.sleep(0.05)  # a layout shows new children on the next loop turn
    go = [
        b
        for b in page.panel.prompts_box.findChildren(type(page.composer.imagine_btn))
        if b.text() == "Imagine" and b.isVisible()
    ]
    assert len(go) == 4
    go[1].click()
    await wait_until(lambda: task_where(page, lambda t: t.action == "IMAGINE"))
    imagine = next(body for path, body in sim.submits if path.endswith("/submit/imagine"))
    assert imagine["prompt"] == described.prompts[1]


async def test_blend_sends_two_images_and_the_dimensions(make_window, cores, keyring_store, sim_factory) -> None:
    sim = sim_factory("trueai")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.blend_btn.click()
    dialog = page.dialog
    assert isinstance(dialog, ImagesDialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.strip.add([png(32, 32, (10, 200, 10))])
    assert not ok.isEnabled()
    dialog.strip.add([png(32, 32, (10, 10, 200))])
    dialog.dimension_buttons["LANDSCAPE"].setChecked(True)
    ok.click()
    blended = await finished(page, "BLEND")
    body = next(body for path, body in sim.submits if path.endswith("/submit/blend"))
    assert body["dimensions"] == "LANDSCAPE" and len(body["base64Array"]) == 2
    assert body["base64Array"][0].startswith("data:image/png;base64,")
    image = QImage(blended.image_path)
    assert image.width() > image.height()


async def test_custom_zoom_asks_for_a_prompt_with_zoom(make_window, cores, keyring_store, sim_factory) -> None:
    sim = sim_factory("newapi")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.composer.prompt_edit.setPlainText("a quiet harbour")
    page.composer.imagine_btn.click()
    grid = await finished(page, "IMAGINE")
    await select(page, grid)
    press(page, "U2")
    upscale = await finished(page, "UPSCALE")
    await select(page, upscale)
    press(page, "Custom Zoom")
    dialog = page.task_actions.dialog
    assert isinstance(dialog, PromptDialog) and "--zoom 1.5" in dialog.prompt()
    dialog.edit.setPlainText("a quiet harbour --zoom 1.8")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    zoomed = await finished(page, "ZOOM")
    assert zoomed.parent_id == upscale.id
    modal = next(body for path, body in sim.submits if path.endswith("/submit/modal"))
    assert modal["prompt"] == "a quiet harbour --zoom 1.8"


async def test_refusals_failures_and_queue_are_shown(make_window, cores, keyring_store, sim_factory) -> None:
    sim = sim_factory("novicezk")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.composer.prompt_edit.setPlainText("nude figure study")
    page.composer.imagine_btn.click()
    await wait_until(lambda: page.notice.isVisible() and "'nude'" in page.notice.text())

    sim.queue_next(2)
    page.composer.prompt_edit.setPlainText("a queued tree")
    page.composer.imagine_btn.click()
    await wait_until(lambda: "2" in page.notice.text() and "ahead" in page.notice.text())

    # Another window in front: the end of a task is announced outside this one.
    other = QWidget()
    other.show()
    other.activateWindow()
    await wait_until(lambda: not window.isActiveWindow())
    sim.fail_next("Banned by the moderator")
    page.composer.prompt_edit.setPlainText("a failing tree")
    page.composer.imagine_btn.click()
    await wait_until(lambda: task_where(page, lambda t: t.status is MjStatus.FAILURE), 20)
    failed = task_where(page, lambda t: t.status is MjStatus.FAILURE)
    page.select_task(failed.id)
    await wait_until(lambda: "Banned by the moderator" in page.panel.info_label.text())
    assert "Failed" in page.panel.state_label.text()
    await wait_until(lambda: any("failed" in title for title, _ in window.notifier.sent))
    assert any("failing tree" in body for _, body in window.notifier.sent)
    other.close()
    other.deleteLater()


async def test_open_source_server_without_buttons_uses_change(
    make_window, cores, keyring_store, sim_factory
) -> None:
    sim = sim_factory("novicezk", buttons=False)
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.composer.prompt_edit.setPlainText("a plain server")
    page.composer.imagine_btn.click()
    grid = await finished(page, "IMAGINE")
    await select(page, grid)
    shown = [b.text() for b in page.panel.button_widgets()]
    assert shown == ["U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4", "Reroll"]  # the order users know
    press(page, "U3")
    upscale = await finished(page, "UPSCALE")
    assert upscale.parent_id == grid.id
    change = next(body for path, body in sim.submits if path.endswith("/submit/change"))
    assert change == {"taskId": grid.id, "action": "UPSCALE", "index": 3}
    await select(page, grid)
    press(page, "Reroll")
    await finished(page, "REROLL")
    changes = [body for path, body in sim.submits if path.endswith("/submit/change")]
    assert changes[-1] == {"taskId": grid.id, "action": "REROLL", "index": 1}


async def test_missing_image_file_is_shown_not_a_crash(make_window, cores, keyring_store, sim_factory) -> None:
    sim = sim_factory("trueai")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.composer.prompt_edit.setPlainText("a vanishing act")
    page.composer.imagine_btn.click()
    grid = await finished(page, "IMAGINE")
    Path(grid.image_path).unlink()
    page.presenter._images.clear()
    page.select_task(grid.id)
    page.presenter.choose(None)
    page.select_task(grid.id)
    page._on_current(page.list.currentIndex(), page.list.currentIndex())
    await wait_until(lambda: "missing or damaged" in page.panel.image._text)
    await asyncio.sleep(0)


async def test_a_double_enter_or_click_submits_once(make_window, cores, keyring_store, sim_factory) -> None:
    sim = sim_factory("trueai")
    window, core = mj_window(make_window, sim, cores=cores)
    page = window.mj_page
    await started(page)
    page.composer.prompt_edit.setPlainText("one lighthouse only")
    page.composer.prompt_edit.setFocus()
    QTest.keyClick(page.composer.prompt_edit, Qt.Key.Key_Return)
    QTest.keyClick(page.composer.prompt_edit, Qt.Key.Key_Return)
    grid = await finished(page, "IMAGINE")
    await select(page, grid)
    u1 = next(b for b in page.panel.button_widgets() if b.text() == "U1")
    u1.click()
    u1.click()
    await finished(page, "UPSCALE")
    await asyncio.sleep(0.2)
    paths = [path for path, _ in sim.submits]
    assert paths.count("/mj/submit/imagine") == 1 and paths.count("/mj/submit/action") == 1
