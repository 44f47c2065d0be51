"""Image decoding and encoding for the UI, without widgets.

Only QImage and QImageReader are used (never QPixmap), so every function here may run in a
worker thread (``asyncio.to_thread``) and keep big decodes off the GUI thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, Qt
from PySide6.QtGui import QImage, QImageReader, QImageWriter

log = logging.getLogger(__name__)

__all__ = ["encode_png", "load_scaled", "openai_mask", "split_grid"]


def _reader(data: bytes) -> tuple[QImageReader, QBuffer]:
    """A reader over bytes; the buffer is returned too, since it must outlive the reader."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # honour EXIF orientation, as viewers do
    return reader, buffer


def _jpeg_complete(data: bytes) -> bool:
    """True when the main JPEG image ends with its EOI marker.

    Qt decodes a cut-off JPEG without an error (the missing rows come out grey), so this
    walks the markers: APP segments are skipped by their length, so the EOI of an EXIF
    thumbnail does not count, and inside scan data 0xFF is always stuffed (FF 00) or a
    restart marker (FF D0..D7).
    """
    pos, size = 2, len(data)
    while pos + 1 < size:
        if data[pos] != 0xFF:
            return False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte before a marker
            pos += 1
            continue
        if marker == 0xD9:
            return True
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        if pos + 3 >= size:
            return False
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker != 0xDA:
            continue
        # Entropy-coded data runs up to the next marker that is neither stuffing nor a restart.
        while True:
            pos = data.find(b"\xff", pos)
            if pos < 0 or pos + 1 >= size:
                return False
            following = data[pos + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                pos += 1 if following == 0xFF else 2
                continue
            break
    return False


def _looks_complete(data: bytes, image_format: bytes) -> bool:
    """Catches the truncations Qt decodes silently (JPEG, BMP); others fail in read()."""
    if image_format in (b"jpeg", b"jpg"):
        return _jpeg_complete(data)
    if image_format == b"bmp" and len(data) >= 6:
        declared = int.from_bytes(data[2:6], "little")
        return declared == 0 or len(data) >= declared  # 0: writers that leave it out
    return True


def load_scaled(source: str | Path | bytes, max_side: int) -> QImage | None:
    """Decodes an image so that neither side exceeds ``max_side`` (never enlarged).

    The scaled size is set before reading, so a 4096 px image is decoded small rather than
    decoded whole and then shrunk. Returns None for a missing, unreadable, truncated or
    non-image file; never raises for bad input.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            log.debug("cannot read image %s: %s", source, exc)
            return None
    if not data or max_side < 1:
        return None
    reader, _buffer = _reader(data)
    if not _looks_complete(data, bytes(reader.format().data())):
        return None
    size = reader.size()
    if size.isValid() and (size.width() > max_side or size.height() > max_side):
        # Scaling happens before the EXIF rotation, so fitting a square keeps either way right.
        target = size.scaled(QSize(max_side, max_side), Qt.AspectRatioMode.KeepAspectRatio)
        reader.setScaledSize(QSize(max(1, target.width()), max(1, target.height())))
    image = reader.read()
    if image.isNull():
        log.debug("not an image or damaged: %s", reader.errorString())
        return None
    return image


def encode_png(image: QImage) -> bytes:
    """Lossless PNG bytes of ``image``; raises ValueError for an empty image."""
    if image.isNull():
        raise ValueError("cannot encode an empty image as PNG")
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise ValueError(f"the image could not be encoded as PNG ({writer.errorString()})")
    return bytes(buffer.data().data())


def split_grid(data: bytes) -> list[tuple[bytes, str]]:
    """Splits a Midjourney 2×2 grid into its four images, numbered as Midjourney does:
    1 top-left, 2 top-right, 3 bottom-left, 4 bottom-right.

    Each quadrant is a lossless PNG (``(png_bytes, "png")``). With an odd width or height
    the right column or bottom row gets the extra pixel. Raises ValueError when ``data``
    is not a decodable image.
    """
    reader, _buffer = _reader(bytes(data))
    if not _looks_complete(bytes(data), bytes(reader.format().data())):
        raise ValueError("the grid image is truncated")
    image = reader.read()
    if image.isNull():
        raise ValueError(f"the grid is not a readable image ({reader.errorString()})")
    width, height = image.width(), image.height()
    if width < 2 or height < 2:
        raise ValueError(f"a {width}×{height} image is too small to be a 2×2 grid")
    left, top = width // 2, height // 2
    boxes = (
        QRect(0, 0, left, top),
        QRect(left, 0, width - left, top),
        QRect(0, top, left, height - top),
        QRect(left, top, width - left, height - top),
    )
    return [(encode_png(image.copy(box)), "png") for box in boxes]


def openai_mask(painted_png: bytes) -> bytes:
    """The mask painter's PNG (white where painted) as OpenAI wants it: the same size, fully
    transparent where the image is to be redrawn and opaque elsewhere."""
    painted = QImage.fromData(QByteArray(painted_png))
    if painted.isNull():
        raise ValueError("the painted mask is not an image")
    alpha = painted.convertToFormat(QImage.Format.Format_Grayscale8)
    alpha.invertPixels()
    mask = QImage(painted.size(), QImage.Format.Format_ARGB32)
    mask.fill(Qt.GlobalColor.black)
    mask.setAlphaChannel(alpha)
    return encode_png(mask)
