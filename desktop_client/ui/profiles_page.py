"""Settings → Profiles: the list of profiles beside the form that edits one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.aio import keyring_call
from desktop_client.core.context import Core
from desktop_client.core.errors import KeyholdError
from desktop_client.core.settings import ProfileKind, ProfileRecord
from desktop_client.ui.design import set_type
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.profile_form import ProfileForm
from desktop_client.ui.qtutils import async_slot, confirm, named


class ProfilesEditor(Retranslatable, QWidget):
    profiles_changed = Signal()

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.title = QLabel()
        set_type(self.title, "subtitle")
        self.list = QListWidget()
        self.list.setObjectName("profileList")
        self.list.setMinimumWidth(220)
        self.new_btn = QPushButton()
        self.delete_btn = QPushButton()
        self.form = ProfileForm(core)

        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_btn)
        row.addWidget(self.delete_btn)
        left.addLayout(row)

        body = QHBoxLayout()
        body.addLayout(left)
        body.addWidget(self.form, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # it sits in a card that has its own
        layout.addWidget(self.title)
        layout.addLayout(body, 1)

        self.list.currentItemChanged.connect(self._on_selected)
        self.new_btn.clicked.connect(self._on_new)
        self.delete_btn.clicked.connect(self.delete_current)
        self.form.saved.connect(self._on_saved)
        self.retranslate()
        self.reload()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Profiles"))
        self.new_btn.setText(self.tr("&New profile"))
        self.delete_btn.setText(self.tr("&Delete"))
        named(self.list, self.tr("Profiles"))
        named(self.new_btn, self.tr("New profile"))
        named(self.delete_btn, self.tr("Delete profile"))
        self._relabel()

    def _label(self, record: ProfileRecord) -> str:
        kind = self.tr("OpenAI") if record.kind is ProfileKind.OPENAI else self.tr("Midjourney")
        return f"{record.name}  ·  {kind}"

    def _relabel(self) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            record = item.data(Qt.ItemDataRole.UserRole)
            if isinstance(record, ProfileRecord):
                item.setText(self._label(record))

    def reload(self, select_id: str | None = None, *, force: bool = False) -> None:
        """Rebuilds the list; ``force`` reloads the form even if its profile stays selected."""
        current = self.form.record.id if self.form.record else None
        if force:
            self.form.record = None
        select_id = select_id or current
        self.list.blockSignals(True)
        self.list.clear()
        chosen: QListWidgetItem | None = None
        for record in self.core.profiles.all():
            item = QListWidgetItem(self._label(record))
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.list.addItem(item)
            if record.id == select_id:
                chosen = item
        self.list.blockSignals(False)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        elif self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.form.load(None)
        self.delete_btn.setEnabled(self.list.count() > 0)

    def _on_selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        record = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(record, ProfileRecord) and record == self.form.record:
            return  # already shown (e.g. re-selected after a save): keep the form's feedback
        self.form.load(record if isinstance(record, ProfileRecord) else None)

    def _on_new(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.form.load(None)
        self.form.name_edit.setFocus()

    def _on_saved(self, profile_id: str) -> None:
        self.reload(profile_id)
        self.profiles_changed.emit()

    @async_slot
    async def delete_current(self) -> None:
        record = self.form.record
        if record is None:
            return
        question = self.tr("Delete the profile “%1” and remove its key and base URL from the keyring?")
        if not await confirm(self, self.tr("Delete profile"), tr_args(question, record.name)):
            return
        try:
            # The profile service tells the connections to forget it: no client outlives it.
            await keyring_call(self.core.profiles.remove, record.id)
        except KeyholdError as exc:
            self.form.notice.show_error(exc)
            return
        self.form.record = None
        self.reload()
        self.profiles_changed.emit()
