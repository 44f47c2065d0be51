"""Small windows: the navigation collapses to icons, a long title never widens the chat header,
and at the minimum size the composer's Send button and the Midjourney submit button are on screen."""

import pytest
from PySide6.QtCore import QPoint, QRect

from desktop_client.core.settings import ProfileKind
from desktop_client.ui.mainwindow import MINIMUM_SIZE, NAV_KEYS
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="session")


def inside(window, widget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and QRect(QPoint(0, 0), window.size()).contains(QRect(top_left, widget.size()))


async def test_the_navigation_collapses_and_the_controls_stay_on_screen(make_window, qapp) -> None:
    window, core = make_window()
    core.profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", "sk-small-000000001")
    window._profiles_changed()
    window.go_to("chat")
    await wait_until(lambda: window.chat_page.loaded)
    assert (window.minimumWidth(), window.minimumHeight()) == MINIMUM_SIZE
    window.resize(1280, 860)
    qapp.processEvents()
    assert window.nav.item(0).text() and window.nav.width() > 100
    window.resize(*MINIMUM_SIZE)
    qapp.processEvents()
    assert window.nav.width() <= 60
    assert all(
        window.nav.item(row).text() == "" and window.nav.item(row).toolTip() for row in range(len(NAV_KEYS))
    )
    header = window.chat_page.header
    before = header.sizeHint().width()
    header.show_title("A conversation with a very long title " * 20)
    qapp.processEvents()
    assert header.sizeHint().width() == before  # the title is cut short, the row keeps its width
    assert header.title_label.text().startswith("A conversation") and header.title_label.shown_text().endswith("…")
    qapp.processEvents()
    assert inside(window, window.chat_page.composer.send_btn)
    window.go_to("midjourney")
    qapp.processEvents()
    assert inside(window, window.mj_page.composer.imagine_btn)
    window.resize(1280, 860)
    qapp.processEvents()
    assert window.nav.item(0).text() == window.nav.item(0).toolTip()
