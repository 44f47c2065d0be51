"""Saving a finished Midjourney image at once: signed Discord URLs expire within hours.

The original bytes are downloaded, checked to be an image, and written atomically into the
gallery folder beside a JSON sidecar with the task's metadata (so the gallery can always be
rebuilt from the files)."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from desktop_client.core.atomic import atomic_write_bytes
from desktop_client.core.errors import ApiError, ErrorKind
from desktop_client.core.images import IMAGE_TYPES, MAX_IMAGE_BYTES, sniff_image
from desktop_client.core.net.client import SecureHttp, origin, same_host
from desktop_client.core.net.errors import error_from_transport
from desktop_client.core.storage.gallery import read_sidecar, write_sidecar
from desktop_client.core.storage.mj_tasks import StoredTask

SERVER_URL = "server:"  # an image on the profile's own server, stored without its address


def portable_url(url: str, base_url: str) -> str:
    """The server's address stays in the keyring: an image URL on it is stored as a path."""
    if url and origin(url) == origin(base_url):
        parts = urlsplit(url)
        return SERVER_URL + parts.path + (f"?{parts.query}" if parts.query else "")
    return url


def absolute_url(url: str, base_url: str) -> str:
    if not url.startswith(SERVER_URL):
        return url
    base = urlsplit(base_url)
    return f"{base.scheme}://{base.netloc}{url[len(SERVER_URL) :]}"


def gallery_path(gallery: Path, task: StoredTask, extension: str) -> Path:
    stamp = time.localtime(task.submitted)
    folder = gallery / "midjourney" / time.strftime("%Y-%m", stamp)
    name = f"{time.strftime('%Y%m%d-%H%M%S', stamp)}-{task.id}"
    return folder / f"{name}{extension}"


def metadata(task: StoredTask, profile_name: str, source_url_host: str) -> dict[str, object]:
    return {
        "source": "midjourney",
        "task_id": task.id,
        "parent_task_id": task.parent_id or None,
        "action": task.action,
        "custom_id": task.custom_id or None,
        "prompt": task.prompt,
        "final_prompt": task.final_prompt,
        "buttons": [{"customId": b.custom_id, "emoji": b.emoji, "label": b.label} for b in task.buttons],
        "bot": task.bot or None,
        "seed": task.seed or None,
        "profile": profile_name,
        "image_host": source_url_host or None,
        "submitted": task.submitted,
        "finished": task.finished,
        "saved": time.time(),
    }


async def fetch_image(http: SecureHttp, url: str, read_seconds: float) -> tuple[bytes, str, httpx.URL]:
    """An image a task points at: its bytes, their type, and where they came from."""
    try:
        response = await http.client.get(
            absolute_url(url, http.base_url), timeout=httpx.Timeout(read_seconds, connect=10)
        )
    except httpx.HTTPError as exc:
        raise error_from_transport(exc) from None
    if response.status_code >= 300:
        # Not the profile's key or URL at fault: a CDN refusing, or a signed link that expired.
        raise ApiError(
            f"The image download failed (HTTP {response.status_code})",
            hint="The link may have expired; Keyhold keeps trying while the task is listed",
            kind=ErrorKind.SERVER,
        )
    data = response.content
    kind = sniff_image(data)
    if kind is None or len(data) > MAX_IMAGE_BYTES:
        raise ApiError(
            "The task's image URL did not return an image",
            hint="The link may have expired; Keyhold keeps trying while the task is listed",
            kind=ErrorKind.PROTOCOL,
        )
    return data, kind, response.url


async def save_task_image(http: SecureHttp, task: StoredTask, gallery: Path, profile_name: str) -> Path:
    data, kind, source = await fetch_image(http, task.image_url, 120)
    image_path = gallery_path(gallery, task, IMAGE_TYPES[kind])
    atomic_write_bytes(image_path, data, mode=0o644)
    # A CDN host is worth keeping; the profile's own server address is not written anywhere.
    on_server = task.image_url.startswith(SERVER_URL) or same_host(source, http.base_url)
    document = metadata(task, profile_name, "" if on_server else str(source.host))
    document["file"] = image_path.name
    document["bytes"] = len(data)
    write_sidecar(image_path, document)
    return image_path


def save_quadrants(original: Path, parts: list[tuple[bytes, str]]) -> list[Path]:
    """The four images of a split grid, beside the grid, each with its own sidecar (the
    grid's metadata plus which quadrant it is), so the gallery knows where each came from."""
    base = read_sidecar(original) or {"source": "midjourney"}
    saved: list[Path] = []
    for number, (data, extension) in enumerate(parts, 1):
        path = original.with_name(f"{original.stem}-{number}.{extension}")
        atomic_write_bytes(path, data, mode=0o644)
        document = {**base, "file": path.name, "bytes": len(data), "split_from": original.name, "quadrant": number}
        document["saved"] = time.time()
        write_sidecar(path, document)
        saved.append(path)
    return saved
