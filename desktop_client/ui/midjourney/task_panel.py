"""The chosen Midjourney task: its image beside its state, prompt, details, the server's
buttons and the tools (split, open, copy, reuse, seed).

A view: it shows what ``show_task`` is given and says what the user asked for through its
signals. A poll updates the shown task every few seconds; the buttons and the described
prompts are rebuilt only when they changed, so a click never lands on a button that was
just replaced."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.mj_types import MjButton, MjStatus, button_rows, is_grid_button
from desktop_client.core.models import StoredTask
from desktop_client.ui.design import set_type
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.midjourney.widgets import ImageView, LinkButton
from desktop_client.ui.mj_texts import action_name, button_text, state_text
from desktop_client.ui.qtutils import clear_layout, named
from desktop_client.ui.widgets.overflow_bar import OverflowBar

CHANGE_ACTIONS = frozenset({"IMAGINE", "VARIATION", "REROLL", "BLEND"})
CHANGE_BUTTONS = ("U1", "U2", "U3", "U4", "V1", "V2", "V3", "V4", "🔄")
GRID_ACTIONS = frozenset({"IMAGINE", "VARIATION", "REROLL", "BLEND", "OUTPAINT", "ZOOM", "PAN", "INPAINT"})


def pressable_buttons(task: StoredTask) -> tuple[MjButton, ...]:
    """The buttons a finished image task offers (bookmarks are Discord's, not ours)."""
    shown = tuple(b for b in task.buttons if "BOOKMARK" not in b.custom_id)
    if not shown and task.action in CHANGE_ACTIONS:
        # The open-source server sends no buttons: U/V/reroll go through /submit/change.
        shown = tuple(MjButton(name, label="" if name == "🔄" else name) for name in CHANGE_BUTTONS)
    return shown


class GridButton(QPushButton):
    """U1…V4 and reroll: as narrow as their words allow (not the style's 80 px), so the four of
    a row fit beside the image in a small window."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:
        words = self.fontMetrics().horizontalAdvance(self.text())
        return QSize(words + 2 * self.fontMetrics().averageCharWidth() + 8, super().minimumSizeHint().height())


class TaskPanel(Retranslatable, QWidget):
    button_pressed = Signal(object)  # MjButton
    imagine_prompt = Signal(str)  # a described prompt, to imagine as it is
    edit_prompt = Signal(str)  # a described prompt, into the prompt box
    reuse_prompt = Signal(str)  # the task's prompt, into the prompt box to work on
    confirm_requested = Signal()
    retry_save_requested = Signal()
    split_requested = Signal()
    seed_requested = Signal()
    info = Signal(str)  # a confirmation for the page's notice line

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: StoredTask | None = None
        self._buttons_shown: tuple[MjButton, ...] | None = None  # None: rebuild on the next show
        self._prompts_shown: tuple[str, ...] | None = None
        self.image = ImageView()
        self.state_label = QLabel()
        set_type(self.state_label, "subtitle")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumHeight(10)
        self.progress.setTextVisible(False)
        self.prompt_label = QLabel()
        self.prompt_label.setWordWrap(True)
        self.prompt_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label = QLabel()
        self.info_label.setWordWrap(True)
        self.info_label.setProperty("muted", True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for label in (self.state_label, self.prompt_label, self.info_label):
            # Long ids and file names wrap anywhere rather than widen the panel.
            label.setMinimumWidth(1)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.confirm_btn = QPushButton()
        self.retry_save_btn = QPushButton()
        self.buttons_box = QWidget()
        box = QVBoxLayout(self.buttons_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.buttons_grid = QGridLayout()
        self.buttons_grid.setHorizontalSpacing(6)
        self.buttons_grid.setVerticalSpacing(6)
        # Zoom, pan, vary, the upscale variants…: what a narrow panel has no room for is under More.
        self.more_buttons = OverflowBar(rows=2)
        box.addLayout(self.buttons_grid)
        box.addWidget(self.more_buttons)
        self.prompts_box = QWidget()
        self.prompts_layout = QVBoxLayout(self.prompts_box)
        self.prompts_layout.setContentsMargins(0, 0, 0, 0)
        self._build_tools()

        scroll = self._build_details()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.image)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.confirm_btn.clicked.connect(self.confirm_requested)
        self.retry_save_btn.clicked.connect(self.retry_save_requested)
        self.retranslate()

    def _build_details(self) -> QScrollArea:
        """Everything beside the image, in a column that scrolls when the window is short."""
        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.state_label, self.progress, self.prompt_label, self.info_label):
            column.addWidget(widget)
        column.addWidget(self.confirm_btn, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.retry_save_btn, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.prompts_box)
        column.addWidget(self.buttons_box)
        column.addWidget(self.tools)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(details)
        # Image and details side by side: the buttons stay in view next to the image.
        scroll.setMinimumWidth(250)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll

    def _build_tools(self) -> None:
        self.split_btn = LinkButton()
        self.open_btn = LinkButton()
        self.folder_btn = LinkButton()
        self.copy_btn = LinkButton()
        self.reuse_btn = LinkButton()
        self.seed_btn = LinkButton()
        self.tool_buttons = (
            self.split_btn,
            self.open_btn,
            self.folder_btn,
            self.copy_btn,
            self.reuse_btn,
            self.seed_btn,
        )
        self.tools = OverflowBar(rows=2, spacing=2)
        for button in self.tool_buttons:
            self.tools.add(button)
        self.split_btn.clicked.connect(self.split_requested)
        self.open_btn.clicked.connect(self._open_image)
        self.folder_btn.clicked.connect(self._open_folder)
        self.copy_btn.clicked.connect(self._copy_prompt)
        self.reuse_btn.clicked.connect(self._reuse_prompt)
        self.seed_btn.clicked.connect(self.seed_requested)

    def retranslate(self) -> None:
        for button, text, name in (
            (self.confirm_btn, self.tr("Give the prompt or mask…"), self.tr("Give the prompt or mask")),
            (self.retry_save_btn, self.tr("Try saving the image again"), self.tr("Try saving the image again")),
            (self.split_btn, self.tr("Split into 4"), self.tr("Split the grid into four images")),
            (self.open_btn, self.tr("Open image"), self.tr("Open image")),
            (self.folder_btn, self.tr("Show in folder"), self.tr("Show in folder")),
            (self.copy_btn, self.tr("Copy prompt"), self.tr("Copy prompt")),
            (self.reuse_btn, self.tr("Reuse prompt"), self.tr("Reuse prompt")),
            (self.seed_btn, self.tr("Seed"), self.tr("Look up the seed")),
        ):
            button.setText(text)
            named(button, name)
        named(self.image, self.tr("Task image"))
        self.image.set_text(self.tr("Submit a prompt below; tasks appear on the left."))
        # The buttons' and prompts' words are in the UI language: build them again.
        self._buttons_shown = self._prompts_shown = None
        shown = self.image.pixmap()
        self.show_task(self.task, None if shown.isNull() else shown)

    # ----- showing a task ---------------------------------------------------------------------
    def show_task(self, task: StoredTask | None, pixmap: QPixmap | None = None) -> None:
        """Shows ``task`` (None: nothing chosen) with ``pixmap``, its image if one is loaded."""
        self.task = task
        for label in (self.state_label, self.prompt_label, self.info_label):
            label.setVisible(task is not None)
        if task is None:
            self.image.set_pixmap(None)
            self.progress.setVisible(False)
            for widget in (self.confirm_btn, self.retry_save_btn):
                widget.setVisible(False)
            for tool in self.tool_buttons:
                self.tools.set_shown(tool, False)
            self._set_prompts(())
            self._set_buttons(())
            return
        self.image.set_pixmap(pixmap)
        if pixmap is None:
            self.image.set_text(self.tr("Waiting for the first preview…") if task.open else "")
        self._show_details(task)
        self._show_tools(task)
        done = task.status is MjStatus.SUCCESS
        self._set_prompts(tuple(task.prompts) if done else ())
        self._set_buttons(pressable_buttons(task) if done and task.makes_image else ())

    def set_image(self, pixmap: QPixmap) -> None:
        self.image.set_pixmap(pixmap)

    def show_missing_image(self, path: str) -> None:
        self.image.set_pixmap(None)
        self.image.set_text(tr_args(self.tr("The image file is missing or damaged:\n%1"), path))

    def button_widgets(self) -> list[QPushButton]:
        """The task's buttons in order: the grid's, then those in the row with More (shown or not)."""
        found = []
        for index in range(self.buttons_grid.count()):
            item = self.buttons_grid.itemAt(index)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QPushButton):
                found.append(widget)
        return found + [b for b in self.more_buttons.buttons() if isinstance(b, QPushButton)]

    def _show_details(self, task: StoredTask) -> None:
        self.state_label.setText(f"{action_name(task.action)} — {state_text(task)}")
        self.progress.setVisible(task.open and not task.needs_input)
        self.progress.setValue(task.progress)
        self.prompt_label.setText(task.final_prompt or task.prompt)
        info = [tr_args(self.tr("Task %1"), task.id)]
        if task.parent_id:
            info.append(tr_args(self.tr("from %1"), task.parent_id))
        if task.seed:
            info.append(tr_args(self.tr("seed %1"), task.seed))
        if task.image_path:
            info.append(tr_args(self.tr("saved as %1"), Path(task.image_path).name))
        problem = task.fail_reason or task.image_error or task.last_error
        if problem:
            info.append(tr_args(self.tr("Server said: %1"), problem))
        self.info_label.setText(" · ".join(info))
        self.confirm_btn.setVisible(task.needs_input)
        self.retry_save_btn.setVisible(task.image_pending and bool(task.image_error))

    def _show_tools(self, task: StoredTask) -> None:
        done = task.status is MjStatus.SUCCESS
        for tool, shown in (
            (self.split_btn, done and bool(task.image_path) and task.action in GRID_ACTIONS),
            (self.open_btn, bool(task.image_path)),
            (self.folder_btn, bool(task.image_path)),
            (self.copy_btn, bool(task.final_prompt or task.prompt)),
            (self.reuse_btn, bool(task.prompt) and task.makes_image),
            (self.seed_btn, done and task.makes_image and not task.seed),
        ):
            self.tools.set_shown(tool, shown)

    def _set_prompts(self, prompts: tuple[str, ...]) -> None:
        """A described image's prompts, each one click from Imagine or from the prompt box."""
        if prompts == self._prompts_shown:
            return
        self._prompts_shown = prompts
        clear_layout(self.prompts_layout)
        for number, prompt in enumerate(prompts, 1):
            label = QLabel(f"{number}. {prompt}")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            go = QPushButton(self.tr("Imagine"))
            named(go, tr_args(self.tr("Imagine prompt %1"), number))
            go.clicked.connect(lambda _c=False, p=prompt: self.imagine_prompt.emit(p))
            use = LinkButton()
            use.setText(self.tr("Edit"))
            named(use, tr_args(self.tr("Put prompt %1 in the prompt box"), number))
            use.clicked.connect(lambda _c=False, p=prompt: self.edit_prompt.emit(p))
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.addWidget(label, 1)
            row.addWidget(use)
            row.addWidget(go)
            self.prompts_layout.addWidget(holder)

    def _set_buttons(self, buttons: tuple[MjButton, ...]) -> None:
        if buttons == self._buttons_shown:
            return
        self._buttons_shown = buttons
        clear_layout(self.buttons_grid)
        self.more_buttons.clear()
        # U1–U4, then V1–V4, then reroll, always in view; the worded rest in the row with More.
        grid = tuple(b for b in buttons if is_grid_button(b))
        for row, pressables in enumerate(button_rows(grid, 4)):
            for column, button in enumerate(pressables):
                self.buttons_grid.addWidget(self._pressable(button, GridButton()), row, column)
        for button in buttons:
            if not is_grid_button(button):
                self.more_buttons.add(self._pressable(button, QPushButton()))

    def _pressable(self, button: MjButton, pressable: QPushButton) -> QPushButton:
        text = button_text(button)
        pressable.setText(text)
        named(pressable, text)
        pressable.setToolTip(f"{text}\n{button.custom_id}")
        pressable.clicked.connect(lambda _c=False, b=button: self.button_pressed.emit(b))
        return pressable

    # ----- the tools that need nothing but the task -----------------------------------------
    def _open_image(self) -> None:
        if self.task is not None and self.task.image_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.task.image_path))

    def _open_folder(self) -> None:
        if self.task is not None and self.task.image_path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.task.image_path).parent)))

    def _copy_prompt(self) -> None:
        if self.task is not None:
            QGuiApplication.clipboard().setText(self.task.final_prompt or self.task.prompt)
            self.info.emit(self.tr("Prompt copied."))

    def _reuse_prompt(self) -> None:
        if self.task is not None:
            self.reuse_prompt.emit(self.task.prompt)
