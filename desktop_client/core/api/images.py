"""OpenAI image generation and edits (``/v1/images/generations``, ``/v1/images/edits``).

Each model family takes its own parameters; sending one it does not know is a 400, so a
request only carries what applies. Any model may answer with ``b64_json`` or ``url`` (relays
mix them); a URL is fetched at once because signed links expire within the hour."""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import httpx

from desktop_client.core.api.retry import retry_delay, should_retry
from desktop_client.core.errors import N_, ApiError, ErrorKind, InputError, KeyholdError
from desktop_client.core.images import sniff_image
from desktop_client.core.jsonsafe import as_int, as_str, finite_number, loads
from desktop_client.core.net.body import BodyReader, read_prefix
from desktop_client.core.net.client import SecureHttp, checked_image
from desktop_client.core.net.errors import (
    error_from_response,
    error_from_transport,
    looks_like_html,
    not_the_api_error,
    parse_error_body,
)
from desktop_client.core.urls import openai_endpoint

MAX_IMAGES = 10
# Image calls take 10-60 s and more on a busy relay; a chat-sized idle timeout would cut them.
READ_SECONDS = 600.0


class Family(StrEnum):
    DALLE2 = "dall-e-2"
    DALLE3 = "dall-e-3"
    GPT_IMAGE = "gpt-image"
    OTHER = "other"  # a relay's own model (flux, sd…): only the common parameters


def family_of(model: str) -> Family:
    name = model.strip().lower()
    if not name or "dall-e-2" in name or "dalle-2" in name or "dalle2" in name:
        return Family.DALLE2  # the API's own default without a model
    if "dall-e-3" in name or "dalle-3" in name or "dalle3" in name:
        return Family.DALLE3
    if "gpt-image" in name or "chatgpt-image" in name:
        return Family.GPT_IMAGE
    return Family.OTHER


@dataclass(frozen=True)
class FamilySpec:
    sizes: tuple[str, ...]
    max_n: int
    max_prompt: int
    options: dict[str, tuple[str, ...]] = field(default_factory=dict)  # parameter → choices, first is default
    compression: bool = False


SPECS: dict[Family, FamilySpec] = {
    Family.DALLE2: FamilySpec(("1024x1024", "512x512", "256x256"), 10, 1000),
    Family.DALLE3: FamilySpec(
        ("1024x1024", "1792x1024", "1024x1792"),
        1,
        4000,
        {"quality": ("standard", "hd"), "style": ("vivid", "natural")},
    ),
    Family.GPT_IMAGE: FamilySpec(
        ("auto", "1024x1024", "1536x1024", "1024x1536"),
        10,
        32000,
        {
            "quality": ("auto", "low", "medium", "high"),
            "background": ("auto", "transparent", "opaque"),
            "output_format": ("png", "jpeg", "webp"),
            "moderation": ("auto", "low"),
        },
        compression=True,
    ),
    Family.OTHER: FamilySpec(("1024x1024", "512x512", "1792x1024", "1024x1792"), 10, 32000),
}

EDIT_SIZES: dict[Family, tuple[str, ...]] = {
    Family.DALLE2: ("1024x1024", "512x512", "256x256"),
    Family.DALLE3: (),  # dall-e-3 has no edits endpoint
    Family.GPT_IMAGE: ("auto", "1024x1024", "1536x1024", "1024x1536"),
    Family.OTHER: ("1024x1024", "512x512"),
}

EDIT_ONLY_NOT = frozenset({"moderation"})  # /images/edits has no such field
KNOWN_MODELS = ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "dall-e-3", "dall-e-2")
_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")


def takes_any_size(model: str) -> bool:
    """gpt-image-2 takes any WxH; so may a relay's own model. The others have fixed sizes."""
    family = family_of(model)
    return family is Family.OTHER or (family is Family.GPT_IMAGE and "gpt-image-2" in model.lower())


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    model: str = "gpt-image-1"
    n: int = 1
    size: str = ""
    options: dict[str, str] = field(default_factory=dict)  # quality, style, background, output_format, moderation
    compression: int | None = None

    @property
    def family(self) -> Family:
        return family_of(self.model)

    def validate(self, *, edit: bool = False) -> None:
        spec = SPECS[self.family]
        if not self.prompt.strip():
            raise InputError(N_("Errors", "The prompt is empty"), hint=N_("Errors", "Describe the image you want"))
        if len(self.prompt) > spec.max_prompt:
            raise InputError(
                N_("Errors", "The prompt has %1 characters; %2 takes at most %3"),
                hint=N_("Errors", "Shorten the prompt"),
                args=(len(self.prompt), self.model, spec.max_prompt),
            )
        if not 1 <= self.n <= spec.max_n:
            raise InputError(
                N_("Errors", "%1 makes 1 to %2 images per request, not %3"),
                hint=N_("Errors", "Lower the number of images")
                if spec.max_n > 1
                else N_("Errors", "Ask for one image at a time"),
                args=(self.model, spec.max_n, self.n),
            )
        if edit and self.family is Family.DALLE3:
            raise InputError(
                N_("Errors", "dall-e-3 cannot edit images"),
                hint=N_("Errors", "Use gpt-image-1 or dall-e-2 to edit"),
            )
        if self.size and self.size not in spec.sizes:
            match = _SIZE.match(self.size)
            free = takes_any_size(self.model)
            odd = match is not None and (int(match[1]) % 16 or int(match[2]) % 16)
            if free and odd and self.family is Family.GPT_IMAGE:
                raise InputError(
                    N_("Errors", "%1 needs both sides of the size divisible by 16, not %2"),
                    hint=N_("Errors", "Round the width and height to a multiple of 16"),
                    args=(self.model, self.size),
                )
            if not free or match is None:
                raise InputError(
                    N_("Errors", "%1 does not make %2 images"),
                    hint=N_("Errors", "Choose one of %3"),
                    args=(self.model, self.size, ", ".join(spec.sizes)),
                )
        for name, value in self.options.items():
            choices = spec.options.get(name)
            if value and choices is not None and value not in choices:
                raise InputError(
                    N_("Errors", "%1 %2 does not apply to %3"),
                    hint=N_("Errors", "Choose one of %4"),
                    args=(name, repr(value), self.model, ", ".join(choices)),
                )
        if self.options.get("background") == "transparent" and self.options.get("output_format", "png") not in (
            "png",
            "webp",
        ):
            raise InputError(
                N_("Errors", "A transparent background needs PNG or WebP output"),
                hint=N_("Errors", "Choose PNG or WebP"),
            )

    def fields(self, *, edit: bool = False) -> dict[str, Any]:
        """The request's parameters as sent: only what the model family knows."""
        family = self.family
        spec = SPECS[family]
        body: dict[str, Any] = {"model": self.model, "prompt": self.prompt}
        if self.n != 1:
            body["n"] = self.n
        if self.size:
            body["size"] = self.size
        for name in spec.options:
            value = self.options.get(name, "")
            if value and not (edit and name in EDIT_ONLY_NOT):
                body[name] = value
        if (
            spec.compression
            and self.compression is not None
            and self.options.get("output_format") in ("jpeg", "webp")
        ):
            body["output_compression"] = self.compression
        if family in (Family.DALLE2, Family.DALLE3):
            # One round trip and no link to expire; a relay that ignores it still works (url form).
            body["response_format"] = "b64_json"
        return body


@dataclass(frozen=True)
class InputImage:
    name: str
    data: bytes
    mime: str


@dataclass
class ImageItem:
    data: bytes | None  # decoded at once, or fetched from url
    mime: str
    url: str = ""  # where it came from, when the server sent a link
    revised_prompt: str = ""
    error: KeyholdError | None = None  # this one could not be had (an expired link, say)


@dataclass
class ImagesResult:
    created: int
    items: list[ImageItem]
    usage: dict[str, Any] | None
    meta: dict[str, Any]  # what the server says it made: size, quality, background, output_format
    seconds: float


class Phase(StrEnum):
    SENDING = "sending"
    WAITING = "waiting"  # the server is drawing
    RECEIVING = "receiving"
    DOWNLOADING = "downloading"


@dataclass(frozen=True)
class Progress:
    phase: Phase
    done: int = 0  # bytes
    total: int | None = None


ProgressCallback = Callable[[Progress], None]

_POLICY_CODES = ("content_policy_violation", "moderation_blocked", "image_generation_user_error")


def _policy_error(status: int, body: bytes) -> ApiError | None:
    parsed = parse_error_body(body)
    if parsed is None:
        return None
    code = f"{parsed.code} {parsed.type}".lower()
    text = parsed.message.lower()
    if any(c in code for c in _POLICY_CODES) or "safety system" in text:
        return ApiError(
            N_("Errors", "The provider's safety system refused this prompt"),
            hint=N_("Errors", "Rephrase the prompt; nothing was charged for a refused request on OpenAI"),
            detail=parsed.message,
            kind=ErrorKind.BAD_INPUT,
            status=status,
        )
    return None


def _numbers(value: object, depth: int = 0) -> dict[str, Any] | None:
    """Usage as a server reports it, numbers only: its text would reach the sidecar unchecked."""
    if not isinstance(value, dict) or depth > 2:
        return None
    found: dict[str, Any] = {}
    for key, item in list(value.items())[:40]:
        if not isinstance(key, str) or len(key) > 64:
            continue
        number = finite_number(item)
        if number is not None:
            found[key] = item if isinstance(item, int) else number
        elif (inner := _numbers(item, depth + 1)) is not None:
            found[key] = inner
    return found or None


class ImagesClient:
    def __init__(
        self,
        http: SecureHttp,
        *,
        read_seconds: float = READ_SECONDS,
        max_retries: int = 2,
        max_retry_delay: float = 60.0,
        on_progress: ProgressCallback | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.http = http
        self.read_seconds = read_seconds
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.on_progress = on_progress
        self._sleep = sleep

    def _progress(self, phase: Phase, done: int = 0, total: int | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(phase, done, total))

    async def generate(self, request: ImageRequest) -> ImagesResult:
        request.validate()
        return await self._call("images/generations", {"json": request.fields()}, request.family)

    async def edit(
        self, request: ImageRequest, images: list[InputImage], mask: bytes | None = None
    ) -> ImagesResult:
        request.validate(edit=True)
        if not images:
            raise InputError(
                N_("Errors", "An edit needs at least one image"),
                hint=N_("Errors", "Pick an image from the gallery"),
            )
        family = request.family
        if family is Family.DALLE2 and len(images) > 1:
            raise InputError(
                N_("Errors", "dall-e-2 edits one image at a time"),
                hint=N_("Errors", "Keep one image, or use gpt-image-1"),
            )
        body = request.fields(edit=True)
        # multipart carries text fields only; several images go as image[] (what openai-python
        # sends), one as image, which every relay parses.
        data = {name: str(value) for name, value in body.items()}
        field_name = "image" if family is Family.DALLE2 or len(images) == 1 else "image[]"
        files: list[tuple[str, tuple[str, bytes, str]]] = [
            (field_name, (image.name, image.data, image.mime)) for image in images
        ]
        if mask is not None:
            files.append(("mask", ("mask.png", mask, "image/png")))
        return await self._call("images/edits", {"data": data, "files": files}, family)

    async def _call(self, path: str, content: dict[str, Any], family: Family) -> ImagesResult:
        started = time.monotonic()
        body = await self._post(path, content)
        try:
            payload = loads(body)
        except ValueError:
            raise not_the_api_error(self.http.profile.kind, 200) from None
        if not isinstance(payload, dict) or payload.get("error"):
            raise error_from_response(200, httpx.Headers(), body, self.http.profile.kind)
        data = payload.get("data")
        if not isinstance(data, list) or not data:
            raise ApiError(
                "The server answered without any image",
                hint="The relay may not support this model for images; try another model",
                kind=ErrorKind.PROTOCOL,
            )
        # Never more than any model can make in one call: a server can't make us fetch a thousand links.
        items = [await self._item(entry) for entry in data[:MAX_IMAGES] if isinstance(entry, dict)]
        if not any(item.data for item in items):
            first = next((item.error for item in items if item.error), None)
            raise first or ApiError("The server's answer held no image", kind=ErrorKind.PROTOCOL)
        usage = _numbers(payload.get("usage"))
        meta = {
            k: as_str(payload[k], 100)
            for k in ("size", "quality", "background", "output_format")
            if payload.get(k)
        }
        created = as_int(payload.get("created"))
        now = int(time.time())
        return ImagesResult(
            # The server's clock picks the gallery's month folder: within a year of ours, or ours.
            created if created is not None and abs(created - now) < 366 * 86400 else now,
            items,
            usage,
            meta,
            time.monotonic() - started,
        )

    async def _post(self, path: str, content: dict[str, Any]) -> bytes:
        client = self.http.client
        timeout = httpx.Timeout(
            connect=self.http.timeouts.connect, read=self.read_seconds, write=120.0, pool=self.http.timeouts.pool
        )
        url = openai_endpoint(self.http.base_url, path)
        kind = self.http.profile.kind
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            self._progress(Phase.SENDING)
            request = client.build_request("POST", url, timeout=timeout, **content)
            try:
                response = await self.http.send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                # Nothing reached the server, so nothing was drawn or charged: safe to retry.
                error = error_from_transport(exc)
                delay = retry_delay(None, attempt, self.max_retry_delay)
                if attempt + 1 >= attempts or delay is None or error.kind is ErrorKind.TLS:
                    raise error from None
                await self._sleep(delay)
                continue
            except httpx.HTTPError as exc:
                raise error_from_transport(exc, idle_read=self.read_seconds) from None
            try:
                if response.status_code >= 300:
                    raw = await read_prefix(response, self.http.limits.error)
                else:
                    raw = await self._read(response)
            finally:
                await response.aclose()
            if response.status_code < 300 and not looks_like_html(response.headers, raw):
                return raw
            error = _policy_error(response.status_code, raw) or error_from_response(
                response.status_code, response.headers, raw, kind
            )
            # 5xx is not retried: the images may have been drawn (and billed) before the gateway failed.
            retriable = response.status_code == 429 and should_retry(
                response.status_code, response.headers, parse_error_body(raw)
            )
            if retriable and attempt + 1 < attempts:
                delay = retry_delay(response.headers, attempt, self.max_retry_delay)
                if delay is not None:
                    await self._sleep(delay)
                    continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    async def _read(self, response: httpx.Response) -> bytes:
        length = response.headers.get("content-length")
        # A compressed body's length says nothing about the decoded bytes counted here.
        compressed = response.headers.get("content-encoding", "identity").lower() != "identity"
        total = int(length) if length and length.isdigit() and not compressed else None
        self._progress(Phase.WAITING, 0, total)
        body = bytearray()
        reader = BodyReader(response, self.http.limits.images_json, "images answer")
        try:
            async for chunk in reader.chunks():
                body += chunk
                self._progress(Phase.RECEIVING, len(body), total)
        except httpx.HTTPError as exc:
            raise error_from_transport(exc, idle_read=self.read_seconds) from None
        return bytes(body)

    async def _item(self, entry: dict[str, Any]) -> ImageItem:
        revised_value = entry.get("revised_prompt")
        revised = revised_value if isinstance(revised_value, str) else ""
        encoded = entry.get("b64_json")
        if isinstance(encoded, str) and encoded:
            try:
                data = base64.b64decode(encoded.split(",", 1)[-1] if encoded.startswith("data:") else encoded)
            except (binascii.Error, ValueError):
                data = b""
            mime = sniff_image(data)
            if mime is None:
                return ImageItem(
                    None,
                    "",
                    "",
                    revised,
                    ApiError("The server sent an image that is not a PNG, JPEG or WebP", kind=ErrorKind.PROTOCOL),
                )
            return ImageItem(data, mime, "", revised)
        url = entry.get("url")
        if isinstance(url, str) and url:
            try:
                data, mime = await self.download(url)
            except KeyholdError as exc:  # an expired link, or a plain-http link refused
                return ImageItem(None, "", url, revised, exc)
            return ImageItem(data, mime, url, revised)
        return ImageItem(
            None,
            "",
            "",
            revised,
            ApiError("An image in the answer had neither data nor a link", kind=ErrorKind.PROTOCOL),
        )

    async def download(self, url: str) -> tuple[bytes, str]:
        """A generated image's link, fetched through the profile's client (its proxy applies;
        the key is only sent to the profile's own origin; never a private address)."""
        status = 200
        if url.startswith("data:"):
            try:
                data = base64.b64decode(url.split(",", 1)[1])
            except (binascii.Error, ValueError, IndexError):
                data = b""
        else:
            reply = await self.http.request(
                "GET",
                url,
                limit=self.http.limits.image,
                what="image",
                untrusted=True,
                read_timeout=httpx.Timeout(120.0, connect=self.http.timeouts.connect),
                on_bytes=lambda done, total: self._progress(Phase.DOWNLOADING, done, total),
                total=300.0,
            )
            status, data = reply.status_code, reply.content
        return checked_image(
            status,
            data,
            "The image link failed (HTTP %1)",
            "The image link did not return an image",
            "Signed image links expire after about an hour; generate again",
        )
