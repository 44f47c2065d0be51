"""The window from the keyboard: the menu bar, Ctrl+1…5, Ctrl+, Ctrl+N, Ctrl+F/K, F1, the send-key
setting; keys sent to the real window with QTest, as a user types them."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from desktop_client import __version__
from desktop_client.core.settings import ProfileKind, SendKey
from desktop_client.ui.mainwindow import GO_KEYS
from desktop_client.ui.widgets.prompt_edit import PromptEdit
from tests.ui.conftest import wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]

CTRL = Qt.KeyboardModifier.ControlModifier


async def workspace(make_window):
    """A window with a profile (the workspace, not the onboarding), active, its pages loaded."""
    window, core = make_window()
    core.profiles.add(
        "relay", ProfileKind.OPENAI, "http://127.0.0.1:9", "sk-keys-ui-0000000001", default_model="m"
    )
    window._update_mode()
    window.chat_page.refresh_profiles()
    window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is window, message="window active")
    await wait_until(lambda: window.chat_page.loaded, message="chat page loaded")
    return window, core


def press(window, sequence: str) -> None:
    target = QApplication.focusWidget() or window
    QTest.keySequence(target, QKeySequence(sequence))


async def test_the_menu_bar_holds_file_edit_go_and_help(make_window) -> None:
    window, _core = await workspace(make_window)
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Go", "&Help"]
    texts = {
        menu.title(): [a.text() for a in menu.actions() if not a.isSeparator()]
        for menu in window.findChildren(type(window.file_menu))
    }
    assert texts["&File"] == ["&New chat", "&Settings", "&Quit"]
    assert texts["&Edit"] == [
        "&Search",
        "&Copy last answer",
        "&Larger text",
        "S&maller text",
        "&Actual text size",
    ]
    assert texts["&Go"] == ["&Chat", "&Midjourney", "&Images", "&Gallery", "&Usage"]
    assert texts["&Help"] == ["&Keyboard shortcuts", "&About Keyhold"]
    keys = {action.text(): [k.toString() for k in action.shortcuts()] for action in window.actions()}
    assert keys["&New chat"] == ["Ctrl+N"] and keys["&Settings"] == ["Ctrl+,"] and keys["&Quit"] == ["Ctrl+Q"]
    assert keys["&Search"] == ["Ctrl+F", "Ctrl+K"] and keys["&Copy last answer"] == ["Ctrl+Shift+C"]
    assert keys["&Keyboard shortcuts"] == ["F1"]
    assert keys["&Larger text"] == ["Ctrl+=", "Ctrl++"] and keys["S&maller text"] == ["Ctrl+-"]
    assert keys["&Actual text size"] == ["Ctrl+0"]
    assert [keys[window.go_actions[key].text()] for key in GO_KEYS] == [[f"Ctrl+{n}"] for n in range(1, 6)]


async def test_ctrl_digits_switch_pages_in_navigation_order_and_ctrl_comma_opens_settings(make_window) -> None:
    window, _core = await workspace(make_window)
    for number, key in reversed(list(enumerate(GO_KEYS, 1))):
        press(window, f"Ctrl+{number}")
        await wait_until(
            lambda key=key: window.pages.currentWidget() is window._pages[key], timeout=5, message=key
        )
        assert window.nav.currentRow() == number - 1  # the navigation shows where the keys went
    assert window.current_page() is window.chat_page
    press(window, "Ctrl+,")
    assert window.current_page() is window.settings_page


async def test_ctrl_n_starts_a_chat_and_ctrl_f_ctrl_k_focus_the_pages_search(make_window) -> None:
    window, _core = await workspace(make_window)
    window.go_to("midjourney")
    press(window, "Ctrl+N")
    assert window.current_page() is window.chat_page
    await wait_until(lambda: window.chat_page.composer.edit.hasFocus(), message="composer focused")
    assert window.chat_page.conversation is None
    press(window, "Ctrl+F")
    await wait_until(lambda: window.chat_page.conversations.search_edit.hasFocus(), message="chat search")
    press(window, "Ctrl+3")  # the Images page has no search: it says so, the focus stays on the page
    press(window, "Ctrl+K")
    assert "no search" in window.statusBar().currentMessage()
    press(window, "Ctrl+4")
    gallery = window.gallery_page
    await wait_until(lambda: gallery.browser.loaded, message="gallery loaded")
    # Offscreen, a window built on the way (the gallery's first visit) takes the activation.
    window.activateWindow()
    await wait_until(lambda: QApplication.activeWindow() is window, message="window active again")
    press(window, "Ctrl+K")
    await wait_until(lambda: gallery.filters.search_edit.hasFocus(), message="gallery search")


async def test_f1_opens_the_cheat_sheet_and_about_tells_the_version(make_window) -> None:
    window, _core = await workspace(make_window)
    press(window, "F1")
    dialog = window.shortcuts_dialog
    assert dialog is not None
    await wait_until(dialog.isVisible, message="cheat-sheet shown")
    rows = dialog.rows()
    assert ("Ctrl+N", "New chat") in rows and ("Esc", "Stop the answer that is arriving") in rows
    assert dialog.table.rowCount() == len(rows) and dialog.table.item(0, 1).text() == "New chat"
    assert dialog.windowTitle() == "Keyboard shortcuts"
    dialog.close()
    window.about_action.trigger()
    box = window.about_box
    assert box is not None
    await wait_until(box.isVisible, message="about shown")
    assert __version__ in box.text() and box.windowTitle() == "About Keyhold"
    assert "MIT licence" in box.informativeText() and "httpx " in box.detailedText()
    box.close()


async def test_the_send_key_is_chosen_in_settings_and_every_prompt_box_follows(make_window) -> None:
    window, core = await workspace(make_window)
    settings = window.settings_page
    combo = settings.send_key_combo
    assert combo.currentData() == SendKey.ENTER
    try:
        combo.setCurrentIndex(combo.findData(SendKey.CTRL_ENTER))
        combo.activated.emit(combo.currentIndex())
        assert core.settings.settings.send_key is SendKey.CTRL_ENTER
        assert PromptEdit.send_key is SendKey.CTRL_ENTER
        composer = window.chat_page.composer.edit
        assert "Ctrl+Enter sends" in composer.placeholderText()
        assert "Ctrl+Enter submits" in window.mj_page.composer.prompt_edit.placeholderText()
        window.go_to("chat")
        composer.setFocus()
        QTest.keyClicks(composer, "two")
        QTest.keyClick(composer, Qt.Key.Key_Return)
        QTest.keyClicks(composer, "lines")
        assert composer.toPlainText() == "two\nlines" and window.chat_page.conversation is None
        press(window, "F1")
        assert (
            window.shortcuts_dialog is not None
            and ("Ctrl+Enter", "Send the message or the prompt") in window.shortcuts_dialog.rows()
        )
        window.shortcuts_dialog.close()
    finally:
        window.set_send_key(SendKey.ENTER)
    assert "Enter sends, Shift+Enter" in window.chat_page.composer.edit.placeholderText()
