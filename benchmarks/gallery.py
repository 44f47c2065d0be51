"""The gallery at 10,000 images: index build, first painted page, scrolling, search.

A library of distinct 384x384 PNGs (gradients, checkerboards, discs, grids, a band of
noise each) with Keyhold sidecars (OpenAI and Midjourney alternately, English prompts
with some Chinese, spread over a year) is generated once and cached under /tmp; every
measurement hard-links it into a fresh data home. Prints, all measured in this run:

1. index build from the files (empty index, first ``core.gallery.store``) and a rescan when
   nothing changed;
2. time from ``go_to("gallery")`` to the first paint with placeholders and to the first
   paint with every visible thumbnail, with a cold and a warm thumbnail disk cache, against
   a bare QListView (IconMode, same grid) over a QStringListModel of as many strings;
3. scrolling end to end a page per 16 ms tick, twice: the longest event-loop stall (5 ms
   timer), the time taken, and RSS before the gallery, after the first page and after each
   pass (thumbnails in memory are capped, so it must stay bounded);
4. prompt search latency (FTS words, 1-2 character Chinese words that scan, multi-word)
   against the unfiltered listing, and a search result's set_ids + first page of rows.

Run: python benchmarks/gallery.py [--count 10000] [--library DIR] [--runs 3] [--index-runs 2]
(QT_QPA_PLATFORM defaults to offscreen; the first run writes the library, ~1 minute.)
"""

from __future__ import annotations

import argparse
import asyncio
import colorsys
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop_client.core.storage.gallery_files import write_sidecar
from tests.fakes.mj_sim import png_bytes

SIDE = 384
NOISE_ROWS = 10  # a band of noise: the files don't all compress to nothing
YEAR = 365 * 86400
LIBRARY_VERSION = 1
RGB = tuple[int, int, int]

SUBJECTS = [
    "lighthouse on a cliff",
    "ancient castle",
    "sleeping dragon",
    "orange cat",
    "red fox",
    "rusty robot",
    "astronaut",
    "samurai",
    "forest spirit",
    "city skyline",
    "mountain lake",
    "sailing ship",
    "tea house",
    "cyberpunk street",
    "koi pond",
    "desert caravan",
    "snow leopard",
    "old library",
    "train station",
    "walled garden",
]
STYLES = [
    "watercolor",
    "oil painting",
    "photorealistic",
    "isometric",
    "pixel art",
    "ukiyo-e",
    "low poly",
    "studio ghibli style",
    "film noir",
    "vaporwave",
    "ink wash",
    "cinematic lighting",
]
SETTINGS = [
    "at dusk",
    "in the rain",
    "under a full moon",
    "at golden hour",
    "in heavy fog",
    "in spring",
    "covered in snow",
    "at midnight",
    "on a summer morning",
]
EXTRAS = ["highly detailed", "8k", "soft light", "wide angle", "bokeh", "dramatic clouds", "pastel colors"]
CHINESE = [
    "猫",
    "龙",
    "山水",
    "城市",
    "花",
    "雨",
    "月亮",
    "水墨画",
    "樱花",
    "古镇",
    "赛博朋克",
    "灯塔",
    "森林",
    "雪",
    "海边",
]

FTS_QUERIES = [
    "lighthouse",
    "castle",
    "dragon",
    "robot",
    "astronaut",
    "samurai",
    "skyline",
    "sailing",
    "cyberpunk",
    "caravan",
    "leopard",
    "library",
    "watercolor",
    "ukiyo",
    "ghibli",
    "vaporwave",
    "golden",
    "midnight",
    "bokeh",
    "水墨画",
]
SHORT_QUERIES = ["猫", "龙", "山水", "城市", "花", "雨", "月亮", "樱花", "古镇", "灯塔", "森林", "雪", "海边"] * 2
MULTI_QUERIES = [
    "orange cat watercolor",
    "castle fog",
    "dragon moon",
    "robot rain",
    "mountain lake golden hour",
    "koi pond ink",
    "city skyline midnight",
    "tea house spring",
    "snow leopard photorealistic",
    "ship dramatic clouds",
] * 2


# ----- the library -------------------------------------------------------------------
def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _colour(rng: random.Random) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(rng.random(), 0.35 + 0.6 * rng.random(), 0.3 + 0.7 * rng.random())
    return (round(r * 255), round(g * 255), round(b * 255))


def _span(background: bytes, colour: bytes, start: int, stop: int, width: int) -> bytes:
    start, stop = max(0, min(width, start)), max(0, min(width, stop))
    return background[: start * 3] + colour * (stop - start) + background[stop * 3 :]


def image_png(number: int, side: int = SIDE) -> bytes:
    """A distinct picture per number: one of four patterns in its own colours, plus noise."""
    rng = random.Random(number)
    c = [_colour(rng) for _ in range(4)]
    kind = number % 4
    rows: list[bytes] = []
    if kind == 0:  # vertical gradient crossed by a diagonal band
        band, offset = rng.randint(20, 90), rng.randint(0, side)
        accent = bytes(c[2])
        for y in range(side):
            row = bytes(_mix(c[0], c[1], y / side)) * side
            x = (y + offset) % (side + band) - band
            rows.append(_span(row, accent, x, x + band, side))
    elif kind == 1:  # checkerboard whose squares darken down the picture
        cell = rng.choice((16, 24, 32, 48, 64))
        for y in range(side):
            a, b = _mix(c[0], (0, 0, 0), 0.6 * y / side), _mix(c[1], c[3], y / side)
            first, second = (a, b) if (y // cell) % 2 else (b, a)
            unit = bytes(first) * cell + bytes(second) * cell
            rows.append((unit * (side // (2 * cell) + 1))[: side * 3])
    elif kind == 2:  # a disc on a gradient
        cx, cy, radius = rng.randint(96, side - 96), rng.randint(96, side - 96), rng.randint(40, 140)
        disc = bytes(c[2])
        for y in range(side):
            row = bytes(_mix(c[0], c[1], y / side)) * side
            if abs(y - cy) < radius:
                dx = int(math.sqrt(radius * radius - (y - cy) ** 2))
                row = _span(row, disc, cx - dx, cx + dx, side)
            rows.append(row)
    else:  # a 2x2 grid with thin stripes, like a Midjourney grid
        half = side // 2
        stripe = rng.randint(6, 20)
        for y in range(side):
            left, right = (c[0], c[1]) if y < half else (c[2], c[3])
            if y % stripe == 0:
                left, right = _mix(left, (255, 255, 255), 0.4), _mix(right, (0, 0, 0), 0.4)
            rows.append(bytes(left) * half + bytes(right) * (side - half))
    start = rng.randint(0, side - NOISE_ROWS)
    for y in range(start, start + NOISE_ROWS):
        rows[y] = rng.randbytes(side * 3)
    return png_bytes(side, side, rows)


def sidecar(number: int, now: float) -> dict[str, Any]:
    rng = random.Random(-1 - number)
    subject, style, setting = rng.choice(SUBJECTS), rng.choice(STYLES), rng.choice(SETTINGS)
    prompt = f"{subject}, {style}, {setting}, {', '.join(rng.sample(EXTRAS, 2))}"
    if number % 7 == 0:
        prompt = " ".join(rng.sample(CHINESE, 3)) + f" {style}"
    elif number % 3 == 0:
        prompt += " " + "".join(rng.sample(CHINESE, 2))
    created = now - rng.random() * YEAR
    if number % 2 == 0:
        model = rng.choice(("gpt-image-1", "dall-e-3"))
        document: dict[str, Any] = {
            "source": "openai",
            "action": "generate",
            "model": model,
            "prompt": prompt,
            "revised_prompt": f"A {style} image of a {subject} {setting}." if model == "dall-e-3" else None,
            "params": {"size": "1024x1024", "quality": "high", "n": 1},
            "profile": "relay",
            "index": 1,
            "count": 1,
            "created": created,
        }
    else:
        task_id = f"{1700000000000 + number:016d}"
        document = {
            "source": "midjourney",
            "task_id": task_id,
            "action": rng.choice(("IMAGINE", "UPSCALE", "VARIATION")),
            "prompt": prompt,
            "final_prompt": f"{prompt} --v 6.1",
            "buttons": [
                {"customId": f"MJ::JOB::upsample::{i}::{task_id}", "emoji": "", "label": f"U{i}"}
                for i in range(1, 5)
            ],
            "bot": "MID_JOURNEY",
            "profile": "mj-relay",
            "submitted": created - 40,
            "finished": created,
            "saved": created + 1,
        }
    return document


def ensure_library(folder: Path, count: int) -> Path:
    """The cached library (folder/gallery/...), generated if missing or incomplete."""
    marker = folder / f".complete-v{LIBRARY_VERSION}"
    if marker.exists():
        return folder / "gallery"
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    now = time.time()
    for number in range(count):
        document = sidecar(number, now)
        stamp = time.localtime(document.get("created") or document["submitted"])
        name = f"{time.strftime('%Y%m%d-%H%M%S', stamp)}-{number:05d}.png"
        path = folder / "gallery" / document["source"] / time.strftime("%Y-%m", stamp) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(image_png(number))
        write_sidecar(path, document)
        moment = document.get("created") or document["finished"]
        os.utime(path, (moment, moment))
    marker.write_text(f"{count}\n")
    print(f"(generated the library of {count} images in {time.perf_counter() - started:.0f} s: {folder})")
    return folder / "gallery"


def link_tree(source: Path, target: Path) -> None:
    """Hard links where possible (same file system), copies otherwise."""
    for folder, _dirs, files in os.walk(source):
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in files:
            try:
                os.link(Path(folder) / name, into / name)
            except OSError:
                shutil.copy2(Path(folder) / name, into / name)


def fresh_home(library: Path) -> Path:
    root = Path(tempfile.mkdtemp(prefix="keyhold-bench-gallery-"))
    link_tree(library, root / "gallery")
    return root


def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        from desktop_client.core.sysinfo import rss_bytes

        return rss_bytes() / 2**20


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.0995 else f"{seconds * 1000:.1f} ms"


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(len(ordered) * 0.95) - 1)]


# ----- 1. the index ------------------------------------------------------------------
def index_build(library: Path, count: int, secrets: Any) -> tuple[Path, dict[str, float]]:
    from desktop_client.core.context import build_core
    from desktop_client.core.paths import DataHome

    root = fresh_home(library)
    core = build_core(DataHome(root).ensure(), secrets=secrets)
    started = time.perf_counter()
    core.open_blocking()  # the database, the services and the gallery index (not yet built)
    opened = time.perf_counter() - started
    started = time.perf_counter()
    store = core.gallery.store  # an empty index: built from the files and sidecars
    built = time.perf_counter() - started
    if store.count() != count:
        raise RuntimeError(f"indexed {store.count()} images of {count}")
    rescans = []
    for _ in range(3):
        started = time.perf_counter()
        report = asyncio.run(core.gallery.rescan())
        rescans.append(time.perf_counter() - started)
        if report.unchanged != count or report.added or report.updated:
            raise RuntimeError(f"a rescan of unchanged files changed the index: {report}")
    asyncio.run(core.aclose())
    db_mb = DataHome(root).database.stat().st_size / 2**20
    return root, {"open": opened, "build": built, "rescan": statistics.median(rescans), "db_mb": db_mb}


# ----- 2 and 3. the GUI --------------------------------------------------------------
class GUI:
    """The Qt application on a qasync loop, and the probes the measurements share."""

    def __init__(self, secrets: Any, size: tuple[int, int]) -> None:
        import qasync
        from PySide6.QtCore import QTimer

        from desktop_client.app import install_asyncgen_hooks, make_application

        self.app = make_application(["keyhold-benchmark"])
        self.app.setQuitOnLastWindowClosed(False)  # windows come and go between measurements
        self.loop = qasync.QEventLoop(self.app)
        asyncio.set_event_loop(self.loop)
        install_asyncgen_hooks(self.loop)
        self.secrets = secrets
        self.size = size
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.ticker = QTimer()
        self.ticker.setInterval(5)
        self.ticker.timeout.connect(self._tick)

    # ----- the event loop's pulse: a 5 ms timer, the longest gap between its ticks ------
    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def watch(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self.ticker.start()

    def stall(self) -> float:
        self.ticker.stop()
        self._tick()
        return max(self.gaps)

    @staticmethod
    async def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            await asyncio.sleep(0.002)

    # ----- windows --------------------------------------------------------------------
    async def open_window(self, root: Path) -> tuple[Any, Any]:
        from desktop_client.app import build_window
        from desktop_client.core.context import build_core
        from desktop_client.core.paths import DataHome
        from desktop_client.core.settings import ProfileKind

        core = build_core(DataHome(root).ensure(), secrets=self.secrets)
        if not core.profiles.all():
            core.profiles.add("relay", ProfileKind.OPENAI, "http://127.0.0.1:9", "sk-bench-000000000001")
        window, _translations, _hook = build_window(core)
        window._update_mode()  # a profile: the workspace rather than the onboarding
        window.resize(*self.size)
        window.show()
        await self.wait_for(lambda: window._painted, 30, "the main window's first paint")
        await asyncio.sleep(1.0)  # the chat and Midjourney pages load after the first paint
        return window, core

    @staticmethod
    async def close_window(window: Any, core: Any) -> None:
        await window.aclose()
        window.close()
        await core.aclose()
        window.deleteLater()
        await asyncio.sleep(0.05)


class PaintProbe:
    """Paint events of a viewport: when each one ended, and what it found when it began."""

    def __init__(self, viewport: Any, state: Callable[[], int]) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        probe = self

        class Filter(QObject):
            def eventFilter(self, watched: Any, event: Any) -> bool:
                if event.type() == QEvent.Type.Paint and probe.active:
                    found = state()
                    # A zero timer runs once this paint is done and the loop is free again.
                    QTimer.singleShot(0, lambda: probe.paints.append((time.perf_counter(), found)))
                return False

        self.active = True
        self.paints: list[tuple[float, int]] = []
        self.filter = Filter(viewport)
        viewport.installEventFilter(self.filter)

    def first(self, at_least: int) -> float | None:
        return next((moment for moment, found in self.paints if found >= at_least), None)

    def detach(self) -> None:
        self.active = False


def visible_rows(grid: Any, model: Any) -> list[int]:
    from PySide6.QtCore import QPoint

    count = model.rowCount() if model is not None else 0
    if not count:
        return []
    area = grid.viewport().rect()
    top = grid.indexAt(QPoint(2, 2))
    row = top.row() if top.isValid() else 0
    rows = []
    while row < count:
        rect = grid.visualRect(model.index(row))
        if rect.top() > area.bottom():
            break
        if rect.intersects(area):
            rows.append(row)
        row += 1
    return rows


NOTHING, PLACEHOLDERS, COMPLETE = 0, 1, 2


def gallery_state(page: Any) -> int:
    from desktop_client.ui.gallery.model import ThumbRole

    model = page.model
    rows = visible_rows(page.grid, model) if page.browser.loaded else []
    if not rows:
        return NOTHING
    if all(model.data(model.index(row), ThumbRole) is not None for row in rows):
        return COMPLETE
    return PLACEHOLDERS


async def first_gallery_page(gui: GUI, window: Any) -> dict[str, float]:
    """From go_to("gallery") to the first paint with cells, and with every visible thumbnail."""
    page = window.gallery_page
    probe = PaintProbe(page.grid.viewport(), lambda: gallery_state(page))
    gui.watch()
    started = time.perf_counter()
    window.go_to("gallery")
    await gui.wait_for(lambda: probe.first(COMPLETE) is not None, 60, "a gallery page with every thumbnail")
    stall = gui.stall()
    probe.detach()
    cells, complete = probe.first(PLACEHOLDERS), probe.first(COMPLETE)
    assert cells is not None and complete is not None
    return {
        "cells": cells - started,
        "complete": complete - started,
        "stall": stall,
        "visible": len(visible_rows(page.grid, page.model)),
    }


async def bare_list_view(gui: GUI, count: int) -> tuple[float, float]:
    """The baseline: a QListView in the same mode and grid over a QStringListModel."""
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QListView, QStackedWidget, QWidget

    from desktop_client.ui.gallery.model import CELL

    stack = QStackedWidget()
    stack.addWidget(QWidget())
    view = QListView()
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setGridSize(CELL)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    stack.addWidget(view)
    stack.resize(*gui.size)
    stack.show()
    await asyncio.sleep(0.3)
    strings = [f"image {number}: a prompt of the kind people write" for number in range(count)]
    probe = PaintProbe(view.viewport(), lambda: COMPLETE if view.model() and view.model().rowCount() else NOTHING)
    started = time.perf_counter()
    model = QStringListModel(strings, view)
    view.setModel(model)
    stack.setCurrentIndex(1)
    await gui.wait_for(lambda: probe.first(COMPLETE) is not None, 30, "the bare list view's paint")
    painted = probe.first(COMPLETE)
    assert painted is not None
    probe.detach()
    relayout = grid_relayout(view)
    stack.close()
    stack.deleteLater()
    await asyncio.sleep(0.05)
    return painted - started, relayout


def grid_relayout(view: Any) -> float:
    """What a model reset (each search or filter change) or a window resize costs the view."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        view.doItemsLayout()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def thumbs_idle(gui: GUI, page: Any) -> None:
    """Until the thumbnail workers have nothing left to do."""
    thumbs = page.thumbs
    await gui.wait_for(lambda: not thumbs._pending and thumbs._running == 0, 60, "idle thumbnail workers")


async def scroll_pass(gui: GUI, page: Any, down: bool) -> dict[str, float]:
    """A page per 16 ms tick from one end to the other, then until the last page is whole."""
    bar = page.grid.verticalScrollBar()
    step = bar.pageStep()
    decoded = [0]

    def count(_key: str) -> None:
        decoded[0] += 1

    page.thumbs.ready.connect(count)
    steps = 0
    gui.watch()
    started = time.perf_counter()
    while (bar.value() < bar.maximum()) if down else (bar.value() > bar.minimum()):
        bar.setValue(bar.value() + step if down else bar.value() - step)
        steps += 1
        await asyncio.sleep(0.016)
    scrolled = time.perf_counter() - started
    await gui.wait_for(lambda: gallery_state(page) == COMPLETE, 60, "the last page's thumbnails")
    probe = PaintProbe(page.grid.viewport(), lambda: gallery_state(page))
    page.grid.viewport().update()
    await gui.wait_for(lambda: probe.first(COMPLETE) is not None, 10, "the last page painted")
    whole = probe.first(COMPLETE)
    probe.detach()
    stall = gui.stall()
    page.thumbs.ready.disconnect(count)
    assert whole is not None
    return {
        "steps": steps,
        "scrolled": scrolled,
        "ideal": steps * 0.016,
        "whole": whole - started - scrolled,
        "stall": stall,
        "gaps_over_50": sum(1 for gap in gui.gaps if gap > 0.05),
        "decoded": decoded[0],
    }


# ----- 4. search -----------------------------------------------------------------------
def search_latency(store: Any) -> dict[str, Any]:
    from desktop_client.core.storage.gallery import GalleryFilter

    def timed(flt: GalleryFilter) -> tuple[float, int]:
        started = time.perf_counter()
        found = store.ids(flt)
        return time.perf_counter() - started, len(found)

    for query in FTS_QUERIES[:3]:  # SQLite's page cache, warm as after the first search
        timed(GalleryFilter(search=query))
    figures: dict[str, Any] = {"all": [timed(GalleryFilter()) for _ in range(20)]}
    for name, queries in (("fts", FTS_QUERIES), ("short", SHORT_QUERIES), ("multi", MULTI_QUERIES)):
        figures[name] = [timed(GalleryFilter(search=query)) for query in queries]
    return figures


async def search_to_rows(gui: GUI, page: Any, visible: int) -> dict[str, list[float]]:
    """GalleryModel.set_ids + the first page's rows for a result, and page.refresh → painted."""
    from desktop_client.core.storage.gallery import GalleryFilter
    from desktop_client.ui.gallery.model import ItemRole

    model, store = page.model, page.browser.gallery.store
    set_and_fetch: list[float] = []
    for query in FTS_QUERIES[:10] + MULTI_QUERIES[:10]:
        ids = store.ids(GalleryFilter(search=query))
        started = time.perf_counter()
        model.set_ids(ids)
        for row in range(min(len(ids), visible)):
            model.data(model.index(row), ItemRole)
        set_and_fetch.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)
    painted: list[float] = []
    for query in FTS_QUERIES[10:] + MULTI_QUERIES[:5]:
        page.filters.search_edit.blockSignals(True)  # no debounce timer: refresh at once
        page.filters.search_edit.setText(query)
        page.filters.search_edit.blockSignals(False)
        probe = PaintProbe(page.grid.viewport(), lambda: gallery_state(page))
        started = time.perf_counter()
        await page.refresh()
        shown = PLACEHOLDERS if page.model.rowCount() else NOTHING  # no hits: the empty grid's paint
        await gui.wait_for(lambda p=probe, s=shown: p.first(s) is not None, 10, "search results painted")
        moment = probe.first(shown)
        assert moment is not None
        painted.append(moment - started)
        probe.detach()
        await asyncio.sleep(0.05)
    page.filters.search_edit.blockSignals(True)
    page.filters.search_edit.clear()
    page.filters.search_edit.blockSignals(False)
    await page.refresh()
    return {"set_ids": set_and_fetch, "painted": painted}


# ----- the run ---------------------------------------------------------------------------
async def gui_run(gui: GUI, root: Path, count: int, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {"bare": [], "cold": [], "warm": [], "relayout": [], "bare_relayout": []}
    for _ in range(runs):
        painted, relayout = await bare_list_view(gui, count)
        out["bare"].append(painted)
        out["bare_relayout"].append(relayout)
    thumbs = root / "cache" / "thumbs"
    for run in range(runs):
        shutil.rmtree(thumbs, ignore_errors=True)
        window, core = await gui.open_window(root)
        rss_before = rss_mb()
        out["cold"].append(await first_gallery_page(gui, window))
        page = window.gallery_page
        if page.model.rowCount() != count:
            raise RuntimeError(f"the gallery lists {page.model.rowCount()} images of {count}")
        if run == 0:  # scrolling, with thumbnails still being made as it goes
            await thumbs_idle(gui, page)
            out["rss"] = {"before": rss_before, "first": rss_mb()}
            passes = []
            for number, down in enumerate((True, False)):
                passes.append(await scroll_pass(gui, page, down))
                await thumbs_idle(gui, page)
                await asyncio.sleep(0.2)
                out["rss"][f"pass{number + 1}"] = rss_mb()
                passes[-1]["memory_count"] = page.thumbs.memory_count
                passes[-1]["rows_cached"] = len(page.model._rows)
            out["passes"] = passes
            out["thumb_files"] = sum(1 for _ in thumbs.glob("*.jpg"))
        await gui.close_window(window, core)
        window, core = await gui.open_window(root)
        out["warm"].append(await first_gallery_page(gui, window))
        out["relayout"].append(grid_relayout(window.gallery_page.grid))
        if run == runs - 1:
            page = window.gallery_page
            out["search"] = search_latency(page.browser.gallery.store)
            out["to_rows"] = await search_to_rows(gui, page, out["warm"][-1]["visible"])
        await gui.close_window(window, core)
    return out


def report(count: int, index: dict[str, float], gui: dict[str, Any], size: tuple[int, int], runs: int) -> None:
    def med(key: str, which: str) -> float:
        return statistics.median(run[key] for run in gui[which])

    print(
        f"gallery: {count:,} images ({SIDE}x{SIDE} PNG + sidecar), window {size[0]}x{size[1]}, "
        f"platform {os.environ['QT_QPA_PLATFORM']}, {os.cpu_count()} CPUs"
    )
    every = ", ".join(f"{seconds:.2f}" for seconds in index["all"])
    print(
        f"1. index  build from files {index['build']:.2f} s, best of {len(index['all'])} ({every} s; "
        f"{count / index['build']:,.0f} files/s; database open {ms(index['open'])}); "
        f"rescan unchanged {ms(index['rescan'])} (median of 3); db {index['db_mb']:.1f} MB"
    )
    bare = statistics.median(gui["bare"])
    print(f"2. first page  (median of {runs}; baseline: bare QListView + QStringListModel first paint {ms(bare)})")
    for which in ("cold", "warm"):
        cells, complete = med("cells", which), med("complete", which)
        print(
            f"   {which} thumbnails: placeholders {ms(cells)} ({cells / bare:.1f}x), every visible thumbnail "
            f"{ms(complete)} ({complete / bare:.1f}x); {gui[which][0]['visible']} cells visible; "
            f"longest stall {ms(med('stall', which))}"
        )
    relayout, bare_relayout = statistics.median(gui["relayout"]), statistics.median(gui["bare_relayout"])
    print(
        f"   grid relayout (each model reset: search, filter; each window resize): {ms(relayout)}, "
        f"bare {ms(bare_relayout)} ({relayout / bare_relayout:.1f}x)"
    )
    print("3. scrolling a page per 16 ms tick, end to end and back")
    for name, run in zip(("down", "up"), gui["passes"], strict=True):
        print(
            f"   {name:4} {run['steps']} pages in {run['scrolled']:.2f} s (ideal {run['ideal']:.2f} s, "
            f"{run['scrolled'] / run['ideal']:.2f}x); last page whole {ms(run['whole'])} later; "
            f"longest stall {ms(run['stall'])}, {run['gaps_over_50']} gaps > 50 ms; "
            f"{run['decoded']} thumbnails made; in memory {run['memory_count']} pixmaps, "
            f"{run['rows_cached']} rows"
        )
    rss = gui["rss"]
    base = rss["before"]
    print(
        f"   RSS before the gallery {base:.0f} MB; after the first page {rss['first']:.0f} MB "
        f"({rss['first'] / base:.2f}x); after scrolling down {rss['pass1']:.0f} MB ({rss['pass1'] / base:.2f}x); "
        f"and back up {rss['pass2']:.0f} MB ({rss['pass2'] / base:.2f}x); {gui['thumb_files']} thumbnails on disk"
    )
    search = gui["search"]
    listing = statistics.median(t for t, _ in search["all"])
    print(f"4. search  (baseline: unfiltered listing ids() median {ms(listing)}, {search['all'][0][1]:,} ids)")
    names = {"fts": "FTS words (>=3 chars)", "short": "1-2 char Chinese (scan)", "multi": "multi-word"}
    for key, name in names.items():
        times = [t for t, _ in search[key]]
        hits = statistics.median(n for _, n in search[key])
        print(
            f"   {name:24} median {ms(statistics.median(times))} ({statistics.median(times) / listing:.2f}x), "
            f"p95 {ms(p95(times))} ({p95(times) / listing:.2f}x); {len(times)} queries, median {hits:,.0f} hits"
        )
    to_rows = gui["to_rows"]
    print(
        f"   set_ids + first page of rows: median {ms(statistics.median(to_rows['set_ids']))}, "
        f"p95 {ms(p95(to_rows['set_ids']))}; page.refresh to painted results: median "
        f"{ms(statistics.median(to_rows['painted']))}, max {ms(max(to_rows['painted']))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--library", type=Path, default=None, help="where the generated images are cached")
    parser.add_argument("--runs", type=int, default=3, help="first-page measurements of each kind")
    parser.add_argument("--index-runs", type=int, default=2, help="cold index builds (the best is shown)")
    parser.add_argument("--keep", action="store_true", help="keep the data home afterwards")
    args = parser.parse_args()
    size = (1280, 860)
    library = ensure_library(
        args.library or Path(tempfile.gettempdir()) / f"keyhold-gallery-library-{args.count}", args.count
    )
    from desktop_client.core.secrets import MemorySecretStore

    secrets = MemorySecretStore()
    builds = [index_build(library, args.count, secrets) for _ in range(args.index_runs)]
    root, index = min(builds, key=lambda build: build[1]["build"])
    index["all"] = [build[1]["build"] for build in builds]
    for other, _figures in builds:
        if other != root:
            shutil.rmtree(other, ignore_errors=True)
    gui = GUI(secrets, size)
    try:
        figures = gui.loop.run_until_complete(gui_run(gui, root, args.count, args.runs))
    finally:
        gui.loop.close()
        gui.app.shutdown()
        if args.keep:
            print(f"(data home kept: {root})")
        else:
            shutil.rmtree(root, ignore_errors=True)
    report(args.count, index, figures, size, args.runs)


if __name__ == "__main__":
    main()
