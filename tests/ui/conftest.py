"""Qt tests run on a real qasync loop (offscreen), so async slots behave as in the app.

Rules from platform-notes: in async tests only ``await`` (``wait_until``), never qtbot's
wait helpers, which spin a nested Qt loop that does not advance asyncio tasks.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import sys
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
import qasync
import shiboken6
from PySide6.QtWidgets import QApplication

from desktop_client.app import MjPolling, build_window
from desktop_client.core.context import Core, build_core
from desktop_client.core.paths import DataHome
from desktop_client.ui.mainwindow import MainWindow
from desktop_client.ui.qtutils import TASKS


def _qasync_factory() -> asyncio.AbstractEventLoop:
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    sys.set_asyncgen_hooks(firstiter=loop._asyncgen_firstiter_hook, finalizer=loop._asyncgen_finalizer_hook)
    return loop


# Windows the running test made, each with the Midjourney poller the app would run beside it;
# both stop when the test body ends, before pytest-qt processes events outside the loop.
OPEN_WINDOWS: list[MainWindow] = []
POLLERS: dict[int, MjPolling] = {}  # id(window) → its poller


async def stop_background(window: MainWindow) -> None:
    """As the app does at quit (app.run_gui): the poller stops and is awaited, then the window
    lets go of its work. Nothing of either runs later."""
    polling = POLLERS.get(id(window))
    if polling is not None:
        await polling.aclose()
    if shiboken6.isValid(window):
        await window.aclose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each async UI test ends by stopping its windows' pollers and letting the slots it
    started finish on its own loop.

    Otherwise pytest-qt processes Qt events after the test, outside the running loop,
    and a half-finished task (a poller's timed wait) resumes there and fails."""
    for item in items:
        function = getattr(item, "obj", None)
        if not isinstance(item, pytest.Function) or not inspect.iscoroutinefunction(function):
            continue

        @functools.wraps(function)
        async def drained(*args: Any, __test: Any = function, **kwargs: Any) -> None:
            try:
                await __test(*args, **kwargs)
            finally:
                for window in OPEN_WINDOWS:
                    await stop_background(window)
                await asyncio.wait_for(TASKS.wait_idle(), 15)

        item.obj = drained


# UI tests mark themselves asyncio(loop_scope="session"): one qasync loop for the whole
# session, as in the app. A loop (and its worker threads) per test made teardown races the
# app itself never meets.
def pytest_asyncio_loop_factories(config: Any, item: Any) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"qasync": _qasync_factory}


async def wait_until(predicate: Callable[[], object], timeout: float = 10.0, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message or predicate}")
        await asyncio.sleep(0.02)


@pytest_asyncio.fixture(loop_scope="session")
async def make_window(qapp: QApplication, home: DataHome) -> AsyncIterator[Callable[..., tuple[MainWindow, Core]]]:
    made: list[MainWindow] = []
    cores_made: list[Core] = []
    # Closing a test's only window must not quit the shared QApplication (and stop the loop).
    qapp.setQuitOnLastWindowClosed(False)

    def make(core: Core | None = None, *, opened: bool = True, **kwargs: Any) -> tuple[MainWindow, Core]:
        core = core or build_core(home, **kwargs)
        if opened:
            # Tests drive the services at once; the app opens the core after the first paint,
            # which the window does again here (a no-op once open) unless opened=False.
            core.open_blocking()
        cores_made.append(core)
        window, _translations, hook = build_window(core)
        window.hook = hook  # type: ignore[attr-defined]
        polling = MjPolling(core)
        window.after_core_open(polling.start)  # as app.run_gui does
        POLLERS[id(window)] = polling
        window.show()
        made.append(window)
        OPEN_WINDOWS.append(window)
        return window, core

    yield make
    # A test may end before its window's first paint: the work that starts after it (opening
    # the core, then the pages' loading) must start and end here, not during a later test.
    for window in made:
        if shiboken6.isValid(window) and window.isVisible():
            with contextlib.suppress(TimeoutError, AssertionError):
                await wait_until(lambda w=window: w._painted, timeout=1)
            if not window._painted:
                window.grab()  # paints it: an offscreen window is not always exposed at once
            # The after-paint callbacks are queued on zero timers: one queued now fires after them.
            fired: list[bool] = []
            window.after_first_paint(lambda f=fired: f.append(True))
            with contextlib.suppress(TimeoutError, AssertionError):
                await wait_until(lambda f=fired: bool(f), timeout=5)
    await asyncio.wait_for(TASKS.wait_idle(), 15)
    # Stop the pollers first (a last round could start new slots), then let slots finish on
    # this loop: anything left would run during the next test, outside the running loop.
    for window in made:
        await stop_background(window)
    await asyncio.wait_for(TASKS.wait_idle(), 15)
    for window in made:
        window.close()
        # Deleted here, in order, as the app does at exit; a deferred deleteLater() would
        # run at some random point of a later test.
        if shiboken6.isValid(window):
            shiboken6.delete(window)
    OPEN_WINDOWS.clear()
    POLLERS.clear()
    # HTTP clients left open would be collected during a later test, outside the loop.
    for core in cores_made:
        await core.connections.aclose()
    await asyncio.sleep(0)
