"""The midjourney-proxy client against the loopback fake, in its three dialects."""

import json

import pytest

from desktop_client.core.api.midjourney import MjClient, MjStatus, parse_task
from desktop_client.core.errors import ApiError, ErrorKind
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.settings import MjAuth, ProfileKind
from tests.core.helpers import make_profile
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.server import Conn, Request

pytestmark = pytest.mark.asyncio
SECRET = "mj-secret-0000000001"
HASH = "4f6a1b2c-0d9e-4c1b-8a2f-1234567890ab"
TASK = {
    "id": "1712345678901234",
    "action": "IMAGINE",
    "status": "SUCCESS",
    "prompt": "a cat in the rain",
    "promptEn": "a cat in the rain",
    "progress": "100%",
    "imageUrl": "https://cdn.discordapp.com/attachments/1/2/grid.png?ex=1&is=2&hm=3&",
    "failReason": None,
    "submitTime": 1712345678000,
    "finishTime": 1712345699000,
    "properties": {"finalPrompt": "a cat in the rain --v 6", "messageHash": HASH},
    "buttons": [
        {"customId": f"MJ::JOB::upsample::1::{HASH}", "emoji": "", "label": "U1", "type": 2, "style": 2},
        {"customId": f"MJ::JOB::reroll::0::{HASH}::SOLO", "emoji": "🔄", "label": "", "type": 2, "style": 2},
        {"customId": f"MJ::JOB::variation::3::{HASH}", "emoji": "", "label": "V3", "type": 2, "style": 2},
        {"customId": f"MJ::Inpaint::1::{HASH}::SOLO", "emoji": "🖌️", "label": "Vary (Region)", "type": 2},
    ],
    "someFutureKey": {"ignored": True},
}


async def client_for(fake: FakeMidjourney, **kwargs) -> tuple[MjClient, SecureHttp]:
    http = SecureHttp(make_profile(fake.url, SECRET, kind=ProfileKind.MIDJOURNEY, **kwargs))
    return MjClient(http), http


def answer(body: object, status: int = 200):
    def handle(request: Request, conn: Conn) -> None:
        if body is None:
            conn.send_response(status, b"", {"Content-Type": "application/json"})
        else:
            conn.send_json(status, body)

    return handle


@pytest.mark.parametrize("dialect", ["novicezk", "trueai", "newapi"])
async def test_imagine_is_submitted_with_the_dialects_auth(dialect) -> None:
    with FakeMidjourney(SECRET, dialect=dialect) as fake:
        seen = []

        def submit(request: Request, conn: Conn) -> None:
            seen.append(request)
            conn.send_json(
                200,
                {
                    "code": 1,
                    "description": "提交成功",
                    "result": "1712345678901234",
                    "properties": {"discordInstanceId": "1"},
                },
            )

        fake.route_overrides[("POST", "/mj/submit/imagine")] = submit
        client, http = await client_for(fake)
        try:
            result = await client.imagine("a cat --ar 16:9", images=["data:image/png;base64,iVBORw0KGgo="])
        finally:
            await http.aclose()
    assert result.task_id == "1712345678901234" and not result.needs_modal
    body = seen[0].json()
    assert body == {
        "prompt": "a cat --ar 16:9",
        "botType": "MID_JOURNEY",
        "base64Array": ["data:image/png;base64,iVBORw0KGgo="],
    }
    assert seen[0].headers["mj-api-secret"] == SECRET and "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("body", "check"),
    [
        (
            {
                "code": 22,
                "description": "排队中，前面还有1个任务",
                "result": "9",
                "properties": {"numberOfQueues": 1},
            },
            lambda r: r.queue_position == 1,
        ),
        ({"code": 21, "description": "Waiting for window confirm", "result": "9"}, lambda r: r.needs_modal),
        ({"code": 1, "description": "Waiting for window confirm", "result": "9"}, lambda r: r.needs_modal),
    ],
)
async def test_accepted_codes(body, check) -> None:
    with FakeMidjourney(SECRET) as fake:
        fake.route_overrides[("POST", "/mj/submit/action")] = answer(body)
        client, http = await client_for(fake)
        try:
            result = await client.action("9", f"MJ::Inpaint::1::{HASH}::SOLO")
        finally:
            await http.aclose()
    assert result.task_id == "9" and check(result)


@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (
            200,
            {
                "code": 24,
                "description": "可能包含敏感词",
                "properties": {"promptEn": "nude body", "bannedWord": "nude"},
            },
            ErrorKind.BAD_INPUT,
            "'nude'",
        ),
        (
            200,
            {"code": 23, "description": "队列已满，请稍后尝试", "result": "1"},
            ErrorKind.RATE_LIMIT,
            "queue is full",
        ),
        (200, {"code": 3, "description": "无可用的账号实例"}, ErrorKind.NOT_FOUND, "no Midjourney account"),
        (200, {"code": 4, "description": "prompt不能为空"}, ErrorKind.BAD_INPUT, "invalid"),
        (200, {"code": 9, "description": "failure"}, ErrorKind.SERVER, "code 9"),
        (
            400,
            {"description": "quota not enough ", "type": "upstream_error", "code": 4},
            ErrorKind.BAD_INPUT,
            "invalid",
        ),
        (429, {"description": "rate limited", "type": "upstream_error", "code": 30}, ErrorKind.RATE_LIMIT, "Rate"),
        (404, {"code": 3, "description": "关联任务不存在或已失效"}, ErrorKind.NOT_FOUND, "no longer exists"),
    ],
)
async def test_every_failing_code_is_one_clear_error(status, body, kind, words) -> None:
    with FakeMidjourney(SECRET) as fake:
        fake.route_overrides[("POST", "/mj/submit/imagine")] = answer(body, status)
        client, http = await client_for(fake)
        try:
            with pytest.raises(ApiError) as info:
                await client.imagine("x")
        finally:
            await http.aclose()
    assert info.value.kind is kind and words in str(info.value)


async def test_bad_secret_is_a_bad_key_even_with_an_empty_401() -> None:
    with FakeMidjourney(SECRET, dialect="novicezk") as fake:
        http = SecureHttp(make_profile(fake.url, "wrong-secret-01", kind=ProfileKind.MIDJOURNEY))
        try:
            with pytest.raises(ApiError) as info:
                await MjClient(http).list_by_condition(["1"])
        finally:
            await http.aclose()
    assert info.value.kind is ErrorKind.BAD_KEY


@pytest.mark.parametrize(
    "reply",
    [
        answer(None, 200),
        answer(None, 204),
        answer({"description": "task_no_found ", "type": "upstream_error", "code": 4}, 400),
    ],
)
async def test_unknown_task_is_not_found_not_a_crash(reply) -> None:
    with FakeMidjourney(SECRET) as fake:
        fake.route_overrides[("GET", "/mj/task/404/fetch")] = reply
        client, http = await client_for(fake)
        try:
            assert await client.fetch("404") is None
        finally:
            await http.aclose()


async def test_fetch_parses_a_real_shaped_task_and_finds_buttons() -> None:
    with FakeMidjourney(SECRET, dialect="trueai") as fake:
        fake.route_overrides[("GET", f"/mj/task/{TASK['id']}/fetch")] = answer(TASK)
        client, http = await client_for(fake, mj_auth=MjAuth.MJ_API_SECRET)
        try:
            task = await client.fetch(TASK["id"])
        finally:
            await http.aclose()
    assert task is not None and task.status is MjStatus.SUCCESS and task.status.terminal
    assert task.progress == 100 and task.final_prompt == "a cat in the rain --v 6"
    assert task.button("U1").custom_id.startswith("MJ::JOB::upsample::1")
    assert task.button("u1").label == "U1"
    assert task.button("🔄").custom_id.endswith("::SOLO")
    assert task.button("Vary (Region)").needs_modal
    assert not task.button("V3").needs_modal
    with pytest.raises(ApiError) as info:
        task.button("U9")
    assert "U1" in info.value.hint


async def test_progress_and_statuses_are_parsed_leniently() -> None:
    running = parse_task({"id": "1", "status": "IN_PROGRESS", "progress": "15%"})
    assert running.progress == 15 and not running.status.terminal
    assert parse_task({"id": "2", "status": "MODAL"}).status is MjStatus.MODAL
    assert parse_task({"id": "3", "status": "SOMETHING_NEW"}).status is MjStatus.UNKNOWN
    assert parse_task(None) is None and parse_task({}) is None


async def test_list_and_seed_and_blend_validation() -> None:
    with FakeMidjourney(SECRET, dialect="newapi") as fake:
        fake.tasks[TASK["id"]] = TASK
        fake.route_overrides[("GET", f"/mj/task/{TASK['id']}/image-seed")] = answer(
            {"code": 1, "description": "成功", "result": "3945617286"}
        )
        client, http = await client_for(fake)
        try:
            tasks = await client.list_by_condition([TASK["id"]])
            seed = await client.image_seed(TASK["id"])
            with pytest.raises(ApiError, match="2 to 5"):
                await client.blend(["data:image/png;base64,AA=="])
        finally:
            await http.aclose()
    assert [t.id for t in tasks] == [TASK["id"]]
    assert seed == "3945617286"
    assert json.dumps(TASK)  # the fixture itself stays valid JSON


async def test_a_relay_web_page_is_a_wrong_url() -> None:
    with FakeMidjourney(SECRET) as fake:
        client, http = await client_for(fake)
        http.base_url = fake.url + "/console"
        fake.route_overrides[("POST", "/console/mj/submit/imagine")] = lambda r, c: c.send_response(
            200, b"<!doctype html><html><title>New API</title></html>", {"Content-Type": "text/html"}
        )
        try:
            with pytest.raises(ApiError) as info:
                await client.imagine("x")
        finally:
            await http.aclose()
    assert info.value.kind is ErrorKind.WRONG_URL


async def test_trueai_login_refusal_is_a_bad_key_not_a_missing_task() -> None:
    with FakeMidjourney(SECRET, dialect="trueai") as fake:
        body = {"success": False, "code": -1, "message": "请重新登录", "data": None}
        fake.route_overrides[("GET", "/mj/task/T1/fetch")] = answer(body)
        client, http = await client_for(fake)
        with pytest.raises(ApiError) as caught:
            await client.fetch("T1")
        assert caught.value.kind is ErrorKind.BAD_KEY and caught.value.detail == "请重新登录"
        await http.aclose()
