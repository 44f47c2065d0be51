"""Every error shape from openai-wire.md and midjourney-proxy.md becomes one clear message."""

import httpx
import pytest

from desktop_client.core.errors import ErrorKind
from desktop_client.core.net.errors import error_from_response, parse_error_body
from desktop_client.core.settings import ProfileKind

JSON = httpx.Headers({"content-type": "application/json"})
HTML = httpx.Headers({"content-type": "text/html"})
NGINX_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

CASES = [
    (
        401,
        JSON,
        b'{"error":{"message":"Incorrect API key provided: sk-PMa***E873.","type":"invalid_request_error",'
        b'"param":null,"code":"invalid_api_key"}}',
        ErrorKind.BAD_KEY,
    ),
    (
        401,
        JSON,
        b'{"error":{"code":"","message":"\xe6\x97\xa0\xe6\x95\x88\xe7\x9a\x84\xe4\xbb\xa4\xe7\x89\x8c '
        b'(request id: 2025)","type":"new_api_error"}}',
        ErrorKind.BAD_KEY,
    ),
    (
        401,
        JSON,
        b'{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error",'
        b'"param":"None","code":"401"}}',
        ErrorKind.BAD_KEY,
    ),
    (401, httpx.Headers(), b"", ErrorKind.BAD_KEY),
    (
        403,
        JSON,
        b'{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or '
        b'territory not supported","param":null,"type":"request_forbidden"}}',
        ErrorKind.FORBIDDEN,
    ),
    (402, JSON, b'{"error":{"code":402,"message":"Insufficient credits"}}', ErrorKind.QUOTA),
    (
        402,
        JSON,
        b'{\n    "error": {\n        "message": "Insufficient Balance",\n        "type": "unknown_error",'
        b'\n        "param": null,\n        "code": "invalid_request_error"\n    }\n}',
        ErrorKind.QUOTA,
    ),
    (
        429,
        JSON,
        b'{\n  "error": {\n    "message": "You exceeded your current quota, please check your plan.",\n'
        b'    "type": "insufficient_quota",\n    "param": null,\n    "code": "insufficient_quota"\n  }\n}',
        ErrorKind.QUOTA,
    ),
    (429, JSON, b'{"error":{"message":"x","type":"billing","code":"credit_balance_exhausted"}}', ErrorKind.QUOTA),
    (
        429,
        JSON,
        b'{"error":{"message":"Rate limit reached for gpt-4o-mini","type":"tokens","param":null,'
        b'"code":"rate_limit_exceeded"}}',
        ErrorKind.RATE_LIMIT,
    ),
    (
        429,
        JSON,
        b'{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation..."}}',
        ErrorKind.RATE_LIMIT,
    ),
    (
        404,
        JSON,
        b'{\n    "error": {\n        "message": "The model `gpt-4.1-nano-wrong` does not exist or you do '
        b'not have access to it.",\n        "type": "invalid_request_error",\n        "param": null,\n'
        b'        "code": "model_not_found"\n    }\n}\n',
        ErrorKind.NOT_FOUND,
    ),
    (
        404,
        JSON,
        b'{"error":{"message":"model \'coder\' not found","type":"not_found_error","param":null,"code":null}}\n',
        ErrorKind.NOT_FOUND,
    ),
    (502, HTML, NGINX_502, ErrorKind.SERVER),
    (
        500,
        JSON,
        b'{"object":"error","message":"The engine is dead","type":"InternalServerError","param":null,"code":500}',
        ErrorKind.SERVER,
    ),
    (200, HTML, b"<!doctype html><html><head><title>One API</title></head></html>", ErrorKind.WRONG_URL),
    (404, HTML, b"<!DOCTYPE html><html><title>Not Found</title></html>", ErrorKind.WRONG_URL),
    (400, JSON, b'{"description":"task_no_found ","type":"upstream_error","code":4}', ErrorKind.BAD_INPUT),
]


@pytest.mark.parametrize(("status", "headers", "body", "kind"), CASES)
def test_error_shapes(status, headers, body, kind) -> None:
    error = error_from_response(status, headers, body, ProfileKind.OPENAI)
    assert error.kind is kind, str(error)
    text = str(error)
    assert error.hint and "\n" not in text
    assert "sk-PMa" not in text or "***" in text


def test_server_message_is_kept_as_detail() -> None:
    error = error_from_response(502, HTML, NGINX_502, ProfileKind.OPENAI)
    assert error.detail == "502 Bad Gateway"
    quota = error_from_response(429, JSON, CASES[7][2], ProfileKind.OPENAI)
    assert "exceeded your current quota" in quota.detail


@pytest.mark.parametrize(
    ("body", "message", "code"),
    [
        (b'{"error":"plain string"}', "plain string", ""),
        (b'{"object":"error","message":"m","code":400}', "m", "400"),
        (b'{"description":"task_no_found ","type":"upstream_error","code":4}', "task_no_found", "4"),
        (b"null", None, None),
        (b"<html>", None, None),
        (b"", None, None),
    ],
)
def test_parse_error_body(body, message, code) -> None:
    parsed = parse_error_body(body)
    if message is None:
        assert parsed is None
    else:
        assert parsed.message == message and parsed.code == code
