"""Settings ▸ About: the version, Keyhold's licence and the third-party components with theirs.

The list comes from ``resources/licenses/components.json`` and the full texts are in
``resources/licenses/THIRD-PARTY.txt``, both written by ``scripts/licenses.py`` from the
installed packages: plain files, so a frozen build shows them without package metadata."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_client import __version__
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import named
from desktop_client.ui.resources import resource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    license: str


@dataclass(frozen=True)
class Licences:
    own: str  # Keyhold's licence as pyproject.toml declares it; "" when none is declared
    components: tuple[Component, ...]


def texts_path() -> Path:
    return resource("licenses", "THIRD-PARTY.txt")


@cache
def licences() -> Licences:
    """What components.json says; an empty list if the file is missing or damaged (logged)."""
    try:
        data = json.loads(resource("licenses", "components.json").read_text(encoding="utf-8"))
        return Licences(
            str(data["app"]["license"]),
            tuple(Component(str(c["name"]), str(c["version"]), str(c["license"])) for c in data["components"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("the licence list cannot be read: %s", type(exc).__name__)
        return Licences("", ())


class AboutSection(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.version = QLabel()
        self.own = QLabel()
        self.own.setWordWrap(True)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.table = QTreeWidget()
        self.table.setObjectName("licenceList")
        self.table.setRootIsDecorated(False)
        self.table.setColumnCount(3)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setMinimumHeight(160)
        header = self.table.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for component in licences().components:
            QTreeWidgetItem(self.table, [component.name, component.version, component.license])
        self.texts_btn = QPushButton()
        self.texts_btn.setEnabled(texts_path().is_file())
        self.texts_btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(texts_path()))))
        buttons = QHBoxLayout()
        buttons.addWidget(self.texts_btn)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.version, self.own, self.intro, self.table):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.version.setText(tr_args(self.tr("Keyhold %1"), __version__))
        own = licences().own
        self.own.setText(
            tr_args(self.tr("Keyhold is released under the %1 licence."), own)
            if own
            else self.tr("Keyhold's own licence is not declared in this build.")
        )
        self.intro.setText(
            tr_args(
                self.tr(
                    "It is built on these components, each under its own licence. The full licence texts are "
                    "in %1."
                ),
                texts_path(),
            )
        )
        self.table.setHeaderLabels([self.tr("Component"), self.tr("Version"), self.tr("Licence")])
        named(self.table, self.tr("Third-party components and their licences"))
        self.texts_btn.setText(self.tr("Open the licence texts"))
        named(self.texts_btn, self.tr("Open the full licence texts"))


def licence_summary() -> str:
    """The component list as plain lines, for the About box's details."""
    return "\n".join(f"{c.name} {c.version}: {c.license}" for c in licences().components)
