"""The stateful midjourney-proxy simulator really runs tasks, in each dialect's shapes."""

from __future__ import annotations

import base64
import re
import struct
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.mj_fake import DIALECTS
from tests.fakes.mj_sim import MjSimulator, grid_png, solid_png

SECRET = "mj-sim-secret-0001"
HEADERS = {"mj-api-secret": SECRET}
ID_RE = re.compile(r"\d{16}")

Make = Callable[..., tuple[MjSimulator, httpx.Client]]


@pytest.fixture
def make_sim() -> Iterator[Make]:
    """make(dialect, **kwargs) -> (started simulator, client sending the right secret)."""
    started: list[tuple[MjSimulator, httpx.Client]] = []

    def make(dialect: str = "novicezk", **kwargs: Any) -> tuple[MjSimulator, httpx.Client]:
        sim = MjSimulator(SECRET, dialect, **kwargs).start()  # type: ignore[arg-type]
        pair = (sim, httpx.Client(base_url=sim.url, headers=HEADERS, timeout=10))
        started.append(pair)
        return pair

    yield make
    for sim, c in started:
        c.close()
        sim.stop()
        assert sim.errors == []


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def decode_png(data: bytes) -> tuple[int, int]:
    """Independent PNG check: signature, chunk CRCs, IHDR, IDAT inflating to the right size."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size, kinds = 8, b"", (0, 0), []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        kinds.append(kind)
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert (depth, color) == (8, 2)
            size = (width, height)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert len(zlib.decompress(idat)) == size[1] * (size[0] * 3 + 1)
    return size


def fetch_png(url: str) -> tuple[int, int]:
    resp = httpx.get(url, timeout=10)  # image hosts need no auth
    assert resp.status_code == 200, url
    assert resp.headers["content-type"] == "image/png"
    return decode_png(resp.content)


def poll(c: httpx.Client, task_id: str, limit: int = 20) -> list[dict[str, Any]]:
    seen = []
    for _ in range(limit):
        resp = c.get(f"/mj/task/{task_id}/fetch")
        assert resp.status_code == 200
        task = resp.json()
        assert task["id"] == task_id
        seen.append(task)
        if task["status"] in ("SUCCESS", "FAILURE"):
            return seen
    raise AssertionError(f"task {task_id} never finished: {seen[-1]}")


def button(task: dict[str, Any], label_or_emoji: str) -> str:
    for b in task["buttons"]:
        if label_or_emoji in (b["label"], b["emoji"]):
            return b["customId"]
    raise AssertionError(f"no {label_or_emoji!r} button in {[b['label'] or b['emoji'] for b in task['buttons']]}")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_imagine_upscale_vary_region_zoom_out(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=3)
    resp = c.post("/mj/submit/imagine", json={"prompt": "a red fox in snow --ar 3:2", "botType": "MID_JOURNEY"})
    assert resp.status_code == 200
    sub = resp.json()
    assert sub["code"] == 1 and sub["description"] == "提交成功"
    assert sub["properties"]["discordInstanceId"] == "1118138338562560102"
    assert ("discordChannelId" in sub["properties"]) == (dialect == "trueai")
    imagine_id = sub["result"]
    assert ID_RE.fullmatch(imagine_id)

    seen: list[dict[str, Any]] = []
    previews: list[str] = []
    while not seen or seen[-1]["status"] != "SUCCESS":
        assert len(seen) < 10
        seen.append(c.get(f"/mj/task/{imagine_id}/fetch").json())
        if seen[-1]["status"] == "IN_PROGRESS" and seen[-1]["imageUrl"]:
            previews.append(seen[-1]["imageUrl"])
            # fetched at once: new-api's /mj/image/<id> always serves the task's current image
            assert fetch_png(previews[-1]) == (384, 256)  # a smaller preview of the 768x512 grid
    assert [t["status"] for t in seen] == ["SUBMITTED", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "SUCCESS"]
    assert [t["progress"] for t in seen] == ["0%", "25%", "50%", "75%", "100%"]
    assert len(previews) == 2
    done = seen[-1]
    assert done["action"] == "IMAGINE"
    assert done["properties"]["finalPrompt"] == "a red fox in snow --ar 3:2"
    assert fetch_png(done["imageUrl"]) == (768, 512)
    if dialect == "newapi":
        assert previews[0].startswith(f"{sim.origin}/mj/image/{imagine_id}?rand=")
        assert done["imageUrl"] == f"{sim.origin}/mj/image/{imagine_id}"
        assert done["customId"] == "" and done["botType"] == "" and done["maskBase64"] == ""
        assert set(done) == {
            "id", "action", "customId", "botType", "prompt", "promptEn", "description", "state", "submitTime",
            "startTime", "finishTime", "imageUrl", "videoUrl", "videoUrls", "status", "progress", "failReason",
            "buttons", "maskBase64", "properties",
        }  # fmt: skip
        assert set(done["properties"]) == {"finalPrompt", "finalZhPrompt"}
    else:
        assert re.fullmatch(
            rf"{sim.origin}/attachments/1118138338562560102/\d+/mjsim_a_red_fox_in_snow_[0-9a-f-]{{36}}\.png"
            r"\?ex=[0-9a-f]{8}&is=[0-9a-f]{8}&hm=[0-9a-f]{64}&",
            done["imageUrl"],
        )
        assert done["properties"]["messageHash"] in done["buttons"][0]["customId"]
        assert done["properties"]["botType"] == "MID_JOURNEY"
    if dialect == "trueai":
        assert done["imageWidth"] == 768 and done["imageHeight"] == 512
        assert len(done["imageUrls"]) == 4 and all(fetch_png(u["url"]) == (384, 256) for u in done["imageUrls"])
        assert done["parentId"] is None and done["isCompleted"] is True and done["mode"] == "FAST"
    assert [b["label"] or b["emoji"] for b in done["buttons"]] == [
        "U1", "U2", "U3", "U4", "🔄", "V1", "V2", "V3", "V4",
    ]  # fmt: skip
    assert all(b["type"] == 2 and b["style"] == 2 for b in done["buttons"])

    # U1
    resp = c.post("/mj/submit/action", json={"taskId": imagine_id, "customId": button(done, "U1")})
    assert resp.json()["code"] == 1
    upscale_id = resp.json()["result"]
    assert upscale_id > imagine_id
    upscaled = poll(c, upscale_id)[-1]
    assert upscaled["status"] == "SUCCESS" and upscaled["action"] == "UPSCALE"
    assert fetch_png(upscaled["imageUrl"]) == (384, 256)
    assert sim.image_bytes(upscale_id) == httpx.get(upscaled["imageUrl"]).content
    assert sim.image_bytes(upscale_id) != sim.image_bytes(imagine_id)
    if dialect != "newapi":
        assert upscaled["prompt"] == "a red fox in snow --ar 3:2"
    labels = [b["label"] or b["emoji"] for b in upscaled["buttons"]]
    assert labels[:8] == [
        "Upscale (Subtle)", "Upscale (Creative)", "Vary (Subtle)", "Vary (Strong)", "Vary (Region)",
        "Zoom Out 2x", "Zoom Out 1.5x", "Custom Zoom",
    ]  # fmt: skip
    assert button(upscaled, "Vary (Region)").startswith("MJ::Inpaint::1::")

    # Vary (Region): 21 + MODAL, then the modal with a mask
    resp = c.post("/mj/submit/action", json={"taskId": upscale_id, "customId": button(upscaled, "Vary (Region)")})
    assert resp.status_code == 200
    modal = resp.json()
    assert modal["code"] == 21 and modal["description"] == "Waiting for window confirm"
    assert modal["properties"]["remix"] is True
    expected_final = "" if dialect == "trueai" else "a red fox in snow --ar 3:2"
    assert modal["properties"]["finalPrompt"] == expected_final
    inpaint_id = modal["result"]
    for _ in range(3):  # waits for the modal; observing does not move it
        task = c.get(f"/mj/task/{inpaint_id}/fetch").json()
        assert task["status"] == "MODAL" and task["action"] == "INPAINT"
    mask = solid_png(384, 256, (255, 255, 255))
    resp = c.post("/mj/submit/modal", json={"taskId": inpaint_id, "prompt": "", "maskBase64": data_url(mask)})
    assert resp.json()["code"] == 1 and resp.json()["result"] == inpaint_id
    assert sim.masks[inpaint_id] == mask
    inpainted = poll(c, inpaint_id)
    assert inpainted[0]["status"] == "SUBMITTED"
    assert inpainted[-1]["status"] == "SUCCESS" and inpainted[-1]["action"] == "INPAINT"
    assert inpainted[-1]["properties"]["finalPrompt"] == "a red fox in snow --ar 3:2"
    assert fetch_png(inpainted[-1]["imageUrl"]) == (768, 512)

    # Zoom Out 2x from the upscale
    resp = c.post("/mj/submit/action", json={"taskId": upscale_id, "customId": button(upscaled, "Zoom Out 2x")})
    assert resp.json()["code"] == 1
    zoomed = poll(c, resp.json()["result"])[-1]
    assert zoomed["status"] == "SUCCESS"
    assert zoomed["action"] == ("ZOOM" if dialect == "newapi" else "OUTPAINT")
    assert fetch_png(zoomed["imageUrl"]) == (768, 512)

    assert len(sim.tasks_by_id) == 4
    assert sim.tasks_by_id[inpaint_id]["status"] == "SUCCESS"
    assert [path for path, _ in sim.submits] == [
        "/mj/submit/imagine", "/mj/submit/action", "/mj/submit/action", "/mj/submit/modal", "/mj/submit/action",
    ]  # fmt: skip
    assert sim.submits[3][1]["maskBase64"] == data_url(mask)  # stored as it came


@pytest.mark.parametrize("dialect", DIALECTS)
def test_unknown_task_fetch_shape(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect)
    resp = c.get("/mj/task/1234567890123456/fetch")
    if dialect == "novicezk":
        assert (resp.status_code, resp.content) == (200, b"")
    elif dialect == "trueai":
        assert (resp.status_code, resp.content) == (204, b"")
    else:
        assert resp.status_code == 400
        assert resp.content == b'{"code":4,"description":"task_no_found ","type":"upstream_error"}'


@pytest.mark.parametrize("dialect", DIALECTS)
def test_banned_word_and_empty_prompt(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect)
    banned = c.post("/mj/submit/imagine", json={"prompt": "a Nude statue"})
    empty = c.post("/mj/submit/imagine", json={"prompt": "  "})
    if dialect == "newapi":
        assert banned.status_code == 400
        assert banned.json() == {"code": 24, "description": "可能包含敏感词 ", "type": "upstream_error"}
        assert empty.status_code == 400
        assert empty.json() == {"code": 4, "description": "prompt_is_required ", "type": "upstream_error"}
    else:
        assert banned.status_code == 200
        body = banned.json()
        assert body["code"] == 24 and body["description"] == "可能包含敏感词"
        assert body["properties"] == {"promptEn": "a Nude statue", "bannedWord": "nude"}
        assert empty.status_code == 200
        assert empty.json()["code"] == 4 and empty.json()["description"] == "prompt不能为空"
    assert sim.tasks_by_id == {}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_queue_position(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    sim.queue_next(2)
    body = c.post("/mj/submit/imagine", json={"prompt": "a lighthouse"}).json()
    assert body["code"] == (1 if dialect == "newapi" else 22)  # new-api rewrites 22 to 1
    assert body["description"] == "排队中，前面还有2个任务"
    assert body["properties"]["numberOfQueues"] == 2
    statuses = [t["status"] for t in poll(c, body["result"])]
    assert statuses == ["NOT_START", "SUBMITTED", "IN_PROGRESS", "SUCCESS"]
    assert c.post("/mj/submit/imagine", json={"prompt": "again"}).json()["code"] == 1  # only the next one


@pytest.mark.parametrize("dialect", ["novicezk", "trueai"])
def test_describe_gives_four_prompts(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    upload = grid_png(64, 96, [(200, 10, 10)] * 4)
    body = c.post("/mj/submit/describe", json={"base64": data_url(upload)}).json()
    assert body["code"] == 1
    seen = poll(c, body["result"])
    assert all(t["imageUrl"] is None for t in seen[:-1])
    done = seen[-1]
    assert done["action"] == "DESCRIBE"
    final = done["properties"]["finalPrompt"]
    parts = final.split("\n\n")
    assert [p[:3] for p in parts] == ["1️⃣", "2️⃣", "3️⃣", "4️⃣"]
    assert all(p.endswith("--ar 2:3") for p in parts)
    assert done["prompt"] == final and done["promptEn"] == final
    assert done["description"] == f"/describe {done['id']}.png"
    assert "/ephemeral-attachments/" in done["imageUrl"]
    assert httpx.get(done["imageUrl"]).content == upload
    assert [(b["customId"], b["emoji"], b["label"]) for b in done["buttons"]][-2:] == [
        ("MJ::Picread::Retry", "🔄", ""),
        ("MJ::Job::PicReader::all", "🎉", "Imagine all"),
    ]
    # a PicReader follow-up asks for the modal, pre-filled with the chosen prompt
    resp = c.post("/mj/submit/action", json={"taskId": done["id"], "customId": "MJ::Job::PicReader::2"}).json()
    assert resp["code"] == 21 and resp["properties"]["finalPrompt"] == parts[1][3:].strip()
    bad = c.post("/mj/submit/describe", json={"base64": "data:image/png;base64,@@@"}).json()
    assert bad["code"] == 4 and bad["description"] == "base64格式错误"


def test_newapi_refuses_describe_follow_ups(make_sim: Make) -> None:
    sim, c = make_sim("newapi", steps=1)
    task_id = c.post("/mj/submit/describe", json={"base64": data_url(solid_png(8, 8, (1, 2, 3)))}).json()["result"]
    done = poll(c, task_id)[-1]
    assert done["imageUrl"] == f"{sim.origin}/mj/image/{task_id}"
    assert decode_png(httpx.get(done["imageUrl"]).content) == (8, 8)
    resp = c.post("/mj/submit/action", json={"taskId": task_id, "customId": "MJ::Job::PicReader::1"})
    assert resp.status_code == 400
    assert resp.json()["description"] == "unknown_action:MJ::Job::PicReader::1 "


@pytest.mark.parametrize("dialect", DIALECTS)
def test_blend_validation_and_aspect(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    img = data_url(solid_png(4, 4, (9, 9, 9)))
    one = c.post("/mj/submit/blend", json={"base64Array": [img], "dimensions": "SQUARE"})
    six = c.post("/mj/submit/blend", json={"base64Array": [img] * 6})
    bad_dim = c.post("/mj/submit/blend", json={"base64Array": [img, img], "dimensions": "WIDE"})
    for resp, desc in ((one, "base64List参数错误"), (six, "base64List参数错误"), (bad_dim, "dimensions参数错误")):
        if dialect == "newapi":
            assert resp.status_code == 400 and resp.json()["description"] == desc + " "
        else:
            assert resp.status_code == 200 and resp.json()["description"] == desc
        assert resp.json()["code"] == 4
    ok = c.post("/mj/submit/blend", json={"base64Array": [img, img], "dimensions": "PORTRAIT"}).json()
    done = poll(c, ok["result"])[-1]
    assert done["action"] == "BLEND"
    assert done["properties"]["finalPrompt"].endswith(" --ar 2:3")
    assert fetch_png(done["imageUrl"]) == (512, 768)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_hold_and_release(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=2)
    task_id = c.post("/mj/submit/imagine", json={"prompt": "a bridge"}).json()["result"]
    assert c.get(f"/mj/task/{task_id}/fetch").json()["status"] == "SUBMITTED"
    assert c.get(f"/mj/task/{task_id}/fetch").json()["progress"] == "33%"
    sim.hold(task_id)
    for _ in range(4):
        assert c.get(f"/mj/task/{task_id}/fetch").json()["progress"] == "33%"
        listed = c.post("/mj/task/list-by-condition", json={"ids": [task_id, "9999999999999999"]}).json()
        assert [t["progress"] for t in listed] == ["33%"]
    sim.release(task_id)
    listed = c.post("/mj/task/list-by-condition", json={"ids": [task_id]}).json()
    assert listed[0]["progress"] == "66%"  # list-by-condition observes too
    sim.hold("*")
    assert c.get(f"/mj/task/{task_id}/fetch").json()["progress"] == "66%"
    sim.release()
    assert c.get(f"/mj/task/{task_id}/fetch").json()["status"] == "SUCCESS"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_fail_next(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect)
    sim.fail_next("Banned prompt detected")
    seen = poll(c, c.post("/mj/submit/imagine", json={"prompt": "a cat"}).json()["result"])
    assert [t["status"] for t in seen] == ["SUBMITTED", "FAILURE"]
    failed = seen[-1]
    assert failed["failReason"] == "Banned prompt detected"
    assert failed["progress"] == ("100%" if dialect == "newapi" else "")
    assert failed["imageUrl"] in (None, "")
    assert (
        poll(c, c.post("/mj/submit/imagine", json={"prompt": "a dog"}).json()["result"])[-1]["status"] == "SUCCESS"
    )


def test_open_source_novicezk_has_no_buttons_and_uses_change(make_sim: Make) -> None:
    sim, c = make_sim("novicezk", steps=1, buttons=False)
    task_id = c.post("/mj/submit/imagine", json={"prompt": "a castle"}).json()["result"]
    done = poll(c, task_id)[-1]
    assert "buttons" not in done
    assert list(done) == [
        "id", "properties", "action", "status", "prompt", "promptEn", "description", "state", "submitTime",
        "startTime", "finishTime", "imageUrl", "progress", "failReason",
    ]  # fmt: skip
    for path in ("/mj/submit/action", "/mj/submit/modal", "/mj/submit/shorten"):
        resp = c.post(path, json={"taskId": task_id, "customId": "x"})
        assert (resp.status_code, resp.text) == (404, "Not Found")
    assert c.get(f"/mj/task/{task_id}/image-seed").status_code == 404

    first = c.post("/mj/submit/change", json={"taskId": task_id, "action": "UPSCALE", "index": 2}).json()
    assert first["code"] == 1
    upscaled = poll(c, first["result"])[-1]
    assert upscaled["action"] == "UPSCALE" and upscaled["description"] == f"/up {task_id} U2"
    assert fetch_png(upscaled["imageUrl"]) == (256, 256)
    again = c.post("/mj/submit/change", json={"taskId": task_id, "action": "UPSCALE", "index": 2}).json()
    assert again["code"] == 21 and again["description"] == "任务已存在" and again["result"] == first["result"]
    assert again["properties"] == {"status": "SUCCESS", "imageUrl": upscaled["imageUrl"]}
    reroll = c.post("/mj/submit/simple-change", json={"content": f"{task_id} R"}).json()
    assert reroll["code"] == 1 and poll(c, reroll["result"])[-1]["action"] == "REROLL"
    not_grid = c.post("/mj/submit/change", json={"taskId": first["result"], "action": "VARIATION", "index": 1})
    assert not_grid.json()["description"] == "关联任务不允许执行变化"


@pytest.mark.parametrize("dialect", DIALECTS)
def test_action_errors(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    task_id = c.post("/mj/submit/imagine", json={"prompt": "a tree"}).json()["result"]
    custom = "MJ::JOB::upsample::1::00000000-0000-4000-8000-000000000000"
    unfinished = c.post("/mj/submit/action", json={"taskId": task_id, "customId": custom})
    unknown = c.post("/mj/submit/action", json={"taskId": "1111111111111111", "customId": custom})
    poll(c, task_id)
    foreign = c.post("/mj/submit/action", json={"taskId": task_id, "customId": custom})
    if dialect == "newapi":
        assert unfinished.status_code == unknown.status_code == foreign.status_code == 400
        assert unfinished.json()["description"] == "task_status_not_success "
        assert unknown.json()["description"] == "task_not_found "
        assert foreign.json()["description"] == "未知的 Action 类型 "
    else:
        assert unfinished.status_code == 200
        assert (unfinished.json()["code"], unfinished.json()["description"]) == (4, "关联任务状态错误")
        assert unknown.status_code == (404 if dialect == "trueai" else 200)
        assert (unknown.json()["code"], unknown.json()["description"]) == (3, "关联任务不存在或已失效")
        assert (foreign.json()["code"], foreign.json()["description"]) == (4, "未知的 Action 类型")


@pytest.mark.parametrize("dialect", DIALECTS)
def test_modal_validation(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    grid = poll(c, c.post("/mj/submit/imagine", json={"prompt": "a boat"}).json()["result"])[-1]
    up = poll(
        c,
        c.post("/mj/submit/action", json={"taskId": grid["id"], "customId": button(grid, "U3")}).json()["result"],
    )[-1]
    zoom = c.post("/mj/submit/action", json={"taskId": up["id"], "customId": button(up, "Custom Zoom")}).json()
    assert zoom["code"] == 21 and zoom["properties"]["finalPrompt"] == "a boat"
    no_zoom = c.post("/mj/submit/modal", json={"taskId": zoom["result"], "prompt": "a boat --ar 2:3"})
    assert no_zoom.json()["code"] == 4
    assert (
        c.post("/mj/submit/modal", json={"taskId": zoom["result"], "prompt": "a boat --ar 2:3 --zoom 1.5"}).json()[
            "code"
        ]
        == 1
    )
    zoomed = poll(c, zoom["result"])[-1]
    assert zoomed["action"] == ("CUSTOM_ZOOM" if dialect == "newapi" else "ZOOM")
    assert fetch_png(zoomed["imageUrl"]) == (512, 768)
    again = c.post("/mj/submit/modal", json={"taskId": zoom["result"], "prompt": "x --zoom 2"})
    assert again.json()["code"] == 4  # no longer waiting for a modal
    region = c.post("/mj/submit/action", json={"taskId": up["id"], "customId": button(up, "Vary (Region)")}).json()
    not_png = data_url(b"GIF89a" + b"\x00" * 20)
    bad_mask = c.post("/mj/submit/modal", json={"taskId": region["result"], "maskBase64": not_png})
    assert bad_mask.json()["code"] == 4
    assert region["result"] not in sim.masks
    bare = base64.b64encode(solid_png(2, 2, (0, 0, 0))).decode()
    assert c.post("/mj/submit/modal", json={"taskId": region["result"], "maskBase64": bare}).json()["code"] == 1
    assert decode_png(sim.masks[region["result"]]) == (2, 2)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_image_seed_and_shorten(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    task_id = c.post("/mj/submit/imagine", json={"prompt": "a comet"}).json()["result"]
    early = c.get(f"/mj/task/{task_id}/image-seed")
    assert early.status_code == 400 and early.json()["code"] == 4
    poll(c, task_id)
    seed = c.get(f"/mj/task/{task_id}/image-seed")
    assert seed.status_code == 200
    assert seed.json()["code"] == 1 and seed.json()["description"] == "成功"
    assert re.fullmatch(r"\d+", seed.json()["result"])
    missing = c.get("/mj/task/2222222222222222/image-seed")
    assert missing.status_code == (400 if dialect == "newapi" else 404)

    long_prompt = "a very detailed oil painting of an old harbour town at sunset with many boats --ar 16:9"
    short = poll(c, c.post("/mj/submit/shorten", json={"prompt": long_prompt}).json()["result"])[-1]
    assert short["action"] == "SHORTEN"
    options = short["properties"]["finalPrompt"].split("\n\n")
    assert [o[:3] for o in options] == ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣"]
    lengths = [len(o) for o in options]
    assert lengths == sorted(lengths, reverse=True) and lengths[0] < len(long_prompt)
    assert [b["customId"] for b in short["buttons"]] == [f"MJ::Job::PromptAnalyzer::{n}" for n in range(1, 6)]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_mode_prefix_auth_and_relay_html(make_sim: Make, dialect: str) -> None:
    sim, c = make_sim(dialect, steps=1)
    resp = c.post("/mj-relax/mj/submit/imagine", json={"prompt": "a moon"})
    assert resp.json()["code"] == 1
    done = poll(c, resp.json()["result"])[-1]
    if dialect == "trueai":
        assert done["mode"] == "RELAX" and done["requestMode"] == "RELAX"
    assert httpx.post(f"{sim.url}/mj/submit/imagine", json={"prompt": "x"}).status_code == 401
    assert httpx.get(f"{sim.url}/mj/task/{done['id']}/fetch", headers={"mj-api-secret": "nope"}).status_code in (
        401,
        403,
    )
    assert b"<title>Midjourney Proxy</title>" in httpx.get(f"{sim.url}/").content
    assert httpx.get(f"{sim.url}/attachments/1/2/gone.png").status_code == 404
    if dialect == "newapi":  # the image forwarder is registered before TokenAuth
        assert fetch_png(f"{sim.url}/mj/image/{done['id']}") == (512, 512)
    else:
        assert httpx.get(f"{sim.url}/mj/image/{done['id']}").status_code == 401


def test_trueai_extras(make_sim: Make) -> None:
    sim, c = make_sim("trueai", steps=1)
    grid = poll(
        c, c.post("/mj/submit/imagine", json={"prompt": "a fern --v 6.1", "botType": "niji"}).json()["result"]
    )
    done = grid[-1]
    assert done["botType"] == "NIJI_JOURNEY" and done["version"] == "v 6.1"
    assert list(done)[-2:] == ["id", "properties"]
    assert {"seed", "clientIp", "imageUrls", "videoUrl", "messageIds", "displays"} <= set(done)
    assert done["properties"]["messageContent"].startswith("**a fern --v 6.1** - <@")
    bookmark = done["buttons"][0]["customId"].replace("JOB::upsample::1", "BOOKMARK").split("::")[:3]
    up = poll(
        c,
        c.post("/mj/submit/action", json={"taskId": done["id"], "customId": button(done, "U2")}).json()["result"],
    )
    assert up[-1]["parentId"] == done["id"]
    heart = button(up[-1], "❤️")
    assert heart.startswith("MJ::BOOKMARK::") and bookmark[:2] == ["MJ", "BOOKMARK"]
    liked = c.post("/mj/submit/action", json={"taskId": up[-1]["id"], "customId": heart}).json()
    assert liked == {"code": 1, "description": "成功", "result": up[-1]["id"], "properties": {}}
    assert len(sim.tasks_by_id) == 2
