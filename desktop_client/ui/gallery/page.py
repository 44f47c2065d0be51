"""The gallery: every image Keyhold made or received, searchable, with a detail view."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QPixmap, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.api.mj_types import MjButton
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError, NotFoundError
from desktop_client.core.services.gallery import GalleryService
from desktop_client.core.storage.gallery import CORRUPT, MISSING, OK, GalleryFilter, GalleryItem
from desktop_client.ui.errors import describe
from desktop_client.ui.gallery.model import CELL, GalleryDelegate, GalleryModel, ItemRole, day_range
from desktop_client.ui.gallery.thumbs import ThumbnailCache
from desktop_client.ui.gallery.zoom_view import ZoomView
from desktop_client.ui.imaging import load_scaled
from desktop_client.ui.qtutils import clear_layout, name_buttons_by_text, named, spawn

log = logging.getLogger(__name__)

UNDO_SECONDS = 10
VIEW_SIDE = 4096


def _size_text(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MB"
    return f"{max(1, count // 1024)} KB"


class GalleryPage(QWidget):
    # source, prompt, model: "reuse this prompt" on the page that made the image
    reuse_prompt = Signal(str, str, str)
    edit_requested = Signal(list)  # of Path: edit these with an OpenAI image model
    mj_button = Signal(str, str)  # task id, customId
    status = Signal(str)

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.gallery: GalleryService | None = None
        self.thumbs = ThumbnailCache(core.home.cache / "thumbs")
        self.current: GalleryItem | None = None
        self._pending_delete: list[int] = []
        self._load_token = 0
        self._detail_token = 0
        self._state = OK  # of the file shown in the detail view
        self._wanted: int | None = None  # to select once a refresh under way has listed it
        self.loaded = False

        self.search_edit = named(QLineEdit(), self.tr("Search prompts"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(180)
        self.source_combo = named(QComboBox(), self.tr("Source"))
        self.profile_combo = named(QComboBox(), self.tr("Profile"))
        self.date_combo = named(QComboBox(), self.tr("Date"))
        for combo in (self.source_combo, self.profile_combo, self.date_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.favourites_box = QCheckBox()
        self.count_label = QLabel()
        self.import_btn = QPushButton()
        self.rescan_btn = QPushButton()
        self.export_btn = QPushButton()
        bar = QHBoxLayout()
        bar.addWidget(self.search_edit, 2)
        for widget in (self.source_combo, self.profile_combo, self.date_combo, self.favourites_box):
            bar.addWidget(widget)
        bar.addWidget(self.count_label, 1)
        for button in (self.import_btn, self.export_btn, self.rescan_btn):
            bar.addWidget(button)

        self.grid = QListView()
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setUniformItemSizes(True)
        # Laying out 10,000 cells calls the Python model 20,000 times: in batches between
        # events, not in one stall, and once (a scrollbar appearing would lay out again).
        self.grid.setLayoutMode(QListView.LayoutMode.Batched)
        self.grid.setBatchSize(400)
        self.grid.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.grid.setGridSize(CELL)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.grid.setDragEnabled(True)
        self.grid.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.grid.verticalScrollBar().setSingleStep(48)
        self.grid.setMouseTracking(True)
        named(self.grid, self.tr("Images"))
        self.model: GalleryModel | None = None

        # ----- detail ----------------------------------------------------------------
        self.view = ZoomView()
        self.view.setMinimumSize(280, 240)
        self.fit_btn = QPushButton()
        self.actual_btn = QPushButton()
        self.zoom_in_btn = QPushButton("+")
        self.zoom_out_btn = QPushButton("−")
        named(self.zoom_in_btn, self.tr("Zoom in"))
        named(self.zoom_out_btn, self.tr("Zoom out"))
        zoom_row = QHBoxLayout()
        for button in (self.zoom_out_btn, self.zoom_in_btn, self.fit_btn, self.actual_btn):
            zoom_row.addWidget(button)
        zoom_row.addStretch(1)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setStyleSheet("color: #c0392b;")
        self.prompt_view = QPlainTextEdit()
        self.prompt_view.setReadOnly(True)
        self.prompt_view.setMaximumHeight(80)
        named(self.prompt_view, self.tr("Prompt"))
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
        self.mj_box = QFrame()
        self.mj_layout = QGridLayout(self.mj_box)
        self.mj_layout.setContentsMargins(0, 0, 0, 0)
        self.mj_title = QLabel()
        detail_inner = QWidget()
        side = QVBoxLayout(detail_inner)
        side.setContentsMargins(0, 0, 4, 0)
        side.addWidget(self.state_label)
        side.addWidget(self.prompt_view)
        side.addWidget(self.mj_title)
        side.addWidget(self.mj_box)
        side.addWidget(self.info_label)
        side.addStretch(1)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setWidget(detail_inner)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.detail = QWidget()
        detail_layout = QVBoxLayout(self.detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.view, 3)
        detail_layout.addLayout(zoom_row)
        detail_layout.addLayout(actions)
        detail_layout.addWidget(scroller, 2)
        self.detail.setVisible(False)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        # ----- undo bar ----------------------------------------------------------------
        self.undo_bar = QFrame()
        self.undo_bar.setStyleSheet("QFrame { background: palette(tooltip-base); border-radius: 4px; }")
        self.undo_label = QLabel()
        self.undo_btn = QPushButton()
        undo_row = QHBoxLayout(self.undo_bar)
        undo_row.addWidget(self.undo_label, 1)
        undo_row.addWidget(self.undo_btn)
        self.undo_bar.setVisible(False)
        self.undo_timer = QTimer(self)
        self.undo_timer.setSingleShot(True)
        self.undo_timer.timeout.connect(lambda: spawn(self.finish_delete()))

        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: spawn(self.refresh()))
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.source_combo, self.profile_combo, self.date_combo):
            combo.currentIndexChanged.connect(lambda _i: spawn(self.refresh()))
        self.favourites_box.toggled.connect(lambda _c: spawn(self.refresh()))
        self.import_btn.clicked.connect(self.choose_import)
        self.export_btn.clicked.connect(self.choose_export)
        self.rescan_btn.clicked.connect(lambda: spawn(self.rescan()))
        self.fit_btn.clicked.connect(self.view.fit)
        self.actual_btn.clicked.connect(self.view.actual_size)
        self.zoom_in_btn.clicked.connect(lambda: self.view.zoom_by(1.25))
        self.zoom_out_btn.clicked.connect(lambda: self.view.zoom_by(0.8))
        self.copy_btn.clicked.connect(self.copy_prompt)
        self.reuse_btn.clicked.connect(self._reuse)
        self.edit_btn.clicked.connect(self._edit)
        self.favourite_btn.toggled.connect(lambda on: spawn(self.set_favourite(on)))
        self.open_btn.clicked.connect(self.open_external)
        self.folder_btn.clicked.connect(self.reveal)
        self.delete_btn.clicked.connect(lambda: spawn(self.delete_selected()))
        self.undo_btn.clicked.connect(lambda: spawn(self.undo_delete()))
        self.grid.doubleClicked.connect(lambda _i: self.open_external())
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.grid, lambda: spawn(self.delete_selected()))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self.search_edit.setFocus)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, lambda: spawn(self.undo_delete()))
        self.retranslate()

    # ----- i18n --------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            if self.current is not None:
                self._show_detail(self.current, self._state)
        super().changeEvent(event)

    def labels(self) -> dict[str, str]:
        return {
            "openai": self.tr("OpenAI"),
            "midjourney": self.tr("Midjourney"),
            "chat": self.tr("Chat"),
            "import": self.tr("Imported"),
            MISSING: self.tr("File missing"),
            CORRUPT: self.tr("Can't read this file"),
        }

    def retranslate(self) -> None:
        named(self.search_edit, self.tr("Search prompts"))
        named(self.source_combo, self.tr("Source"))
        named(self.profile_combo, self.tr("Profile"))
        named(self.date_combo, self.tr("Date"))
        named(self.grid, self.tr("Images"))
        named(self.zoom_in_btn, self.tr("Zoom in"))
        named(self.zoom_out_btn, self.tr("Zoom out"))
        named(self.prompt_view, self.tr("Prompt"))
        self.search_edit.setPlaceholderText(self.tr("Search prompts…"))
        self._fill_combo(
            self.source_combo,
            [("", self.tr("All sources"))]
            + [(k, v) for k, v in self.labels().items() if k not in (MISSING, CORRUPT)],
        )
        self._fill_combo(
            self.date_combo,
            [
                ("", self.tr("Any time")),
                ("today", self.tr("Today")),
                ("week", self.tr("Last 7 days")),
                ("month", self.tr("Last 30 days")),
                ("year", self.tr("This year")),
            ],
        )
        self.favourites_box.setText(self.tr("★ Favourites"))
        self.import_btn.setText(self.tr("Import folder…"))
        self.export_btn.setText(self.tr("Export…"))
        self.rescan_btn.setText(self.tr("Rescan"))
        self.rescan_btn.setToolTip(self.tr("Rebuild the index from the image files and their sidecars"))
        self.fit_btn.setText(self.tr("Fit"))
        self.actual_btn.setText(self.tr("100%"))
        self.copy_btn.setText(self.tr("Copy prompt"))
        self.reuse_btn.setText(self.tr("Reuse prompt"))
        self.edit_btn.setText(self.tr("Edit with AI…"))
        self.favourite_btn.setText(self.tr("★ Favourite"))
        self.open_btn.setText(self.tr("Open"))
        self.folder_btn.setText(self.tr("Show in folder"))
        self.delete_btn.setText(self.tr("Delete"))
        self.undo_btn.setText(self.tr("Undo"))
        self.mj_title.setText(self.tr("Midjourney buttons"))
        self.empty_label.setText(
            self.tr(
                "No images yet. Images you generate, Midjourney results and images in chat answers appear here."
            )
        )
        self.grid.setItemDelegate(GalleryDelegate(self.labels(), self.grid))
        self._update_count()
        name_buttons_by_text(self)

    @staticmethod
    def _fill_combo(combo: QComboBox, entries: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for data, text in entries:
            combo.addItem(text, data)
        index = combo.findData(current)
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    # ----- loading -----------------------------------------------------------------
    async def load(self) -> None:
        """Opens the index (and builds it from the files on a first start) off the GUI thread."""
        if self.gallery is None:
            gallery = self.core.gallery
            store = await gallery.open()
            if self.gallery is not None:
                return  # another load() got there first
            self.gallery = gallery
            self.model = GalleryModel(store, self.thumbs, self)
            self.grid.setModel(self.model)
            self.grid.selectionModel().currentChanged.connect(self._current_changed)
        await self.refresh()
        self.loaded = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        spawn(self.load())

    def filter(self) -> GalleryFilter:
        since, until = day_range(self.date_combo.currentData() or "")
        return GalleryFilter(
            search=self.search_edit.text().strip(),
            source=self.source_combo.currentData() or "",
            profile=self.profile_combo.currentData() or "",
            since=since,
            until=until,
            favourites=self.favourites_box.isChecked(),
        )

    async def refresh(self) -> None:
        if self.gallery is None or self.model is None:
            return
        self._load_token += 1
        token = self._load_token
        store = self.gallery.store
        flt = self.filter()
        # One thread hop for both: the search runs while the user types.
        ids, profiles = await asyncio.to_thread(lambda: (store.ids(flt), store.profiles()))
        if token != self._load_token:
            return  # a newer search is on its way
        # The grid's current row, not self.current: a click during the query wins over the detail shown.
        shown = self.grid.currentIndex()
        selected = self._wanted or (self.model.ids()[shown.row()] if shown.isValid() else None)
        self._fill_combo(self.profile_combo, [("", self.tr("All profiles"))] + [(p, p) for p in profiles])
        self.model.set_ids(ids)
        self._update_count()
        if selected is not None and self.model.row_of(selected) >= 0:
            self._wanted = None
            self.select(selected)
        elif self.current is not None:
            self._show_detail(None)

    def _update_count(self) -> None:
        count = self.model.rowCount() if self.model else 0
        self.count_label.setText(self.tr("%n image(s)", "", count))
        searching = bool(self.search_edit.text().strip()) or self.favourites_box.isChecked()
        self.empty_label.setVisible(self.model is not None and count == 0 and not searching and self.loaded)

    def select(self, item_id: int) -> None:
        if self.model is None:
            self._wanted = item_id
            return
        row = self.model.row_of(item_id)
        if row < 0:
            self._wanted = item_id  # new since the last listing: selected when it arrives
            spawn(self.refresh())
            return
        index = self.model.index(row)
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(index)

    def selected_items(self) -> list[GalleryItem]:
        if self.model is None:
            return []
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        items = [self.model.item_at(row) for row in rows]
        return [item for item in items if item is not None]

    # ----- detail ------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = current.data(ItemRole) if current.isValid() else None
        spawn(self.show_item(item))

    async def show_item(self, item: GalleryItem | None) -> None:
        self._detail_token += 1
        token = self._detail_token
        if item is None or self.gallery is None:
            self._show_detail(None)
            return
        gallery = self.gallery
        store = gallery.store
        try:
            full, state = await asyncio.to_thread(lambda: (store.item(item.id), store.check(item)))
        except NotFoundError:  # deleted or rescanned away since the list was drawn
            return
        if token != self._detail_token:
            return
        self._show_detail(full, state)
        image = await asyncio.to_thread(load_scaled, gallery.absolute(full), VIEW_SIDE) if state == OK else None
        if token != self._detail_token:
            return
        if image is None and state == OK:
            state = CORRUPT
            await gallery.mark_state(full.id, CORRUPT)
            self._show_detail(full, state)
        self.view.set_pixmap(QPixmap.fromImage(image) if image is not None else None)
        if self.model is not None and state != full.state:
            self.model.states[full.id] = state
            self.model.refresh_item(full.id)

    def _show_detail(self, item: GalleryItem | None, state: str = OK) -> None:
        self.current = item
        self._state = state
        self.detail.setVisible(item is not None)
        if item is None:
            self.view.set_pixmap(None)
            return
        self.state_label.setVisible(state != OK)
        if state == MISSING:
            self.state_label.setText(
                self.tr("The file is missing: %1. Rescan to update the index, or delete the entry.").replace(
                    "%1", str(self.gallery.absolute(item) if self.gallery else item.path)
                )
            )
        elif state == CORRUPT:
            self.state_label.setText(self.tr("The file is damaged or not an image; it cannot be shown."))
        text = item.prompt
        if item.prompt_extra and item.prompt_extra != item.prompt:
            label = self.tr("Revised prompt") if item.source == "openai" else self.tr("Final prompt")
            text += f"\n\n{label}: {item.prompt_extra}"
        self.prompt_view.setPlainText(text)
        self.info_label.setText(self._info_html(item))
        self.favourite_btn.blockSignals(True)
        self.favourite_btn.setChecked(item.favourite)
        self.favourite_btn.blockSignals(False)
        self.reuse_btn.setEnabled(bool(item.prompt))
        self.copy_btn.setEnabled(bool(item.prompt))
        self.edit_btn.setEnabled(state == OK and not item.name.lower().endswith(".gif"))
        self.open_btn.setEnabled(state != MISSING)
        self._show_mj_buttons(item)

    def _info_html(self, item: GalleryItem) -> str:
        action = item.action
        if item.source == "midjourney" and action:
            from desktop_client.ui.midjourney.texts import action_name

            action = action_name(action)
        elif action in ("generate", "edit"):
            action = self.tr("generated") if action == "generate" else self.tr("edited")
        rows: list[tuple[str, str]] = [
            (
                self.tr("Source"),
                self.labels().get(item.source, item.source) + (f" · {action}" if action else ""),
            ),
            (self.tr("Created"), time.strftime("%Y-%m-%d %H:%M", time.localtime(item.created))),
        ]
        if item.model:
            rows.append((self.tr("Model"), item.model))
        if item.profile:
            rows.append((self.tr("Profile"), item.profile))
        if item.width:
            rows.append((self.tr("Size"), f"{item.width} × {item.height} · {_size_text(item.bytes)}"))
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
        from html import escape

        return (
            "<table>"
            + "".join(
                f"<tr><td style='padding-right:8px'><b>{escape(k)}</b></td><td>{escape(v)}</td></tr>"
                for k, v in rows
            )
            + "</table>"
        )

    def _show_mj_buttons(self, item: GalleryItem) -> None:
        clear_layout(self.mj_layout)
        buttons = item.meta.get("buttons") if item.source == "midjourney" else None
        shown = isinstance(buttons, list) and bool(buttons) and bool(item.task_id) and "quadrant" not in item.meta
        self.mj_title.setVisible(shown)
        self.mj_box.setVisible(shown)
        if not shown or not isinstance(buttons, list):
            return
        from desktop_client.ui.midjourney.texts import button_text

        for number, raw in enumerate(buttons):
            if not isinstance(raw, dict) or not raw.get("customId"):
                continue
            button = MjButton(str(raw["customId"]), str(raw.get("emoji") or ""), str(raw.get("label") or ""))
            pressable = named(QPushButton(button_text(button)), button_text(button))
            pressable.setToolTip(button.custom_id)
            pressable.clicked.connect(
                lambda _c=False, t=item.task_id, c=button.custom_id: self.mj_button.emit(t, c)
            )
            self.mj_layout.addWidget(pressable, number // 3, number % 3)

    # ----- actions -----------------------------------------------------------------
    def copy_prompt(self) -> None:
        if self.current is not None:
            QGuiApplication.clipboard().setText(self.current.prompt)
            self.status.emit(self.tr("Prompt copied"))

    def _reuse(self) -> None:
        if self.current is not None:
            self.reuse_prompt.emit(self.current.source, self.current.prompt, self.current.model)

    def _edit(self) -> None:
        items = [i for i in self.selected_items() if i.state == OK] or ([self.current] if self.current else [])
        if self.gallery is not None and items:
            self.edit_requested.emit([self.gallery.absolute(i) for i in items[:16]])

    async def set_favourite(self, favourite: bool) -> None:
        item = self.current
        if item is None or self.gallery is None or self.model is None:
            return
        await self.gallery.set_favourite(item.id, favourite)
        self.model.refresh_item(item.id)
        try:
            updated: GalleryItem | None = await self.gallery.item(item.id)
        except NotFoundError:
            updated = None  # deleted meanwhile (another window, the CLI)
        if self.current is not None and self.current.id == item.id:
            self.current = updated  # unless the user has moved on to another image meanwhile
        if self.favourites_box.isChecked() and not favourite:
            await self.refresh()

    def open_external(self) -> None:
        if self.current is not None and self.gallery is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.gallery.absolute(self.current))))

    def reveal(self) -> None:
        if self.current is not None and self.gallery is not None:
            # The folder, not the file: "select in file manager" differs per desktop.
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.gallery.absolute(self.current).parent)))

    async def delete_selected(self) -> None:
        items = self.selected_items() or ([self.current] if self.current else [])
        if not items or self.gallery is None:
            return
        if self._pending_delete:
            await self.finish_delete()  # one undo at a time: the earlier deletion becomes final
        ids = [item.id for item in items]
        await self.gallery.delete(ids)
        self._pending_delete = ids
        self.undo_label.setText(self.tr("%n image(s) deleted.", "", len(ids)) + " " + self.tr("Ctrl+Z undoes."))
        self.undo_bar.setVisible(True)
        self.undo_timer.start(UNDO_SECONDS * 1000)
        await self.refresh()

    async def undo_delete(self) -> None:
        ids, self._pending_delete = self._pending_delete, []
        self.undo_timer.stop()
        self.undo_bar.setVisible(False)
        if ids and self.gallery is not None:
            await self.gallery.restore(ids)
            await self.refresh()
            self.select(ids[0])

    async def finish_delete(self) -> None:
        """The undo window is over: the files go to the trash."""
        ids, self._pending_delete = self._pending_delete, []
        self.undo_timer.stop()
        self.undo_bar.setVisible(False)
        if ids and self.gallery is not None:
            await self.gallery.purge_deleted(ids)

    def choose_import(self) -> None:
        dialog = QFileDialog(self, self.tr("Import images from a folder"))
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: spawn(self.import_folder(Path(folder))))
        dialog.open()
        self.dialog = dialog

    async def import_folder(self, folder: Path) -> None:
        if self.gallery is None:
            return
        try:
            report = await self.gallery.import_folder(folder)
        except KeyholdError as exc:
            self.status.emit(" — ".join(describe(exc)))
            return
        except OSError as exc:
            self.status.emit(self.tr("Import failed: %1").replace("%1", exc.strerror or str(exc)))
            return
        self.status.emit(
            self.tr("Imported %n image(s).", "", len(report.added))
            + " "
            + self.tr("%n were already in the gallery.", "", report.duplicates)
        )
        await self.refresh()

    def choose_export(self) -> None:
        title = (
            self.tr("Export the selected images to a folder")
            if self.selected_items()
            else self.tr("Export every image shown to a folder")
        )
        dialog = QFileDialog(self, title)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: spawn(self.export_to(Path(folder))))
        dialog.open()
        self.dialog = dialog

    async def export_to(self, folder: Path) -> list[Path]:
        if self.gallery is None:
            return []
        gallery = self.gallery
        selected = self.selected_items()
        flt = self.filter()
        try:
            # Nothing selected: what the filters show, read off the GUI thread rather than row by row.
            written = await gallery.export(selected or await gallery.items(flt), folder)
        except KeyholdError as exc:
            self.status.emit(" — ".join(describe(exc)))
            return []
        except OSError as exc:
            self.status.emit(self.tr("Export failed: %1").replace("%1", exc.strerror or str(exc)))
            return []
        self.status.emit(
            self.tr("Exported %1 images to %2").replace("%1", str(len(written))).replace("%2", str(folder))
        )
        return written

    async def rescan(self) -> None:
        self.rescan_btn.setEnabled(False)
        try:
            report = await self.core.gallery.rescan()
        except KeyholdError as exc:
            self.status.emit(" — ".join(describe(exc)))
            return
        finally:
            self.rescan_btn.setEnabled(True)
        self.thumbs.retry_failed()
        if self.model is not None:
            self.model.states.clear()
        self.status.emit(
            self.tr("Rescan: %1 added, %2 missing, %3 damaged.")
            .replace("%1", str(report.added))
            .replace("%2", str(report.missing))
            .replace("%3", str(report.corrupt))
        )
        await self.refresh()

    async def shutdown(self) -> None:
        if self._pending_delete:
            await self.finish_delete()
        self.thumbs.close()
