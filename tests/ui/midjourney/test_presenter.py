"""The page's state object: its list follows the service's updates, including one that
arrives while the stored tasks are being read, and it stops listening when closed."""

from __future__ import annotations

import dataclasses
import time

import pytest

from desktop_client.core.api.mj_types import MjStatus
from desktop_client.core.context import build_core
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.storage.mj_tasks import StoredTask
from desktop_client.ui.midjourney.presenter import MjPresenter

pytestmark = pytest.mark.asyncio(loop_scope="session")
TASK = "1700000000000007"


async def test_an_update_during_the_first_read_is_not_lost(qapp, home) -> None:
    core = build_core(home, secrets=MemorySecretStore()).open_blocking()
    service = core.midjourney
    service.store.add("p", TASK, action="IMAGINE", prompt="a slow read")
    read = service.tasks

    async def read_while_the_poller_finishes_it(limit: int = 200) -> list[StoredTask]:
        listed = await read(limit)  # the task as it was: running
        finished = dataclasses.replace(listed[0], status=MjStatus.FAILURE, finished=time.time())
        service._publish(finished)  # the poller's update lands before the list is shown
        return listed

    service.tasks = read_while_the_poller_finishes_it  # type: ignore[method-assign]
    presenter = MjPresenter(core)
    ended: list[StoredTask] = []
    presenter.task_ended.connect(ended.append)
    await presenter.load()
    [shown] = presenter.model.tasks
    assert shown.status is MjStatus.FAILURE and not shown.open  # not the older read
    assert [t.id for t in ended] == [TASK]  # and the window hears that it ended

    presenter.close()
    service._publish(dataclasses.replace(shown, prompt="after the close"))
    assert presenter.model.tasks[0].prompt == "a slow read"
    if core.is_open:
        core.database.close()
