"""Image types from the bytes themselves (a server's content type can lie); no heavy imports,
so the UI can use it on the start-up path."""

from __future__ import annotations

# The largest image Keyhold downloads (a Midjourney upscale or a 4K gpt-image is far below it).
MAX_IMAGE_BYTES = 64 * 1024 * 1024

IMAGE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}


def sniff_image(data: bytes) -> str | None:
    """The image type from the bytes themselves (a server's content-type can lie)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def image_size(head: bytes) -> tuple[int, int] | None:
    """Width and height read from an image's header (the first 64 KiB are plenty), or None
    when the header is not a readable PNG, JPEG, WebP or GIF."""
    size = _size(head)
    return size if size and size[0] > 0 and size[1] > 0 else None


def _size(head: bytes) -> tuple[int, int] | None:
    kind = sniff_image(head)
    if len(head) < 10:
        return None
    try:
        if kind == "image/png" and head[12:16] == b"IHDR":
            return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        if kind == "image/gif":
            return int.from_bytes(head[6:8], "little"), int.from_bytes(head[8:10], "little")
        if kind == "image/webp":
            return _webp_size(head)
        if kind == "image/jpeg":
            return _jpeg_size(head)
    except IndexError:
        return None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8X":
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        return int.from_bytes(head[26:28], "little") & 0x3FFF, int.from_bytes(head[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(head: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(head):
        if head[index] != 0xFF:
            return None
        marker = head[index + 1]
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        length = int.from_bytes(head[index + 2 : index + 4], "big")
        if marker in _SOF_MARKERS:
            return int.from_bytes(head[index + 7 : index + 9], "big"), int.from_bytes(
                head[index + 5 : index + 7], "big"
            )
        index += 2 + length
    return None
