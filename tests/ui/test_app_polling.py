"""The app, not a page, runs the Midjourney poller: once, until it is closed, and never
again after (a start queued before the quit must not outlive the core)."""

from __future__ import annotations

import asyncio

import pytest

from desktop_client.app import MjPolling
from desktop_client.core.context import build_core
from desktop_client.core.paths import DataHome
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.ui.qtutils import TASKS
from tests.ui.conftest import wait_until

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_poller_runs_once_until_closed_and_never_after(qapp, home, tmp_path) -> None:
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    polling = MjPolling(core)
    polling.start()
    polling.start()  # a second start is the same poller
    await wait_until(lambda: core.midjourney.polling, message="the poller started")
    assert core.midjourney._polling == 1
    await polling.aclose()
    assert not core.midjourney.polling  # awaited: nothing of it runs after aclose
    polling.start()  # too late: after the quit began
    await asyncio.sleep(0.05)
    assert not core.midjourney.polling
    await core.aclose()

    # The first-paint callback can also come after a quit that began before it: the core
    # is left alone (not even its database is opened).
    untouched = build_core(DataHome(tmp_path / "other").ensure(), secrets=MemorySecretStore())
    late = MjPolling(untouched)
    await late.aclose()
    late.start()
    await asyncio.wait_for(TASKS.wait_idle(), 5)  # whatever a start began has run its course
    assert not untouched.is_open
    await untouched.aclose()
