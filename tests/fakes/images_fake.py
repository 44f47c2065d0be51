"""A loopback fake of the OpenAI Images API (``/v1/images/generations`` and ``/v1/images/edits``).

``FakeImages`` extends :class:`FakeOpenAI` (same key check, same ``/v1/models``, chat and
SPA behaviour) with the two image endpoints, shaped after shared/reference/openai-wire.md
section 5:

* ``POST /v1/images/generations`` takes JSON; ``POST /v1/images/edits`` takes
  ``multipart/form-data`` (parsed by :func:`parse_multipart`, written here with no
  dependencies). Both need ``Authorization: Bearer <api_key>``, else 401 with
  ``INVALID_KEY_BODY``. Every authorized call is recorded in ``image_requests`` as an
  :class:`ImageCall`, whether it then succeeds or not.
* Validation answers 400 with OpenAI's envelope
  ``{"error": {"message", "type": "invalid_request_error", "param", "code"}}``,
  pretty-printed (2-space, trailing newline). Message texts are the real ones where a capture
  exists (``Unknown parameter: 'x'.``, ``You must provide n=1 for this model.``,
  ``The size is not supported by this model.``, the gpt-image ``Invalid value: ...
  Supported values are: ...`` form, ``Invalid type for 'image': expected a file, but got
  an array instead.``, ``Uploaded image must be a PNG and less than 4 MB.``,
  ``Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.``); the rest
  (mask size, bad image bytes) follow the same shape but are not verbatim. Tests should parse
  them, not compare bytes. JSON ``null`` values count as absent.
* Success is an ``ImagesResponse``: ``{"created", "data": [...]}``; gpt-image models add
  ``background``, ``output_format``, ``size``, ``quality`` and ``usage`` and always answer
  ``b64_json``; dall-e-3 items carry ``revised_prompt`` ("A revised " + prompt);
  dall-e-2/3 honour ``response_format`` (``url`` by default). ``mode`` overrides the
  item form for every model. ``n`` (1..10) images are distinct.
* ``url`` items are ``<base>/files/img-<random>.png?<Azure SAS-like query>`` (the query is
  left off with ``sas_query=False``), served by ``GET``/``HEAD`` on the same fake without
  auth (``image/png``), or by an :class:`ImageCDN` given as ``cdn``. ``url_host`` replaces
  ``<base>`` (e.g. to point links at a proxy or a dead port). ``files_gone`` answers every
  file with Azure's 403 ``AuthenticationFailed`` XML (an expired SAS link).

Generated images are PNGs (whatever ``output_format`` says). By default they are small
2x2-grid PNGs whose colours derive from the prompt and the item index, at 1/8 of the
requested size per side (``auto`` means 1024x1024; ``true_size=True`` keeps the full
size). ``image_bytes`` makes each image random, incompressible pixels (aspect ratio of the
requested size) so that the PNG is at least that many bytes.

Streaming (``stream: true``) is not simulated: it answers 400 saying so.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import random
import re
import secrets
import ssl
import string
import struct
import threading
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import quote, unquote

from .mj_sim import PNG_SIGNATURE, grid_png, png_bytes, png_size
from .openai_fake import INVALID_KEY_BODY, FakeOpenAI, _pretty
from .openai_streams import Reply, play
from .server import Conn, FakeApp, Request

__all__ = [
    "DALLE2_SIZES",
    "DALLE3_SIZES",
    "GPT_IMAGE_SIZES",
    "FakeImages",
    "ImageCDN",
    "ImageCall",
    "ImageMode",
    "MultipartError",
    "UploadedFile",
    "azure_expired_body",
    "parse_header_params",
    "parse_multipart",
    "random_png",
    "rgba_png",
]

ImageMode = Literal["auto", "b64", "url", "mixed"]
Family = Literal["dall-e-2", "dall-e-3", "gpt-image"]

DALLE2_SIZES = ("256x256", "512x512", "1024x1024")
DALLE3_SIZES = ("1024x1024", "1792x1024", "1024x1792")
GPT_IMAGE_SIZES = ("1024x1024", "1536x1024", "1024x1536", "auto")
_SIZE_ORDER = {  # the order OpenAI lists them in its messages
    "gpt-image": ("1024x1024", "1024x1536", "1536x1024", "auto"),
}
_KNOWN_MODELS = ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2", "dall-e-2", "dall-e-3")
_GPT_ONLY = ("background", "output_format", "output_compression", "moderation", "input_fidelity", "partial_images")
_PROMPT_LIMIT = {"dall-e-2": 1000, "dall-e-3": 4000, "gpt-image": 32000}
_DALLE2_MAX_UPLOAD = 4 * 1024 * 1024
_GPT_MAX_IMAGES = 16
# gpt-image-1 output tokens per image: quality -> (square, portrait 1024x1536, landscape 1536x1024).
_OUTPUT_TOKENS = {"low": (272, 408, 400), "medium": (1056, 1584, 1568), "high": (4160, 6240, 6208)}
_IMAGE_TOKENS_PER_INPUT = 194
_JSON_PARSE_ERROR = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
    "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. "
    "If you have trouble figuring out how to fix this, please contact us through our help center at "
    "help.openai.com.)"
)
_ID_ALPHABET = string.ascii_letters + string.digits


# -- recorded calls ---------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """One file part of a multipart body."""

    field: str  # the part's name, e.g. "image", "image[]" or "mask"
    filename: str
    content_type: str | None  # the part's Content-Type header; None when it sent none
    data: bytes


@dataclass
class ImageCall:
    """One authorized image request as the fake received it."""

    endpoint: Literal["generations", "edits"]
    json: dict[str, Any] | None  # generations: the parsed body (None if it was not a JSON object)
    fields: dict[str, list[str]]  # edits: multipart text fields, repeated names kept in order
    files: list[UploadedFile]  # edits: file parts in wire order
    headers: dict[str, str]  # lower-case names, last value wins
    request: Request | None = None  # the raw request, body included


# -- multipart/form-data ----------------------------------------------------------------------


class MultipartError(ValueError):
    """The body is not well-formed multipart/form-data."""


_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")


def parse_header_params(value: str) -> tuple[str, dict[str, str]]:
    """Split ``main; a=b; c="d;e"`` into ("main", {"a": "b", "c": "d;e"}).

    Parameter names are lower-cased; quoted strings are unquoted (``\\x`` -> ``x``);
    RFC 2231/5987 ``name*=charset'lang'pct-encoded`` values are decoded and win over
    the plain form.
    """
    pos = value.find(";")
    main = (value if pos < 0 else value[:pos]).strip()
    params: dict[str, str] = {}
    extended: dict[str, str] = {}
    i = len(value) if pos < 0 else pos
    n = len(value)
    while i < n:
        if value[i] in "; \t":
            i += 1
            continue
        match = _TOKEN_RE.match(value, i)
        if match is None:
            raise MultipartError(f"bad parameter at {value[i:]!r}")
        name = match.group().lower()
        i = match.end()
        while i < n and value[i] in " \t":
            i += 1
        if i >= n or value[i] != "=":
            params.setdefault(name, "")  # a bare flag; nothing in form-data uses one
            continue
        i += 1
        while i < n and value[i] in " \t":
            i += 1
        if i < n and value[i] == '"':
            i += 1
            out: list[str] = []
            while True:
                if i >= n:
                    raise MultipartError(f"unterminated quoted string in {value!r}")
                ch = value[i]
                if ch == "\\" and i + 1 < n:
                    out.append(value[i + 1])
                    i += 2
                elif ch == '"':
                    i += 1
                    break
                else:
                    out.append(ch)
                    i += 1
            raw = "".join(out)
        else:
            end = value.find(";", i)
            end = n if end < 0 else end
            raw = value[i:end].strip()
            i = end
        if name.endswith("*"):
            charset, _, rest = raw.partition("'")
            _, _, encoded = rest.partition("'")
            try:
                extended[name[:-1]] = unquote(encoded, encoding=charset or "utf-8", errors="strict")
            except (LookupError, UnicodeDecodeError) as exc:
                raise MultipartError(f"bad extended parameter {raw!r}") from exc
        else:
            params[name] = raw
    params.update(extended)
    return main, params


def _part_headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    if not block:
        return headers
    for line in block.split(b"\r\n"):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            text = line.decode("latin-1")
        name, sep, val = text.partition(":")
        if not sep or not name or name != name.strip():
            raise MultipartError(f"malformed part header {line!r}")
        headers[name.lower()] = val.strip()
    return headers


def parse_multipart(content_type: str, body: bytes) -> tuple[dict[str, list[str]], list[UploadedFile]]:
    """Parse a ``multipart/form-data`` body (RFC 7578 / RFC 2046 framing, CRLF only).

    Returns (text fields by name, each name's values in order; file parts in order). A part
    is a file when its Content-Disposition has a ``filename`` (even an empty one). Raises
    :class:`MultipartError` on a missing boundary, a missing closing delimiter, or a part
    without ``form-data; name=...``.
    """
    kind, params = parse_header_params(content_type)
    if kind.lower() != "multipart/form-data":
        raise MultipartError(f"not multipart/form-data: {content_type!r}")
    boundary = params.get("boundary", "")
    if not 1 <= len(boundary) <= 70:
        raise MultipartError("missing or invalid boundary")
    dash = b"--" + boundary.encode("latin-1")
    delimiter = b"\r\n" + dash

    # The first delimiter may open the body or follow a preamble (and its CRLF).
    if body.startswith(dash):
        pos = len(dash)
    else:
        found = body.find(delimiter)
        if found < 0:
            raise MultipartError("no opening boundary")
        pos = found + len(delimiter)

    fields: dict[str, list[str]] = {}
    files: list[UploadedFile] = []
    while True:
        if body.startswith(b"--", pos):
            return fields, files  # close delimiter; anything after it is the epilogue
        while pos < len(body) and body[pos] in b" \t":  # transport padding
            pos += 1
        if not body.startswith(b"\r\n", pos):
            raise MultipartError("boundary not followed by CRLF")
        start = pos + 2
        # The next real delimiter: CRLF--boundary followed by "--" or padding+CRLF.
        search = start
        while True:
            end = body.find(delimiter, search)
            if end < 0:
                raise MultipartError("missing closing boundary")
            after = end + len(delimiter)
            tail = body[after : after + 2]
            if tail == b"--" or body[after:].lstrip(b" \t").startswith(b"\r\n"):
                break
            search = end + 1
        part = body[start:end]
        if part.startswith(b"\r\n"):
            head, content = b"", part[2:]
        else:
            sep = part.find(b"\r\n\r\n")
            if sep < 0:
                raise MultipartError("part without a header/body separator")
            head, content = part[:sep], part[sep + 4 :]
        headers = _part_headers(head)
        disposition, dparams = parse_header_params(headers.get("content-disposition", ""))
        if disposition.lower() != "form-data" or "name" not in dparams:
            raise MultipartError(f"part without form-data name: {headers!r}")
        name = dparams["name"]
        if "filename" in dparams:
            files.append(UploadedFile(name, dparams["filename"], headers.get("content-type"), content))
        else:
            fields.setdefault(name, []).append(content.decode("utf-8", errors="replace"))
        pos = after


# -- images -----------------------------------------------------------------------------------


def rgba_png(width: int, height: int, rgba: tuple[int, int, int, int]) -> bytes:
    """A solid 8-bit RGBA PNG (colour type 6), e.g. a dall-e-2 input or a mask with alpha."""
    raw = (b"\x00" + bytes(rgba) * width) * height
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def _png_color_type(data: bytes) -> int | None:
    return data[25] if png_size(data) is not None and len(data) > 25 else None


def _image_kind(data: bytes) -> str | None:
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _colors(seed: str) -> list[tuple[int, int, int]]:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return [(digest[i], digest[i + 1], digest[i + 2]) for i in range(0, 12, 3)]


def _dims(size: str) -> tuple[int, int]:
    if size == "auto":
        return 1024, 1024
    w, _, h = size.partition("x")
    return int(w), int(h)


def random_png(width: int, height: int, min_bytes: int, seed: str) -> bytes:
    """Random (incompressible) pixels, ``width:height`` aspect, PNG of at least ``min_bytes``."""
    scale = math.sqrt(min_bytes / (3 * width * height))
    w = max(1, math.ceil(width * scale))
    h = max(1, math.ceil(height * scale))
    while w * h * 3 < min_bytes:
        h += 1
    pixels = random.Random(seed).randbytes(w * h * 3)
    row = w * 3
    return png_bytes(w, h, (pixels[y * row : (y + 1) * row] for y in range(h)))


# -- Azure-blob style file hosting --------------------------------------------------------------


def _http_date(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


def azure_expired_body(now: datetime | None = None) -> bytes:
    """Azure Storage's 403 for an expired SAS link (with the UTF-8 BOM Azure puts first)."""
    now = now or datetime.now(UTC)
    start, expiry = now - timedelta(hours=3), now - timedelta(hours=1)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}0Z"
    return (
        '\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code>'
        "<Message>Server failed to authenticate the request. Make sure the value of Authorization "
        "header is formed correctly including the signature.\n"
        f"RequestId:{_request_uuid()}\nTime:{stamp}</Message>"
        "<AuthenticationErrorDetail>Signature not valid in the specified time frame: "
        f"Start [{_http_date(start)}] - Expiry [{_http_date(expiry)}] - Current [{_http_date(now)}]"
        "</AuthenticationErrorDetail></Error>"
    ).encode()


def _blob_not_found_body() -> bytes:
    now = datetime.now(UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}0Z"
    return (
        '\ufeff<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code>'
        f"<Message>The specified blob does not exist.\nRequestId:{_request_uuid()}\nTime:{stamp}</Message></Error>"
    ).encode()


def _request_uuid() -> str:
    h = secrets.token_hex(16)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _sas_query() -> str:
    now = datetime.now(UTC).replace(microsecond=0)
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    sig = base64.b64encode(secrets.token_bytes(32)).decode()
    return (
        f"st={quote((now - timedelta(minutes=5)).strftime(fmt), safe='')}"
        f"&se={quote((now + timedelta(hours=2)).strftime(fmt), safe='')}"
        "&sp=r&sv=2021-08-06&sr=b&rscd=inline&rsct=image/png"
        f"&sig={quote(sig, safe='')}"
    )


class _BlobHost:
    """Serves ``files`` (path -> PNG bytes) under ``/files/`` like an Azure blob container."""

    files: dict[str, bytes]
    files_gone: bool
    file_requests: list[Request]
    _files_lock: threading.Lock

    def _init_blobs(self, files_gone: bool) -> None:
        self.files = {}
        self.files_gone = files_gone
        self.file_requests = []
        self._files_lock = threading.Lock()

    def _store(self, data: bytes) -> str:
        name = "img-" + "".join(secrets.choice(_ID_ALPHABET) for _ in range(24)) + ".png"
        path = f"/files/{name}"
        with self._files_lock:
            self.files[path] = data
        return path

    def _serve_blob(self, request: Request, conn: Conn) -> None:
        with self._files_lock:
            self.file_requests.append(request)
            data = self.files.get(request.path)
            gone = self.files_gone
        common = [
            ("Server", "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"),
            ("x-ms-request-id", _request_uuid()),
            ("x-ms-version", "2021-08-06"),
            ("Date", _http_date(datetime.now(UTC))),
        ]
        if request.method not in ("GET", "HEAD"):
            conn.send_response(405, b"", [*common, ("Allow", "GET, HEAD")])
        elif gone:
            conn.send_response(
                403,
                azure_expired_body(),
                [("Content-Type", "application/xml"), *common, ("x-ms-error-code", "AuthenticationFailed")],
            )
        elif data is None:
            conn.send_response(
                404,
                _blob_not_found_body(),
                [("Content-Type", "application/xml"), *common, ("x-ms-error-code", "BlobNotFound")],
            )
        else:
            etag = '"0x' + hashlib.sha256(data).hexdigest()[:15].upper() + '"'
            conn.send_response(
                200,
                data,
                [
                    ("Content-Type", "image/png"),
                    ("Content-Disposition", "inline"),
                    ("Accept-Ranges", "bytes"),
                    ("ETag", etag),
                    ("Content-MD5", base64.b64encode(hashlib.md5(data).digest()).decode()),
                    ("x-ms-blob-type", "BlockBlob"),
                    *common,
                ],
            )


class ImageCDN(_BlobHost, FakeApp):
    """A separate blob host for ``FakeImages(cdn=...)``: serves ``GET /files/*`` with no auth.

    ``files``, ``files_gone`` and ``file_requests`` work as on ``FakeImages``.
    """

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, files_gone: bool = False) -> None:
        FakeApp.__init__(self, ssl_context=ssl_context)
        self._init_blobs(files_gone)

    def handle(self, request: Request, conn: Conn) -> None:
        if request.path.startswith("/files/"):
            self._serve_blob(request, conn)
        else:
            conn.send_response(
                400,
                b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?><Error><Code>InvalidUri</Code>'
                b"<Message>The requested URI does not represent any resource on the server.</Message></Error>",
                {"Content-Type": "application/xml"},
            )


# -- validation ------------------------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.body = {"error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}}


def _supported(values: Sequence[str]) -> str:
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]


def _invalid_value(param: str, value: object, allowed: Sequence[str]) -> _Invalid:
    return _Invalid(
        f"Invalid value: '{value}'. Supported values are: {_supported(allowed)}.", param, "invalid_value"
    )


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "null"


def _family(model: str) -> Family | None:
    if model == "dall-e-2":
        return "dall-e-2"
    if model == "dall-e-3":
        return "dall-e-3"
    if model.startswith("gpt-image-"):
        return "gpt-image"
    return None


@dataclass
class _Plan:
    """What a valid request asks for."""

    model: str
    family: Family
    prompt: str
    n: int
    size: str  # as reported ("auto" resolved)
    response_format: str
    quality: str
    background: str
    output_format: str
    input_images: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


def _check_params(params: dict[str, Any], endpoint: str) -> _Plan:
    """Validate the parameters of either endpoint (edits: multipart, so ``n`` comes as a string)."""
    for key in ("prompt", "model", "size", "quality", "style", "response_format", "background", "output_format"):
        value = params.get(key)
        if value is not None and not isinstance(value, str):
            raise _Invalid(
                f"Invalid type for '{key}': expected a string, but got {_type_name(value)} instead.",
                key,
                "invalid_type",
            )
    model = params.get("model") or "dall-e-2"
    family = _family(model)
    if family is None or (endpoint == "edits" and family == "dall-e-3"):
        allowed = [m for m in _KNOWN_MODELS if endpoint == "generations" or m != "dall-e-3"]
        raise _invalid_value("model", model, allowed)

    prompt = params.get("prompt")
    if prompt is None:
        raise _Invalid("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter")
    if prompt == "":
        raise _Invalid(
            "Invalid 'prompt': empty string. Expected a string with minimum length 1, "
            "but got an empty string instead.",
            "prompt",
            "empty_string",
        )
    limit = _PROMPT_LIMIT[family]
    if len(prompt) > limit:
        raise _Invalid(
            f"Invalid 'prompt': string too long. Expected a string with maximum length {limit}, "
            f"but got a string with length {len(prompt)} instead.",
            "prompt",
            "string_above_max_length",
        )

    raw_n = params.get("n")
    if raw_n is None:
        n = 1
    elif endpoint == "edits" and isinstance(raw_n, str) and re.fullmatch(r"-?\d+", raw_n.strip()):
        n = int(raw_n)
    elif isinstance(raw_n, int) and not isinstance(raw_n, bool):
        n = raw_n
    else:
        raise _Invalid(
            f"Invalid type for 'n': expected an integer, but got {_type_name(raw_n)} instead.", "n", "invalid_type"
        )
    if n < 1:
        raise _Invalid(
            f"Invalid 'n': integer below minimum value. Expected a value >= 1, but got {n} instead.",
            "n",
            "integer_below_min_value",
        )
    if n > 10:
        raise _Invalid(
            f"Invalid 'n': integer above maximum value. Expected a value <= 10, but got {n} instead.",
            "n",
            "integer_above_max_value",
        )
    if family == "dall-e-3" and n != 1:
        raise _Invalid("You must provide n=1 for this model.")

    # Parameters a model family does not know at all.
    if family == "gpt-image" and params.get("response_format") is not None:
        raise _Invalid("Unknown parameter: 'response_format'.", "response_format", "unknown_parameter")
    if family != "dall-e-3" and params.get("style") is not None:
        raise _Invalid("Unknown parameter: 'style'.", "style", "unknown_parameter")
    if family == "dall-e-2" and params.get("quality") is not None:
        raise _Invalid("Unknown parameter: 'quality'.", "quality", "unknown_parameter")
    if family != "gpt-image":
        for key in _GPT_ONLY:
            if params.get(key) is not None:
                raise _Invalid(f"Unknown parameter: '{key}'.", key, "unknown_parameter")
    stream = params.get("stream")
    if stream not in (None, False, "false"):
        if family != "gpt-image":
            raise _Invalid("Unknown parameter: 'stream'.", "stream", "unknown_parameter")
        raise _Invalid("FakeImages does not simulate stream=true.", "stream", "unsupported_value")

    size = params.get("size")
    if family == "dall-e-2":
        size = size or "1024x1024"
        if size not in DALLE2_SIZES:
            raise _Invalid("The size is not supported by this model.", None, "invalid_size")
    elif family == "dall-e-3":
        size = size or "1024x1024"
        if size not in DALLE3_SIZES:
            raise _Invalid("The size is not supported by this model.", None, "invalid_size")
    else:
        size = size or "auto"
        custom = (
            model.startswith("gpt-image-2")
            and (m := re.fullmatch(r"(\d+)x(\d+)", size)) is not None
            and all(int(side) % 16 == 0 and int(side) > 0 for side in m.groups())
        )
        if size not in GPT_IMAGE_SIZES and not custom:
            raise _invalid_value("size", size, _SIZE_ORDER["gpt-image"])
        if size == "auto":
            size = "1024x1024"

    response_format = params.get("response_format") or "url"
    if family != "gpt-image" and response_format not in ("url", "b64_json"):
        raise _invalid_value("response_format", response_format, ("url", "b64_json"))

    quality = params.get("quality")
    if family == "dall-e-3":
        quality = quality or "standard"
        if quality not in ("standard", "hd"):
            raise _invalid_value("quality", quality, ("standard", "hd"))
    elif family == "gpt-image":
        quality = quality or "auto"
        if quality not in ("low", "medium", "high", "auto"):
            raise _invalid_value("quality", quality, ("low", "medium", "high", "auto"))
        if quality == "auto":
            quality = "high"
    else:
        quality = "standard"
    style = params.get("style")
    if family == "dall-e-3" and style is not None and style not in ("vivid", "natural"):
        raise _invalid_value("style", style, ("vivid", "natural"))

    background = params.get("background") or "auto"
    output_format = params.get("output_format") or "png"
    if family == "gpt-image":
        if background not in ("transparent", "opaque", "auto"):
            raise _invalid_value("background", background, ("transparent", "opaque", "auto"))
        if output_format not in ("png", "jpeg", "webp"):
            raise _invalid_value("output_format", output_format, ("png", "jpeg", "webp"))
        if background == "auto":
            background = "opaque"
    return _Plan(model, family, prompt, n, size, response_format, quality, background, output_format)


def _mimetype(upload: UploadedFile) -> str:
    return upload.content_type or "application/octet-stream"


def _check_edit_files(
    plan: _Plan, fields: dict[str, list[str]], files: list[UploadedFile], require_alpha: bool
) -> None:
    images = [f for f in files if f.field in ("image", "image[]")]
    masks = [f for f in files if f.field == "mask"]
    if not images:
        if "image" in fields or "image[]" in fields:
            raise _Invalid(
                "Invalid type for 'image': expected a file, but got a string instead.", "image", "invalid_type"
            )
        raise _Invalid("Missing required parameter: 'image'.", "image", "missing_required_parameter")
    if plan.family == "dall-e-2":
        if len(images) > 1 or images[0].field == "image[]":
            raise _Invalid(
                "Invalid type for 'image': expected a file, but got an array instead.", "image", "invalid_type"
            )
        image = images[0]
        if image.content_type != "image/png":
            raise _Invalid(
                f"Invalid file 'image': unsupported mimetype ('{_mimetype(image)}'). "
                "Supported file formats are 'image/png'.",
                "image",
                "unsupported_file_mimetype",
            )
        if _image_kind(image.data) != "png" or len(image.data) >= _DALLE2_MAX_UPLOAD:
            raise _Invalid("Uploaded image must be a PNG and less than 4 MB.", "image", "invalid_image_format")
        if require_alpha and not masks and _png_color_type(image.data) not in (0, 4, 6):
            got = {2: "RGB", 3: "P"}.get(_png_color_type(image.data) or 2, "RGB")
            raise _Invalid(
                f"Invalid input image - format must be in ['RGBA', 'LA', 'L'], got {got}.", None, "invalid_image"
            )
    else:
        if len(images) > _GPT_MAX_IMAGES:
            raise _Invalid(
                f"Invalid 'image': array too long. Expected an array with maximum length {_GPT_MAX_IMAGES}, "
                f"but got an array with length {len(images)} instead.",
                "image",
                "array_above_max_length",
            )
        for index, image in enumerate(images, 1):
            if image.content_type not in ("image/png", "image/jpeg", "image/webp"):
                raise _Invalid(
                    f"Invalid file 'image': unsupported mimetype ('{_mimetype(image)}'). "
                    "Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.",
                    "image",
                    "unsupported_file_mimetype",
                )
            if _image_kind(image.data) is None:
                raise _Invalid(
                    f"Invalid image file or mode for image {index}, please check your image file.",
                    "image",
                    "invalid_image_file",
                )
    if len(masks) > 1:
        raise _Invalid(
            "Invalid type for 'mask': expected a file, but got an array instead.", "mask", "invalid_type"
        )
    if masks:
        mask = masks[0]
        mask_size = png_size(mask.data)
        if mask_size is None:
            raise _Invalid("Invalid mask image format - mask must be a PNG file.", "mask", "invalid_image_format")
        first_size = png_size(images[0].data)  # only PNG inputs are measured
        if first_size is not None and mask_size != first_size:
            raise _Invalid(
                "Invalid mask image format - mask size does not match image size "
                f"(mask {mask_size[0]}x{mask_size[1]}, image {first_size[0]}x{first_size[1]}).",
                "mask",
                "invalid_image_format",
            )
    plan.input_images = len(images)


# -- the fake ------------------------------------------------------------------------------------


class FakeImages(_BlobHost, FakeOpenAI):
    """OpenAI Images API on loopback; see the module docstring for the wire behaviour.

    Knobs (public, may be changed while running): ``mode`` ("auto" | "b64" | "url" |
    "mixed"), ``image_bytes``, ``true_size``, ``replies`` (``openai_streams.Reply`` played
    in order for image POSTs instead of the normal answer, the last repeating; the key is
    still checked first), ``delay`` (seconds before an image POST is answered; ``stop()``
    cuts it short and the connection is closed unanswered), ``files_gone``, ``url_host``,
    ``cdn``, ``sas_query``, ``require_alpha`` (dall-e-2 edit without mask needs an
    RGBA/LA/L PNG, as on OpenAI). Records: ``image_requests``, ``file_requests``, ``files``.
    """

    def __init__(
        self,
        api_key: str,
        models: list[str] | None = None,
        ssl_context: ssl.SSLContext | None = None,
        *,
        spa_everywhere: bool = False,
        mode: ImageMode = "auto",
        image_bytes: int | None = None,
        true_size: bool = False,
        replies: Sequence[Reply] = (),
        delay: float = 0.0,
        files_gone: bool = False,
        url_host: str | None = None,
        cdn: ImageCDN | None = None,
        sas_query: bool = True,
        require_alpha: bool = True,
    ) -> None:
        if models is None:
            models = ["gpt-4o", "gpt-4o-mini", "dall-e-2", "dall-e-3", "gpt-image-1"]
        FakeOpenAI.__init__(self, api_key, models, ssl_context, spa_everywhere=spa_everywhere)
        self._init_blobs(files_gone)
        self.mode: ImageMode = mode
        self.image_bytes = image_bytes
        self.true_size = true_size
        self.replies: list[Reply] = list(replies)
        self.delay = delay
        self.url_host = url_host
        self.cdn = cdn
        self.sas_query = sas_query
        self.require_alpha = require_alpha
        self.image_requests: list[ImageCall] = []
        self._images_lock = threading.Lock()
        self._serial = 0

    # -- routing ---------------------------------------------------------------------------------
    def handle(self, request: Request, conn: Conn) -> None:
        path = request.path
        if path.startswith("/files/"):
            self._serve_blob(request, conn)
        elif not self.spa_everywhere and request.method == "POST" and path == "/v1/images/generations":
            self._images(request, conn, "generations")
        elif not self.spa_everywhere and request.method == "POST" and path == "/v1/images/edits":
            self._images(request, conn, "edits")
        else:
            super().handle(request, conn)

    # -- image endpoints -------------------------------------------------------------------------
    def _images(self, request: Request, conn: Conn, endpoint: Literal["generations", "edits"]) -> None:
        if request.headers.get("authorization") != f"Bearer {self.api_key}":
            conn.send_response(401, _pretty(INVALID_KEY_BODY), {"Content-Type": "application/json"})
            return
        call = ImageCall(endpoint, None, {}, [], dict(request.headers), request)
        params: dict[str, Any] = {}
        problem: _Invalid | None = None
        if endpoint == "generations":
            try:
                parsed = json.loads(request.body)
            except (ValueError, UnicodeDecodeError):
                problem = _Invalid(_JSON_PARSE_ERROR)
            else:
                if isinstance(parsed, dict):
                    call.json = parsed
                    params = {k: v for k, v in parsed.items() if v is not None}
                else:
                    problem = _Invalid(
                        f"Invalid type for 'body': expected an object, but got {_type_name(parsed)} instead.",
                        None,
                        "invalid_type",
                    )
        else:
            content_type = request.headers.get("content-type", "")
            try:
                call.fields, call.files = parse_multipart(content_type, request.body)
            except MultipartError as exc:
                problem = _Invalid(
                    f"Invalid Content-Type header ({content_type}), expected multipart/form-data. ({exc})"
                    if not content_type.lower().startswith("multipart/form-data")
                    else f"Could not parse multipart form: {exc}",
                )
            params = {k: v[-1] for k, v in call.fields.items()}

        with self._images_lock:
            index = len(self.image_requests)
            self.image_requests.append(call)
            replies = list(self.replies)
            self._serial += 1
            serial = self._serial

        if self.delay and self._chat_release.wait(self.delay):
            conn.close()  # the fake is stopping: hang up unanswered
            return
        if replies:
            play(conn, replies[min(index, len(replies) - 1)], self._chat_release)
            return
        try:
            if problem is not None:
                raise problem
            plan = _check_params(params, endpoint)
            if endpoint == "edits":
                _check_edit_files(plan, call.fields, call.files, self.require_alpha)
        except _Invalid as invalid:
            self._send_json(conn, 400, invalid.body)
            return
        self._send_json(conn, 200, self._answer(plan, serial, endpoint))

    def _send_json(self, conn: Conn, status: int, obj: object) -> None:
        conn.send_response(
            status,
            _pretty(obj),
            [
                ("Content-Type", "application/json"),
                ("openai-version", "2020-10-01"),
                ("openai-processing-ms", str(random.randint(900, 20000) if status == 200 else 12)),
                ("x-request-id", "req_" + secrets.token_hex(16)),
            ],
        )

    def _answer(self, plan: _Plan, serial: int, endpoint: str) -> dict[str, Any]:
        width, height = _dims(plan.size)
        items: list[dict[str, Any]] = []
        for i in range(plan.n):
            png = self._make_png(plan, width, height, i, serial, endpoint)
            item: dict[str, Any] = {}
            if plan.family == "dall-e-3":
                item["revised_prompt"] = "A revised " + plan.prompt
            if self._as_url(plan, i):
                item["url"] = self._publish(png)
            else:
                item["b64_json"] = base64.b64encode(png).decode("ascii")
            items.append(item)
        body: dict[str, Any] = {"created": int(time.time()), "data": items}
        if plan.family == "gpt-image":
            text_tokens = max(1, round(len(plan.prompt) / 4))
            image_tokens = _IMAGE_TOKENS_PER_INPUT * plan.input_images
            output_tokens = self._output_tokens(plan, width, height) * plan.n
            body.update(
                {
                    "background": plan.background,
                    "output_format": plan.output_format,
                    "size": plan.size,
                    "quality": plan.quality,
                    "usage": {
                        "total_tokens": text_tokens + image_tokens + output_tokens,
                        "input_tokens": text_tokens + image_tokens,
                        "output_tokens": output_tokens,
                        "input_tokens_details": {"text_tokens": text_tokens, "image_tokens": image_tokens},
                    },
                }
            )
        return body

    @staticmethod
    def _output_tokens(plan: _Plan, width: int, height: int) -> int:
        square, portrait, landscape = _OUTPUT_TOKENS.get(plan.quality, _OUTPUT_TOKENS["high"])
        if (width, height) == (1024, 1536):
            return portrait
        if (width, height) == (1536, 1024):
            return landscape
        return max(1, round(square * width * height / (1024 * 1024)))

    def _as_url(self, plan: _Plan, index: int) -> bool:
        mode = self.mode
        if mode == "url":
            return True
        if mode == "b64":
            return False
        if mode == "mixed":
            return index % 2 == 0
        return plan.family != "gpt-image" and plan.response_format == "url"

    def _make_png(self, plan: _Plan, width: int, height: int, index: int, serial: int, endpoint: str) -> bytes:
        seed = f"{endpoint}\0{plan.model}\0{plan.prompt}\0{index}"
        if self.image_bytes is not None:
            return random_png(width, height, self.image_bytes, f"{seed}\0{serial}")
        if not self.true_size:
            width, height = max(1, width // 8), max(1, height // 8)
        colors = _colors(seed)
        colors[3] = (colors[3][0], colors[3][1], index)  # items of one answer always differ
        return grid_png(width, height, colors)

    def _publish(self, png: bytes) -> str:
        host: _BlobHost = self.cdn if self.cdn is not None else self
        path = host._store(png)
        if self.url_host is not None:
            base = self.url_host.rstrip("/")
        elif self.cdn is not None:
            base = self.cdn.url
        else:
            base = self.url
        url = base + path
        return f"{url}?{_sas_query()}" if self.sas_query else url
