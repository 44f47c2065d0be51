"""`keyhold imagine` and `keyhold mj` as separate processes against the loopback fake."""

import json
from pathlib import Path

import pytest

from tests.core.test_mj_polling import PNG
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
