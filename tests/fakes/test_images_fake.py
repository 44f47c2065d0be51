"""Conformance of the Images API fake itself, over real loopback sockets with plain httpx."""

from __future__ import annotations

import base64
import json
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.fakes.images_fake import (
    FakeImages,
    ImageCDN,
    MultipartError,
    parse_header_params,
    parse_multipart,
    rgba_png,
)
from tests.fakes.mj_sim import grid_png, png_size, solid_png
from tests.fakes.openai_fake import INVALID_KEY_BODY
from tests.fakes.openai_streams import NGINX_502, OPENAI_500, Reply, html_reply, json_reply

KEY = "sk-images-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}

Make = Callable[..., tuple[FakeImages, httpx.Client]]


@pytest.fixture
def make() -> Iterator[Make]:
    """make(**kwargs) -> (started FakeImages, client sending the right key)."""
    started: list[tuple[FakeImages, httpx.Client]] = []

    def _make(**kwargs: Any) -> tuple[FakeImages, httpx.Client]:
        fake = FakeImages(KEY, **kwargs).start()
        pair = (fake, httpx.Client(base_url=fake.url, headers=AUTH, timeout=20))
        started.append(pair)
        return pair

    yield _make
    for fake, client in started:
        client.close()
        fake.stop()
        assert fake.errors == []


def decode_png(data: bytes) -> tuple[int, int]:
    """Independent PNG check: signature, chunk CRCs, IHDR, IDAT inflating to the right size."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size, channels, kinds = 8, b"", (0, 0), 3, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        kinds.append(kind)
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6)
            size, channels = (width, height), 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert len(zlib.decompress(idat)) == size[1] * (size[0] * channels + 1)
    return size


def fetch_png(url: str) -> bytes:
    resp = httpx.get(url, timeout=20)  # blob links need no key
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "image/png"
    decode_png(resp.content)
    return resp.content


def item_png(item: dict[str, Any]) -> bytes:
    if "b64_json" in item:
        data = base64.b64decode(item["b64_json"], validate=True)
        decode_png(data)
        return data
    return fetch_png(item["url"])


def assert_openai_error(resp: httpx.Response, status: int, param: str | None = None) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == "application/json"
    assert resp.text.startswith('{\n  "error": {\n    "message": ')  # 2-space pretty, OpenAI key order
    assert resp.text.endswith("}\n")
    error = resp.json()["error"]
    assert list(error) == ["message", "type", "param", "code"]
    assert error["type"] == "invalid_request_error"
    if param is not None:
        assert error["param"] == param
    return error


# -- generations ----------------------------------------------------------------------------------


def test_dalle2_default_model_answers_urls_to_distinct_pngs(make: Make) -> None:
    fake, client = make()
    resp = client.post("/v1/images/generations", json={"prompt": "a red fox", "n": 3, "size": "256x256"})
    assert resp.status_code == 200
    assert resp.text.startswith('{\n  "created": ')
    assert resp.text.endswith("}\n")
    body = resp.json()
    assert list(body) == ["created", "data"]  # no gpt-image extras, no usage
    assert abs(body["created"] - time.time()) < 60
    assert [list(item) for item in body["data"]] == [["url"]] * 3
    pngs = [fetch_png(item["url"]) for item in body["data"]]
    assert len(set(pngs)) == 3
    assert {png_size(p) for p in pngs} == {(32, 32)}  # 1/8 per side by default
    for item in body["data"]:
        assert item["url"].startswith(f"{fake.url}/files/img-")
        assert ".png?st=" in item["url"] and "&sig=" in item["url"]
    assert len(fake.file_requests) == 3
    call = fake.image_requests[0]
    assert call.endpoint == "generations"
    assert call.json == {"prompt": "a red fox", "n": 3, "size": "256x256"}
    assert call.fields == {} and call.files == []
    assert call.headers["authorization"] == f"Bearer {KEY}"


def test_dalle2_b64_json_and_true_size(make: Make) -> None:
    _, client = make(true_size=True)
    resp = client.post(
        "/v1/images/generations", json={"prompt": "x", "size": "512x512", "response_format": "b64_json"}
    )
    assert resp.status_code == 200
    (item,) = resp.json()["data"]
    assert list(item) == ["b64_json"]
    assert decode_png(item_png(item)) == (512, 512)


def test_dalle3_adds_revised_prompt(make: Make) -> None:
    _, client = make()
    resp = client.post(
        "/v1/images/generations",
        json={
            "model": "dall-e-3",
            "prompt": "a lighthouse",
            "size": "1792x1024",
            "quality": "hd",
            "style": "natural",
        },
    )
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["created", "data"]
    (item,) = body["data"]
    assert item["revised_prompt"] == "A revised a lighthouse"
    assert decode_png(fetch_png(item["url"])) == (224, 128)


def test_gpt_image_always_b64_with_extras_and_usage(make: Make) -> None:
    fake, client = make()
    resp = client.post(
        "/v1/images/generations",
        json={"model": "gpt-image-1", "prompt": "a teapot", "n": 2, "size": "1536x1024", "quality": "low"},
    )
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["created", "data", "background", "output_format", "size", "quality", "usage"]
    assert (body["background"], body["output_format"], body["size"], body["quality"]) == (
        "opaque",
        "png",
        "1536x1024",
        "low",
    )
    usage = body["usage"]
    assert list(usage) == ["total_tokens", "input_tokens", "output_tokens", "input_tokens_details"]
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["output_tokens"] == 2 * 400
    assert set(usage["input_tokens_details"]) == {"text_tokens", "image_tokens"}
    assert [list(item) for item in body["data"]] == [["b64_json"], ["b64_json"]]
    pngs = [item_png(item) for item in body["data"]]
    assert pngs[0] != pngs[1]
    assert png_size(pngs[0]) == (192, 128)
    assert fake.file_requests == []


def test_gpt_image_auto_size_reports_1024(make: Make) -> None:
    _, client = make()
    resp = client.post("/v1/images/generations", json={"model": "gpt-image-1", "prompt": "p", "quality": "auto"})
    body = resp.json()
    assert (body["size"], body["quality"]) == ("1024x1024", "high")
    assert png_size(item_png(body["data"][0])) == (128, 128)


def test_url_mode_forces_links_for_gpt_image(make: Make) -> None:
    fake, client = make(mode="url", sas_query=False)
    resp = client.post("/v1/images/generations", json={"model": "gpt-image-1", "prompt": "p"})
    (item,) = resp.json()["data"]
    assert list(item) == ["url"]
    assert item["url"].startswith(f"{fake.url}/files/img-") and item["url"].endswith(".png")
    fetch_png(item["url"])
    assert [r.path for r in fake.file_requests] == [item["url"][len(fake.url) :]]
    head = httpx.head(item["url"])
    assert head.status_code == 200 and int(head.headers["content-length"]) > 0 and head.content == b""


def test_b64_mode_forces_inline_for_dalle3(make: Make) -> None:
    _, client = make(mode="b64")
    resp = client.post("/v1/images/generations", json={"model": "dall-e-3", "prompt": "p"})
    (item,) = resp.json()["data"]
    assert set(item) == {"revised_prompt", "b64_json"}


def test_mixed_mode_has_both_forms(make: Make) -> None:
    _, client = make(mode="mixed")
    resp = client.post("/v1/images/generations", json={"model": "gpt-image-1", "prompt": "p", "n": 4})
    data = resp.json()["data"]
    assert [next(iter(item)) for item in data] == ["url", "b64_json", "url", "b64_json"]
    assert len({item_png(item) for item in data}) == 4


def test_large_image_bytes_gives_big_b64(make: Make) -> None:
    _, client = make(image_bytes=3_500_000)
    resp = client.post("/v1/images/generations", json={"model": "gpt-image-1", "prompt": "big"})
    assert resp.status_code == 200
    encoded = resp.json()["data"][0]["b64_json"]
    assert len(encoded) >= 4_600_000
    data = base64.b64decode(encoded)
    assert len(data) >= 3_500_000
    width, height = decode_png(data)
    assert width == height  # the aspect of 1024x1024
    assert len(zlib.compress(data[100:200_000], 6)) > 199_000 * 0.99  # incompressible pixels


def test_cdn_and_url_host(make: Make) -> None:
    with ImageCDN() as cdn:
        fake, client = make(cdn=cdn)
        url = client.post("/v1/images/generations", json={"prompt": "p"}).json()["data"][0]["url"]
        assert url.startswith(f"{cdn.url}/files/img-")
        fetch_png(url)
        assert len(cdn.file_requests) == 1 and fake.file_requests == [] and fake.files == {}
        cdn.files_gone = True
        assert httpx.get(url).status_code == 403
        assert cdn.errors == []
    fake.url_host = "http://127.0.0.1:9"
    url = client.post("/v1/images/generations", json={"prompt": "p"}).json()["data"][0]["url"]
    assert url.startswith("http://127.0.0.1:9/files/img-")


def test_files_gone_answers_azure_403(make: Make) -> None:
    fake, client = make()
    url = client.post("/v1/images/generations", json={"prompt": "p"}).json()["data"][0]["url"]
    fake.files_gone = True
    resp = httpx.get(url)
    assert resp.status_code == 403
    assert resp.headers["content-type"] == "application/xml"
    assert resp.headers["x-ms-error-code"] == "AuthenticationFailed"
    assert resp.content.startswith(
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed'
    )
    assert b"Signature not valid in the specified time frame: Start [" in resp.content
    missing = httpx.get(f"{fake.url}/files/img-nope.png")
    assert missing.status_code == 403  # Azure checks the signature first
    fake.files_gone = False
    missing = httpx.get(f"{fake.url}/files/img-nope.png")
    assert missing.status_code == 404 and b"<Code>BlobNotFound</Code>" in missing.content


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk-wrong"}, {"Authorization": KEY}])
@pytest.mark.parametrize("path", ["/v1/images/generations", "/v1/images/edits"])
def test_bad_key_is_401(make: Make, headers: dict[str, str], path: str) -> None:
    fake, _ = make()
    resp = httpx.post(f"{fake.url}{path}", json={"prompt": "p"}, headers=headers)
    assert resp.status_code == 401
    assert resp.json() == INVALID_KEY_BODY
    assert KEY not in resp.text
    assert fake.image_requests == []


def test_dalle3_n2_is_400(make: Make) -> None:
    fake, client = make()
    resp = client.post("/v1/images/generations", json={"model": "dall-e-3", "prompt": "p", "n": 2})
    error = assert_openai_error(resp, 400)
    assert error == {
        "message": "You must provide n=1 for this model.",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    assert len(fake.image_requests) == 1  # rejected calls are recorded too


@pytest.mark.parametrize(
    ("body", "param", "code", "message"),
    [
        ({"n": 1}, "prompt", "missing_required_parameter", "Missing required parameter: 'prompt'."),
        ({"prompt": ""}, "prompt", "empty_string", None),
        ({"prompt": "p", "n": 11}, "n", "integer_above_max_value", None),
        ({"prompt": "p", "n": 0}, "n", "integer_below_min_value", None),
        ({"prompt": "p", "n": "2"}, "n", "invalid_type", None),
        ({"prompt": "p" * 1001}, "prompt", "string_above_max_length", None),
        ({"prompt": "p", "size": "1792x1024"}, None, "invalid_size", "The size is not supported by this model."),
        ({"prompt": "p", "model": "dall-e-3", "size": "512x512"}, None, "invalid_size", None),
        (
            {"prompt": "p", "model": "gpt-image-1", "size": "512x512"},
            "size",
            "invalid_value",
            "Invalid value: '512x512'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'.",
        ),
        (
            {"prompt": "p", "model": "gpt-image-1", "response_format": "b64_json"},
            "response_format",
            "unknown_parameter",
            "Unknown parameter: 'response_format'.",
        ),
        ({"prompt": "p", "model": "gpt-image-1", "style": "vivid"}, "style", "unknown_parameter", None),
        ({"prompt": "p", "style": "vivid"}, "style", "unknown_parameter", None),
        ({"prompt": "p", "quality": "standard"}, "quality", "unknown_parameter", None),
        (
            {"prompt": "p", "model": "dall-e-3", "background": "transparent"},
            "background",
            "unknown_parameter",
            None,
        ),
        ({"prompt": "p", "model": "dall-e-2", "output_format": "png"}, "output_format", "unknown_parameter", None),
        ({"prompt": "p", "model": "dall-e-3", "style": "anime"}, "style", "invalid_value", None),
        ({"prompt": "p", "response_format": "png"}, "response_format", "invalid_value", None),
        ({"prompt": "p", "model": "gpt-4o"}, "model", "invalid_value", None),
    ],
)
def test_generation_validation(
    make: Make, body: dict[str, Any], param: str | None, code: str, message: str | None
) -> None:
    _, client = make()
    error = assert_openai_error(client.post("/v1/images/generations", json=body), 400, param)
    assert error["code"] == code
    if message is not None:
        assert error["message"] == message


def test_gpt_image_2_takes_custom_sizes(make: Make) -> None:
    _, client = make()
    ok = client.post("/v1/images/generations", json={"model": "gpt-image-2", "prompt": "p", "size": "2048x1152"})
    assert ok.status_code == 200 and ok.json()["size"] == "2048x1152"
    bad = client.post("/v1/images/generations", json={"model": "gpt-image-2", "prompt": "p", "size": "1000x1000"})
    assert_openai_error(bad, 400, "size")


def test_null_values_count_as_absent(make: Make) -> None:
    _, client = make()
    resp = client.post(
        "/v1/images/generations",
        json={"model": "gpt-image-1", "prompt": "p", "response_format": None, "style": None},
    )
    assert resp.status_code == 200


def test_invalid_json_body(make: Make) -> None:
    fake, client = make()
    resp = client.post(
        "/v1/images/generations", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    error = assert_openai_error(resp, 400)
    assert error["message"].startswith("We could not parse the JSON body of your request.")
    assert fake.image_requests[0].json is None


# -- edits ----------------------------------------------------------------------------------------


def test_multipart_edit_with_two_images_and_mask(make: Make) -> None:
    fake, client = make()
    first, second = solid_png(64, 48, (200, 10, 10)), grid_png(40, 40, [(1, 2, 3)] * 4)
    mask = rgba_png(64, 48, (0, 0, 0, 0))
    odd_name = 'my "quoted" \\ café.png'
    resp = client.post(
        "/v1/images/edits",
        data={"model": "gpt-image-1", "prompt": "add a hat", "n": "2", "size": "1024x1536", "tag": ["a", "b"]},
        files=[
            ("image[]", ("first.png", first, "image/png")),
            ("image[]", (odd_name, second, "image/png")),
            ("mask", ("mask.png", mask, "image/png")),
        ],
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert len(body["data"]) == 2 and body["size"] == "1024x1536"
    assert body["usage"]["input_tokens_details"]["image_tokens"] > 0
    assert png_size(item_png(body["data"][0])) == (128, 192)

    (call,) = fake.image_requests
    assert call.endpoint == "edits" and call.json is None
    assert call.headers["content-type"].startswith("multipart/form-data; boundary=")
    assert call.fields == {
        "model": ["gpt-image-1"],
        "prompt": ["add a hat"],
        "n": ["2"],
        "size": ["1024x1536"],
        "tag": ["a", "b"],
    }
    assert [(f.field, f.filename, f.content_type) for f in call.files] == [
        ("image[]", "first.png", "image/png"),
        ("image[]", odd_name.replace('"', "%22"), "image/png"),  # httpx writes '"' as %22 (HTML5)
        ("mask", "mask.png", "image/png"),
    ]
    assert [f.data for f in call.files] == [first, second, mask]


def test_dalle2_edit_with_single_image(make: Make) -> None:
    _, client = make()
    image = rgba_png(256, 256, (10, 20, 30, 0))
    resp = client.post(
        "/v1/images/edits",
        data={"prompt": "p", "size": "256x256", "response_format": "b64_json"},
        files={"image": ("in.png", image, "image/png")},
    )
    assert resp.status_code == 200, resp.text
    assert png_size(item_png(resp.json()["data"][0])) == (32, 32)


def _edit(client: httpx.Client, data: dict[str, str], files: list[tuple[str, Any]]) -> httpx.Response:
    return client.post("/v1/images/edits", data=data, files=files)


def test_edit_wrong_size_mask_is_400(make: Make) -> None:
    _, client = make()
    resp = _edit(
        client,
        {"model": "gpt-image-1", "prompt": "p"},
        [
            ("image[]", ("a.png", solid_png(64, 64, (1, 1, 1)), "image/png")),
            ("mask", ("m.png", rgba_png(32, 32, (0, 0, 0, 0)), "image/png")),
        ],
    )
    error = assert_openai_error(resp, 400, "mask")
    assert "mask size does not match image size" in error["message"]
    not_png = _edit(
        client,
        {"model": "gpt-image-1", "prompt": "p"},
        [
            ("image[]", ("a.png", solid_png(8, 8, (1, 1, 1)), "image/png")),
            ("mask", ("m.png", b"GIF89a", "image/png")),
        ],
    )
    assert_openai_error(not_png, 400, "mask")


@pytest.mark.parametrize(
    ("data", "files", "param", "code"),
    [
        ({"prompt": "p", "model": "gpt-image-1"}, [], "image", "missing_required_parameter"),
        (
            {"prompt": "p"},
            [
                ("image[]", ("a.png", rgba_png(8, 8, (0, 0, 0, 0)), "image/png")),
                ("image[]", ("b.png", rgba_png(8, 8, (0, 0, 0, 0)), "image/png")),
            ],
            "image",
            "invalid_type",
        ),
        ({"prompt": "p"}, [("image", ("a.png", solid_png(8, 8, (9, 9, 9)), "image/png"))], None, "invalid_image"),
        (
            {"prompt": "p"},
            [("image", ("a.jpg", b"\xff\xd8\xff\xe0jpeg", "image/jpeg"))],
            "image",
            "unsupported_file_mimetype",
        ),
        (
            {"prompt": "p", "model": "gpt-image-1"},
            [("image[]", ("a.bin", solid_png(8, 8, (9, 9, 9)), "application/octet-stream"))],
            "image",
            "unsupported_file_mimetype",
        ),
        (
            {"prompt": "p", "model": "gpt-image-1"},
            [("image[]", ("a.png", b"not an image", "image/png"))],
            "image",
            "invalid_image_file",
        ),
        (
            {"prompt": "p", "model": "dall-e-3"},
            [("image", ("a.png", rgba_png(8, 8, (0, 0, 0, 0)), "image/png"))],
            "model",
            "invalid_value",
        ),
        (
            {"model": "gpt-image-1"},
            [("image[]", ("a.png", solid_png(8, 8, (9, 9, 9)), "image/png"))],
            "prompt",
            "missing_required_parameter",
        ),
    ],
)
def test_edit_validation(
    make: Make, data: dict[str, str], files: list[tuple[str, Any]], param: str | None, code: str
) -> None:
    _, client = make()
    if not files:  # httpx only sends multipart when there are files; build an empty-file-less form by hand
        boundary = "xYzBoundary"
        parts = "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in data.items()
        )
        resp = client.post(
            "/v1/images/edits",
            content=(parts + f"--{boundary}--\r\n").encode(),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
    else:
        resp = _edit(client, data, files)
    error = assert_openai_error(resp, 400, param)
    assert error["code"] == code


def test_dalle2_rgb_without_mask_allowed_when_alpha_not_required(make: Make) -> None:
    _, client = make(require_alpha=False)
    resp = _edit(client, {"prompt": "p"}, [("image", ("a.png", solid_png(8, 8, (9, 9, 9)), "image/png"))])
    assert resp.status_code == 200


def test_edit_with_json_body_is_400(make: Make) -> None:
    _, client = make()
    assert_openai_error(client.post("/v1/images/edits", json={"prompt": "p"}), 400)


# -- scripting ------------------------------------------------------------------------------------


def test_replies_override_in_order_last_repeats(make: Make) -> None:
    fake, client = make(replies=[json_reply(500, OPENAI_500), html_reply(502, NGINX_502)])
    first = client.post("/v1/images/generations", json={"prompt": "p"})
    assert first.status_code == 500 and first.content == OPENAI_500
    for _ in range(2):
        again = client.post("/v1/images/generations", json={"prompt": "p", "n": 99})  # no validation either
        assert again.status_code == 502 and again.content == NGINX_502
        assert again.headers["content-type"] == "text/html; charset=utf-8"
    assert len(fake.image_requests) == 3
    fake.replies = []
    assert client.post("/v1/images/generations", json={"prompt": "p"}).status_code == 200


def test_reply_can_drop_the_connection(make: Make) -> None:
    _, client = make(replies=[Reply(b'{"created": 1, "data": [', status=200, chunked=False, drop_at=10)])
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/v1/images/generations", json={"prompt": "p"})


def test_delay_waits_and_stop_cuts_it_short(make: Make) -> None:
    fake, client = make(delay=0.3)
    started = time.monotonic()
    assert client.post("/v1/images/generations", json={"prompt": "p"}).status_code == 200
    assert time.monotonic() - started >= 0.3

    fake.delay = 60
    outcome: list[BaseException | int] = []

    def call() -> None:
        try:
            outcome.append(
                httpx.post(f"{fake.url}/v1/images/generations", json={"prompt": "p"}, headers=AUTH).status_code
            )
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=call)
    thread.start()
    deadline = time.monotonic() + 5
    while len(fake.image_requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    fake.stop()
    thread.join(10)
    assert not thread.is_alive() and time.monotonic() - started < 6
    assert isinstance(outcome[0], httpx.HTTPError)


def test_concurrent_requests_are_all_recorded(make: Make) -> None:
    fake, _ = make()
    errors: list[BaseException] = []

    def call(i: int) -> None:
        try:
            resp = httpx.post(
                f"{fake.url}/v1/images/generations", json={"prompt": f"p{i}"}, headers=AUTH, timeout=20
            )
            assert resp.status_code == 200
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(c.json["prompt"] for c in fake.image_requests if c.json) == sorted(f"p{i}" for i in range(8))
    assert len(fake.files) == 8


def test_models_and_chat_still_work(make: Make) -> None:
    fake, client = make()
    models = client.get("/v1/models")
    assert models.status_code == 200
    assert "gpt-image-1" in [m["id"] for m in models.json()["data"]]
    chat = client.post("/v1/chat/completions", json={"model": "gpt-4o", "messages": [], "stream": True})
    assert chat.status_code == 200 and b"data: [DONE]" in chat.content
    assert len(fake.chat_requests) == 1 and fake.image_requests == []
    assert client.get("/v1/images/generations").status_code == 404


# -- the multipart parser on its own -----------------------------------------------------------------


def test_parse_multipart_framing() -> None:
    boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    data = b"--" + boundary.encode() + b"-not-a-delimiter\r\n\r\n--" + boundary.encode() + b"x"
    body = (
        b"preamble to ignore\r\n"
        + f"--{boundary}  \r\n".encode()  # transport padding after the delimiter
        + b'Content-Disposition: form-data; name="prompt"\r\n\r\n'
        + "h\u00e9llo\r\nworld".encode()
        + f"\r\n--{boundary}\r\n".encode()
        + b"Content-Disposition: form-data; name=image; filename*=utf-8''%E2%82%AC.png\r\n"
        + b"Content-Type: image/png\r\n\r\n"
        + data
        + f"\r\n--{boundary}\r\n".encode()
        + b'content-disposition: form-data; name="empty"; filename=""\r\n\r\n'
        + f"\r\n--{boundary}--\r\nepilogue".encode()
    )
    fields, files = parse_multipart(f'multipart/form-data; charset=utf-8; boundary="{boundary}"', body)
    assert fields == {"prompt": ["h\u00e9llo\r\nworld"]}
    assert [(f.field, f.filename, f.content_type, f.data) for f in files] == [
        ("image", "\u20ac.png", "image/png", data),
        ("empty", "", None, b""),
    ]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data", b"--x\r\n\r\n\r\n--x--\r\n"),  # no boundary
        ("application/json", b"{}"),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nv',
        ),  # no close
        ("multipart/form-data; boundary=x", b"--x\r\nContent-Type: text/plain\r\n\r\nv\r\n--x--\r\n"),  # no name
        ("multipart/form-data; boundary=x", b"nothing here"),
    ],
)
def test_parse_multipart_rejects(content_type: str, body: bytes) -> None:
    with pytest.raises(MultipartError):
        parse_multipart(content_type, body)


def test_parse_header_params() -> None:
    assert parse_header_params('form-data; name="a;b"; filename="c\\"d.png"') == (
        "form-data",
        {"name": "a;b", "filename": 'c"d.png'},
    )
    assert parse_header_params("multipart/form-data;boundary=abc ; x=1") == (
        "multipart/form-data",
        {"boundary": "abc", "x": "1"},
    )


def test_error_bodies_are_pretty_json(make: Make) -> None:
    _, client = make()
    resp = client.post("/v1/images/generations", json={"model": "gpt-image-1", "prompt": "p", "size": "1x1"})
    assert json.loads(resp.content) == resp.json()
    assert "\n    " in resp.text  # nested keys are indented two more spaces
