"""Generating and editing images with an OpenAI-compatible profile, for the GUI and the CLI.

Every image is saved at once through the gallery service: written atomically into
``gallery/openai/YYYY-MM/`` beside a JSON sidecar (prompt, revised prompt, parameters, usage,
inputs) and indexed."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop_client.core.api.images import (
    ImageRequest,
    ImagesClient,
    ImagesResult,
    InputImage,
    ProgressCallback,
)
from desktop_client.core.errors import N_, ApiError, ErrorKind, InputError, KeyholdError, StorageError
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import IMAGE_TYPES, sniff_image
from desktop_client.core.net.client import same_host
from desktop_client.core.redact import REDACTOR
from desktop_client.core.services.connections import Connections
from desktop_client.core.services.gallery import GalleryService, NotIndexed
from desktop_client.core.settings import ProfileKind
from desktop_client.core.storage.db import is_disk_full
from desktop_client.core.storage.gallery import GalleryItem

MAX_INPUT_BYTES = 50 * 1024 * 1024


@dataclass
class Generation:
    items: list[GalleryItem]
    failures: list[KeyholdError] = field(default_factory=list)  # images the server named but we could not get
    usage: dict[str, Any] | None = None
    seconds: float = 0.0


class ImageService:
    def __init__(self, gallery: GalleryService, connections: Connections) -> None:
        self.gallery = gallery
        self.connections = connections
        self.profiles = connections.profiles

    async def client(self, profile_id: str, on_progress: ProgressCallback | None = None) -> ImagesClient:
        http = await self.connections.client_for(profile_id, ProfileKind.OPENAI, "to generate images")
        return ImagesClient(http, on_progress=on_progress)

    async def generate(
        self, profile_id: str, request: ImageRequest, *, on_progress: ProgressCallback | None = None
    ) -> Generation:
        request.validate()
        client = await self.client(profile_id, on_progress)
        result = await client.generate(request)
        return await self._save(client, result, request, "generate", [], False)

    async def edit(
        self,
        profile_id: str,
        request: ImageRequest,
        sources: Sequence[Path],
        mask: bytes | None = None,
        *,
        on_progress: ProgressCallback | None = None,
    ) -> Generation:
        request.validate(edit=True)
        images = await asyncio.to_thread(_read_inputs, sources)
        if mask is not None and sniff_image(mask) != "image/png":
            raise InputError(
                N_("Errors", "The mask must be a PNG with transparency"), hint=N_("Errors", "Paint the mask again")
            )
        client = await self.client(profile_id, on_progress)
        result = await client.edit(request, images, mask)
        return await self._save(client, result, request, "edit", sources, mask is not None)

    async def _save(
        self,
        client: ImagesClient,
        result: ImagesResult,
        request: ImageRequest,
        action: str,
        sources: Sequence[Path],
        masked: bool,
    ) -> Generation:
        stamp = time.localtime(result.created or time.time())
        folder = f"gallery/openai/{time.strftime('%Y-%m', stamp)}"
        base = f"{time.strftime('%Y%m%d-%H%M%S', stamp)}-{secrets.token_hex(3)}"
        params = {k: v for k, v in request.fields().items() if k not in ("prompt", "model", "response_format")}
        inputs = []
        for source in sources:
            try:
                inputs.append(self.gallery.relative(source))
            except ValueError:
                inputs.append(source.name)  # a file from outside the data home: its name only
        shared: dict[str, Any] = {
            "params": params,
            "server": {k: REDACTOR.redact_known(v) for k, v in result.meta.items()} or None,
            "usage": result.usage,
            "count": len(result.items),
            "inputs": inputs or None,
            "mask": masked or None,
            "server_created": result.created,
            "seconds": round(result.seconds, 2),
        }
        saved: list[GalleryItem] = []
        failures: list[KeyholdError] = []
        for number, item in enumerate(result.items, 1):
            if item.data is None:
                failures.append(item.error or ApiError(N_("Errors", "An image could not be had")))
                continue
            extra: dict[str, Any] = {
                **shared,
                "index": number,
                # A CDN host is worth keeping; the profile's own address is never written.
                "image_host": _cdn_host(item.url, client.http.base_url),
                "saved": time.time(),
            }
            record = ImageRecord(
                "openai",
                request.prompt,
                action,
                prompt_extra=REDACTOR.redact_known(item.revised_prompt),
                model=request.model,
                profile=client.http.profile.name,
                # Local time orders the gallery; the server's own stamp is kept beside it.
                created=time.time(),
                extra={k: v for k, v in extra.items() if v is not None},
            )
            outcome = await self._save_one(
                item.data, record, folder, f"{base}-{number}{IMAGE_TYPES[item.mime]}", number
            )
            if isinstance(outcome, GalleryItem):
                saved.append(outcome)
            else:
                failures.append(outcome)
        return Generation(saved, failures, result.usage, result.seconds)

    async def _save_one(
        self, data: bytes, record: ImageRecord, folder: str, name: str, number: int
    ) -> GalleryItem | KeyholdError:
        """The image saved, or why it was not: a full disk costs this image, not the ones after it."""
        try:
            return await self.gallery.save(data, record, folder, name)
        except NotIndexed as exc:
            if not isinstance(exc.cause, OSError):
                raise exc.cause from None  # the database refused: as before, the whole call fails
            return StorageError(
                N_("Errors", "Image %1 was saved without its details (%2)"),
                args=(number, exc.cause.strerror),
            )
        except OSError as exc:
            return StorageError(
                N_("Errors", "Image %1 could not be written (%2)"),
                hint=N_("Errors", "Free some disk space"),
                kind=ErrorKind.DISK_FULL if is_disk_full(exc) else ErrorKind.STORAGE,
                args=(number, exc.strerror),
            )


def _cdn_host(url: str, base_url: str) -> str | None:
    """A CDN host is worth keeping; the profile's own host (any port or scheme) never is."""
    if not url or url.startswith("data:") or same_host(url, base_url):
        return None
    return urlsplit(url).hostname


def _read_inputs(sources: Sequence[Path]) -> list[InputImage]:
    images: list[InputImage] = []
    for source in sources:
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise InputError(
                N_("Errors", "%1 cannot be read (%2)"),
                hint=N_("Errors", "Pick another image"),
                args=(source.name, exc.strerror),
            ) from None
        mime = sniff_image(data)
        if mime is None or mime == "image/gif":
            raise InputError(
                N_("Errors", "%1 is not a PNG, JPEG or WebP image"),
                hint=N_("Errors", "Pick another image"),
                args=(source.name,),
            )
        if len(data) > MAX_INPUT_BYTES:
            raise InputError(
                N_("Errors", "%1 is larger than 50 MB"),
                hint=N_("Errors", "Pick a smaller image"),
                args=(source.name,),
            )
        images.append(InputImage(source.name, data, mime))
    return images
