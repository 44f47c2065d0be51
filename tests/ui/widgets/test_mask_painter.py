"""Vary (Region) mask painter and the image helpers, with real widgets (offscreen).

The canvas geometry is worked out here by hand, not through the canvas's own mapping, so a
wrong mapping shows up as wrong mask pixels.
"""

import asyncio
import itertools

import pytest
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage, QImageWriter, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QPlainTextEdit, QSlider

from desktop_client.ui.imaging import encode_png, load_scaled, split_grid
from desktop_client.ui.widgets.mask_painter import MaskCanvas, MaskDialog, Tool, ask_mask
from tests.ui.conftest import wait_until

WHITE = (255, 255, 255, 255)
BLACK = (0, 0, 0, 255)
IMAGE_COLOR = QColor(40, 80, 120)


def solid(width, height, color=IMAGE_COLOR) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(color)
    return image


def drag(widget, *points, steps=8) -> None:
    """Press at the first point, move through the others in small steps, release at the last."""
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(widget, left, none, points[0])
    for start, end in itertools.pairwise(points):
        for i in range(1, steps + 1):
            x = start.x() + (end.x() - start.x()) * i // steps
            y = start.y() + (end.y() - start.y()) * i // steps
            QTest.mouseMove(widget, QPoint(x, y))
    QTest.mouseRelease(widget, left, none, points[-1])


def decoded(png: bytes) -> QImage:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(png)
    assert not image.isNull()
    return image


def rgba(image: QImage, x: int, y: int) -> tuple[int, int, int, int]:
    return image.pixelColor(x, y).getRgb()


def white_pixels(png: bytes) -> int:
    gray = decoded(png).convertToFormat(QImage.Format.Format_Grayscale8)
    data, stride = bytes(gray.constBits()), gray.bytesPerLine()
    return sum(data.count(255, y * stride, y * stride + gray.width()) for y in range(gray.height()))


@pytest.fixture
def canvas(qtbot):
    """An 800×400 image in a 400×300 canvas: drawn at half size, at (0, 50)-(400, 250)."""
    widget = MaskCanvas(solid(800, 400))
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_brush_size(40)
    return widget


def test_default_brush_is_six_percent_of_the_shorter_side(qtbot) -> None:
    widget = MaskCanvas(solid(1000, 500))
    qtbot.addWidget(widget)
    assert widget.brush_size() == 30
    assert not widget.has_mask() and not widget.can_undo()


def test_brush_stroke_marks_the_image_pixels_under_it(canvas) -> None:
    assert canvas.image_rect() == QRect(0, 50, 400, 200)
    changes = []
    canvas.changed.connect(lambda: changes.append(1))
    # widget (100, 150) → (300, 150) is image (200, 200) → (600, 200); brush 40 image px
    drag(canvas, QPoint(100, 150), QPoint(300, 150))
    assert canvas.has_mask() and changes == [1]
    mask = decoded(canvas.mask_png())
    assert (mask.width(), mask.height()) == (800, 400)  # the image's size, not the widget's
    for x, y in [(400, 200), (400, 186), (400, 214), (200, 200), (600, 200), (186, 200), (614, 200)]:
        assert rgba(mask, x, y) == WHITE, (x, y)
    for x, y in [(400, 175), (400, 225), (170, 200), (630, 200), (0, 0), (799, 399), (400, 100)]:
        assert rgba(mask, x, y) == BLACK, (x, y)


@pytest.mark.parametrize(("size", "top", "scale"), [((400, 300), 50, 0.5), ((1000, 750), 125, 1.25)])
def test_the_mask_does_not_depend_on_the_widget_size(qtbot, size, top, scale) -> None:
    widget = MaskCanvas(solid(800, 400))
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_brush_size(40)

    def at(x, y):
        return QPoint(round(x * scale), round(top + y * scale))

    drag(widget, at(200, 300), at(600, 300))
    mask = decoded(widget.mask_png())
    assert (mask.width(), mask.height()) == (800, 400)
    assert rgba(mask, 400, 300) == WHITE and rgba(mask, 400, 312) == WHITE
    assert rgba(mask, 400, 330) == BLACK and rgba(mask, 400, 270) == BLACK
    # the stroke is 40 image px wide at any zoom: about 400×40 plus two half discs
    assert 400 * 38 < white_pixels(widget.mask_png()) < 400 * 42 + 3.2 * 22 * 22


def test_rectangle_tool_marks_the_dragged_box_clipped_to_the_image(canvas) -> None:
    canvas.set_tool(Tool.RECTANGLE)
    drag(canvas, QPoint(50, 60), QPoint(150, 110))  # image (100, 20) → (300, 120)
    mask = decoded(canvas.mask_png())
    for x, y in [(200, 70), (102, 22), (298, 118)]:
        assert rgba(mask, x, y) == WHITE, (x, y)
    for x, y in [(95, 70), (305, 70), (200, 125), (200, 15), (400, 200)]:
        assert rgba(mask, x, y) == BLACK, (x, y)
    # starting in the band above the image: only the part over the image counts
    drag(canvas, QPoint(350, 20), QPoint(390, 80))  # image (700, -60) → (780, 60)
    mask = decoded(canvas.mask_png())
    assert rgba(mask, 750, 0) == WHITE and rgba(mask, 750, 58) == WHITE
    assert rgba(mask, 750, 65) == BLACK and rgba(mask, 690, 30) == BLACK
    assert white_pixels(canvas.mask_png()) == pytest.approx(200 * 100 + 80 * 60, rel=0.03)


def test_a_click_without_moving_paints_a_dot(canvas) -> None:
    drag(canvas, QPoint(200, 150), steps=0)  # image (400, 200)
    mask = decoded(canvas.mask_png())
    assert rgba(mask, 400, 200) == WHITE and rgba(mask, 414, 200) == WHITE
    assert rgba(mask, 430, 200) == BLACK


def test_eraser_removes_and_undo_restores(canvas) -> None:
    drag(canvas, QPoint(100, 150), QPoint(300, 150))
    canvas.set_tool(Tool.ERASER)
    canvas.set_brush_size(20)
    drag(canvas, QPoint(200, 60), QPoint(200, 240))  # image x = 400, top to bottom
    mask = decoded(canvas.mask_png())
    assert rgba(mask, 400, 200) == BLACK and rgba(mask, 395, 190) == BLACK
    assert rgba(mask, 300, 200) == WHITE and rgba(mask, 500, 200) == WHITE
    assert canvas.has_mask()

    canvas.undo()
    assert rgba(decoded(canvas.mask_png()), 400, 200) == WHITE
    canvas.undo()
    assert not canvas.has_mask() and not canvas.can_undo()
    assert white_pixels(canvas.mask_png()) == 0
    canvas.undo()  # nothing left: harmless


def test_erasing_everything_leaves_no_mask(canvas) -> None:
    canvas.set_tool(Tool.RECTANGLE)
    drag(canvas, QPoint(100, 100), QPoint(120, 120))
    assert canvas.has_mask()
    canvas.set_tool(Tool.ERASER)
    canvas.set_brush_size(200)
    drag(canvas, QPoint(110, 110), QPoint(111, 111))
    assert not canvas.has_mask()


def test_ctrl_z_undoes_one_stroke(qtbot) -> None:
    dialog = MaskDialog(solid(800, 400), "a castle")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)  # window shortcuts need the active window
    area = dialog.canvas.image_rect()
    drag(dialog.canvas, area.center() - QPoint(40, 0), area.center())
    drag(dialog.canvas, area.center() + QPoint(0, 30), area.center() + QPoint(40, 30))
    before = white_pixels(dialog.mask_png())
    dialog.canvas.setFocus()
    QTest.keyClick(dialog.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    # The Undo button's shortcut "animates" a click: it lands a moment later.
    qtbot.waitUntil(lambda: white_pixels(dialog.mask_png()) < before)
    qtbot.wait(150)
    after = white_pixels(dialog.mask_png())
    assert 0 < after < before  # one stroke gone, not both
    assert dialog.canvas.can_undo()
    # In the prompt, Ctrl+Z undoes typing, not painting.
    dialog.prompt_edit.setFocus()
    QTest.keyClicks(dialog.prompt_edit, "x")
    QTest.keyClick(dialog.prompt_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(150)
    assert dialog.prompt() == "a castle" and white_pixels(dialog.mask_png()) == after
    # Anywhere else in the dialog (here: after choosing a tool) it undoes the last stroke.
    dialog.eraser_btn.setFocus()
    QTest.keyClick(dialog.eraser_btn, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.canvas.has_mask())


def test_dialog_ok_follows_the_mask_and_clear_is_undoable(qtbot) -> None:
    dialog = MaskDialog(solid(640, 640), "a castle on a hill")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Vary (Region)"
    assert dialog.ok_btn.text() == "Vary region"
    assert "Midjourney keeps the rest" in dialog.hint_label.text()
    assert not dialog.ok_btn.isEnabled() and not dialog.undo_btn.isEnabled()

    center = dialog.canvas.image_rect().center()
    drag(dialog.canvas, center, center + QPoint(30, 10))
    assert dialog.ok_btn.isEnabled() and dialog.undo_btn.isEnabled()
    painted = white_pixels(dialog.mask_png())
    assert painted > 0

    QTest.mouseClick(dialog.clear_btn, Qt.MouseButton.LeftButton)
    assert not dialog.canvas.has_mask()
    assert not dialog.ok_btn.isEnabled()
    assert white_pixels(dialog.mask_png()) == 0
    QTest.mouseClick(dialog.undo_btn, Qt.MouseButton.LeftButton)
    assert dialog.ok_btn.isEnabled() and white_pixels(dialog.mask_png()) == painted

    accepted = []
    dialog.accepted.connect(lambda: accepted.append(True))
    QTest.mouseClick(dialog.ok_btn, Qt.MouseButton.LeftButton)
    assert accepted == [True]
    mask = decoded(dialog.mask_png())
    assert (mask.width(), mask.height()) == (640, 640)


def test_tool_buttons_and_brush_slider(qtbot) -> None:
    dialog = MaskDialog(solid(1000, 500), "")
    qtbot.addWidget(dialog)
    assert dialog.brush_btn.isChecked() and dialog.canvas.tool() is Tool.BRUSH
    QTest.mouseClick(dialog.rect_btn, Qt.MouseButton.LeftButton)
    assert dialog.canvas.tool() is Tool.RECTANGLE and not dialog.brush_btn.isChecked()
    assert not dialog.size_slider.isEnabled()
    QTest.mouseClick(dialog.eraser_btn, Qt.MouseButton.LeftButton)
    assert dialog.canvas.tool() is Tool.ERASER and dialog.size_slider.isEnabled()
    dialog.size_slider.setValue(20)
    assert dialog.canvas.brush_size() == 100  # 20 % of the shorter side, in image pixels


def test_prompt_round_trips(qtbot) -> None:
    dialog = MaskDialog(solid(100, 100), "a castle on a hill --ar 16:9")
    qtbot.addWidget(dialog)
    assert dialog.prompt() == "a castle on a hill --ar 16:9"
    dialog.prompt_edit.clear()
    QTest.keyClicks(dialog.prompt_edit, "a red lantern ")
    assert dialog.prompt() == "a red lantern"


def test_every_control_has_an_accessible_name(qtbot) -> None:
    dialog = MaskDialog(solid(100, 100), "x")
    qtbot.addWidget(dialog)
    controls = [
        *dialog.findChildren(QAbstractButton),
        *dialog.findChildren(QSlider),
        *dialog.findChildren(QPlainTextEdit),
        dialog.canvas,
    ]
    assert len(controls) >= 10
    assert [c for c in controls if not c.accessibleName()] == []


def test_the_painted_area_is_highlighted_on_screen(canvas) -> None:
    drag(canvas, QPoint(100, 150), QPoint(300, 150))
    shot = canvas.grab().toImage()
    inside = shot.pixelColor(200, 150)
    outside = shot.pixelColor(200, 200)
    assert outside.getRgb()[:3] == (40, 80, 120)
    # half the highlight over the image: clearly pinker than the image
    assert inside.red() > 120 and abs(inside.red() - 147) < 8 and abs(inside.blue() - 135) < 8


@pytest.mark.asyncio(loop_scope="session")
async def test_ask_mask_opens_without_a_nested_loop_and_returns_the_result(qapp) -> None:
    # The dialog is the only window here: closing it must not quit the shared app and its loop.
    qapp.setQuitOnLastWindowClosed(False)
    task = asyncio.ensure_future(ask_mask(solid(300, 200), "a boat"))

    def shown():
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, MaskDialog) and w.isVisible()]

    await wait_until(shown, message="dialog shown")
    dialog = shown()[0]
    center = dialog.canvas.image_rect().center()
    drag(dialog.canvas, center, center + QPoint(20, 0))
    dialog.prompt_edit.setPlainText("a small red boat")
    dialog.ok_btn.click()
    prompt, png = await asyncio.wait_for(task, 5)
    assert prompt == "a small red boat"
    mask = decoded(png)
    assert (mask.width(), mask.height()) == (300, 200) and white_pixels(png) > 0

    task = asyncio.ensure_future(ask_mask(solid(300, 200), "a boat"))
    await wait_until(shown, message="dialog shown again")
    shown()[0].cancel_btn.click()
    assert await asyncio.wait_for(task, 5) is None


# ----- imaging ------------------------------------------------------------------------------
GRID_COLORS = [QColor(220, 30, 30), QColor(30, 200, 40), QColor(30, 60, 230), QColor(240, 220, 20)]


def grid(width, height) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    left, top = width // 2, height // 2
    painter = QPainter(image)
    painter.fillRect(QRect(0, 0, left, top), GRID_COLORS[0])
    painter.fillRect(QRect(left, 0, width - left, top), GRID_COLORS[1])
    painter.fillRect(QRect(0, top, left, height - top), GRID_COLORS[2])
    painter.fillRect(QRect(left, top, width - left, height - top), GRID_COLORS[3])
    painter.end()
    return encode_png(image)


@pytest.mark.parametrize(("width", "height"), [(1024, 1024), (511, 767), (2, 3)])
def test_split_grid_returns_the_four_quadrants_in_midjourney_order(width, height) -> None:
    parts = split_grid(grid(width, height))
    left, top = width // 2, height // 2
    sizes = [(left, top), (width - left, top), (left, height - top), (width - left, height - top)]
    assert len(parts) == 4
    for (png, kind), size, color in zip(parts, sizes, GRID_COLORS):
        assert kind == "png"
        part = decoded(png).convertToFormat(QImage.Format.Format_RGB32)
        assert (part.width(), part.height()) == size
        expected = solid(*size, color)
        assert part == expected, f"quadrant {GRID_COLORS.index(color) + 1} has pixels of another colour"


def test_split_grid_refuses_what_is_not_an_image() -> None:
    with pytest.raises(ValueError, match="not a readable image"):
        split_grid(b"<html>502 Bad Gateway</html>")
    with pytest.raises(ValueError):
        split_grid(grid(64, 64)[:-30])  # cut off
    with pytest.raises(ValueError, match="too small"):
        split_grid(encode_png(solid(1, 1)))


def jpeg(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, b"jpeg")
    assert writer.write(image)
    return bytes(buffer.data().data())


def test_load_scaled_decodes_a_big_image_small(tmp_path) -> None:
    big = encode_png(solid(4096, 2048, QColor(200, 100, 50)))
    image = load_scaled(big, 512)
    assert image is not None and (image.width(), image.height()) == (512, 256)
    assert image.pixelColor(100, 100).getRgb()[:3] == (200, 100, 50)
    path = tmp_path / "big.png"
    path.write_bytes(big)
    from_file = load_scaled(path, 300)
    assert from_file is not None and (from_file.width(), from_file.height()) == (300, 150)
    tall = load_scaled(jpeg(solid(1000, 3000)), 600)
    assert tall is not None and (tall.width(), tall.height()) == (200, 600)
    small = load_scaled(encode_png(solid(100, 50)), 512)
    assert small is not None and (small.width(), small.height()) == (100, 50)  # never enlarged


def test_load_scaled_returns_none_for_bad_files(tmp_path) -> None:
    png = encode_png(solid(300, 300))
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(png[: len(png) // 2])
    text = tmp_path / "notes.png"
    text.write_text("not an image at all\n")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert load_scaled(png, 100) is not None
    assert load_scaled(truncated, 100) is None
    assert load_scaled(png[: len(png) - 20], 100) is None
    assert load_scaled(text, 100) is None
    assert load_scaled(empty, 100) is None
    assert load_scaled(tmp_path / "missing.png", 100) is None
    assert load_scaled(tmp_path, 100) is None  # a folder
    photo = jpeg(solid(400, 300))
    assert load_scaled(photo, 100) is not None
    assert load_scaled(photo[: len(photo) * 2 // 3], 100) is None  # Qt alone would show it grey


def test_encode_png_refuses_an_empty_image() -> None:
    with pytest.raises(ValueError):
        encode_png(QImage())
