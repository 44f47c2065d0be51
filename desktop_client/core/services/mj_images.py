"""Saving a finished Midjourney image at once: signed Discord URLs expire within hours.

The original bytes are downloaded, checked to be an image, and saved through the gallery
service: written atomically into the gallery folder beside a JSON sidecar with the task's
metadata (so the gallery can always be rebuilt from the files), and indexed."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final, Literal
from urllib.parse import urlsplit

import httpx

from desktop_client.core.errors import N_, ApiError, ErrorKind, StorageError, Template
from desktop_client.core.gallery_record import ImageRecord
from desktop_client.core.images import IMAGE_TYPES
from desktop_client.core.net.client import SecureHttp, origin, same_host
from desktop_client.core.services.gallery import INDEX, GalleryService, NotIndexed
from desktop_client.core.storage.mj_tasks import StoredTask

log = logging.getLogger(__name__)

SERVER_URL = "server:"  # an image on the profile's own server, stored without its address
_SERVER_PORT = re.compile(r"server\+(https?):(\d{1,5}):")  # the same host on another scheme or port
MAX_URL = 4096


BASE_URL = "base:"  # below the base URL's own path, which is kept out of files too


def is_server_url(url: str) -> bool:
    return url.startswith((SERVER_URL, BASE_URL)) or bool(_SERVER_PORT.match(url))


def portable_url(url: str, base_url: str) -> str:
    """The server's address stays in the keyring: an image URL on its host (any scheme or
    port) is stored as a path, plus the scheme and port when they differ."""
    if not url or is_server_url(url):
        return url
    try:
        if not same_host(url, base_url):
            return url
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if origin(url) == origin(base_url):
            base_path = urlsplit(base_url).path.rstrip("/")
            if base_path and parts.path.startswith(base_path + "/"):
                return BASE_URL + path[len(base_path) :]
            return SERVER_URL + path
        _scheme, _host, port = origin(url)
        return f"server+{parts.scheme.lower()}:{port}:{path}"
    except (ValueError, httpx.InvalidURL):
        return url


def absolute_url(url: str, base_url: str) -> str:
    base = urlsplit(base_url)
    if url.startswith(BASE_URL):
        return base_url.rstrip("/") + url[len(BASE_URL) :]
    if url.startswith(SERVER_URL):
        return f"{base.scheme}://{base.netloc}{url[len(SERVER_URL) :]}"
    match = _SERVER_PORT.match(url)
    if match is None:
        return url
    host = base.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{match.group(1)}://{host}:{match.group(2)}{url[match.end() :]}"


def safe_stem(text: str, limit: int = 40) -> str:
    """A file-name part from a server's string: letters, digits, - and _ only, bounded, plus
    a hash of the original whenever anything was changed, so two ids never share a name."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]", "", text)[:limit]
    if cleaned == text and cleaned:
        return cleaned
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{cleaned}-{digest}" if cleaned else digest


def inside(folder: Path, path: Path) -> Path:
    """``path`` itself, after checking that it names a file directly in ``folder``."""
    if path.parent != folder or path.name in ("", ".", "..") or "/" in path.name or "\\" in path.name:
        raise StorageError(
            N_("Errors", "Refused to write outside the gallery folder"),
            hint=N_("Errors", "This is a bug; report it"),
        )
    return path


def gallery_path(gallery: Path, task: StoredTask, extension: str) -> Path:
    stamp = time.localtime(task.submitted)
    folder = gallery / "midjourney" / time.strftime("%Y-%m", stamp)
    name = f"{time.strftime('%Y%m%d-%H%M%S', stamp)}-{safe_stem(task.id)}"
    return inside(folder, folder / f"{name}{extension}")


Unfetchable = Literal["no address", "too long", "spaces or control characters", "not a valid URL", "not http"]
_UNFETCHABLE: Final[dict[Unfetchable, Template]] = {
    "no address": N_("Errors", "The server named an image address Keyhold will not fetch (no address)"),
    "too long": N_("Errors", "The server named an image address Keyhold will not fetch (too long)"),
    "spaces or control characters": N_(
        "Errors", "The server named an image address Keyhold will not fetch (spaces or control characters)"
    ),
    "not a valid URL": N_("Errors", "The server named an image address Keyhold will not fetch (not a valid URL)"),
    "not http": N_(
        "Errors", "The server named an image address Keyhold will not fetch (not an http or https address)"
    ),
}


def refused_url(reason: Unfetchable) -> ApiError:
    return ApiError(
        _UNFETCHABLE[reason],
        hint=N_("Errors", "The server is misbehaving; ask its owner, or run the task again"),
        kind=ErrorKind.REFUSED,
    )


def check_image_url(url: str) -> None:
    """Only a plain http(s) address (or one on the profile's server) is fetched at all."""
    if not url:
        raise refused_url("no address")
    if len(url) > MAX_URL:
        raise refused_url("too long")
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        raise refused_url("spaces or control characters")
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise refused_url("not a valid URL") from None
    if not is_server_url(url) and scheme not in ("http", "https"):
        raise refused_url("not http")


def metadata(task: StoredTask, profile_name: str, source_url_host: str) -> ImageRecord:
    return ImageRecord(
        "midjourney",
        task.prompt,
        task.action,
        prompt_extra=task.final_prompt,
        model=task.bot,
        profile=profile_name,
        task_id=task.id,
        # When the image was made orders the gallery (as version-1 sidecars' "finished" did).
        created=task.finished or task.submitted,
        extra={
            "parent_task_id": task.parent_id or None,
            "custom_id": task.custom_id or None,
            "buttons": [{"customId": b.custom_id, "emoji": b.emoji, "label": b.label} for b in task.buttons],
            "seed": task.seed or None,
            "image_host": source_url_host or None,
            "submitted": task.submitted,
            "finished": task.finished,
            "saved": time.time(),
        },
    )


async def fetch_image(http: SecureHttp, url: str, read_seconds: float) -> tuple[bytes, str, httpx.URL]:
    """An image a task points at: its bytes, their type, and where they came from."""
    check_image_url(url)
    reply = await http.request(
        "GET",
        absolute_url(url, http.base_url),
        limit=http.limits.image,
        what="image",
        untrusted=True,
        read_timeout=httpx.Timeout(read_seconds, connect=10),
        total=read_seconds * 2,
    )
    # A failure is not the profile's key or URL at fault: a CDN refusing, or a signed link that expired.
    data, kind = reply.image(
        "The image download failed (HTTP %1)",
        "The task's image URL did not return an image",
        "The link may have expired; Keyhold keeps trying while the task is listed",
    )
    return data, kind, reply.url


async def save_task_image(http: SecureHttp, task: StoredTask, gallery: GalleryService, profile_name: str) -> Path:
    """The task's image, saved into the gallery; its path. Raises when the image or its sidecar
    could not be written (the poller tries again); a missing index row only costs a warning."""
    data, kind, source = await fetch_image(http, task.image_url, 120)
    image_path = gallery_path(gallery.folder, task, IMAGE_TYPES[kind])
    # A CDN host is worth keeping; the profile's own server address is not written anywhere.
    on_server = is_server_url(task.image_url) or same_host(source, http.base_url)
    record = metadata(task, profile_name, "" if on_server else str(source.host))
    return await _save(gallery, data, record, image_path)


async def _save(gallery: GalleryService, data: bytes, record: ImageRecord, path: Path) -> Path:
    try:
        await gallery.save(data, record, gallery.relative(path.parent), path.name)
    except NotIndexed as exc:
        if exc.stage != INDEX:
            raise exc.cause from None
        # The image and its sidecar are saved; an index problem must not undo that.
        log.warning("an image was saved but not indexed (a rescan will add it): %s", type(exc.cause).__name__)
    return path


async def save_quadrants(
    gallery: GalleryService, original: Path, grid: ImageRecord, parts: Sequence[tuple[bytes, str]]
) -> list[Path]:
    """The four images of a split grid, beside the grid, each with its own sidecar (the
    grid's record plus which quadrant it is), so the gallery knows where each came from."""
    saved: list[Path] = []
    for number, (data, extension) in enumerate(parts, 1):
        extra = {**grid.extra, "split_from": original.name, "quadrant": number, "saved": time.time()}
        path = original.with_name(f"{original.stem}-{number}.{extension}")
        saved.append(await _save(gallery, data, replace(grid, extra=extra), path))
    return saved
