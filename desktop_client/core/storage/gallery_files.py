"""The gallery's files: how an image is probed, where its sidecar is and how it is read (bounded,
untrusted) and written (atomically), a free name beside others, and the trash."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from desktop_client.core.atomic import atomic_write_text
from desktop_client.core.errors import N_, InputError
from desktop_client.core.images import image_size, sniff_image
from desktop_client.core.jsonsafe import loads

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
OK, CORRUPT = "ok", "corrupt"  # the states a probe finds (the index adds "missing")
_HEAD = 64 * 1024
_MAX_PROBE = 32 * 1024 * 1024


def probe(path: Path) -> tuple[str, tuple[int, int] | None]:
    """OK and the size, or CORRUPT. The size is in the first 64 KiB, except in a JPEG whose
    EXIF/XMP/ICC data is longer: then the file is read further."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
        kind = sniff_image(head)
        size = image_size(head)
        if kind == "image/jpeg" and size is None:
            head += handle.read(_MAX_PROBE)
            size = image_size(head)
    return (OK if kind and size else CORRUPT), size


def probe_bytes(data: bytes) -> tuple[str, tuple[int, int] | None]:
    """What ``probe`` finds in a file holding ``data`` (for an image still in memory)."""
    head = data[:_HEAD]
    kind = sniff_image(head)
    size = image_size(head)
    if kind == "image/jpeg" and size is None:
        size = image_size(data[: _HEAD + _MAX_PROBE])
    return (OK if kind and size else CORRUPT), size


def relative_path(root: Path, path: Path) -> str:
    """``path`` relative to the data home, with forward slashes (ValueError outside it)."""
    # Not resolve(): a gallery folder that is a link to another disk still lies "inside".
    return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()  # noqa: PTH100


def absolute_path(root: Path, rel: str) -> Path:
    return root / Path(*rel.split("/"))


def sidecar_of(path: Path) -> Path:
    return path.with_suffix(".json")


MAX_SIDECAR = 4 * 1024 * 1024


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar's document, or {} when it is missing, too big or not a JSON object (an
    imported folder's sidecars are as untrusted as a server's answers)."""
    try:
        with sidecar_of(path).open("rb") as handle:
            data = handle.read(MAX_SIDECAR + 1)
        if len(data) > MAX_SIDECAR:
            return {}
        loaded = loads(data)
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def write_sidecar(path: Path, document: dict[str, Any]) -> None:
    atomic_write_text(sidecar_of(path), json.dumps(document, ensure_ascii=False, indent=2) + "\n", mode=0o644)


def mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def free_name(path: Path) -> Path:
    """A name neither the file nor its sidecar uses yet (cat.png and cat.jpg share cat.json)."""
    if not path.exists() and not sidecar_of(path).exists():
        return path
    for number in range(2, 100000):
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        if not candidate.exists() and not sidecar_of(candidate).exists():
            return candidate
    raise InputError(
        N_("Errors", "Too many files named like %1"),
        hint=N_("Errors", "Choose an empty folder"),
        args=(path.name,),
    )


def trash(path: Path, home: Path) -> None:
    """The OS trash where there is one; otherwise a trash folder in the data home, so a
    delete is never final behind the user's back."""
    try:
        from send2trash import send2trash

        send2trash(str(path))
        return
    except Exception as exc:  # send2trash raises OSError subclasses and its own errors
        log.info("no OS trash for this file (%s); keeping it in the data home's trash", type(exc).__name__)
    fallback = free_name(home / "trash" / path.name)
    fallback.parent.mkdir(parents=True, exist_ok=True)
    path.replace(fallback)
