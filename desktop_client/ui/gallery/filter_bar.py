"""The gallery's bar: the search and filters, the count, and import, export and rescan."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from desktop_client.core.models import CORRUPT, MISSING, GalleryFilter
from desktop_client.ui.gallery.model import day_range, source_labels
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.qtutils import name_buttons_by_text, named, refill_combo
from desktop_client.ui.widgets.overflow_bar import OverflowBar

SEARCH_PAUSE_MS = 200  # typing settles this long before the search runs


class FilterBar(Retranslatable, QWidget):
    changed = Signal()  # a filter changed (the search once typing has settled)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(120)
        self.source_combo = QComboBox()
        self.profile_combo = QComboBox()
        self.date_combo = QComboBox()
        for combo in (self.source_combo, self.profile_combo, self.date_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.favourites_box = QCheckBox()
        self.count_label = QLabel()
        self.import_btn = QPushButton()
        self.rescan_btn = QPushButton()
        self.export_btn = QPushButton()
        self._count = 0
        self._profiles: list[str] = []
        # The search and filters stay in the row; favourites, import, export and rescan go under
        # More when a small window has no room for them.
        self.more = OverflowBar()
        for button in (self.favourites_box, self.import_btn, self.export_btn, self.rescan_btn):
            self.more.add(button)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search_edit, 2)
        for widget in (self.source_combo, self.profile_combo, self.date_combo, self.count_label):
            bar.addWidget(widget)
        bar.addWidget(self.more, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.changed)
        self.search_edit.textChanged.connect(self._search_timer.start)
        for combo in (self.source_combo, self.profile_combo, self.date_combo):
            combo.currentIndexChanged.connect(self.changed)
        self.favourites_box.toggled.connect(self.changed)
        self.retranslate()

    def retranslate(self) -> None:
        named(self.search_edit, self.tr("Search prompts"))
        named(self.source_combo, self.tr("Source"))
        named(self.profile_combo, self.tr("Profile"))
        named(self.date_combo, self.tr("Date"))
        self.search_edit.setPlaceholderText(self.tr("Search prompts…"))
        sources: list[tuple[str, object]] = [
            (text, key) for key, text in source_labels().items() if key not in (MISSING, CORRUPT)
        ]
        refill_combo(self.source_combo, [(self.tr("All sources"), ""), *sources])
        refill_combo(
            self.date_combo,
            [
                (self.tr("Any time"), ""),
                (self.tr("Today"), "today"),
                (self.tr("Last 7 days"), "week"),
                (self.tr("Last 30 days"), "month"),
                (self.tr("This year"), "year"),
            ],
        )
        self.set_profiles(self._profiles)
        self.favourites_box.setText(self.tr("★ Favourites"))
        self.import_btn.setText(self.tr("Import folder…"))
        self.export_btn.setText(self.tr("Export…"))
        self.rescan_btn.setText(self.tr("Rescan"))
        self.rescan_btn.setToolTip(self.tr("Rebuild the index from the image files and their sidecars"))
        self.show_count(self._count)
        name_buttons_by_text(self)

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

    def narrowed(self) -> bool:
        """A search or the favourites are asked for: an empty result is no empty gallery."""
        return bool(self.search_edit.text().strip()) or self.favourites_box.isChecked()

    def set_profiles(self, profiles: list[str]) -> None:
        """The profile names to filter by (the one chosen stays chosen)."""
        self._profiles = list(profiles)
        refill_combo(self.profile_combo, [(self.tr("All profiles"), ""), *[(p, p) for p in profiles]])

    def show_count(self, count: int) -> None:
        self._count = count
        self.count_label.setText(self.tr("%n image(s)", "", count))
