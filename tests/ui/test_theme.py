"""The theme setting: Light and Dark switch every widget's palette at once and are kept; System
follows the OS's colour scheme as it changes."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from desktop_client.core.settings import Theme
from desktop_client.ui.theme import Themes
from desktop_client.ui.widgets.notice import is_dark

pytestmark = pytest.mark.asyncio(loop_scope="session")


def choose(window, theme: Theme) -> None:
    combo = window.settings_page.theme_combo
    index = combo.findData(theme)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


async def test_light_dark_and_system(make_window, qapp) -> None:
    native, style = QPalette(qapp.palette()), qapp.style().name()
    window, core = make_window()
    try:
        choose(window, Theme.DARK)
        qapp.processEvents()  # the new palette reaches the widgets as an event
        assert is_dark(qapp.palette()) and is_dark(window.chat_page.palette())
        assert core.settings.settings.theme is Theme.DARK
        choose(window, Theme.LIGHT)
        assert not is_dark(qapp.palette()) and core.settings.settings.theme is Theme.LIGHT
        choose(window, Theme.SYSTEM)
        themes = Themes.of(qapp)
        themes._scheme_changed(Qt.ColorScheme.Dark)  # the OS switched to dark
        assert is_dark(qapp.palette())
        themes._scheme_changed(Qt.ColorScheme.Light)
        assert not is_dark(qapp.palette())
        choose(window, Theme.LIGHT)
        themes._scheme_changed(Qt.ColorScheme.Dark)  # a chosen theme ignores the OS
        assert not is_dark(qapp.palette())
    finally:
        Themes.of(qapp).choice = Theme.SYSTEM
        qapp.setStyleSheet("")
        qapp.setStyle(style)
        qapp.setPalette(native)


async def test_text_size_steps_up_and_down_is_kept_and_resets(make_window, qapp) -> None:
    from PySide6.QtGui import QFont

    original = QFont(qapp.font())
    window, core = make_window()
    base = qapp.font().pointSizeF()
    try:
        window.larger_action.trigger()
        window.larger_action.trigger()
        assert qapp.font().pointSizeF() == base + 2 and core.settings.settings.text_size == 2
        window.smaller_action.trigger()
        assert qapp.font().pointSizeF() == base + 1 and core.settings.settings.text_size == 1
        for _ in range(20):
            window.smaller_action.trigger()
        assert core.settings.settings.text_size == -4  # the smallest step
        window.actual_size_action.trigger()
        assert qapp.font().pointSizeF() == base and core.settings.settings.text_size == 0
    finally:
        qapp.setFont(original)
