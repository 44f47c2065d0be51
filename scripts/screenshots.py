"""Renders every page offscreen into PNGs for review: light and dark, English and Chinese, at
1280×860 and at the smallest window (800×560), named PAGE-THEME-LANGUAGE-WxH.png.

Usage: python scripts/screenshots.py OUT_DIR [--real-keyring] [--light | --dark]
Uses a throw-away data home and session-only keys, so nothing touches your keyring. With
--real-keyring it uses the OS keyring (run it inside the private keyring session that
scripts/_test-in-session sets up) and removes its entries afterwards.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from desktop_client.app import MjPolling, build_window, make_application
from desktop_client.core.context import build_core
from desktop_client.core.errors import SecretStoreError
from desktop_client.core.paths import DataHome
from desktop_client.core.secrets import MemorySecretStore, platform_fix_hint
from desktop_client.core.settings import Language, ProfileKind
from desktop_client.ui.gallery.model import ThumbRole

SIZES = ((1280, 860), (800, 560))  # roomy, and MainWindow's minimum size


def shot(window, out: Path, name: str, tag: str) -> None:
    """The window at each size, outside the event loop."""
    app = QApplication.instance()
    for width, height in SIZES:
        window.resize(width, height)
        settle(app, 15)
        window.grab().save(str(out / f"{name}-{tag}-{width}x{height}.png"))
    window.resize(*SIZES[0])
    settle(app, 5)


async def ashot(window, out: Path, name: str, tag: str) -> None:
    """The window at each size, from inside the event loop."""
    for width, height in SIZES:
        window.resize(width, height)
        await asyncio.sleep(0.25)
        window.grab().save(str(out / f"{name}-{tag}-{width}x{height}.png"))
    window.resize(*SIZES[0])
    await asyncio.sleep(0.05)


def settle(app: QApplication, rounds: int = 20) -> None:
    loop = asyncio.get_event_loop()
    # Inside run_until_complete qasync both runs tasks and processes Qt events.
    for _ in range(rounds):
        loop.run_until_complete(asyncio.sleep(0.01))


ANSWER = """Here is a **comparison** and a snippet.

| Relay | Latency | Price |
|---|---|---|
| one-api | 120 ms | ¥0.8 |
| new-api | 95 ms | ¥1.0 |

```python
import httpx

async def ask(client: httpx.AsyncClient) -> str:
    response = await client.post("/v1/chat/completions", json={"stream": True})
    return response.text
```

The variance is $\\sigma^2 = \\frac{1}{n}\\sum (x_i - \\mu)^2$.
"""


def fill_chat(core, window, tag: str) -> None:
    from desktop_client.core.storage.chats import Status

    store = core.chat.store
    profile = core.profiles.find("OpenAI")
    # A cached list: the page must not ask the (unreachable) real server for models.
    store.cache_models(profile.id, ["gpt-4o", "gpt-4o-mini", "o3-mini"])
    conv = store.create_conversation(
        profile_id=profile.id,
        model="gpt-4o-mini",
        title="Relay comparison" if tag.endswith("en") else "中转服务对比",
    )
    q1 = store.add_message(
        conv.id,
        "user",
        "Compare one-api and new-api, with code."
        if tag.endswith("en")
        else "比较 one-api 和 new-api，并给出代码。",
        parent_id=None,
    )
    a1 = store.add_message(
        conv.id,
        "assistant",
        ANSWER,
        parent_id=q1.id,
        model="gpt-4o-mini",
        reasoning="The user wants a table, then code, then a formula.",
    )
    store.finish(a1.id, Status.COMPLETE, finish_reason="stop", prompt_tokens=42, completion_tokens=187)
    q2 = store.add_message(
        conv.id, "user", "And the error case?" if tag.endswith("en") else "出错时会怎样？", parent_id=a1.id
    )
    a2 = store.add_message(
        conv.id,
        "assistant",
        "When the relay drops the connection, the partial",
        parent_id=q2.id,
        model="gpt-4o-mini",
    )
    store.finish(
        a2.id,
        Status.FAILED,
        error="The connection broke in the middle of the answer. What arrived is kept; retry or continue",
        error_kind="server",
    )
    page = window.chat_page
    asyncio.get_event_loop().run_until_complete(page.load())
    asyncio.get_event_loop().run_until_complete(page.open_conversation(conv.id))
    page.view.widgets[a1.id].reasoning_toggle.setChecked(True)  # show the reasoning apart


async def wait_for(predicate, limit: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out waiting at line {predicate.__code__.co_firstlineno}")
        await asyncio.sleep(0.02)


async def shoot_midjourney(core, window, out: Path, tag: str) -> None:
    """The workspace against the loopback midjourney-proxy: one task running, then a finished one.
    All of it runs inside the event loop, as the app does (slots spawn tasks)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # noqa: ASYNC240 - for tests.fakes
    from desktop_client.core.api.mj_types import MjStatus
    from tests.fakes.mj_sim import MjSimulator

    sim = MjSimulator("shot-secret-000001", dialect="trueai", steps=4).start()
    try:
        core.midjourney.poll_interval = 0.05
        core.midjourney.poll_max_interval = 0.1
        core.profiles.add("Midjourney", ProfileKind.MIDJOURNEY, sim.url, "shot-secret-000001")
        page = window.mj_page
        page.refresh_profiles()
        page.profile_combo.setCurrentIndex(page.profile_combo.findText("Midjourney"))
        window.nav.setCurrentRow(1)
        polling = MjPolling(core)  # as the app runs it, with the fast intervals set above
        polling.start()
        await wait_for(lambda: page.presenter.loaded)

        def done(action: str):
            return next(
                (
                    t
                    for t in page.model.tasks
                    if t.action == action and t.status is MjStatus.SUCCESS and t.image_path
                ),
                None,
            )

        prompt = (
            "a lighthouse on a cliff at dusk, oil painting" if tag.endswith("en") else "黄昏悬崖上的灯塔，油画风格"
        )
        composer = page.composer
        composer.prompt_edit.setPlainText(prompt)
        composer.aspect_combo.setCurrentText("3:2")
        composer.version_combo.setCurrentIndex(composer.version_combo.findData("6.1"))
        composer.stylize.setValue(250)
        await page.imagine()
        await wait_for(lambda: done("IMAGINE"))
        grid = done("IMAGINE")
        await page.task_actions.act(grid, next(b.custom_id for b in grid.buttons if b.label == "U1"))
        await wait_for(lambda: done("UPSCALE"))
        composer.prompt_edit.setPlainText(
            "a red door in a white wall --no people" if tag.endswith("en") else "白墙上的红门 --no 人物"
        )
        composer.aspect_combo.setCurrentIndex(0)
        await page.imagine()
        await wait_for(
            lambda: (
                page.current is not None
                and page.current.progress >= 40
                and page.presenter.image(page.current.id) is not None
            )
        )
        sim.hold("*")
        await asyncio.sleep(0.3)
        await ashot(window, out, "midjourney-running", tag)
        sim.release("*")
        await wait_for(lambda: all(not t.open for t in page.model.tasks))
        page.select_task(done("UPSCALE").id)
        await wait_for(lambda: page.current is not None and page.presenter.image(page.current.id) is not None)
        await asyncio.sleep(0.3)
        await ashot(window, out, "midjourney-done", tag)
        await polling.aclose()
    finally:
        sim.stop()


async def shoot_images(core, window, out: Path, tag: str) -> None:
    """Images against the loopback Images API, then the gallery holding them and the
    Midjourney results of shoot_midjourney: the grid with a detail view."""
    from tests.fakes.images_fake import FakeImages

    key = "sk-shot-images-000000000001"
    with FakeImages(key, true_size=True) as fake:
        core.profiles.add("Images", ProfileKind.OPENAI, fake.url, key)
        page = window.images_page
        page.refresh_profiles()
        page.params.profile_combo.setCurrentIndex(page.params.profile_combo.findText("Images"))
        window.go_to("images")
        runs = [
            ("dall-e-3", "a watercolour fox in a snowy forest" if tag.endswith("en") else "雪林中的水彩狐狸", 1),
            (
                "gpt-image-1",
                "isometric tiny harbour town, soft light"
                if tag.endswith("en")
                else "等距视角的小港口城镇，柔和光线",
                4,
            ),
        ]
        for model, prompt, count in runs:
            page.params.model_combo.setCurrentText(model)
            page.params.n_spin.setValue(count)
            page.prompt_edit.setPlainText(prompt)
            items = await page.run()
            assert items, page.notice.text()
        page.params.option_combos["quality"].setCurrentIndex(page.params.option_combos["quality"].findData("high"))
        await asyncio.sleep(0.3)
        await ashot(window, out, "images", tag)
        gallery = window.gallery_page
        window.go_to("gallery")
        await gallery.load()
        first_dalle = next(i for i in await core.gallery.items() if i.model == "dall-e-3")
        gallery.select(first_dalle.id)
        await wait_for(lambda: gallery.browser.current is not None and not gallery.detail.view.pixmap().isNull())
        await wait_for(
            lambda: all(
                gallery.model.data(gallery.model.index(r), ThumbRole) is not None
                for r in range(min(8, gallery.model.rowCount()))
            )
        )
        await asyncio.sleep(0.3)
        await ashot(window, out, "gallery", tag)
        upscale = next(i for i in await core.gallery.items() if i.source == "midjourney" and i.action == "UPSCALE")
        gallery.select(upscale.id)
        await wait_for(lambda: gallery.browser.current is not None and gallery.browser.current.id == upscale.id)
        await asyncio.sleep(0.3)
        await ashot(window, out, "gallery-midjourney", tag)


def main(out: Path, real_keyring: bool, themes: tuple[bool, ...] = (False, True)) -> None:
    import qasync

    from desktop_client.core.settings import Theme

    out.mkdir(parents=True, exist_ok=True)
    app = make_application(["keyhold"])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    runs = [(dark, language) for dark in themes for language in (Language.ENGLISH, Language.CHINESE)]
    for dark, language in runs:
        home = DataHome(Path(tempfile.mkdtemp(prefix="keyhold-shot-")))
        core = (
            build_core(home) if real_keyring else build_core(home, secrets=MemorySecretStore())
        ).open_blocking()
        core.settings.update(lambda s, lang=language: setattr(s, "language", lang))
        core.settings.update(lambda s, dark=dark: setattr(s, "theme", Theme.DARK if dark else Theme.LIGHT))
        window, _translations, _ = build_window(core)
        window.resize(*SIZES[0])
        window.show()
        settle(app)
        tag = ("dark-" if dark else "light-") + ("en" if language is Language.ENGLISH else "zh")
        form = window.onboarding.form
        form.name_edit.setText("My relay" if tag.endswith("en") else "我的中转")
        form.base_edit.setText("http://relay.example.com/v1/chat/completions")
        settle(app)
        shot(window, out, "onboarding", tag)
        core.profiles.add("OpenAI", ProfileKind.OPENAI, "https://api.openai.com/v1", "sk-demo-0000000000a1b2")
        core.profiles.add(
            "MJ relay", ProfileKind.MIDJOURNEY, "https://mj.example.com/mj-relax", "sk-mj-00000000c3d4"
        )
        window.settings_page.profiles.reload()
        window._update_mode()
        window.nav.setCurrentRow(5)
        window.settings_page.profiles.list.setCurrentRow(1)
        settle(app, 40)
        shot(window, out, "settings", tag)
        window.settings_page.refresh_defaults()
        window.resize(800, 560)  # the smallest window: every section must still work
        for key in ("chat", "notifications", "data", "about"):
            window.settings_page.jump_to(key)
            settle(app)
            window.grab().save(str(out / f"settings-{key}-{tag}-800x560.png"))
        window.resize(*SIZES[0])
        window.nav.setCurrentRow(0)
        settle(app)
        shot(window, out, "main", tag)
        window.show_shortcuts()
        settle(app)
        window.shortcuts_dialog.grab().save(str(out / f"shortcuts-{tag}.png"))
        window.shortcuts_dialog.close()
        window.go_to("usage")
        shot(window, out, "usage", tag)
        window.go_to("chat")
        fill_chat(core, window, tag)
        settle(app, 60)
        shot(window, out, "chat", tag)
        loop.run_until_complete(shoot_midjourney(core, window, out, tag))
        loop.run_until_complete(shoot_images(core, window, out, tag))
        core.keyring_problem = SecretStoreError("No secure keyring is available", hint=platform_fix_hint())
        window._show_keyring_problem()
        settle(app)
        shot(window, out, "nokeyring", tag)
        for record in core.profiles.all():
            core.profiles.remove(record.id)
        window.close()
        window.deleteLater()
        settle(app)
    loop.close()  # stops qasync's executor thread before Qt tears down
    print("\n".join(sorted(str(p) for p in out.glob("*.png"))))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    chosen = (True,) if "--dark" in sys.argv else (False,) if "--light" in sys.argv else (False, True)
    main(Path(args[0] if args else "screenshots"), "--real-keyring" in sys.argv, chosen)
