"""The task list model against Qt's model tester, and its id → row index through inserts
(a late task from another process lands in the middle), updates and resets."""

from __future__ import annotations

import dataclasses

from PySide6.QtGui import QPixmap

from desktop_client.core.api.mj_types import MjStatus
from desktop_client.core.storage.mj_tasks import StoredTask
from desktop_client.ui.midjourney.tasks_model import TASK_ROLE, TaskListModel


def stored(task_id: str, submitted: float, **changes: object) -> StoredTask:
    task = StoredTask(
        profile_id="p",
        id=task_id,
        action="IMAGINE",
        prompt=f"prompt {task_id}",
        parent_id="",
        custom_id="",
        status=MjStatus.IN_PROGRESS,
        progress=10,
        image_url="",
        fail_reason="",
        final_prompt="",
        buttons=(),
        last_error="",
        not_found=0,
        image_path="",
        image_error="",
        submitted=submitted,
        updated=submitted,
        finished=None,
    )
    return dataclasses.replace(task, **changes)  # type: ignore[arg-type]


def rows(model: TaskListModel) -> list[str]:
    return [model.data(model.index(row), TASK_ROLE).id for row in range(model.rowCount())]


def assert_index_matches(model: TaskListModel) -> None:
    for row, task_id in enumerate(rows(model)):
        assert model.row_of(task_id) == row, task_id


def test_the_model_passes_qtmodeltester_through_inserts_updates_and_a_reset(qapp, qtmodeltester) -> None:
    model = TaskListModel()
    model.reset([stored("c", 30), stored("b", 20), stored("a", 10)])
    # The tester stays connected: every change below is checked as it happens.
    qtmodeltester.check(model, force_py=True)

    assert model.upsert(stored("d", 40)) is None  # a submit: newest, on top
    assert model.upsert(stored("late", 15)) is None  # submitted earlier by the CLI: in its place
    assert rows(model) == ["d", "c", "b", "late", "a"]
    assert_index_matches(model)

    before = model.upsert(stored("b", 20, progress=80))  # a poll update
    assert before is not None and before.progress == 10
    assert model.data(model.index(model.row_of("b")), TASK_ROLE).progress == 80
    assert rows(model) == ["d", "c", "b", "late", "a"]

    thumb = QPixmap(4, 4)
    model.set_thumb("a", thumb)
    assert isinstance(model.data(model.index(model.row_of("a")), 1), QPixmap)  # DecorationRole
    model.set_thumb("gone", thumb)  # a thumbnail for a task no longer listed: kept, nothing shown

    model.reset([stored("x", 5)])
    assert rows(model) == ["x"] and model.row_of("d") == -1 and model.task("d") is None
    assert model.task("x") is not None and model.tasks == (model.task("x"),)


def test_a_task_of_another_day_shows_its_date(qapp) -> None:
    import time

    from desktop_client.ui.midjourney.tasks_model import task_title

    now = time.time()
    assert (
        task_title(stored("1700000000000003", now)) == f"Imagine · {time.strftime('%H:%M', time.localtime(now))}"
    )
    earlier = now - 3 * 86400
    assert task_title(stored("1700000000000004", earlier)).endswith(
        time.strftime("%Y-%m-%d %H:%M", time.localtime(earlier))
    )
