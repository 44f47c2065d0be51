"""Pages of the main window that are not the profile editor."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_client.core.context import Core
from desktop_client.ui.design import Space, set_type
from desktop_client.ui.i18n import Retranslatable
from desktop_client.ui.profile_form import ProfileForm


class ComingSoonPage(Retranslatable, QWidget):
    """A page whose feature is still being built says so plainly."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.heading = QLabel()
        set_type(self.heading, "title")
        self.body = QLabel()
        self.body.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.body)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        titles = {
            "chat": self.tr("Chat"),
            "midjourney": self.tr("Midjourney"),
            "images": self.tr("Images"),
            "gallery": self.tr("Gallery"),
            "usage": self.tr("Usage"),
        }
        self.heading.setText(titles[self.key])
        self.body.setText(
            self.tr(
                "This part of Keyhold is still being built and arrives in a coming version. "
                "Your profiles are ready for it."
            )
        )


class OnboardingPage(Retranslatable, QWidget):
    """First run: what Keyhold is, then the first profile."""

    done = Signal(str)

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        set_type(self.heading, "display")
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.form = ProfileForm(core)
        content = QWidget()
        box = QVBoxLayout(content)
        box.addWidget(self.heading)
        box.addWidget(self.intro)
        box.addSpacing(Space.M)
        box.addWidget(self.form)
        box.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(content, 4)
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        # In a small window the form scrolls: its hints keep their lines instead of overlapping.
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(holder)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        self.form.saved.connect(self.done)
        self.retranslate()

    def keys_moved(self) -> None:
        self.form.retranslate()  # its key field says where the key will be kept

    def start_over(self) -> None:
        self.form.load(None)  # it may still show a profile that was just deleted

    def retranslate(self) -> None:
        self.heading.setText(self.tr("Welcome to Keyhold"))
        self.intro.setText(
            self.tr(
                "Keyhold talks to OpenAI-compatible APIs and midjourney-proxy servers directly from this "
                "computer. There is no server in between: your API key and base URL go into the "
                "operating system's keyring and nowhere else, so no crawler can find them.\n\n"
                "Add your first profile. “Test connection” checks the address and the key before you save."
            )
        )


class LazyPage(QWidget):
    """A place in the page stack whose page is built the first time it is shown or asked for;
    shown before ``ready()`` (the core still opening), it stays empty until ``now_ready()``."""

    def __init__(self, build: Callable[[], QWidget], ready: Callable[[], bool] = lambda: True) -> None:
        super().__init__()
        self._build = build
        self._ready = ready
        self.page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> QWidget:
        if self.page is None:
            self.page = self._build()
            layout = self.layout()
            assert layout is not None
            layout.addWidget(self.page)
        return self.page

    def now_ready(self) -> None:
        if self.isVisible():
            self.ensure()

    def showEvent(self, event: QShowEvent) -> None:
        if self._ready():
            self.ensure()
        super().showEvent(event)
