"""Vary (Region): the dialog where the user paints the part of an image that Midjourney
should redraw (on the canvas of ``mask_canvas.py``) and words the prompt for it.

``MaskDialog.mask_png()`` is what midjourney-proxy's ``/mj/submit/modal`` takes as
``maskBase64`` (white = redraw, black = keep), once wrapped as a ``data:image/png;base64,`` URL.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import named, run_dialog
from desktop_client.ui.widgets.mask_canvas import DEFAULT_BRUSH_FRACTION, MaskCanvas, Tool

__all__ = ["MaskCanvas", "MaskDialog", "Tool", "ask_mask"]


class MaskDialog(Retranslatable, QDialog):
    """The Vary (Region) editor: the canvas, its tools, and the prompt for the region.

    Show it with ``open()`` and read ``prompt()`` / ``mask_png()`` on ``accepted`` (or use
    ``ask_mask``): ``exec()`` would spin a nested event loop that stalls qasync.
    """

    def __init__(self, image: QImage, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint_label = QLabel()
        self.hint_label.setWordWrap(True)
        self.canvas = MaskCanvas(image)

        tool_row = self._build_tools()

        self.prompt_label = QLabel()
        self.prompt_edit = QPlainTextEdit()
        self.prompt_edit.setPlainText(prompt)
        self.prompt_edit.setTabChangesFocus(True)
        self.prompt_edit.setFixedHeight(self.prompt_edit.fontMetrics().lineSpacing() * 3 + 14)
        self.prompt_label.setBuddy(self.prompt_edit)

        standard = QDialogButtonBox.StandardButton
        self.buttons = QDialogButtonBox(standard.Ok | standard.Cancel)
        ok = self.buttons.button(standard.Ok)
        cancel = self.buttons.button(standard.Cancel)
        assert ok is not None and cancel is not None
        self.ok_btn: QPushButton = ok
        self.cancel_btn: QPushButton = cancel
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(tool_row)
        layout.addWidget(self.prompt_label)
        layout.addWidget(self.prompt_edit)
        layout.addWidget(self.buttons)

        self.undo_btn.clicked.connect(self.canvas.undo)
        self.clear_btn.clicked.connect(self.canvas.clear)
        self.canvas.changed.connect(self._update_buttons)
        self.brush_btn.setChecked(True)
        self._set_brush_percent(self.size_slider.value())
        self._update_buttons()
        self.retranslate()

    def _build_tools(self) -> QHBoxLayout:
        """The tools row: brush, rectangle, eraser, the brush size, undo and clear."""
        self.brush_btn = QToolButton()
        self.rect_btn = QToolButton()
        self.eraser_btn = QToolButton()
        self.tools = QButtonGroup(self)
        for button, tool in (
            (self.brush_btn, Tool.BRUSH),
            (self.rect_btn, Tool.RECTANGLE),
            (self.eraser_btn, Tool.ERASER),
        ):
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.tools.addButton(button)
            button.toggled.connect(lambda on, tool=tool: self._choose_tool(tool) if on else None)

        self.size_label = QLabel()
        self.size_slider = QSlider(Qt.Orientation.Horizontal)
        # Percent of the image's shorter side: the same feel on any image size.
        self.size_slider.setRange(1, 30)
        self.size_slider.setValue(round(DEFAULT_BRUSH_FRACTION * 100))
        self.size_slider.setMinimumWidth(120)
        self.size_slider.valueChanged.connect(self._set_brush_percent)
        self.size_label.setBuddy(self.size_slider)
        self.undo_btn = QToolButton()
        self.clear_btn = QToolButton()

        tool_row = QHBoxLayout()
        tool_row.setSpacing(6)
        tool_row.addWidget(self.brush_btn)
        tool_row.addWidget(self.rect_btn)
        tool_row.addWidget(self.eraser_btn)
        tool_row.addSpacing(12)
        tool_row.addWidget(self.size_label)
        tool_row.addWidget(self.size_slider)
        tool_row.addStretch(1)
        tool_row.addWidget(self.undo_btn)
        tool_row.addWidget(self.clear_btn)
        return tool_row

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Vary (Region)"))
        self.hint_label.setText(self.tr("Paint over the part to redraw. Midjourney keeps the rest."))
        self.brush_btn.setText(self.tr("Brush"))
        self.rect_btn.setText(self.tr("Rectangle"))
        self.eraser_btn.setText(self.tr("Eraser"))
        self.size_label.setText(self.tr("Size"))
        self.undo_btn.setText(self.tr("Undo"))
        # After setText: a button's setText replaces its shortcut with the text's mnemonic.
        self.undo_btn.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.clear_btn.setText(self.tr("Clear"))
        self.prompt_label.setText(self.tr("Prompt for the region"))
        self.ok_btn.setText(self.tr("Vary region"))
        self.cancel_btn.setText(self.tr("Cancel"))
        self.undo_btn.setToolTip(self.tr("Undo the last stroke (Ctrl+Z)"))
        self.size_slider.setToolTip(self.tr("Brush size"))
        for widget, name in (
            (self.brush_btn, self.tr("Brush")),
            (self.rect_btn, self.tr("Rectangle")),
            (self.eraser_btn, self.tr("Eraser")),
            (self.size_slider, self.tr("Brush size")),
            (self.undo_btn, self.tr("Undo the last stroke")),
            (self.clear_btn, self.tr("Clear the mask")),
            (self.prompt_edit, self.tr("Prompt for the region")),
            (self.ok_btn, self.tr("Vary region")),
            (self.cancel_btn, self.tr("Cancel")),
        ):
            named(widget, name)

    # ----- state ------------------------------------------------------------------------
    def _choose_tool(self, tool: Tool) -> None:
        self.canvas.set_tool(tool)
        # The rectangle has no size; the brush and the eraser share one.
        self.size_slider.setEnabled(tool is not Tool.RECTANGLE)

    def _set_brush_percent(self, percent: int) -> None:
        image = self.canvas.image()
        self.canvas.set_brush_size(min(image.width(), image.height()) * percent / 100)

    def _update_buttons(self) -> None:
        self.ok_btn.setEnabled(self.canvas.has_mask())
        self.undo_btn.setEnabled(self.canvas.can_undo())
        self.clear_btn.setEnabled(self.canvas.has_mask())

    def accept(self) -> None:
        if not self.canvas.has_mask():  # Enter with nothing painted
            return
        super().accept()

    # ----- results --------------------------------------------------------------------------
    def prompt(self) -> str:
        return self.prompt_edit.toPlainText().strip()

    def mask_png(self) -> bytes:
        return self.canvas.mask_png()


async def ask_mask(image: QImage, prompt: str, parent: QWidget | None = None) -> tuple[str, bytes] | None:
    """Opens the dialog without a nested event loop; (prompt, mask PNG), or None if cancelled."""
    dialog = MaskDialog(image, prompt, parent)
    return await run_dialog(
        dialog,
        lambda code: (dialog.prompt(), dialog.mask_png()) if code == QDialog.DialogCode.Accepted.value else None,
    )
