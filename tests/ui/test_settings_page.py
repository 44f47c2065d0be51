"""Settings in sections on one scrolling page: the default profiles and model used by new work,
the default proxy, the notification choices honoured by the notifier, the data folder and the
licences, usable in the smallest window."""

import asyncio
import json

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication

from desktop_client.core.profiles import DEFAULT_PROXY_ACCOUNT
from desktop_client.core.settings import ProfileKind
from desktop_client.ui.about import licences
from desktop_client.ui.mainwindow import MINIMUM_SIZE
from desktop_client.ui.resources import resource
from desktop_client.ui.settings_page import SECTIONS
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="session")
KEY = "sk-settings-page-000000001"


def on_screen(window, widget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return widget.isVisible() and QRect(QPoint(0, 0), window.size()).contains(QRect(top_left, widget.size()))


async def test_every_section_is_reachable_in_the_smallest_window(make_window, qapp) -> None:
    window, core = make_window()
    core.profiles.add("relay", ProfileKind.OPENAI, "https://relay.example.com/v1", KEY)
    window._profiles_changed()
    window.resize(*MINIMUM_SIZE)
    window.go_to("settings")
    await asyncio.sleep(0.05)
    page = window.settings_page
    assert [page.sections[key].property("role") for key in SECTIONS] == ["section"] * len(SECTIONS)
    area = page.scroll_area
    # Nothing runs off to the right once the layout has settled at this size.
    await wait_until(lambda: area.widget().width() <= area.viewport().width(), message="content fits the width")
    for key, control in (
        ("chat", page.load_models_btn),
        ("network", page.proxy_btn),
        ("notifications", page.long_answer_spin),
        ("data", page.copy_path_btn),
        ("about", page.about.texts_btn),
    ):
        page.jumps[key].click()
        await asyncio.sleep(0.05)
        assert on_screen(window, page.sections[key].title), key
        assert on_screen(window, control), key


async def test_new_work_starts_with_the_default_profile_and_its_model(make_window, qapp) -> None:
    window, core = make_window()
    core.profiles.add("first", ProfileKind.OPENAI, "https://a.example.com/v1", KEY, default_model="a-model")
    second, _ = core.profiles.add("second", ProfileKind.OPENAI, "https://b.example.com/v1", KEY)
    core.profiles.add("mj one", ProfileKind.MIDJOURNEY, "https://mj1.example.com", KEY)
    mj_two, _ = core.profiles.add("mj two", ProfileKind.MIDJOURNEY, "https://mj2.example.com", KEY)
    window._profiles_changed()
    page = window.settings_page
    assert page.default_profile_combo.currentText() == "first"
    assert page.default_model_combo.currentText() == "a-model"

    page.default_profile_combo.setCurrentIndex(page.default_profile_combo.findData(second.id))
    page.default_profile_combo.activated.emit(page.default_profile_combo.currentIndex())
    page.default_mj_combo.setCurrentIndex(page.default_mj_combo.findData(mj_two.id))
    page.default_mj_combo.activated.emit(page.default_mj_combo.currentIndex())
    saved = json.loads(core.home.settings_file.read_text())
    assert (saved["default_profile"], saved["default_mj_profile"]) == (second.id, mj_two.id)
    assert page.default_model_combo.currentText() == ""  # "second" has none yet
    page.default_model_combo.setEditText("b-model")
    await page.save_default_model()
    assert core.profiles.find("second").default_model == "b-model"

    window.go_to("chat")
    await wait_until(lambda: window.chat_page.loaded)
    window.chat_page.new_conversation()
    header = window.chat_page.header
    assert header.profile_id() == second.id and header.model_combo.currentText() == "b-model"
    window.go_to("images")
    await asyncio.sleep(0.05)
    assert window.images_page.params.profile_id() == second.id
    assert window.mj_page.profile_id() == mj_two.id


async def test_the_default_proxy_is_checked_and_kept_with_the_keys(make_window) -> None:
    window, core = make_window()
    window.go_to("settings")
    page = window.settings_page
    page.proxy_edit.setText("ftp://127.0.0.1:21")
    await page.save_proxy()
    assert "not supported" in page.notice.text()
    assert core.secrets.get(DEFAULT_PROXY_ACCOUNT) is None
    page.proxy_edit.setText("socks5://user:pw-canary-5e1d@127.0.0.1:1080")
    await page.save_proxy()
    assert core.secrets.get(DEFAULT_PROXY_ACCOUNT) == "socks5://user:pw-canary-5e1d@127.0.0.1:1080"
    assert "pw-canary" not in core.home.settings_file.read_text()
    assert "now use it" in page.notice.text()
    page.proxy_edit.clear()
    await page.load_proxy()
    assert page.proxy_edit.text() == "socks5://user:pw-canary-5e1d@127.0.0.1:1080"


async def test_notification_choices_are_saved_and_honoured(make_window) -> None:
    window, core = make_window()
    page = window.settings_page
    notifier = window.notifier
    notifier.window.isActiveWindow = lambda: False  # the user is in another app
    page.notify_images.setChecked(False)
    page.long_answer_spin.setValue(45)
    saved = json.loads(core.home.settings_file.read_text())["notifications"]
    assert saved == {"enabled": True, "chat": True, "images": False, "midjourney": True, "long_answer_seconds": 45}
    window.images_page.generation_ended.emit(2, 0)
    assert notifier.sent == []  # images are not wanted outside the window
    assert "2 image(s) ready" in window.statusBar().currentMessage()  # the status bar still says it
    notifier.answer_ended("A conversation", True)
    assert [title for title, _ in notifier.sent] == ["Chat: the answer is ready"]
    page.notify_check.setChecked(False)
    assert not page.notify_chat.isEnabled() and not page.long_answer_spin.isEnabled()
    notifier.answer_ended("Another", False)
    assert len(notifier.sent) == 1  # none at all now
    assert json.loads(core.home.settings_file.read_text())["notifications"]["enabled"] is False


async def test_the_data_folder_and_the_licences(make_window) -> None:
    window, core = make_window()
    page = window.settings_page
    assert page.data_path.text() == str(core.home.root)
    page.copy_path_btn.click()
    assert QGuiApplication.clipboard().text() == str(core.home.root)
    assert "never written to it" in page.data_note.text()
    listed = licences()
    assert listed.own == "MIT"  # as pyproject.toml declares it
    names = [page.about.table.topLevelItem(row).text(0) for row in range(page.about.table.topLevelItemCount())]
    assert names == [c.name for c in listed.components] and "httpx" in names
    assert page.about.texts_btn.isEnabled() and resource("licenses", "THIRD-PARTY.txt").is_file()
