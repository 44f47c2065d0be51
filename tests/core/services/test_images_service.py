"""OpenAI image generation and edits over a real loopback server, into the gallery."""

from __future__ import annotations

import base64
import json

import pytest

from desktop_client.core.api.images import ImageRequest, Phase
from desktop_client.core.context import build_core
from desktop_client.core.errors import ErrorKind, InputError, KeyholdError
from desktop_client.core.secrets import MemorySecretStore
from desktop_client.core.settings import ProfileKind
from tests.fakes.images_fake import FakeImages, ImageCDN, rgba_png
from tests.fakes.mj_sim import png_size, solid_png
from tests.fakes.openai_fake import SPA_HTML
from tests.fakes.openai_streams import Reply, html_reply, json_reply

pytestmark = pytest.mark.asyncio
KEY = "sk-images-canary-0000000000000001"
POLICY = (
    b'{"error":{"code":"content_policy_violation","message":"Your request was rejected as a result of our '
    b'safety system.","type":"invalid_request_error","param":null}}'
)


@pytest.fixture
def setup(home):
    made = []

    def make(**options):
        fake = FakeImages(KEY, **options).start()
        core = build_core(home, secrets=MemorySecretStore()).open_blocking()
        record, _ = core.profiles.add("relay", ProfileKind.OPENAI, fake.url, KEY)
        made.append((fake, core))
        return fake, core, record.id

    yield make
    for fake, core in made:
        fake.stop()
        if core.is_open:
            core.database.close()


async def run(core, coro):
    try:
        return await coro
    finally:
        await core.connections.aclose()  # the database stays open for the assertions


def sidecar(core, item) -> dict:
    return json.loads(core.gallery.absolute(item).with_suffix(".json").read_text(encoding="utf-8"))


async def test_gpt_image_b64_of_several_megabytes_lands_in_the_gallery(setup) -> None:
    fake, core, profile = setup(image_bytes=3_500_000)
    seen = []
    outcome = await run(
        core,
        core.images.generate(
            profile,
            ImageRequest("a lighthouse at dusk", "gpt-image-1", 1, "1536x1024", {"quality": "high"}),
            on_progress=seen.append,
        ),
    )
    (item,) = outcome.items
    call = fake.image_requests[0]
    assert call.endpoint == "generations"
    assert call.json == {
        "model": "gpt-image-1",
        "prompt": "a lighthouse at dusk",
        "size": "1536x1024",
        "quality": "high",
    }
    path = core.gallery.absolute(item)
    data = path.read_bytes()
    assert len(data) >= 3_500_000 and png_size(data) == (item.width, item.height)
    assert item.source == "openai" and item.model == "gpt-image-1" and item.prompt == "a lighthouse at dusk"
    document = sidecar(core, item)
    assert document["usage"]["total_tokens"] == outcome.usage["total_tokens"] > 0
    assert document["params"] == {"size": "1536x1024", "quality": "high"}
    assert document["server"]["quality"] == "high"
    # The body (~4.7 MB of base64) was counted as it arrived.
    received = [p.done for p in seen if p.phase is Phase.RECEIVING]
    assert len(received) > 3 and received == sorted(received) and received[-1] > 4_500_000
    assert core.gallery.store.items()[0].id == item.id


async def test_dalle3_url_form_is_downloaded_at_once_with_its_revised_prompt(setup) -> None:
    cdn = ImageCDN().start()
    try:
        fake, core, profile = setup(mode="url", cdn=cdn)
        outcome = await run(
            core,
            core.images.generate(
                profile, ImageRequest("a cat", "dall-e-3", 1, "1792x1024", {"style": "natural", "quality": "hd"})
            ),
        )
    finally:
        cdn.stop()
    (item,) = outcome.items
    sent = fake.image_requests[0].json
    assert sent["style"] == "natural" and sent["quality"] == "hd" and sent["response_format"] == "b64_json"
    assert "background" not in sent and "n" not in sent
    assert len(cdn.file_requests) == 1
    assert item.prompt_extra == "A revised a cat"
    document = sidecar(core, item)
    assert document["revised_prompt"] == "A revised a cat"
    # The fake CDN shares the server's host (another port): a host of the server is never written.
    assert "image_host" not in document
    assert core.gallery.absolute(item).read_bytes() in cdn.files.values()


async def test_mixed_url_and_b64_items_are_all_saved(setup) -> None:
    fake, core, profile = setup(mode="mixed", sas_query=False)
    outcome = await run(core, core.images.generate(profile, ImageRequest("tiles", "gpt-image-1", 4)))
    assert len(outcome.items) == 4 and not outcome.failures
    hashes = {core.gallery.absolute(i).read_bytes() for i in outcome.items}
    assert len(hashes) == 4
    assert len(fake.file_requests) == 2  # the two url items, fetched from the server's own origin
    for item in outcome.items:
        # The server's address is like the key: it reaches no file.
        assert fake.url.split("//")[1] not in core.gallery.absolute(item).with_suffix(".json").read_text()


async def test_an_expired_link_is_reported_and_the_other_images_kept(setup) -> None:
    fake, core, profile = setup(mode="mixed", files_gone=True)
    outcome = await run(core, core.images.generate(profile, ImageRequest("two", "gpt-image-1", 2)))
    assert len(outcome.items) == 1
    (failure,) = outcome.failures
    assert "HTTP 403" in failure.message and "expire" in failure.hint


async def test_all_links_expired_is_one_clear_error(setup) -> None:
    fake, core, profile = setup(mode="url", files_gone=True)
    with pytest.raises(KeyholdError, match="image link failed"):
        await run(core, core.images.generate(profile, ImageRequest("one", "dall-e-2")))
    assert core.gallery.store.count() == 0


async def test_multipart_edit_with_two_images_and_a_mask(setup, tmp_path) -> None:
    fake, core, profile = setup()
    first = tmp_path / "first.png"
    second = tmp_path / "second.png"
    first.write_bytes(solid_png(64, 48, (200, 10, 10)))
    second.write_bytes(solid_png(32, 32, (10, 200, 10)))
    mask = rgba_png(64, 48, (0, 0, 0, 0))
    outcome = await run(
        core,
        core.images.edit(
            profile, ImageRequest("put them together", "gpt-image-1", 1, "1024x1024"), [first, second], mask
        ),
    )
    call = fake.image_requests[0]
    assert call.endpoint == "edits"
    assert [f.field for f in call.files] == ["image[]", "image[]", "mask"]
    assert [f.data for f in call.files] == [first.read_bytes(), second.read_bytes(), mask]
    assert [f.content_type for f in call.files] == ["image/png"] * 3
    assert call.fields["prompt"] == ["put them together"] and call.fields["model"] == ["gpt-image-1"]
    (item,) = outcome.items
    document = sidecar(core, item)
    assert document["action"] == "edit" and document["mask"] is True
    assert document["inputs"] == ["first.png", "second.png"]  # outside the data home: names only


async def test_dalle2_edit_sends_one_image_field(setup, tmp_path) -> None:
    fake, core, profile = setup()
    source = tmp_path / "square.png"
    source.write_bytes(rgba_png(64, 64, (10, 10, 10, 255)))
    await run(core, core.images.edit(profile, ImageRequest("brighter", "dall-e-2", 1, "256x256"), [source]))
    assert [f.field for f in fake.image_requests[0].files] == ["image"]


@pytest.mark.parametrize(
    ("reply", "kind", "words"),
    [
        (
            json_reply(
                429, b'{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}'
            ),
            ErrorKind.QUOTA,
            "Out of credit",
        ),
        (html_reply(200, SPA_HTML), ErrorKind.WRONG_URL, "web page"),
        (json_reply(400, POLICY), ErrorKind.BAD_INPUT, "safety system"),
        (
            json_reply(500, b'{"error":{"message":"upstream failed","type":"server_error"}}'),
            ErrorKind.SERVER,
            "Server error 500",
        ),
        (json_reply(200, b'{"created":1,"data":[]}'), ErrorKind.PROTOCOL, "without any image"),
    ],
)
async def test_error_bodies_become_one_clear_message(setup, reply: Reply, kind, words) -> None:
    fake, core, profile = setup(replies=[reply])
    with pytest.raises(KeyholdError) as caught:
        await run(core, core.images.generate(profile, ImageRequest("x", "gpt-image-1")))
    assert caught.value.kind is kind
    assert words in caught.value.one_line()
    assert KEY not in caught.value.one_line()
    assert len(fake.image_requests) == 1  # no retry: a 5xx may already have been billed


async def test_bad_key(setup) -> None:
    fake, core, profile = setup()
    core.profiles.rotate_key(profile, "sk-wrong-key-000000000000000000")
    with pytest.raises(KeyholdError) as caught:
        await run(core, core.images.generate(profile, ImageRequest("x", "gpt-image-1")))
    assert caught.value.kind is ErrorKind.BAD_KEY


async def test_rate_limit_with_retry_after_is_retried(setup) -> None:
    answer = {"created": 1700000000, "data": [{"b64_json": base64.b64encode(solid_png(8, 8, (1, 2, 3))).decode()}]}
    fake, core, profile = setup(
        replies=[
            json_reply(429, b'{"error":{"message":"slow down","type":"requests"}}', {"retry-after-ms": "10"}),
            json_reply(200, json.dumps(answer).encode()),
        ]
    )
    outcome = await run(core, core.images.generate(profile, ImageRequest("retry me", "gpt-image-1")))
    assert len(outcome.items) == 1 and len(fake.image_requests) == 2


async def test_parameters_are_checked_before_anything_is_sent(setup) -> None:
    fake, core, profile = setup()
    for request in (
        ImageRequest("x", "dall-e-3", n=2),
        ImageRequest("", "gpt-image-1"),
        ImageRequest("x", "dall-e-2", size="1792x1024"),
        ImageRequest("x", "gpt-image-1", options={"background": "transparent", "output_format": "jpeg"}),
        ImageRequest("x" * 4001, "dall-e-3"),
    ):
        with pytest.raises(InputError):
            await core.images.generate(profile, request)
    await core.connections.aclose()
    assert fake.image_requests == []
