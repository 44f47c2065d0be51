"""Test connection against real loopback servers, in plain words."""

import pytest

from desktop_client.core.errors import ErrorKind
from desktop_client.core.net.client import SecureHttp
from desktop_client.core.services.connection import check_connection
from desktop_client.core.settings import MjAuth, ProfileKind
from tests.core.helpers import make_profile
from tests.fakes.mj_fake import FakeMidjourney
from tests.fakes.openai_fake import FakeOpenAI
from tests.fakes.server import Conn, LoopbackServer, Request
from tests.fakes.tls import make_self_signed

pytestmark = pytest.mark.asyncio
KEY = "sk-conn-test-00000000000001"


async def run(profile):
    http = SecureHttp(profile)
    try:
        return await check_connection(http)
    finally:
        await http.aclose()


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
async def test_openai_ok_with_or_without_v1(suffix: str) -> None:
    with FakeOpenAI(KEY, models=["gpt-4o", "gpt-4o-mini", "dall-e-3"]) as fake:
        report = await run(make_profile(fake.url + suffix.rstrip("/"), KEY))
    assert report.ok, report.summary
    assert report.summary == "OK (3 models)"
    assert report.models == ["gpt-4o", "gpt-4o-mini", "dall-e-3"]  # chat models first
    assert report.model_for("") == "gpt-4o" and report.model_for("mine") == "mine"
    assert [r.path for r in fake.requests] == ["/v1/models"]


async def test_openai_bad_key() -> None:
    with FakeOpenAI(KEY) as fake:
        report = await run(make_profile(fake.url, "sk-wrong-key-000000000001"))
    assert not report.ok
    assert report.error.kind is ErrorKind.BAD_KEY
    assert report.summary.startswith("Bad key")


async def test_openai_web_page_means_wrong_url() -> None:
    with FakeOpenAI(KEY, spa_everywhere=True) as fake:
        report = await run(make_profile(fake.url, KEY))
    assert report.error.kind is ErrorKind.WRONG_URL
    assert "web page, not the API" in report.summary
    assert "base URL" in report.error.hint


async def test_unreachable_and_tls(tmp_path) -> None:
    with FakeOpenAI(KEY) as fake:
        url = fake.url
    report = await run(make_profile(url, KEY))
    assert report.error.kind is ErrorKind.UNREACHABLE and report.summary.startswith("Unreachable")
    context, _ = make_self_signed(tmp_path)
    with FakeOpenAI(KEY, ssl_context=context) as fake:
        report = await run(make_profile(fake.url, KEY))
    assert report.error.kind is ErrorKind.TLS and report.summary.startswith("TLS problem")


@pytest.mark.parametrize(
    ("body", "models"),
    [
        (b'{"object":"list","data":null}', 0),  # Ollama with no models
        (b'{"object":"list"}', 0),  # LiteLLM/vLLM with none
        (b'\n\n\n{"data":[{"id":"m1","permission":[],"root":"m1","parent":null}],"object":"list"}', 1),
    ],
)
async def test_model_list_variants(body: bytes, models: int) -> None:
    def handle(request: Request, conn: Conn) -> None:
        conn.send_response(200, body, {"Content-Type": "application/json"})

    with LoopbackServer(handle) as server:
        report = await run(make_profile(server.url, KEY))
    assert report.ok and len(report.models) == models


async def test_200_with_error_body_is_an_error() -> None:
    body = (
        b'{"error":{"message":"The model \'x\' does not exist","type":"invalid_request_error",'
        b'"param":"model","code":"model_not_found"}}'
    )
    with LoopbackServer(lambda r, c: c.send_response(200, body, {"Content-Type": "application/json"})) as server:
        report = await run(make_profile(server.url, KEY))
    assert not report.ok and report.error.kind is ErrorKind.NOT_FOUND


async def test_json_that_is_not_the_api() -> None:
    with LoopbackServer(lambda r, c: c.send_json(200, {"hello": "world"})) as server:
        report = await run(make_profile(server.url, KEY))
    assert report.error.kind is ErrorKind.WRONG_URL


@pytest.mark.parametrize("dialect", ["novicezk", "trueai", "newapi"])
@pytest.mark.parametrize("prefix", ["", "/mj-relax"])
async def test_midjourney_ok_in_every_dialect(dialect: str, prefix: str) -> None:
    with FakeMidjourney(KEY, dialect=dialect) as fake:
        report = await run(make_profile(fake.url + prefix, KEY, kind=ProfileKind.MIDJOURNEY))
    assert report.ok, report.summary
    assert fake.requests[0].path == f"{prefix}/mj/task/list-by-condition"
    assert fake.requests[0].json() == {"ids": []}
    assert not fake.both_headers_seen


@pytest.mark.parametrize("dialect", ["novicezk", "trueai", "newapi"])
async def test_midjourney_bad_secret_is_a_bad_key(dialect: str) -> None:
    with FakeMidjourney(KEY, dialect=dialect) as fake:
        report = await run(make_profile(fake.url, "wrong-secret-01", kind=ProfileKind.MIDJOURNEY))
    assert report.error.kind is ErrorKind.BAD_KEY, report.summary


async def test_bearer_mode_works_on_relays_only() -> None:
    profile_kwargs = {"kind": ProfileKind.MIDJOURNEY, "mj_auth": MjAuth.BEARER}
    with FakeMidjourney(KEY, dialect="newapi") as fake:
        assert (await run(make_profile(fake.url, KEY, **profile_kwargs))).ok
    # trueai uses the Authorization value raw: "Bearer X" is not X. Keyhold says "bad key".
    with FakeMidjourney(KEY, dialect="trueai") as fake:
        report = await run(make_profile(fake.url, KEY, **profile_kwargs))
    assert report.error.kind is ErrorKind.BAD_KEY


async def test_midjourney_base_pointing_at_relay_web_page() -> None:
    with FakeOpenAI(KEY, spa_everywhere=True) as fake:
        report = await run(make_profile(fake.url, KEY, kind=ProfileKind.MIDJOURNEY))
    assert report.error.kind is ErrorKind.WRONG_URL
    assert "/mj" in report.error.hint
