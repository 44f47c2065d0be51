"""The task panel rebuilds a task's buttons and described prompts only when they change: a
poll update every few seconds must not replace the button under the user's pointer."""

from __future__ import annotations

import dataclasses

from desktop_client.core.api.mj_types import MjButton, MjStatus
from desktop_client.ui.midjourney.task_panel import TaskPanel
from tests.ui.midjourney.test_tasks_model import stored

U1 = MjButton("MJ::JOB::upsample::1::abc", label="U1")
V1 = MjButton("MJ::JOB::variation::1::abc", label="V1")
REROLL = MjButton("MJ::JOB::reroll::0::abc::SOLO", emoji="🔄")


def same_widgets(first: list, second: list) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second, strict=True))


def test_a_poll_update_keeps_the_buttons_and_a_change_rebuilds_them(qtbot) -> None:
    panel = TaskPanel()
    qtbot.addWidget(panel)
    grid = stored("1700000000000001", 1, status=MjStatus.SUCCESS, progress=100, finished=2.0, buttons=(U1, V1))
    panel.show_task(grid)
    first = panel.button_widgets()
    assert [b.text() for b in first] == ["U1", "V1"]

    panel.show_task(dataclasses.replace(grid, updated=3.0, seed="4242"))  # the poller's next look
    assert same_widgets(panel.button_widgets(), first)
    assert "seed 4242" in panel.info_label.text()  # the details did follow

    panel.show_task(dataclasses.replace(grid, buttons=(U1, V1, REROLL)))
    assert [b.text() for b in panel.button_widgets()] == ["U1", "V1", "Reroll"]
    assert not same_widgets(panel.button_widgets(), first)

    pressed: list[MjButton] = []
    panel.button_pressed.connect(pressed.append)
    panel.button_widgets()[2].click()
    assert pressed == [REROLL]

    panel.show_task(None)
    assert panel.button_widgets() == []


def test_described_prompts_stay_while_the_task_is_polled(qtbot) -> None:
    panel = TaskPanel()
    qtbot.addWidget(panel)
    described = stored(
        "1700000000000002",
        1,
        action="DESCRIBE",
        status=MjStatus.SUCCESS,
        progress=100,
        finished=2.0,
        final_prompt="1️⃣ a red fox\n\n2️⃣ a fox in snow",
    )
    panel.show_task(described)
    holders = [panel.prompts_layout.itemAt(i).widget() for i in range(panel.prompts_layout.count())]
    assert len(holders) == len(described.prompts) == 2
    panel.show_task(dataclasses.replace(described, updated=5.0))
    again = [panel.prompts_layout.itemAt(i).widget() for i in range(panel.prompts_layout.count())]
    assert same_widgets(again, holders)
    chosen: list[str] = []
    panel.imagine_prompt.connect(chosen.append)
    go = [b for b in holders[1].findChildren(type(panel.confirm_btn)) if b.text() == "Imagine"]
    go[0].click()
    assert chosen == [described.prompts[1]]


def test_the_buttons_keep_the_order_users_know(qtbot) -> None:
    """U1–U4 on one row, V1–V4 on the next, then reroll, whatever order the server sent."""
    panel = TaskPanel()
    qtbot.addWidget(panel)
    sent = [MjButton(f"MJ::JOB::variation::{i}::abc", label=f"V{i}") for i in (4, 3, 2, 1)]
    sent += [REROLL] + [MjButton(f"MJ::JOB::upsample::{i}::abc", label=f"U{i}") for i in (2, 1, 4, 3)]
    task = stored("1700000000000002", 1, status=MjStatus.SUCCESS, progress=100, finished=2.0, buttons=tuple(sent))
    panel.show_task(task)
    grid = panel.buttons_grid
    rows = [
        [
            grid.itemAtPosition(row, column).widget().text()
            for column in range(4)
            if grid.itemAtPosition(row, column)
        ]
        for row in range(grid.rowCount())
    ]
    assert rows == [["U1", "U2", "U3", "U4"], ["V1", "V2", "V3", "V4"], ["Reroll"]]
