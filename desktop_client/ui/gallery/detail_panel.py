"""The gallery's detail view: the image with zoom, what is known about it, and what can be done."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QPalette, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.mj_types import MjButton, button_rows
from desktop_client.core.models import CORRUPT, MISSING, OK, GalleryItem
from desktop_client.ui.design import set_icon
from desktop_client.ui.gallery.model import source_labels
from desktop_client.ui.gallery.zoom_view import ZoomView
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import clear_layout, name_buttons_by_text, named
from desktop_client.ui.widgets.notice import error_color


def size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{max(1, count // 1024)} KB"


class DetailPanel(Retranslatable, QWidget):
    """Shows one image; its buttons are wired by the page, the Midjourney ones say which
    button of which task through ``mj_button``."""

    mj_button = Signal(str, str)  # task id, customId

    def __init__(self, locate: Callable[[GalleryItem], Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._locate = locate  # an item's file, for the words on a missing one
        self._shown: tuple[GalleryItem, str] | None = None  # redrawn in a new language
        self.view = ZoomView()
        self.view.setMinimumSize(280, 240)
        self.fit_btn = QPushButton()
        self.actual_btn = QPushButton()
        self.zoom_in_btn = QToolButton()
        set_icon(self.zoom_in_btn, "plus")
        self.zoom_out_btn = QToolButton()
        set_icon(self.zoom_out_btn, "minus")
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.prompt_view = QPlainTextEdit()
        self.prompt_view.setReadOnly(True)
        self.prompt_view.setMaximumHeight(80)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_btn = QPushButton()
        self.reuse_btn = QPushButton()
        self.edit_btn = QPushButton()
        self.favourite_btn = QPushButton()
        self.favourite_btn.setCheckable(True)
        self.open_btn = QPushButton()
        self.folder_btn = QPushButton()
        self.delete_btn = QPushButton()
        for button, name in (
            (self.copy_btn, "copy"),
            (self.reuse_btn, "reuse"),
            (self.edit_btn, "edit"),
            (self.favourite_btn, "star"),
            (self.open_btn, "open"),
            (self.folder_btn, "folder"),
            (self.delete_btn, "trash"),
        ):
            set_icon(button, name)
        self.mj_box = QFrame()
        self.mj_layout = QGridLayout(self.mj_box)
        self.mj_layout.setContentsMargins(0, 0, 0, 0)
        self.mj_title = QLabel()
        self._lay_out()
        self.fit_btn.clicked.connect(self.view.fit)
        self.actual_btn.clicked.connect(self.view.actual_size)
        self.zoom_in_btn.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_btn.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.favourite_btn.toggled.connect(self._favourite_toggled)
        self.retranslate()

    def _lay_out(self) -> None:
        zoom_row = QHBoxLayout()
        for button in (self.zoom_out_btn, self.zoom_in_btn, self.fit_btn, self.actual_btn):
            zoom_row.addWidget(button)
        zoom_row.addStretch(1)
        actions = QGridLayout()
        actions.setSpacing(4)
        buttons = (
            self.copy_btn,
            self.reuse_btn,
            self.edit_btn,
            self.favourite_btn,
            self.open_btn,
            self.folder_btn,
            self.delete_btn,
        )
        for number, button in enumerate(buttons):
            actions.addWidget(button, number // 4, number % 4)
        inner = QWidget()
        side = QVBoxLayout(inner)
        side.setContentsMargins(0, 0, 4, 0)
        for widget in (self.state_label, self.prompt_view, self.mj_title, self.mj_box, self.info_label):
            side.addWidget(widget)
        side.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setWidget(inner)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 3)
        layout.addLayout(zoom_row)
        layout.addLayout(actions)
        layout.addWidget(scroller, 2)

    def retranslate(self) -> None:
        named(self.zoom_in_btn, self.tr("Zoom in"))
        named(self.zoom_out_btn, self.tr("Zoom out"))
        named(self.prompt_view, self.tr("Prompt"))
        self.fit_btn.setText(self.tr("Fit"))
        self.actual_btn.setText(self.tr("100%"))
        self.copy_btn.setText(self.tr("Copy prompt"))
        self.reuse_btn.setText(self.tr("Reuse prompt"))
        self.edit_btn.setText(self.tr("Edit with AI…"))
        self.favourite_btn.setText(self.tr("Favourite"))
        self.open_btn.setText(self.tr("Open"))
        self.folder_btn.setText(self.tr("Show in folder"))
        self.delete_btn.setText(self.tr("Delete"))
        self.mj_title.setText(self.tr("Midjourney buttons"))
        if self._shown is not None:
            self.show_item(*self._shown)
        name_buttons_by_text(self)

    # ----- showing -------------------------------------------------------------------
    def show_item(self, item: GalleryItem | None, state: str = OK) -> None:
        """Shows ``item`` (None: nothing) whose file was found ``state``; the picture comes
        separately (``set_image``), once it is read."""
        self._shown = (item, state) if item is not None else None
        self.setVisible(item is not None)
        if item is None:
            self.view.set_pixmap(None)
            return
        self._show_state(item, state)
        text = item.prompt
        if item.prompt_extra and item.prompt_extra != item.prompt:
            label = self.tr("Revised prompt") if item.source == "openai" else self.tr("Final prompt")
            text += f"\n\n{label}: {item.prompt_extra}"
        self.prompt_view.setPlainText(text)
        self.info_label.setText(self.info_html(item))
        self.favourite_btn.blockSignals(True)  # showing is no toggling
        self.favourite_btn.setChecked(item.favourite)
        self.favourite_btn.blockSignals(False)
        self.reuse_btn.setEnabled(bool(item.prompt))
        self.copy_btn.setEnabled(bool(item.prompt))
        self.edit_btn.setEnabled(state == OK and not item.name.lower().endswith(".gif"))
        self.open_btn.setEnabled(state != MISSING)
        self._show_mj_buttons(item)

    def _favourite_toggled(self, favourite: bool) -> None:
        # Redrawn in another language, the image must keep the star just given or taken.
        if self._shown is not None:
            item, state = self._shown
            self._shown = (replace(item, favourite=favourite), state)

    def set_image(self, image: QImage | None) -> None:
        self.view.set_pixmap(QPixmap.fromImage(image) if image is not None else None)

    def _show_state(self, item: GalleryItem, state: str) -> None:
        self.state_label.setVisible(state != OK)
        palette = self.state_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_color(palette))
        self.state_label.setPalette(palette)
        if state == MISSING:
            self.state_label.setText(
                tr_args(
                    self.tr("The file is missing: %1. Rescan to update the index, or delete the entry."),
                    self._locate(item),
                )
            )
        elif state == CORRUPT:
            self.state_label.setText(self.tr("The file is damaged or not an image; it cannot be shown."))

    def info_html(self, item: GalleryItem) -> str:
        rows: list[tuple[str, str]] = [
            (self.tr("Source"), self._source_text(item)),
            (self.tr("Created"), time.strftime("%Y-%m-%d %H:%M", time.localtime(item.created))),
        ]
        if item.model:
            rows.append((self.tr("Model"), item.model))
        if item.profile:
            rows.append((self.tr("Profile"), item.profile))
        if item.width:
            rows.append((self.tr("Size"), f"{item.width} × {item.height} · {size_text(item.bytes)}"))
        params = item.meta.get("params")
        if isinstance(params, dict) and params:
            rows.append((self.tr("Parameters"), ", ".join(f"{k}={v}" for k, v in params.items())))
        usage = item.meta.get("usage")
        if isinstance(usage, dict) and usage.get("total_tokens"):
            rows.append((self.tr("Tokens"), str(usage.get("total_tokens"))))
        if item.task_id:
            rows.append((self.tr("Task"), item.task_id))
        seed = item.meta.get("seed")
        if seed:
            rows.append((self.tr("Seed"), str(seed)))
        rows.append((self.tr("File"), item.name))
        cells = "".join(
            f"<tr><td style='padding-right:8px'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>" for k, v in rows
        )
        return f"<table>{cells}</table>"

    def _source_text(self, item: GalleryItem) -> str:
        action = item.action
        if item.source == "midjourney" and action:
            from desktop_client.ui.mj_texts import action_name

            action = action_name(action)
        elif action in ("generate", "edit"):
            action = self.tr("generated") if action == "generate" else self.tr("edited")
        return source_labels().get(item.source, item.source) + (f" · {action}" if action else "")

    def _show_mj_buttons(self, item: GalleryItem) -> None:
        clear_layout(self.mj_layout)
        buttons = item.meta.get("buttons") if item.source == "midjourney" else None
        shown = isinstance(buttons, list) and bool(buttons) and bool(item.task_id) and "quadrant" not in item.meta
        self.mj_title.setVisible(shown)
        self.mj_box.setVisible(shown)
        if not shown or not isinstance(buttons, list):
            return
        from desktop_client.ui.mj_texts import button_text

        known = [
            MjButton(str(raw["customId"]), str(raw.get("emoji") or ""), str(raw.get("label") or ""))
            for raw in buttons
            if isinstance(raw, dict) and raw.get("customId")
        ]
        width = 4 if all(len(button_text(b)) <= 6 for b in known) else 2
        for row, pressables in enumerate(button_rows(known, width)):
            for column, button in enumerate(pressables):
                pressable = named(QPushButton(button_text(button)), button_text(button))
                pressable.setToolTip(button.custom_id)
                pressable.clicked.connect(
                    lambda _c=False, t=item.task_id, c=button.custom_id: self.mj_button.emit(t, c)
                )
                self.mj_layout.addWidget(pressable, row, column)
