"""Every page is usable large and at the window's minimum size, in light and dark, in English and
Chinese: no visible control is cut off, squeezed below its minimum size hint, or overlapping
another (tests/ui/layout_check.py says what each of those means)."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtGui import QPalette, QPixmap
from PySide6.QtWidgets import QPushButton

from desktop_client.core.api.mj_types import MjButton, MjStatus
from desktop_client.core.settings import Language, ProfileKind, Theme
from desktop_client.ui.mainwindow import MINIMUM_SIZE
from tests.ui.conftest import wait_until
from tests.ui.layout_check import layout_problems
from tests.ui.midjourney.test_tasks_model import stored

pytestmark = pytest.mark.asyncio(loop_scope="session")

SIZES = ((1280, 860), MINIMUM_SIZE)
PAGES = ("chat", "midjourney", "images", "gallery", "usage", "settings")

ANSWER = """A table and some code.

| Relay | Latency | Price |
|---|---|---|
| one-api | 120 ms | 0.8 |

```python
async def ask(client) -> str:
    return (await client.post("/v1/chat/completions", json={"stream": True})).text
```
"""


def every_mj_button(h: str = "abc") -> tuple[MjButton, ...]:
    """What a midjourney-proxy offers under a finished grid and an upscale, bookmarks aside."""
    grid = [MjButton(f"MJ::JOB::upsample::{n}::{h}", label=f"U{n}") for n in range(1, 5)]
    grid.append(MjButton(f"MJ::JOB::reroll::0::{h}::SOLO", emoji="🔄"))
    grid += [MjButton(f"MJ::JOB::variation::{n}::{h}", label=f"V{n}") for n in range(1, 5)]
    words = [
        ("MJ::JOB::upsample_v6_2x_subtle::1::{h}::SOLO", "Upscale (Subtle)"),
        ("MJ::JOB::upsample_v6_2x_creative::1::{h}::SOLO", "Upscale (Creative)"),
        ("MJ::JOB::low_variation::1::{h}::SOLO", "Vary (Subtle)"),
        ("MJ::JOB::high_variation::1::{h}::SOLO", "Vary (Strong)"),
        ("MJ::Inpaint::1::{h}::SOLO", "Vary (Region)"),
        ("MJ::Outpaint::50::1::{h}::SOLO", "Zoom Out 2x"),
        ("MJ::Outpaint::75::1::{h}::SOLO", "Zoom Out 1.5x"),
        ("MJ::CustomZoom::1::{h}", "Custom Zoom"),
    ]
    pans = [f"MJ::JOB::pan_{side}::1::{h}::SOLO" for side in ("left", "right", "up", "down")]
    return (
        *grid,
        *(MjButton(custom.format(h=h), label=label) for custom, label in words),
        *(MjButton(custom) for custom in pans),
    )


def show_finished_task(window) -> None:
    task = stored(
        "1700000000000009",
        1,
        action="UPSCALE",
        status=MjStatus.SUCCESS,
        progress=100,
        finished=2.0,
        seed="",
        prompt="a lighthouse on a cliff at dusk, oil painting --ar 3:2",
        buttons=every_mj_button(),
    )
    pixmap = QPixmap(600, 400)
    pixmap.fill(window.palette().color(QPalette.ColorRole.Mid))
    window.mj_page.panel.show_task(task, pixmap)


async def problems_on_every_page(window) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key in PAGES:
        window.go_to(key)
        if key == "midjourney":
            show_finished_task(window)
        await asyncio.sleep(0.06)
        found[key] = layout_problems(window)
    window.settings_page.profiles.list.setCurrentRow(0)  # the profile form
    await asyncio.sleep(0.02)
    found["profiles"] = layout_problems(window)
    return {page: problems for page, problems in found.items() if problems}


@pytest.mark.parametrize("language", [Language.ENGLISH, Language.CHINESE])
@pytest.mark.parametrize("theme", [Theme.LIGHT, Theme.DARK])
async def test_every_page_is_usable_large_and_at_the_minimum_size(make_window, theme, language) -> None:
    # The real window, its core opened after the first paint as the app does.
    window, core = make_window(opened=False)
    window.set_theme(theme)
    window.set_language(language)
    await wait_until(lambda: window.chat_page.loaded, message="the window's start-up work")
    await asyncio.sleep(0.1)  # the new words reach the layouts as events
    try:
        for size in SIZES:
            window.resize(*size)
            await asyncio.sleep(0.02)
            assert (window.width(), window.height()) == size
            assert layout_problems(window) == [], f"onboarding at {size}"
        # At a closed loopback port: nothing leaves the machine.
        openai, *_ = core.profiles.add("OpenAI", ProfileKind.OPENAI, "https://127.0.0.1:9/v1", "sk-layout-0000001")
        core.chat.store.cache_models(openai.id, ["gpt-4o", "gpt-4o-mini"])
        window._profiles_changed()
        for size in SIZES:
            window.resize(*size)
            await asyncio.sleep(0.02)
            assert await problems_on_every_page(window) == {}, f"at {size[0]}x{size[1]}"
        window.show_shortcuts()
        dialog = window.shortcuts_dialog
        await asyncio.sleep(0.02)
        assert layout_problems(dialog) == []
        dialog.close()
    finally:
        window.set_theme(Theme.SYSTEM)
        window.set_language(Language.ENGLISH)


async def test_the_check_fails_on_a_broken_layout(make_window) -> None:
    """A control wider than the window at its minimum size is found: the check can fail."""
    window, _core = make_window()
    window.resize(*MINIMUM_SIZE)
    wide = QPushButton("Too wide for the window")
    wide.setFixedWidth(MINIMUM_SIZE[0] + 100)
    window.onboarding.layout().addWidget(wide)
    await asyncio.sleep(0.02)
    problems = layout_problems(window)
    assert any("Too wide" in problem for problem in problems), problems
