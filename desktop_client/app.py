"""Composition root: builds the core, the Qt application, the event loop and the window."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Sequence

import qasync  # after PySide6, so qasync binds to it
import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop_client import APP_NAME, __version__
from desktop_client.core.context import Core, build_core
from desktop_client.core.secrets import DeferredSecretStore
from desktop_client.ui.errors import ExceptionHook
from desktop_client.ui.i18n import Translations
from desktop_client.ui.mainwindow import MainWindow
from desktop_client.ui.qtutils import TASKS
from desktop_client.ui.resources import resource
from desktop_client.ui.theme import Themes

log = logging.getLogger(__name__)

BENCHMARK_ENV = "KEYHOLD_BENCHMARK"


def install_asyncgen_hooks(loop: asyncio.AbstractEventLoop) -> None:
    """qasync overrides run_forever and so never installs these; without them httpx's
    stream generators are finalised outside the loop and raise at shutdown."""
    sys.set_asyncgen_hooks(
        firstiter=loop._asyncgen_firstiter_hook,  # type: ignore[attr-defined]
        finalizer=loop._asyncgen_finalizer_hook,  # type: ignore[attr-defined]
    )


def make_application(argv: Sequence[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv if argv is not None else sys.argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource("icons", "keyhold.svg"))))
    app.setDesktopFileName("keyhold")
    return app


def build_window(
    core: Core, deferred: DeferredSecretStore | None = None
) -> tuple[MainWindow, Translations, ExceptionHook]:
    translations = Translations()
    translations.apply(core.settings.settings.language)
    app = QApplication.instance()
    themes = Themes.of(app) if isinstance(app, QApplication) else None
    if themes is not None:
        settings = core.settings.settings
        window = themes.start(settings.theme, settings.text_size, lambda: MainWindow(core, translations, themes))
    else:
        window = MainWindow(core, translations, themes)
    hook = ExceptionHook(lambda: window)
    # The database and the gallery index open once the window has painted: worker threads
    # would compete with the first paint for the interpreter. The pages wait for their data.
    window.after_first_paint(lambda: TASKS.spawn(open_core(core, window, deferred)))
    return window, translations, hook


async def open_core(core: Core, window: MainWindow, deferred: DeferredSecretStore | None = None) -> None:
    """The conversation list from the database alone, then the services (the HTTP stack with
    them), then the other pages; a failure reaches the exception hook, as any other. The
    keyring (``deferred``) opens last, whatever happened: its imports and D-Bus round trips
    would compete with the list for the interpreter, and nothing before a request needs it."""

    def open_keyring() -> None:
        if deferred is not None:
            TASKS.spawn(window.open_keyring(deferred))

    try:
        await window.chat_page.list_stored()
        await core.open()
    except Exception:  # not when cancelled at quit
        open_keyring()
        raise
    open_keyring()
    window.core_opened()


class MjPolling:
    """The app's one Midjourney poller: started once the core is open, stopped and awaited
    before the core closes, so nothing of it runs later. The app owns it, not a page: tasks
    end and their images are saved whether or not the Midjourney page is ever shown."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        # Never after aclose: a start queued before the quit would outlive the core.
        if self._task is None and not self._stop.is_set():
            self._task = TASKS.spawn(self._run())

    async def _run(self) -> None:
        await self.core.open()  # in a worker, off the GUI thread; at once when already open
        await self.core.midjourney.run_polling(self._stop)

    async def aclose(self) -> None:
        self._stop.set()  # the poller ends its rounds and returns promptly
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class _FirstPaintProbe(QObject):
    """For benchmarks/: reports the first paint, the conversation list filled (the stored
    conversations listed), and the idle RSS two seconds later, then quits."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._seen = False
        self._poll = QTimer(self)
        self._poll.setInterval(5)
        self._poll.timeout.connect(self._look)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._seen:
            self._seen = True
            print("first-paint", flush=True)
            self._poll.start()
        return False

    def _look(self) -> None:
        if self._window.chat_page.listed:
            self._poll.stop()
            print("list-filled", flush=True)
            QTimer.singleShot(2000, self._report)

    def _report(self) -> None:
        from desktop_client.core.sysinfo import rss_bytes

        print(f"idle-rss {rss_bytes()}", flush=True)
        QApplication.quit()


def run_gui(argv: Sequence[str] | None = None) -> int:
    app = make_application(argv)
    # The keyring (about 150 ms of imports and D-Bus) opens after the window has painted.
    deferred = DeferredSecretStore()
    core = build_core(secrets=deferred)
    log.info("Keyhold %s starting (data home %s)", __version__, core.home.root)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    install_asyncgen_hooks(loop)

    window, _translations, hook = build_window(core, deferred)
    hook.install()
    if os.environ.get(BENCHMARK_ENV):
        _FirstPaintProbe(window)
    window.show()
    polling = MjPolling(core)
    window.after_core_open(polling.start)

    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    try:
        with loop:
            loop.run_until_complete(quit_event.wait())
            loop.run_until_complete(polling.aclose())
            loop.run_until_complete(window.aclose())
            TASKS.cancel_all()
            loop.run_until_complete(core.aclose())
    finally:
        hook.uninstall()
        log.info("Keyhold stopped")
        # Destroy Qt objects now, in order, not at interpreter exit where the order is
        # arbitrary and Qt aborts ("shared QObject was deleted directly").
        shiboken6.delete(window)
        app.shutdown()
    return 0
