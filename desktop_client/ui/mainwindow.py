"""The main window: navigation, pages, the keyring banner and first-run onboarding."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_client import APP_NAME
from desktop_client.core.aio import keyring_call
from desktop_client.core.context import Core
from desktop_client.core.errors import SecretStoreError
from desktop_client.core.secrets import DeferredSecretStore, MemorySecretStore, SecretStore, open_secret_store
from desktop_client.core.settings import Language, ProfileKind, SendKey, Theme
from desktop_client.ui.chat.page import ChatPage
from desktop_client.ui.design import set_item_icon
from desktop_client.ui.i18n import Retranslatable, Translations
from desktop_client.ui.midjourney.page import MidjourneyPage
from desktop_client.ui.notify import Notifier
from desktop_client.ui.pages import ComingSoonPage, LazyPage, OnboardingPage
from desktop_client.ui.qtutils import async_slot, named, spawn
from desktop_client.ui.resources import resource
from desktop_client.ui.settings_page import SettingsPage
from desktop_client.ui.shortcuts import PAGE_KEYS, ShortcutsDialog
from desktop_client.ui.theme import TEXT_SIZES
from desktop_client.ui.widgets.prompt_edit import PromptEdit
from desktop_client.ui.window_parts import (
    NAV_COMPACT_WIDTH,
    NAV_WIDTH,
    AboutBox,
    KeyringBanner,
    navigation,
)

if TYPE_CHECKING:
    from desktop_client.ui.gallery.page import GalleryPage
    from desktop_client.ui.images.page import ImagesPage
    from desktop_client.ui.theme import Themes

log = logging.getLogger(__name__)

NAV_KEYS = ("chat", "midjourney", "images", "gallery", "usage", "settings")
MINIMUM_SIZE = (800, 560)
COMPACT_BELOW = 1000  # window width under which the navigation shows icons only
GO_KEYS = NAV_KEYS[:5]  # Ctrl+1…5 in navigation order; Settings is Ctrl+,


def _open_and_warm_up() -> SecretStore:
    store = open_secret_store()
    # Also import the HTTP stack here, off the GUI thread, so the first request is instant.
    import desktop_client.core.net.client
    import desktop_client.core.services.connection  # noqa: F401

    return store


class MainWindow(Retranslatable, QMainWindow):
    def __init__(self, core: Core, translations: Translations, themes: Themes | None = None) -> None:
        super().__init__()
        self.core = core
        self.themes = themes
        self._compact = False
        self._nav_labels: dict[str, str] = {}
        self.translations = translations
        # One memory store per run: choosing session-only twice must not drop keys.
        self.session_store = core.secrets if isinstance(core.secrets, MemorySecretStore) else MemorySecretStore()
        self.setWindowIcon(QIcon(str(resource("icons", "keyhold.svg"))))
        self.setMinimumSize(QSize(*MINIMUM_SIZE))

        self.nav = navigation()
        self.pages = QStackedWidget()
        self.settings_page = SettingsPage(core)
        self.chat_page = ChatPage(core)
        self.mj_page = MidjourneyPage(core)
        # Built on first visit (or first use): off the way to the first paint.
        self._images_holder = LazyPage(self._build_images_page, ready=lambda: core.is_open)
        self._gallery_holder = LazyPage(self._build_gallery_page, ready=lambda: core.is_open)
        self.notifier = Notifier(self, QIcon(str(resource("icons", "keyhold.svg"))), core.settings)
        self._pages = self._add_pages()

        self.banner = KeyringBanner()
        self.banner.setVisible(False)
        self.onboarding = OnboardingPage(core)

        self.root = QStackedWidget()
        self._lay_out()
        self.keys_status = QLabel()
        self.statusBar().addPermanentWidget(self.keys_status)
        PromptEdit.use_send_key(core.settings.settings.send_key)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.about_box: AboutBox | None = None
        self._build_menus()

        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.onboarding.done.connect(self._on_onboarded)
        self.settings_page.profiles_changed.connect(self._profiles_changed)
        self.settings_page.default_chosen.connect(self._default_chosen)
        self.mj_page.task_ended.connect(self.notifier.task_ended)
        self.chat_page.long_answer_ended.connect(self.notifier.answer_ended)
        self.mj_page.go_to_settings.connect(lambda: self.nav.setCurrentRow(NAV_KEYS.index("settings")))
        self.settings_page.language_chosen.connect(self.set_language)
        self.settings_page.theme_chosen.connect(self.set_theme)
        self.settings_page.send_key_chosen.connect(self.set_send_key)
        self.banner.retry_btn.clicked.connect(self.retry_keyring)
        self.banner.session_btn.clicked.connect(self.use_session_only)

        self._restore_geometry()
        self.retranslate()
        self._show_keyring_problem()
        self._update_mode()
        self.nav.setCurrentRow(NAV_KEYS.index("settings") if not core.profiles.all() else 0)
        # Background work (database, keyring, HTTP stack) starts after the first paint:
        # worker threads would compete with it for the interpreter. app.py opens the core then.
        self._after_paint: list[Callable[[], object]] = []
        self._after_open: list[Callable[[], object]] | None = []  # None once core_opened ran
        self._painted = False

    def core_opened(self) -> None:
        """The database is open (app.py opens it after the first paint): the pages read their data,
        and what waited for the open (the app's poller) starts."""
        spawn(self.chat_page.load())
        spawn(self.mj_page.load())
        self._images_holder.now_ready()
        self._gallery_holder.now_ready()
        waiting: list[Callable[[], object]] = self._after_open or []
        self._after_open = None
        for callback in waiting:
            callback()

    def after_core_open(self, callback: Callable[[], object]) -> None:
        """``callback()`` once ``core_opened`` has run (at once if it has)."""
        if self._after_open is None:
            callback()
        else:
            self._after_open.append(callback)

    def _lay_out(self) -> None:
        """The banner over the onboarding or, once there is a profile, the navigation and pages."""
        workspace = QWidget()
        body = QHBoxLayout(workspace)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.nav)
        body.addWidget(self.pages, 1)
        self.root.addWidget(self.onboarding)
        self.root.addWidget(workspace)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.addWidget(self.banner)
        outer.addWidget(self.root, 1)
        self.setCentralWidget(central)

    def _add_pages(self) -> dict[str, QWidget]:
        """Each navigation entry with its page, in NAV_KEYS order."""
        fixed: dict[str, QWidget] = {
            "settings": self.settings_page,
            "chat": self.chat_page,
            "midjourney": self.mj_page,
            "images": self._images_holder,
            "gallery": self._gallery_holder,
        }
        pages: dict[str, QWidget] = {}
        for key in NAV_KEYS:
            page = fixed[key] if key in fixed else ComingSoonPage(key)
            pages[key] = page
            self.pages.addWidget(page)
            item = QListWidgetItem("")
            set_item_icon(item, key, accent=True)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        return pages

    def _build_menus(self) -> None:
        """File, Edit, Go and Help; their shortcuts work in the whole window."""
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.new_chat_action = self._action(self.file_menu, ("Ctrl+N",), self.new_chat)
        self.settings_action = self._action(self.file_menu, ("Ctrl+,",), lambda: self.go_to("settings"))
        self.file_menu.addSeparator()
        self.quit_action = self._action(self.file_menu, ("Ctrl+Q",), self.close)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.edit_menu = bar.addMenu("")
        self.search_action = self._action(self.edit_menu, ("Ctrl+F", "Ctrl+K"), self.focus_search)
        self.copy_answer_action = self._action(self.edit_menu, ("Ctrl+Shift+C",), self.copy_last_answer)
        self.edit_menu.addSeparator()
        self.larger_action = self._action(self.edit_menu, ("Ctrl+=", "Ctrl++"), lambda: self.step_text_size(1))
        self.smaller_action = self._action(self.edit_menu, ("Ctrl+-",), lambda: self.step_text_size(-1))
        self.actual_size_action = self._action(self.edit_menu, ("Ctrl+0",), lambda: self.step_text_size(None))
        self.go_menu = bar.addMenu("")
        self.go_actions = {
            key: self._action(self.go_menu, (shortcut,), partial(self.go_to, key))
            for key, shortcut in zip(GO_KEYS, PAGE_KEYS, strict=True)
        }
        self.help_menu = bar.addMenu("")
        self.shortcuts_action = self._action(self.help_menu, ("F1",), self.show_shortcuts)
        self.about_action = self._action(self.help_menu, (), self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    def _action(self, menu: QMenu, keys: tuple[str, ...], slot: Callable[[], object]) -> QAction:
        action = menu.addAction("")
        action.setShortcuts([QKeySequence(key) for key in keys])
        action.triggered.connect(lambda _checked=False: slot())  # never hand "checked" to the slot
        self.addAction(action)  # its keys work even where the menu bar is the desktop's
        return action

    def _workspace_actions(self) -> list[QAction]:
        """What needs the pages: not while onboarding shows or the keyring question is open."""
        return [
            self.new_chat_action,
            self.settings_action,
            self.search_action,
            self.copy_answer_action,
            *self.go_actions.values(),
        ]

    def new_chat(self) -> None:
        self.go_to("chat")
        self.chat_page.new_conversation()

    def focus_search(self) -> None:
        """Ctrl+F, Ctrl+K: the search of the page shown (the conversations', the gallery's)."""
        page = self.current_page()
        if page is self.chat_page:
            self.chat_page.focus_search()
        elif page is not None and page is self._gallery_holder.page:
            self.gallery_page.focus_search()
        else:
            self.statusBar().showMessage(self.tr("This page has no search."), 4000)

    def copy_last_answer(self) -> None:
        if self.chat_page.copy_last_answer():
            self.statusBar().showMessage(self.tr("The last answer is copied."), 4000)
        else:
            self.statusBar().showMessage(self.tr("There is no answer to copy in the open conversation."), 4000)

    def show_shortcuts(self) -> None:
        if self.shortcuts_dialog is None:
            self.shortcuts_dialog = ShortcutsDialog(PromptEdit.send_key, self)
        self.shortcuts_dialog.send_key = PromptEdit.send_key
        self.shortcuts_dialog.retranslate()
        self.shortcuts_dialog.show()
        self.shortcuts_dialog.raise_()
        self.shortcuts_dialog.activateWindow()

    def show_about(self) -> None:
        if self.about_box is None:
            self.about_box = AboutBox(self)
        self.about_box.retranslate()
        self.about_box.open()

    def _retranslate_menus(self) -> None:
        self.file_menu.setTitle(self.tr("&File"))
        self.new_chat_action.setText(self.tr("&New chat"))
        self.settings_action.setText(self.tr("&Settings"))
        self.quit_action.setText(self.tr("&Quit"))
        self.edit_menu.setTitle(self.tr("&Edit"))
        self.search_action.setText(self.tr("&Search"))
        self.copy_answer_action.setText(self.tr("&Copy last answer"))
        self.larger_action.setText(self.tr("&Larger text"))
        self.smaller_action.setText(self.tr("S&maller text"))
        self.actual_size_action.setText(self.tr("&Actual text size"))
        self.go_menu.setTitle(self.tr("&Go"))
        titles = {
            "chat": self.tr("&Chat"),
            "midjourney": self.tr("&Midjourney"),
            "images": self.tr("&Images"),
            "gallery": self.tr("&Gallery"),
            "usage": self.tr("&Usage"),
        }
        for key, action in self.go_actions.items():
            action.setText(titles[key])
        self.help_menu.setTitle(self.tr("&Help"))
        self.shortcuts_action.setText(self.tr("&Keyboard shortcuts"))
        self.about_action.setText(self.tr("&About Keyhold"))
        named(self.menuBar(), self.tr("Menu bar"))
        for button in self.menuBar().findChildren(QToolButton):  # the ">>" of a narrow window
            named(button, self.tr("More menus"))

    def after_first_paint(self, callback: Callable[[], object]) -> None:
        if self._painted:
            QTimer.singleShot(0, self, callback)
        else:
            self._after_paint.append(callback)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            callbacks, self._after_paint = self._after_paint, []
            for callback in callbacks:
                QTimer.singleShot(0, self, callback)

    # ----- size --------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        compact = self.width() < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            self.nav.setFixedWidth(NAV_COMPACT_WIDTH if compact else NAV_WIDTH)
            self._show_nav_labels()

    def _show_nav_labels(self) -> None:
        """Names beside the icons, or in a narrow window the icons alone (the names as tooltips)."""
        if not self._nav_labels:
            return  # not translated yet: retranslate() shows them
        for row, key in enumerate(NAV_KEYS):
            item = self.nav.item(row)
            item.setText("" if self._compact else self._nav_labels[key])
            item.setToolTip(self._nav_labels[key])
            # The name stays what assistive technology reads, with or without the text.
            item.setData(Qt.ItemDataRole.AccessibleTextRole, self._nav_labels[key])

    # ----- i18n --------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(APP_NAME)
        labels = {
            "chat": self.tr("Chat"),
            "midjourney": self.tr("Midjourney"),
            "images": self.tr("Images"),
            "gallery": self.tr("Gallery"),
            "usage": self.tr("Usage"),
            "settings": self.tr("Settings"),
        }
        self._nav_labels = labels
        self._show_nav_labels()
        named(self.nav, self.tr("Navigation"))
        self._retranslate_menus()
        self._update_keys_status()

    def set_language(self, language: Language) -> None:
        self.core.settings.update(lambda s: setattr(s, "language", language))
        self.translations.apply(language)

    def set_theme(self, theme: Theme) -> None:
        self.core.settings.update(lambda s: setattr(s, "theme", theme))
        if self.themes is not None:
            self.themes.apply(theme)

    def step_text_size(self, step: int | None) -> None:
        """One point larger or smaller, or back to the system's size (``None``); kept."""
        low, high = TEXT_SIZES
        size = 0 if step is None else max(low, min(high, self.core.settings.settings.text_size + step))
        self.core.settings.update(lambda s: setattr(s, "text_size", size))
        if self.themes is not None:
            self.themes.set_text_size(size)

    def set_send_key(self, key: SendKey) -> None:
        self.core.settings.update(lambda s: setattr(s, "send_key", key))
        PromptEdit.use_send_key(key)

    # ----- keyring -----------------------------------------------------------
    def _update_keys_status(self) -> None:
        if self.core.secrets.persistent:
            self.keys_status.setText(self.tr("Keys: OS keyring"))
        elif self.core.keyring_problem is not None and not self.banner.session_only:
            self.keys_status.setText(self.tr("Keys: no secure keyring"))
        else:
            self.keys_status.setText(self.tr("Keys: this session only"))
        named(self.keys_status, self.keys_status.text())

    def _show_keyring_problem(self) -> None:
        problem = self.core.keyring_problem
        self.banner.problem = problem
        self.banner.setVisible(problem is not None)
        # Until the user chooses, nothing can be saved anywhere.
        self.root.setEnabled(problem is None or self.banner.session_only)
        self.banner.session_btn.setVisible(not self.banner.session_only)
        self.banner.retranslate()
        self.settings_page.refresh_keys_value()
        self._update_keys_status()

    async def open_keyring(self, deferred: DeferredSecretStore) -> None:
        """Opens the OS keyring off the GUI thread, after the window has painted."""
        self.keys_status.setText(self.tr("Keys: opening the keyring…"))
        try:
            store = await keyring_call(_open_and_warm_up)
        except SecretStoreError as exc:
            deferred.fail(exc)
            self.core.keyring_problem = exc
            self.core.use_secret_store(self.session_store)
        else:
            deferred.resolve(store)
            self.core.use_secret_store(store)
        self._rebind_store()

    @async_slot
    async def retry_keyring(self) -> None:
        try:
            store = await keyring_call(open_secret_store)
            # Keys entered as session-only move into the keyring rather than vanish.
            moved = await keyring_call(self.session_store.move_to, store)
        except SecretStoreError as exc:
            self.core.keyring_problem = exc  # a session-only choice stays as it was
        else:
            self.core.use_secret_store(store)
            self.banner.session_only = False
            if moved:
                self.statusBar().showMessage(
                    self.tr("The keyring is open; %n session-only secret(s) were saved into it.", "", moved), 10000
                )
        self._rebind_store()

    def use_session_only(self) -> None:
        self.core.use_secret_store(self.session_store)
        self.banner.session_only = True
        self._rebind_store()

    def _rebind_store(self) -> None:
        # Pages and forms hold this same Core, which use_secret_store changed in place: they only redraw.
        self.onboarding.keys_moved()
        self.settings_page.keys_moved()
        self._show_keyring_problem()
        self._profiles_changed()

    def _profiles_changed(self) -> None:
        """Every page that offers a choice of profile lists them again."""
        self._update_mode()
        self.settings_page.refresh_defaults()
        self.chat_page.refresh_profiles()
        self.mj_page.refresh_profiles()
        if self._images_holder.page is not None:
            self.images_page.refresh_profiles()

    def _default_chosen(self) -> None:
        """Midjourney and Images switch to the new default; chat's next new conversation starts with it."""
        self.chat_page.refresh_profiles()
        self.mj_page.refresh_profiles(to_default=True)
        if self._images_holder.page is not None:
            self.images_page.refresh_profiles(to_default=True)

    # ----- modes -------------------------------------------------------------
    def _update_mode(self) -> None:
        has_profiles = bool(self.core.profiles.all())
        if not has_profiles and self.root.currentIndex() == 1:
            self.onboarding.start_over()
        self.root.setCurrentIndex(1 if has_profiles else 0)
        for action in self._workspace_actions():
            action.setEnabled(has_profiles and self.root.isEnabled())

    def _on_onboarded(self, profile_id: str) -> None:
        """The first profile is saved: straight to work, a new conversation (or task) ready to type."""
        self.settings_page.show_profiles(profile_id)
        self._profiles_changed()
        record = next((r for r in self.core.profiles.all() if r.id == profile_id), None)
        if record is not None and record.kind is ProfileKind.MIDJOURNEY:
            self.nav.setCurrentRow(NAV_KEYS.index("midjourney"))
        else:
            self.nav.setCurrentRow(NAV_KEYS.index("chat"))
            self.chat_page.new_conversation()  # the profile and its default model chosen, focus in the composer
        self.statusBar().showMessage(self.tr("Profile saved. You're ready."), 8000)

    # ----- geometry ----------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self.core.settings.settings.ui_state.get("geometry")
        if saved:
            try:
                self.restoreGeometry(QByteArray(base64.b64decode(saved)))
                return
            except (ValueError, TypeError):
                log.warning("ignoring unreadable window geometry")
        self.resize(1100, 720)

    def save_geometry(self) -> None:
        encoded = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        self.core.settings.update(lambda s: s.ui_state.__setitem__("geometry", encoded))

    @property
    def images_page(self) -> ImagesPage:
        return cast("ImagesPage", self._images_holder.ensure())

    @property
    def gallery_page(self) -> GalleryPage:
        return cast("GalleryPage", self._gallery_holder.ensure())

    def _build_images_page(self) -> QWidget:
        from desktop_client.ui.images.page import ImagesPage

        page = ImagesPage(self.core)
        page.show_in_gallery.connect(self.show_in_gallery)
        page.generation_ended.connect(self.notifier.images_ended)
        return page

    def _build_gallery_page(self) -> QWidget:
        from desktop_client.ui.gallery.page import GalleryPage

        page = GalleryPage(self.core)
        page.reuse_prompt.connect(self.reuse_prompt)
        page.edit_requested.connect(self.edit_images)
        page.mj_button.connect(self.press_mj_button)
        return page

    def current_page(self) -> QWidget | None:
        """The page shown (the page itself, not the place holding a page built on demand)."""
        shown = self.pages.currentWidget()
        return shown.page if isinstance(shown, LazyPage) else shown

    def go_to(self, key: str) -> None:
        self.nav.setCurrentRow(NAV_KEYS.index(key))

    def reuse_prompt(self, source: str, prompt: str, model: str) -> None:
        """The gallery's "Reuse prompt", on the page that made the image (Images for the rest)."""
        if source == "midjourney":
            self.go_to("midjourney")
            self.mj_page.reuse_prompt(prompt)
            return
        self.go_to("images")
        self.images_page.reuse_prompt(prompt, model if source == "openai" else "")

    def edit_images(self, paths: list[object]) -> None:
        self.go_to("images")
        self.images_page.edit_images([Path(str(p)) for p in paths])

    def press_mj_button(self, task_id: str, custom_id: str) -> None:
        self.go_to("midjourney")
        if not self.mj_page.press_button(task_id, custom_id):
            self.statusBar().showMessage(self.tr("That Midjourney task is not in the task list any more."), 6000)

    @async_slot
    async def show_in_gallery(self, item_id: int) -> None:
        self.go_to("gallery")
        await self.gallery_page.show_image(item_id)

    async def aclose(self) -> None:
        """Stops background work before the core closes: nothing of a page runs later."""
        await self.mj_page.aclose()
        if self._images_holder.page is not None:
            await self.images_page.aclose()
        if self._gallery_holder.page is not None:
            await self.gallery_page.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.mj_page.shutdown()
        self.save_geometry()
        super().closeEvent(event)
