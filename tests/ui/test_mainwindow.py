"""The shell, onboarding and the profile editor as a user drives them (offscreen, real keyring)."""

import asyncio

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QWidget,
)

from desktop_client.core.errors import ErrorKind, SecretStoreError
from desktop_client.core.profiles import account
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import Language, ProfileKind
from desktop_client.ui import profile_form
from desktop_client.ui.mainwindow import NAV_KEYS
from desktop_client.ui.qtutils import spawn
from tests.fakes.openai_fake import FakeOpenAI
from tests.ui.conftest import wait_until

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.keyring]


def click(button: QAbstractButton) -> None:
    assert button.isEnabled() and button.isVisible(), button.text()
    button.click()


async def test_first_run_onboarding_to_saved_profile(make_window, keyring_store, canary_key) -> None:
    window, core = make_window()
    assert window.root.currentWidget() is window.onboarding
    form = window.onboarding.form
    with FakeOpenAI(canary_key, models=["gpt-4o", "gpt-4o-mini"]) as fake:
        form.name_edit.setText("Relay")
        form.base_edit.setText(fake.url + "/v1/")
        assert "Requests go to" in form.base_hint.text() and "/v1/chat/completions" in form.base_hint.text()
        form.key_edit.setText(canary_key)
        click(form.test_btn)
        await wait_until(lambda: "OK" in form.notice.text(), message="test result")
        assert "2 model" in form.notice.text()
        assert form.models.stringList() == ["gpt-4o", "gpt-4o-mini"]
        click(form.save_btn)
        await wait_until(lambda: window.root.currentIndex() == 1, message="workspace")
    record = core.profiles.find("Relay")
    assert keyring_store.get(account(record.id, "api_key")) == canary_key
    assert window.nav.currentRow() == NAV_KEYS.index("chat")
    assert window.settings_page.profiles.list.count() == 1


async def test_the_first_chat_works(make_window, keyring_store, canary_key) -> None:
    """A new user's first minutes, scripted: the onboarding form, Test connection (the server lists
    its models), a model picked for them, Save, then Chat with the cursor in the composer, a question
    and its answer."""
    from tests.fakes.openai_streams import OPENAI_ANSWER

    window, core = make_window()
    form = window.onboarding.form
    listed = ["text-embedding-3-small", "whisper-1", "my-local-model", "gpt-4o-mini", "dall-e-3"]
    with FakeOpenAI(canary_key, models=listed) as fake:
        form.name_edit.setText("Work")
        form.base_edit.setText(fake.url)
        form.key_edit.setText(canary_key)
        assert form.model_combo.isVisible() and form.model_combo.currentText() == ""
        click(form.test_btn)
        await wait_until(lambda: "OK" in form.notice.text(), message="test result")
        offered = form.models.stringList()
        assert offered[:2] == ["gpt-4o-mini", "my-local-model"]  # chat models first
        assert set(offered[2:]) == {"dall-e-3", "text-embedding-3-small", "whisper-1"}
        assert form.model_combo.currentText() == "gpt-4o-mini"  # the first chat model, picked
        form.model_combo.setCurrentIndex(offered.index("my-local-model"))  # the user prefers another
        click(form.save_btn)
        await wait_until(lambda: window.root.currentIndex() == 1, message="workspace")
        assert core.profiles.find("Work").default_model == "my-local-model"
        page = window.chat_page
        assert window.nav.currentRow() == NAV_KEYS.index("chat")
        assert window.pages.currentWidget() is page
        assert page.conversation is None and page.header.model_combo.currentText() == "my-local-model"
        assert window.focusWidget() is page.composer.edit
        page.composer.edit.setPlainText("What is the weather like?")
        await page.send()
        await wait_until(
            lambda: (
                page.conversation is not None
                and not page.tasks
                and any(OPENAI_ANSWER in w.body.toPlainText() for w in page.view.widgets.values())
            ),
            message="the answer",
        )
    assert [w.message.role for w in page.view.widgets.values()] == ["user", "assistant"]
    assert fake.chat_requests[0].json()["model"] == "my-local-model"
    assert page.conversation.model == "my-local-model"


async def test_a_first_midjourney_profile_tests_without_models_and_opens_its_page(
    make_window, keyring_store
) -> None:
    from tests.fakes.mj_fake import FakeMidjourney

    window, core = make_window()
    form = window.onboarding.form
    with FakeMidjourney("mj-secret-000000000001") as fake:
        form.name_edit.setText("MJ")
        form.kind_combo.setCurrentIndex(form.kind_combo.findData(ProfileKind.MIDJOURNEY))
        form.base_edit.setText(fake.url)
        form.key_edit.setText("mj-secret-000000000001")
        assert not form.model_combo.isVisible()
        click(form.test_btn)
        await wait_until(lambda: "OK" in form.notice.text(), message="test result")
        assert form.models.stringList() == [] and form.model_combo.currentText() == ""
        click(form.save_btn)
        await wait_until(lambda: window.root.currentIndex() == 1, message="workspace")
    assert core.profiles.find("MJ").default_model == ""
    assert window.nav.currentRow() == NAV_KEYS.index("midjourney")


async def test_test_connection_says_bad_key_and_wrong_url(make_window, keyring_store) -> None:
    window, _ = make_window()
    form = window.onboarding.form
    with FakeOpenAI("sk-right-0000000000001") as fake:
        form.base_edit.setText(fake.url)
        form.key_edit.setText("sk-wrong-0000000000001")
        click(form.test_btn)
        await wait_until(lambda: "Bad key" in form.notice.text())
        fake.spa_everywhere = True
        click(form.test_btn)
        await wait_until(lambda: "web page" in form.notice.text())
    form.base_edit.setText("relay.example.com")
    click(form.test_btn)
    await wait_until(lambda: "no scheme" in form.notice.text())
    assert "https://" in form.notice.text()


async def test_stored_key_is_masked_and_revealed_only_on_click(make_window, keyring_store, monkeypatch) -> None:
    monkeypatch.setattr(profile_form, "REVEAL_SECONDS", 0.3)
    window, core = make_window()
    core.profiles.add("A", ProfileKind.OPENAI, "https://api.openai.com/v1", "sk-proj-abcdefghijklmnopa1b2")
    window.settings_page.profiles.reload()
    window._update_mode()
    form = window.settings_page.profiles.form
    await wait_until(lambda: form.key_status.text().endswith("sk-…a1b2"))
    assert form.key_edit.text() == "" and form.key_edit.placeholderText() == "sk-…a1b2"
    assert form.base_edit.text() == "https://api.openai.com/v1"
    click(form.reveal_btn)
    await wait_until(lambda: form.key_edit.text() == "sk-proj-abcdefghijklmnopa1b2")
    assert form.key_edit.echoMode() == QLineEdit.EchoMode.Normal
    await wait_until(lambda: form.key_edit.text() == "", timeout=3, message="auto-hide")
    assert form.key_edit.echoMode() == QLineEdit.EchoMode.Password
    assert not form.reveal_btn.isChecked()


async def test_rotate_key_keeps_the_profile(make_window, keyring_store) -> None:
    window, core = make_window()
    record, _ = core.profiles.add("MJ", ProfileKind.MIDJOURNEY, "https://mj.example.com", "old-secret-00001")
    window.settings_page.profiles.reload()
    window._update_mode()
    form = window.settings_page.profiles.form
    await wait_until(lambda: form.save_btn.isEnabled() and form.base_edit.text())
    assert form.key_status.text().endswith("old-…0001")
    click(form.rotate_btn)
    assert not form.key_edit.isReadOnly()
    form.key_edit.setText("new-secret-00002")
    click(form.save_btn)
    await wait_until(lambda: "Saved" in form.notice.text())
    assert core.profiles.all() == [record]
    assert keyring_store.get(account(record.id, "api_key")) == "new-secret-00002"


async def test_delete_asks_then_removes_keyring_entries(make_window, keyring_store) -> None:
    window, core = make_window()
    record, _ = core.profiles.add("Gone", ProfileKind.OPENAI, "https://api.openai.com", "sk-gone-0000000001")
    window.settings_page.profiles.reload()
    task = spawn(window.settings_page.profiles.delete_current())
    box = None
    for _ in range(100):
        await asyncio.sleep(0.02)
        box = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None
        )
        if box:
            break
    assert box is not None and "Gone" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    await task
    assert core.profiles.all() == []
    assert keyring_store.get(account(record.id, "api_key")) is None
    assert window.root.currentWidget() is window.onboarding


async def test_language_switch_retranslates_everything(make_window, keyring_store) -> None:
    window, core = make_window()
    window.set_language(Language.CHINESE)
    await asyncio.sleep(0.05)
    assert window.nav.item(0).text() == "对话"
    assert window.onboarding.heading.text() == "欢迎使用 Keyhold"
    assert core.settings.settings.language is Language.CHINESE
    window.set_language(Language.ENGLISH)
    await asyncio.sleep(0.05)
    assert window.nav.item(0).text() == "Chat"


async def test_every_interactive_widget_has_an_accessible_name(make_window, keyring_store) -> None:
    window, core = make_window()
    core.profiles.add("MJ", ProfileKind.MIDJOURNEY, "https://mj.example.com", "secret-000001")
    window.settings_page.profiles.reload()
    window._update_mode()
    for language in (Language.ENGLISH, Language.CHINESE):
        window.set_language(language)
        await asyncio.sleep(0.05)
        missing = [
            f"{type(w).__name__}:{w.objectName()}:{type(w.parent()).__name__}"
            for w in window.findChildren(QWidget)
            if isinstance(w, (QAbstractButton, QLineEdit, QComboBox, QListWidget)) and not w.accessibleName()
        ]
        assert missing == []
    window.set_language(Language.ENGLISH)


async def test_geometry_is_remembered(make_window, keyring_store, home) -> None:
    window, core = make_window()
    # the offscreen screen is 800x600: stay inside it, and at least the minimum size (800x560)
    window.resize(800, 583)
    await asyncio.sleep(0.05)
    window.close()
    again, _ = make_window(core)
    await asyncio.sleep(0.05)
    assert (again.width(), again.height()) == (800, 583)


async def test_unhandled_errors_become_a_readable_dialog(make_window, keyring_store) -> None:
    window, _ = make_window()
    window.hook.install()
    try:

        async def boom() -> None:
            raise SecretStoreError("The keyring exploded", hint="Unlock it")

        spawn(boom())
        await wait_until(lambda: window.hook.shown, message="error dialog")
        headline, body = window.hook.shown[0]
        assert headline == "No secure keyring is available"
        assert "Unlock it" in body
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        assert box.text() == headline
        box.close()
    finally:
        window.hook.uninstall()


async def test_no_keyring_offers_session_only_keys(make_window, home) -> None:
    from desktop_client.core.context import build_core

    core = build_core(home, secrets=MemorySecretStore())
    core.keyring_problem = SecretStoreError("No secure keyring is available", hint="Install gnome-keyring")
    window, _ = make_window(core)
    assert window.banner.isVisible()
    assert "gnome-keyring" in window.banner.text.text()
    assert not window.root.isEnabled(), "nothing may be saved before the user chooses"
    click(window.banner.session_btn)
    assert window.root.isEnabled()
    assert not core.secrets.persistent
    assert "this session only" in window.keys_status.text()
    form = window.onboarding.form
    form.name_edit.setText("Temp")
    form.base_edit.setText("https://api.openai.com")
    form.key_edit.setText("sk-session-only-000001")
    click(form.save_btn)
    await wait_until(lambda: window.root.currentIndex() == 1)
    assert core.secrets.get(account(core.profiles.find("Temp").id, "api_key")) == "sk-session-only-000001"


async def test_locked_keyring_on_save_loses_nothing(make_window, keyring_store) -> None:
    from tests import keyring_control

    window, core = make_window()
    form = window.onboarding.form
    form.name_edit.setText("Later")
    form.base_edit.setText("https://api.openai.com")
    form.key_edit.setText("sk-later-000000000001")
    keyring_control.lock()
    try:
        click(form.save_btn)
        await wait_until(lambda: "locked" in form.notice.text())
        assert core.profiles.all() == []
        assert form.key_edit.text() == "sk-later-000000000001", "typed input must survive the failure"
    finally:
        keyring_control.unlock()
    click(form.save_btn)
    await wait_until(lambda: window.root.currentIndex() == 1)
    assert core.profiles.find("Later").kind is ProfileKind.OPENAI


async def test_error_kinds_all_have_translations() -> None:
    from desktop_client.ui.errors import headline_and_fix

    for kind in ErrorKind:
        headline, fix = headline_and_fix(kind)
        assert headline and fix
    assert QEvent.Type.LanguageChange and Qt.ItemDataRole.UserRole


async def test_keyring_opens_after_the_window_and_calls_wait_for_it(make_window, home, keyring_store) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.secrets import DeferredSecretStore

    deferred = DeferredSecretStore()
    core = build_core(home, secrets=deferred)
    window, _ = make_window(core)
    form = window.onboarding.form
    form.name_edit.setText("Early")
    form.base_edit.setText("https://api.openai.com")
    form.key_edit.setText("sk-early-bird-00000001")
    click(form.save_btn)  # before the keyring is open: the save waits for it
    await asyncio.sleep(0.1)
    assert core.profiles.all() == []
    await window.open_keyring(deferred)
    assert core.secrets is not deferred and core.secrets.persistent
    await wait_until(lambda: window.root.currentIndex() == 1, message="saved once the keyring opened")
    assert keyring_store.get(account(core.profiles.find("Early").id, "api_key")) == "sk-early-bird-00000001"
    assert window.keys_status.text() == "Keys: OS keyring"


async def test_keyring_that_fails_to_open_shows_the_banner(make_window, home, monkeypatch) -> None:
    from desktop_client.core.context import build_core
    from desktop_client.core.secrets import DeferredSecretStore
    from desktop_client.ui import mainwindow

    def no_keyring():
        raise SecretStoreError("No secure keyring is available", hint="Install gnome-keyring")

    monkeypatch.setattr(mainwindow, "open_secret_store", no_keyring)
    deferred = DeferredSecretStore()
    window, core = make_window(build_core(home, secrets=deferred))
    await window.open_keyring(deferred)
    assert window.banner.isVisible() and not window.root.isEnabled()
    assert core.keyring_problem is not None
    with pytest.raises(SecretStoreError):
        deferred.get("anything")


async def test_after_deleting_the_last_profile_onboarding_starts_fresh(make_window, keyring_store) -> None:
    window, core = make_window()
    core.profiles.add("Only", ProfileKind.OPENAI, "https://api.openai.com", "sk-only-0000000001")
    window.settings_page.profiles.reload()
    window._update_mode()
    window.onboarding.form.load(core.profiles.find("Only"))  # as if onboarding had just saved it
    core.profiles.remove("Only")
    window._update_mode()
    form = window.onboarding.form
    assert form.record is None and form.name_edit.text() == ""
    form.name_edit.setText("Second")
    form.base_edit.setText("https://api.openai.com")
    form.key_edit.setText("sk-second-000000001")
    click(form.save_btn)
    await wait_until(lambda: window.root.currentIndex() == 1)


async def test_unreadable_secrets_block_saving_until_retry(make_window, keyring_store) -> None:
    from tests import keyring_control

    window, core = make_window()
    core.profiles.add("Locked", ProfileKind.OPENAI, "https://api.openai.com", "sk-locked-00000001")
    window._update_mode()
    keyring_control.lock()
    try:
        window.settings_page.profiles.reload(force=True)
        form = window.settings_page.profiles.form
        await wait_until(lambda: "locked" in form.notice.text())
        assert not form.save_btn.isEnabled(), "saving now would erase the unknown base URL"
    finally:
        keyring_control.unlock()
    await window.retry_keyring()
    await wait_until(lambda: form.base_edit.text() == "https://api.openai.com" and form.save_btn.isEnabled())


async def test_session_only_keys_survive_a_second_choice_and_move_into_the_keyring(
    make_window, home, keyring_store
) -> None:
    from desktop_client.core.context import build_core

    core = build_core(home, secrets=MemorySecretStore())
    core.keyring_problem = SecretStoreError("No secure keyring is available", hint="Install gnome-keyring")
    window, _ = make_window(core)
    window.use_session_only()
    record, _ = core.profiles.add("S", ProfileKind.OPENAI, "https://api.openai.com", "sk-session-0000001")
    window.use_session_only()
    assert core.secrets.get(account(record.id, "api_key")) == "sk-session-0000001"
    await window.retry_keyring()  # the keyring is available in this test session
    assert core.secrets.persistent
    assert keyring_store.get(account(record.id, "api_key")) == "sk-session-0000001"
    assert not window.banner.isVisible()


async def test_a_test_result_never_lands_on_another_profile(make_window, keyring_store) -> None:
    import threading

    from tests.fakes.server import Conn, Request

    release = threading.Event()
    window, core = make_window()
    with FakeOpenAI("sk-slow-00000000001") as fake:

        def slow(request: Request, conn: Conn) -> None:
            release.wait(5)
            conn.send_json(200, {"object": "list", "data": [{"id": "m"}]})

        fake.route_overrides[("GET", "/v1/models")] = slow
        core.profiles.add("A", ProfileKind.OPENAI, fake.url, "sk-slow-00000000001")
        core.profiles.add("B", ProfileKind.OPENAI, "https://api.openai.com", "sk-other-0000000001")
        editor = window.settings_page.profiles
        editor.reload()
        window._update_mode()
        window.nav.setCurrentRow(NAV_KEYS.index("settings"))
        form = editor.form
        await wait_until(lambda: form.record.name == "A" and form.test_btn.isEnabled())
        click(form.test_btn)
        await wait_until(lambda: fake.requests)
        editor.list.setCurrentRow(1)
        await wait_until(lambda: form.record.name == "B" and form.test_btn.isEnabled())
        release.set()
        await asyncio.sleep(0.3)
    assert "OK" not in form.notice.text()
    assert form.models.stringList() == []


async def test_the_gallery_reaches_other_pages_through_their_intents(make_window, home) -> None:
    from desktop_client.core.context import build_core

    window, core = make_window(build_core(home, secrets=MemorySecretStore()))
    core.profiles.add("relay", ProfileKind.OPENAI, "http://127.0.0.1:9", "sk-intents-0000000000001")
    window._update_mode()
    chosen = window.images_page.params.model_name()
    window.reuse_prompt("chat", "a red kite", "gpt-4o")  # a chat answer's image: Images, the model stays
    assert window.current_page() is window.images_page
    assert window.images_page.prompt_edit.toPlainText() == "a red kite"
    assert window.images_page.params.model_name() == chosen
    window.press_mj_button("T-gone", "MJ::JOB::upsample::1::T-gone")
    assert window.current_page() is window.mj_page
    assert "not in the task list" in window.statusBar().currentMessage()
    # The chat page still loads in the background: let it end before the window goes.
    await wait_until(lambda: window.chat_page.presenter.loaded, message="the chat page loaded")
