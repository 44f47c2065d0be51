"""`keyhold imagine` and `keyhold mj` as separate processes against the loopback fake."""

import json
from pathlib import Path

import pytest

from tests.conftest import find_canaries
from tests.core.services.test_mj_polling import PNG
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.server import Conn, Request
from tests.procs import run_cli

pytestmark = pytest.mark.keyring
SECRET = "mj-cli-secret-000001"
HASH = "0a1b2c3d"


def grid(fake: FakeMidjourney, task_id: str, status: str, progress: str) -> dict:
    return {
        "id": task_id,
        "action": "IMAGINE",
        "status": status,
        "progress": progress,
        "prompt": "a lighthouse",
        "imageUrl": f"{fake.url}/attachments/{task_id}.png?ex=1" if status == "SUCCESS" else "",
        "properties": {"finalPrompt": "a lighthouse --v 6"},
        "buttons": [{"customId": f"MJ::JOB::upsample::1::{HASH}", "emoji": "", "label": "U1"}],
    }


def add_mj_profile(home, url):
    return run_cli(
        home, "profile", "add", "mj", "--kind", "midjourney", "--base-url", url, "--key-stdin", stdin=SECRET + "\n"
    )


@pytest.mark.parametrize("dialect", ["novicezk", "newapi"])
def test_imagine_wait_then_upscale(tmp_path, keyring_store, dialect) -> None:
    home = tmp_path / "home"
    with FakeMidjourney(SECRET, dialect=dialect) as fake:
        submitted: list[dict] = []
        polls = {"T1": 0, "T2": 0}

        def submit(kind: str, task_id: str):
            def handle(request: Request, conn: Conn) -> None:
                submitted.append({"kind": kind, **request.json()})
                conn.send_json(200, {"code": 1, "description": "提交成功", "result": task_id})
                fake.tasks[task_id] = grid(fake, task_id, "SUBMITTED", "0%")

            return handle

        def listing(request: Request, conn: Conn) -> None:
            ids = request.json()["ids"]
            for task_id in ids:
                polls[task_id] = polls.get(task_id, 0) + 1
                if polls[task_id] >= 2:
                    fake.tasks[task_id] = grid(fake, task_id, "SUCCESS", "100%")
            fake.handle(request, conn)

        fake.route_overrides[("POST", "/mj/submit/imagine")] = submit("imagine", "T1")
        fake.route_overrides[("POST", "/mj/submit/action")] = submit("action", "T2")
        fake.route_overrides[("POST", "/mj/task/list-by-condition")] = listing
        fake.route_overrides[("GET", "/mj/task/T1/fetch")] = lambda r, c: c.send_json(200, fake.tasks["T1"])
        for task_id in ("T1", "T2"):
            fake.route_overrides[("GET", f"/attachments/{task_id}.png")] = lambda r, c: c.send_response(
                200, PNG, {"Content-Type": "image/png"}
            )

        added = add_mj_profile(home, fake.url)
        assert added.returncode == 0, added.stderr
        waited = run_cli(home, "imagine", "-p", "mj", "--wait", "--timeout", "60", "a lighthouse")
        assert waited.returncode == 0, waited.stderr
        image = Path(waited.stdout.strip())
        assert image.read_bytes() == PNG and (home / "gallery") in image.parents
        assert json.loads(image.with_suffix(".json").read_text())["task_id"] == "T1"

        upscale = run_cli(home, "mj", "action", "-p", "mj", "T1", "U1")
        assert upscale.returncode == 0, upscale.stderr
        assert upscale.stdout.strip() == "T2"
        assert submitted[1] == {"kind": "action", "taskId": "T1", "customId": f"MJ::JOB::upsample::1::{HASH}"}

        # The image is in the gallery too, found by its prompt.
        listed = json.loads(run_cli(home, "gallery", "list", "--json", "--search", "lighthouse").stdout)
        assert [entry["path"] for entry in listed] == [str(image)]
        assert listed[0]["source"] == "midjourney" and listed[0]["task_id"] == "T1"
        tasks = json.loads(run_cli(home, "mj", "tasks", "--json").stdout)
        assert [(t["id"], t["action"], t["parent_id"]) for t in tasks] == [
            ("T2", "UPSCALE", "T1"),
            ("T1", "IMAGINE", None),
        ]
        missing = run_cli(home, "mj", "action", "-p", "mj", "T1", "V9")
        assert missing.returncode == 2 and "U1" in missing.stderr


def test_banned_prompt_is_one_line_exit_2(tmp_path, keyring_store) -> None:
    home = tmp_path / "home"
    with FakeMidjourney(SECRET) as fake:
        fake.route_overrides[("POST", "/mj/submit/imagine")] = lambda r, c: c.send_json(
            200, {"code": 24, "description": "可能包含敏感词", "properties": {"bannedWord": "nude"}}
        )
        assert add_mj_profile(home, fake.url).returncode == 0
        result = run_cli(home, "imagine", "-p", "mj", "nude body")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "'nude'" in result.stderr


def mask_png(width: int, height: int) -> bytes:
    """White (redraw) over the left half, black elsewhere."""
    import struct
    import zlib

    row = b"\x00" + b"\xff\xff\xff" * (width // 2) + b"\x00\x00\x00" * (width - width // 2)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("dialect", ["novicezk", "trueai", "newapi"])
def test_cli_imagine_upscale_vary_region_zoom_out(tmp_path, keyring_store, dialect) -> None:
    from tests.fakes.mj_sim import MjSimulator, png_size

    home = tmp_path / "home"
    with MjSimulator(SECRET, dialect=dialect) as sim:
        assert add_mj_profile(home, sim.url).returncode == 0

        def step(*args: str) -> tuple[str, Path]:
            done = run_cli(home, *args, "--wait", "--timeout", "60", KEYHOLD_MJ_POLL_SECONDS="0.1")
            assert done.returncode == 0, done.stderr
            image = Path(done.stdout.strip())
            meta = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
            assert image.read_bytes() == sim.image_bytes(meta["task_id"])
            assert meta["seed"] and meta["seed"].isdigit()  # looked up for the metadata
            return meta["task_id"], image

        grid, _ = step("imagine", "-p", "mj", "a lighthouse --ar 3:2")
        upscale, upscaled = step("mj", "action", "-p", "mj", grid, "U1")
        mask = tmp_path / "mask.png"
        mask.write_bytes(mask_png(*png_size(upscaled.read_bytes())))
        refused = run_cli(home, "mj", "action", "-p", "mj", upscale, "Vary (Region)")
        assert refused.returncode == 2 and "--mask" in refused.stderr
        region, _ = step(
            "mj", "action", "-p", "mj", upscale, "Vary (Region)", "--mask", str(mask), "--prompt", "a red door"
        )
        assert sim.masks[region] == mask.read_bytes()
        second, _ = step("mj", "action", "-p", "mj", region, "U1")
        zoomed, image = step("mj", "action", "-p", "mj", second, "Zoom Out 2x")
        meta = json.loads(image.with_suffix(".json").read_text(encoding="utf-8"))
        assert (meta["parent_task_id"], meta["action"]) == (second, "OUTPAINT")
        assert len(list((home / "gallery" / "midjourney").rglob("*.json"))) == 5

        described = run_cli(home, "mj", "describe", "-p", "mj", str(image), KEYHOLD_MJ_POLL_SECONDS="0.1")
        assert described.returncode == 0, described.stderr
        assert [line[:3] for line in described.stdout.splitlines()] == ["1. ", "2. ", "3. ", "4. "]
        blended = run_cli(home, "mj", "blend", "-p", "mj", str(image), str(upscaled), "--dimensions", "portrait")
        assert blended.returncode == 0, blended.stderr
        body = next(body for path, body in sim.submits if path.endswith("/submit/blend"))
        assert body["dimensions"] == "PORTRAIT" and len(body["base64Array"]) == 2
        tasks = json.loads(run_cli(home, "mj", "tasks", "--json").stdout)
        assert [t["action"] for t in tasks][:2] == ["BLEND", "DESCRIBE"]
        assert len(tasks[1]["prompts"]) == 4
        # The key and the server's address (images are served from it) are in no file.
        assert find_canaries(home, [SECRET, sim.url.split("//")[1]]) == []
