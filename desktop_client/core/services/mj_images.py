"""Saving a finished Midjourney image at once: signed Discord URLs expire within hours.

The original bytes are downloaded, checked to be an image, and written atomically into the
gallery folder beside a JSON sidecar with the task's metadata (so the gallery can always be
rebuilt from the files)."""

from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from desktop_client.core.atomic import atomic_write_bytes
from desktop_client.core.errors import ApiError, ErrorKind, StorageError
from desktop_client.core.images import IMAGE_TYPES, sniff_image
from desktop_client.core.net.client import SecureHttp, origin, same_host
from desktop_client.core.storage.gallery import read_sidecar, write_sidecar
from desktop_client.core.storage.mj_tasks import StoredTask

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
        raise StorageError("Refused to write outside the gallery folder", hint="This is a bug; report it")
    return path


def gallery_path(gallery: Path, task: StoredTask, extension: str) -> Path:
    stamp = time.localtime(task.submitted)
    folder = gallery / "midjourney" / time.strftime("%Y-%m", stamp)
    name = f"{time.strftime('%Y%m%d-%H%M%S', stamp)}-{safe_stem(task.id)}"
    return inside(folder, folder / f"{name}{extension}")


def refused_url(reason: str) -> ApiError:
    return ApiError(
        f"The server named an image address Keyhold will not fetch ({reason})",
        hint="The server is misbehaving; ask its owner, or run the task again",
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
        raise refused_url("not an http or https address")


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
    if reply.status_code >= 300:
        # Not the profile's key or URL at fault: a CDN refusing, or a signed link that expired.
        raise ApiError(
            f"The image download failed (HTTP {reply.status_code})",
            hint="The link may have expired; Keyhold keeps trying while the task is listed",
            kind=ErrorKind.SERVER,
        )
    data = reply.content
    kind = sniff_image(data)
    if kind is None:
        raise ApiError(
            "The task's image URL did not return an image",
            hint="The link may have expired; Keyhold keeps trying while the task is listed",
            kind=ErrorKind.PROTOCOL,
        )
    return data, kind, reply.url


async def save_task_image(http: SecureHttp, task: StoredTask, gallery: Path, profile_name: str) -> Path:
    data, kind, source = await fetch_image(http, task.image_url, 120)
    image_path = gallery_path(gallery, task, IMAGE_TYPES[kind])
    atomic_write_bytes(image_path, data, mode=0o644)
    # A CDN host is worth keeping; the profile's own server address is not written anywhere.
    on_server = is_server_url(task.image_url) or same_host(source, http.base_url)
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
