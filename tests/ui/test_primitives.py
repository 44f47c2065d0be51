"""The one pattern each for the UI: async slots, the notice line, retranslation, arguments."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout

from desktop_client.core.errors import ApiError, ErrorKind
from desktop_client.ui import qtutils
from desktop_client.ui.i18n import Retranslatable, tr_args
from desktop_client.ui.qtutils import async_slot
from desktop_client.ui.widgets import notice as notice_module
from desktop_client.ui.widgets.notice import Notice

pytestmark = pytest.mark.asyncio(loop_scope="session")


class Panel(Retranslatable, QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.notice = Notice(self)
        self.button = QPushButton(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.button)
        layout.addWidget(self.notice)
        self.ran: list[str] = []
        self.translated = 0
        self.button.clicked.connect(self.save)
        self.retranslate()

    def retranslate(self) -> None:
        self.translated += 1
        self.button.setText("Save")

    @async_slot
    async def save(self) -> None:  # clicked sends `checked`: dropped, the method takes none
        self.ran.append("save")
        raise ApiError("Rate limited: the server asks to slow down", kind=ErrorKind.RATE_LIMIT)

    @async_slot
    async def bug(self) -> None:
        raise RuntimeError("a bug")


async def test_an_async_slot_runs_and_shows_a_keyhold_error_in_the_notice(qapp) -> None:
    panel = Panel()
    panel.button.click()
    await qtutils.TASKS.wait_idle()
    assert panel.ran == ["save"]
    assert panel.notice.is_error and panel.notice.text().startswith("Rate limited")
    assert not panel.notice.isHidden()


async def test_an_async_slot_hands_any_other_failure_to_the_exception_hook(qapp, monkeypatch) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr("sys.excepthook", lambda kind, exc, tb: seen.append(exc))
    panel = Panel()
    panel.bug()
    await asyncio.sleep(0.05)
    assert [type(e) for e in seen] == [RuntimeError]
    assert panel.notice.text() == ""


async def test_information_fades_and_an_error_stays(qapp, monkeypatch) -> None:
    monkeypatch.setattr(notice_module, "INFO_SECONDS", 0.05)
    panel = Panel()  # inside a widget: a top-level notice closing would end the app
    notice = panel.notice
    notice.show_info("Saved")
    assert notice.text() == "Saved" and not notice.is_error
    await asyncio.sleep(0.2)
    assert notice.text() == ""
    notice.show_error(ApiError("x", kind=ErrorKind.TIMEOUT))
    await asyncio.sleep(0.2)
    assert notice.is_error and notice.text()
    # The error's colour differs from ordinary text in either palette.
    assert notice.palette().color(QPalette.ColorRole.WindowText) != Panel().palette().color(
        QPalette.ColorRole.WindowText
    )


async def test_a_language_change_retranslates(qapp) -> None:
    panel = Panel()
    assert panel.translated == 1
    QCoreApplication.sendEvent(panel, QEvent(QEvent.Type.LanguageChange))
    assert panel.translated == 2


async def test_arguments_are_filled_once() -> None:
    assert tr_args("%1 of %2", "%2", 5) == "%2 of 5"
    assert tr_args("%1 kept, %3 unknown", "a") == "a kept, %3 unknown"
