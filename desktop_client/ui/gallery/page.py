"""The gallery: every image Keyhold made or received, searchable, with a detail view.

The page wires its panels (the FilterBar, the grid over a GalleryModel, the DetailPanel, the
UndoBar and a Notice) to a GalleryBrowser, which holds what is shown and makes every call to
the gallery service. Nothing heavy runs on the GUI thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QLabel, QListView, QSplitter, QVBoxLayout, QWidget

from desktop_client.core.context import Core
from desktop_client.core.errors import N_, StorageError, Template
from desktop_client.core.models import OK, GalleryItem
from desktop_client.ui.gallery.browser import GalleryBrowser
from desktop_client.ui.gallery.detail_panel import DetailPanel
from desktop_client.ui.gallery.filter_bar import FilterBar
from desktop_client.ui.gallery.model import CELL, GalleryDelegate, GalleryModel, ItemRole, source_labels
from desktop_client.ui.gallery.thumbs import ThumbnailCache
from desktop_client.ui.gallery.undo_bar import UndoBar
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.imaging import load_scaled
from desktop_client.ui.qtutils import async_slot, name_buttons_by_text, named
from desktop_client.ui.widgets.notice import Notice

VIEW_SIDE = 4096
MAX_EDIT_IMAGES = 16


class GalleryPage(Retranslatable, QWidget):
    # source, prompt, model: "reuse this prompt" on the page that made the image
    reuse_prompt = Signal(str, str, str)
    edit_requested = Signal(list)  # of Path: edit these with an OpenAI image model
    mj_button = Signal(str, str)  # task id, customId

    def __init__(self, core: Core) -> None:
        super().__init__()
        gallery = core.gallery  # cheap: the index itself opens in load(), in a worker
        self.browser = GalleryBrowser(gallery)
        self.thumbs = ThumbnailCache(core.home.cache / "thumbs")
        self.model = GalleryModel(gallery, self.thumbs, self)
        self.filters = FilterBar()
        self.notice = Notice()
        self.undo_bar = UndoBar()
        self.grid = _grid(self.model)
        self.detail = DetailPanel(self.browser.path)
        self.detail.setVisible(False)  # until an image is chosen
        self.empty_label = QLabel()
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        for widget in (self.filters, self.notice, self.undo_bar, self.empty_label):
            layout.addWidget(widget)
        layout.addWidget(self.splitter, 1)
        self._connect()
        self.retranslate()

    def _connect(self) -> None:
        self.filters.changed.connect(self.refresh)
        self.filters.import_btn.clicked.connect(self.choose_import)
        self.filters.export_btn.clicked.connect(self.choose_export)
        self.filters.rescan_btn.clicked.connect(self.rescan)
        self.grid.selectionModel().currentChanged.connect(self._current_changed)
        self.grid.doubleClicked.connect(lambda _index: self.open_external())
        detail = self.detail
        detail.copy_btn.clicked.connect(self.copy_prompt)
        detail.reuse_btn.clicked.connect(self._reuse)
        detail.edit_btn.clicked.connect(self._edit)
        detail.favourite_btn.toggled.connect(self.set_favourite)
        detail.open_btn.clicked.connect(self.open_external)
        detail.folder_btn.clicked.connect(self.reveal)
        detail.delete_btn.clicked.connect(self.delete_selected)
        detail.mj_button.connect(self.mj_button)
        self.undo_bar.undo.connect(self.undo_delete)
        self.undo_bar.expired.connect(self.finish_delete)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.grid, self.delete_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, self.undo_delete)

    def retranslate(self) -> None:
        named(self.grid, self.tr("Images"))
        self.empty_label.setText(
            self.tr(
                "No images yet. Images you generate, Midjourney results and images in chat answers appear here."
            )
        )
        self.grid.setItemDelegate(GalleryDelegate(source_labels(), self.grid))
        self._update_count()
        name_buttons_by_text(self)

    # ----- loading -----------------------------------------------------------------
    @async_slot
    async def load(self) -> None:
        """Opens the index (and builds it from the files on a first start) off the GUI thread."""
        await self.browser.open()
        await self._list()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.load()

    @async_slot
    async def refresh(self) -> None:
        """Lists what the filters ask for again."""
        await self._list()

    async def _list(self) -> None:
        # Awaited as it is by the page's own steps: the listing shows in the same turn of the
        # loop as the step that asked for it.
        listing = await self.browser.search(self.filters.filter())
        if listing is None:
            return  # a newer search is on its way
        # The grid's current row, not the detail shown: a click during the query wins over it.
        shown = self.grid.currentIndex()
        selected = self.browser.wanted or (self.model.ids()[shown.row()] if shown.isValid() else None)
        self.filters.set_profiles(listing.profiles)
        self.model.set_ids(listing.ids)
        self.browser.loaded = True
        self._update_count()
        if selected is not None and self.model.row_of(selected) >= 0:
            self.browser.wanted = None
            self.select(selected)
        elif self.browser.current is not None:
            self._show_detail(None)

    def _update_count(self) -> None:
        count = self.model.rowCount()
        self.filters.show_count(count)
        self.empty_label.setVisible(count == 0 and not self.filters.narrowed() and self.browser.loaded)

    def focus_search(self) -> None:
        """Ctrl+F (the main window's Search): into the search box."""
        self.filters.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search_edit.selectAll()

    def select(self, item_id: int) -> None:
        row = self.model.row_of(item_id)
        if row < 0:
            self.browser.wanted = item_id  # new since the last listing: selected when it arrives
            self.refresh()
            return
        index = self.model.index(row)
        self.grid.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(index)

    async def show_image(self, item_id: int) -> None:
        """Another page's "show in the gallery": once the gallery is listed, select the image."""
        await self.load()
        self.select(item_id)

    def selected_items(self) -> list[GalleryItem]:
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        items = [self.model.item_at(row) for row in rows]
        return [item for item in items if item is not None]

    # ----- detail ------------------------------------------------------------------
    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_item(current.data(ItemRole) if current.isValid() else None)

    @async_slot
    async def show_item(self, item: GalleryItem | None) -> None:
        look = self.browser.looks.next()
        if item is None:
            self._show_detail(None)
            return
        found = await self.browser.look(item.id, look)
        if found is None:
            return
        full, state = found
        self._show_detail(full, state)
        path = self.browser.path(full)
        image = await asyncio.to_thread(load_scaled, path, VIEW_SIDE) if state == OK else None
        if not self.browser.looks.is_latest(look):
            return
        if image is None and state == OK:
            state = await self.browser.unreadable(full)
            self._show_detail(full, state)
        self.detail.set_image(image)
        if state != full.state:
            self.model.set_state(full.id, state)

    def _show_detail(self, item: GalleryItem | None, state: str = OK) -> None:
        self.browser.show(item, state)
        self.detail.show_item(item, state)

    # ----- actions on the image shown ------------------------------------------------
    def copy_prompt(self) -> None:
        if self.browser.current is not None:
            QGuiApplication.clipboard().setText(self.browser.current.prompt)
            self.notice.show_info(self.tr("Prompt copied"))

    def _reuse(self) -> None:
        item = self.browser.current
        if item is not None:
            self.reuse_prompt.emit(item.source, item.prompt, item.model)

    def _edit(self) -> None:
        current = self.browser.current
        items = [i for i in self.selected_items() if i.state == OK] or ([current] if current else [])
        if items:
            self.edit_requested.emit([self.browser.path(i) for i in items[:MAX_EDIT_IMAGES]])

    @async_slot
    async def set_favourite(self, favourite: bool) -> None:
        item = self.browser.current
        if item is None:
            return
        await self.browser.set_favourite(item, favourite)
        self.model.refresh_item(item.id)
        if self.filters.filter().favourites and not favourite:
            await self._list()

    def open_external(self) -> None:
        if self.browser.current is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.browser.path(self.browser.current))))

    def reveal(self) -> None:
        if self.browser.current is not None:
            # The folder, not the file: "select in file manager" differs per desktop.
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.browser.path(self.browser.current).parent)))

    # ----- deleting ------------------------------------------------------------------
    @async_slot
    async def delete_selected(self) -> None:
        current = self.browser.current
        items = self.selected_items() or ([current] if current else [])
        if not items:
            return
        ids = [item.id for item in items]
        await self.browser.delete(ids)  # an earlier deletion becomes final: one undo at a time
        self.undo_bar.offer(len(ids))
        await self._list()

    @async_slot
    async def undo_delete(self) -> None:
        self.undo_bar.withdraw()
        ids = await self.browser.undo_delete()
        if ids:
            await self._list()
            self.select(ids[0])

    @async_slot
    async def finish_delete(self) -> None:
        """The undo window is over: the files go to the trash."""
        self.undo_bar.withdraw()
        await self.browser.finish_delete()

    # ----- the whole gallery -----------------------------------------------------------
    def choose_import(self) -> None:
        self._choose_folder(self.tr("Import images from a folder"), self.import_folder)

    @async_slot
    async def import_folder(self, folder: Path) -> None:
        try:
            report = await self.browser.import_folder(folder)
        except OSError as exc:
            raise _failed(N_("Errors", "Import failed: %1"), exc) from exc
        self.notice.show_info(
            self.tr("Imported %n image(s).", "", len(report.added))
            + " "
            + self.tr("%n were already in the gallery.", "", report.duplicates)
        )
        await self._list()

    def choose_export(self) -> None:
        title = (
            self.tr("Export the selected images to a folder")
            if self.selected_items()
            else self.tr("Export every image shown to a folder")
        )
        self._choose_folder(title, self.export_to)

    @async_slot
    async def export_to(self, folder: Path) -> list[Path]:
        try:
            written = await self.browser.export(self.selected_items(), self.filters.filter(), folder)
        except OSError as exc:
            raise _failed(N_("Errors", "Export failed: %1"), exc) from exc
        self.notice.show_info(tr_args(self.tr("Exported %1 images to %2"), len(written), folder))
        return written

    def _choose_folder(self, title: str, chosen: Callable[[Path], object]) -> None:
        dialog = QFileDialog(self, title)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.fileSelected.connect(lambda folder: chosen(Path(folder)))
        dialog.open()
        self.dialog = dialog

    @async_slot
    async def rescan(self) -> None:
        self.filters.rescan_btn.setEnabled(False)
        try:
            report = await self.browser.rescan()
        finally:
            self.filters.rescan_btn.setEnabled(True)
        self.thumbs.retry_failed()
        self.model.forget_states()
        self.notice.show_info(
            tr_args(
                self.tr("Rescan: %1 added, %2 missing, %3 damaged."), report.added, report.missing, report.corrupt
            )
        )
        await self._list()

    async def shutdown(self) -> None:
        if self.browser.pending_delete:
            await self.finish_delete()
        self.thumbs.close()


def _failed(text: Template, exc: OSError) -> StorageError:
    """An OSError of an import or export as the page's error line: ``text`` names the step."""
    return StorageError(text, args=(exc.strerror or str(exc),))


def _grid(model: GalleryModel) -> QListView:
    grid = QListView()
    grid.setViewMode(QListView.ViewMode.IconMode)
    grid.setResizeMode(QListView.ResizeMode.Adjust)
    grid.setMovement(QListView.Movement.Static)
    grid.setUniformItemSizes(True)
    # Laying out 10,000 cells calls the Python model 20,000 times: in batches between
    # events, not in one stall, and once (a scrollbar appearing would lay out again).
    grid.setLayoutMode(QListView.LayoutMode.Batched)
    grid.setBatchSize(400)
    grid.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    grid.setGridSize(CELL)
    grid.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    grid.setDragEnabled(True)
    grid.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
    grid.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    grid.verticalScrollBar().setSingleStep(48)
    grid.setMouseTracking(True)
    grid.setModel(model)
    return grid
