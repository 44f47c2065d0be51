"""A loopback midjourney-proxy that really runs tasks, in each dialect's wire shapes.

``MjSimulator`` extends :class:`FakeMidjourney` (same auth, same mode prefixes, same
relay HTML outside ``/mj``) with the submit/poll/button/modal life cycle, so the app
can drive imagine -> U1 -> Vary (Region) -> Zoom Out end to end against real sockets.

Time does not pass on its own: a task advances one step each time a client observes
it (a ``fetch`` or a ``list-by-condition`` that includes it)::

    NOT_START (only after queue_next) -> SUBMITTED "0%" -> IN_PROGRESS (steps times,
    increasing percent, a preview PNG from the 2nd in-progress step on) -> SUCCESS "100%"

A MODAL task (Vary Region, Custom Zoom, describe/shorten follow-ups) waits for
``/mj/submit/modal``. Images are real PNGs written with zlib+struct and served by the
same server: ``/attachments/...`` (Discord CDN style, no auth) for novicezk/trueai,
``/mj/image/<id>`` (no auth, like new-api's forwarder) for newapi.

Dialect details taken from the real sources (see docs in /work/shared/reference):

* novicezk: Jackson ``Task`` shape; ``buttons`` only with ``buttons=True`` (the plus
  build). ``buttons=False`` is the open-source server: no ``buttons`` key, and
  ``/submit/action``, ``/submit/modal``, ``/submit/shorten`` and ``/task/{id}/image-seed``
  answer 404. Unknown fetch = 200 with an empty body. ``/submit/change`` repeats answer
  21 "任务已存在" with ``properties.status/imageUrl``.
* trueai: the whole ``TaskInfo`` (camelCase, nulls included, ``id``/``properties`` last,
  as System.Text.Json writes a derived class). Unknown fetch = 204. Unknown parent on
  action/modal/change/image-seed = HTTP 404 with code 3. Vary (Region) answers 21 with
  ``finalPrompt: ""`` (trueai clears the prompt of INPAINT tasks). BOOKMARK answers
  code 1 "成功" with the parent id; ``MJ::Job::PicReader::all`` starts four tasks and
  answers their ids comma-joined.
* newapi: the ``MidjourneyDto`` re-shape (strings never null, times 0, ``customId`` and
  ``botType`` empty, ``description`` = the submit answer's description, action names
  from ``CoverPlusActionToNormalAction``: Zoom Out = ``ZOOM``, Custom Zoom =
  ``CUSTOM_ZOOM``, Vary (Subtle/Strong) = ``LOW_/HIGH_VARIATION``, Upscale (Subtle) =
  ``UPSCALE``). Submit answers pass through except: 22 -> 1 (byte replace), 21 -> 1
  unless INPAINT/CUSTOM_ZOOM, every other code -> HTTP 400 (429 for 30)
  ``{"code":N,"description":"<desc> <result>","type":"upstream_error"}`` (Go map: keys
  sorted). new-api's own pre-checks use its own words (``prompt_is_required``,
  ``task_not_found``, ``task_status_not_success``, ``unknown_action:<customId>`` -- so
  PicReader/PromptAnalyzer/BOOKMARK buttons are refused, as on a real relay). A failed
  task shows progress "100%" (new-api's refund path rewrites it).
"""

from __future__ import annotations

import base64
import binascii
import colorsys
import hashlib
import itertools
import json
import re
import ssl
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .mj_fake import RELAY_HTML, Dialect, FakeMidjourney
from .server import Conn, Request

__all__ = [
    "DISCORD_INSTANCE_ID",
    "PNG_SIGNATURE",
    "MjSimulator",
    "grid_png",
    "png_bytes",
    "png_size",
    "solid_png",
]

DISCORD_INSTANCE_ID = "1118138338562560102"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BANNED_WORDS = ("nude",)
_NUMBER_EMOJI = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣")
_USER_MENTION = "<@1012983546824114217>"
_DISCORD_EPOCH_MS = 1420070400000
_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
_MODES = {"/mj-relax": "RELAX", "/mj-fast": "FAST", "/mj-turbo": "TURBO"}

# Task ids are 16 digits (ms timestamp + 3 digits) and strictly increasing across
# every simulator in the process, so two simulators never hand out the same id.
_ID_LOCK = threading.Lock()
_last_id = 0
_snowflake_seq = itertools.count()


def _new_task_id() -> str:
    global _last_id
    with _ID_LOCK:
        candidate = int(time.time() * 1000) * 1000
        _last_id = max(candidate, _last_id + 1)
        return str(_last_id)


def _snowflake() -> str:
    ms = int(time.time() * 1000) - _DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_snowflake_seq) & 0x3FFFFF))


def _now_ms() -> int:
    return int(time.time() * 1000)


# -- PNG -------------------------------------------------------------------------------

RGB = tuple[int, int, int]


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(width: int, height: int, rows: Iterable[bytes]) -> bytes:
    """An 8-bit RGB PNG from ``height`` rows of ``width * 3`` bytes each."""
    raw = b"".join(b"\x00" + row for row in rows)
    if len(raw) != height * (width * 3 + 1):
        raise ValueError("row data does not match the image size")
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return PNG_SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, 1)) + _chunk(b"IEND", b"")


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, or None if ``data`` is not one."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def solid_png(width: int, height: int, rgb: RGB) -> bytes:
    row = bytes(rgb) * width
    return png_bytes(width, height, itertools.repeat(row, height))


def grid_png(width: int, height: int, colors: list[RGB]) -> bytes:
    """A 2x2 Midjourney-style grid: four solid quadrants."""
    half_w, half_h = width // 2, height // 2
    top = bytes(colors[0]) * half_w + bytes(colors[1]) * (width - half_w)
    bottom = bytes(colors[2]) * half_w + bytes(colors[3]) * (width - half_w)
    return png_bytes(width, height, [top] * half_h + [bottom] * (height - half_h))


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _soft_row(left: RGB, right: RGB, width: int) -> bytes:
    band = max(2, width // 4)
    start = width // 2 - band // 2
    out = bytearray()
    for x in range(width):
        t = min(1.0, max(0.0, (x - start) / band))
        out += bytes(_mix(left, right, t))
    return bytes(out)


def preview_png(width: int, height: int, colors: list[RGB], fraction: float) -> bytes:
    """A smaller, washed-out and blurred grid, like Midjourney's progress previews."""
    grey = (128, 128, 128)
    washed = [_mix(grey, c, 0.3 + 0.6 * fraction) for c in colors]
    top = _soft_row(washed[0], washed[1], width)
    bottom = _soft_row(washed[2], washed[3], width)
    band = max(2, height // 4)
    start = height // 2 - band // 2
    levels = 16
    blends: list[bytes] = []
    for i in range(levels + 1):
        t = i / levels
        blends.append(bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    rows: list[bytes] = []
    for y in range(height):
        t = min(1.0, max(0.0, (y - start) / band))
        rows.append(blends[round(t * levels)])
    return png_bytes(width, height, rows)


def _palette(seed: str) -> list[RGB]:
    digest = hashlib.sha256(seed.encode()).digest()
    base = digest[0] / 255
    colors = []
    for k in range(4):
        hue = (base + k * 0.25 + digest[k + 1] / 255 * 0.08) % 1.0
        sat = 0.45 + digest[k + 5] / 255 * 0.4
        val = 0.65 + digest[k + 9] / 255 * 0.3
        r, g, b = colorsys.hsv_to_rgb(hue, sat, val)
        colors.append((round(r * 255), round(g * 255), round(b * 255)))
    return colors


def _grid_size(prompt: str) -> tuple[int, int]:
    """512x512 for square; 768 on the long side otherwise (2:3 -> 512x768)."""
    match = re.search(r"--(?:ar|aspect)\s+(\d+)\s*:\s*(\d+)", prompt)
    if not match:
        return 512, 512
    w, h = int(match.group(1)), int(match.group(2))
    if w <= 0 or h <= 0 or w == h:
        return 512, 512
    if w > h:
        return 768, max(64, round(768 * h / w / 2) * 2)
    return max(64, round(768 * w / h / 2) * 2), 768


def _decode_data_url(value: object) -> tuple[str, bytes] | None:
    """(mime type, bytes) of a ``data:<mime>;base64,...`` URL or bare base64; None if invalid."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    mime = "image/png"
    if text.startswith("data:"):
        header, sep, text = text.partition(",")
        if not sep or not header.endswith(";base64"):
            return None
        mime = header[5:-7] or "application/octet-stream"
    try:
        data = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return (mime, data) if data else None


def _banned_word(prompt: str) -> str | None:
    for word in BANNED_WORDS:
        if re.search(rf"\b{re.escape(word)}\b", prompt, re.IGNORECASE):
            return word
    return None


def _bot_type(value: object) -> str:
    return (
        "NIJI_JOURNEY" if isinstance(value, str) and value.lower() in ("niji", "niji_journey") else "MID_JOURNEY"
    )


def _slug(prompt: str) -> str:
    words = re.findall(r"[a-z0-9]+", re.sub(r"--\S+(\s+\S+)?", " ", prompt.lower()))
    return "_".join(words)[:48].strip("_") or "image"


def _version(prompt: str) -> str | None:
    match = re.search(r"--(v|niji)\s*(\d+(?:\.\d+)?)", prompt, re.IGNORECASE)
    return f"{match.group(1).lower()} {match.group(2)}" if match else None


# -- buttons -----------------------------------------------------------------------------


def _button(custom_id: str, emoji: str = "", label: str = "") -> dict[str, Any]:
    return {"customId": custom_id, "emoji": emoji, "label": label, "type": 2, "style": 2}


def _grid_buttons(h: str) -> list[dict[str, Any]]:
    out = [_button(f"MJ::JOB::upsample::{n}::{h}", label=f"U{n}") for n in range(1, 5)]
    out.append(_button(f"MJ::JOB::reroll::0::{h}::SOLO", "🔄"))
    out += [_button(f"MJ::JOB::variation::{n}::{h}", label=f"V{n}") for n in range(1, 5)]
    return out


def _upscale_buttons(h: str, *, hd: bool = False) -> list[dict[str, Any]]:
    out = []
    if not hd:
        out += [
            _button(f"MJ::JOB::upsample_v6_2x_subtle::1::{h}::SOLO", label="Upscale (Subtle)"),
            _button(f"MJ::JOB::upsample_v6_2x_creative::1::{h}::SOLO", label="Upscale (Creative)"),
        ]
    out += [
        _button(f"MJ::JOB::low_variation::1::{h}::SOLO", "🪄", "Vary (Subtle)"),
        _button(f"MJ::JOB::high_variation::1::{h}::SOLO", "🪄", "Vary (Strong)"),
        _button(f"MJ::Inpaint::1::{h}::SOLO", "🖌️", "Vary (Region)"),
        _button(f"MJ::Outpaint::50::1::{h}::SOLO", "🔍", "Zoom Out 2x"),
        _button(f"MJ::Outpaint::75::1::{h}::SOLO", "🔍", "Zoom Out 1.5x"),
        _button(f"MJ::CustomZoom::1::{h}", "🔍", "Custom Zoom"),
    ]
    if not hd:
        out += [
            _button(f"MJ::JOB::pan_left::1::{h}::SOLO", "⬅️"),
            _button(f"MJ::JOB::pan_right::1::{h}::SOLO", "➡️"),
            _button(f"MJ::JOB::pan_up::1::{h}::SOLO", "⬆️"),
            _button(f"MJ::JOB::pan_down::1::{h}::SOLO", "⬇️"),
        ]
    out.append(_button(f"MJ::BOOKMARK::{h}", "❤️"))
    return out


def _describe_buttons() -> list[dict[str, Any]]:
    out = [_button(f"MJ::Job::PicReader::{n}", _NUMBER_EMOJI[n - 1]) for n in range(1, 5)]
    out.append(_button("MJ::Picread::Retry", "🔄"))
    out.append(_button("MJ::Job::PicReader::all", "🎉", "Imagine all"))
    return out


def _shorten_buttons() -> list[dict[str, Any]]:
    return [_button(f"MJ::Job::PromptAnalyzer::{n}", _NUMBER_EMOJI[n - 1]) for n in range(1, 6)]


# op -> (novicezk/trueai action, newapi action, result kind)
_OPS: dict[str, tuple[str, str, str]] = {
    "imagine": ("IMAGINE", "IMAGINE", "grid"),
    "blend": ("BLEND", "BLEND", "grid"),
    "describe": ("DESCRIBE", "DESCRIBE", "describe"),
    "shorten": ("SHORTEN", "SHORTEN", "shorten"),
    "upscale": ("UPSCALE", "UPSCALE", "single"),
    "upscale_hd": ("UPSCALE_HD", "UPSCALE", "single_hd"),
    "variation": ("VARIATION", "VARIATION", "grid"),
    "low_variation": ("VARIATION", "LOW_VARIATION", "grid"),
    "high_variation": ("VARIATION", "HIGH_VARIATION", "grid"),
    "reroll": ("REROLL", "REROLL", "grid"),
    "pan": ("PAN", "PAN", "grid"),
    "inpaint": ("INPAINT", "INPAINT", "grid"),
    "outpaint": ("OUTPAINT", "ZOOM", "grid"),
    "custom_zoom": ("ZOOM", "CUSTOM_ZOOM", "grid"),
    "pic_reader": ("PIC_READER", "PIC_READER", "grid"),
    "prompt_analyzer": ("IMAGINE", "IMAGINE", "grid"),
    "describe_retry": ("DESCRIBE", "DESCRIBE", "describe"),
}
_MODAL_OPS = {"inpaint", "custom_zoom", "pic_reader", "prompt_analyzer"}


def _parse_custom_id(custom_id: str) -> tuple[str, int] | None:
    """(op, index) for a button customId, None if the grammar is not recognised."""
    parts = custom_id.split("::")
    if len(parts) < 3 or parts[0] != "MJ":
        return None
    kind = parts[1]
    if kind == "JOB" and len(parts) >= 4:
        name, index = parts[2], int(parts[3]) if parts[3].isdigit() else 0
        if name == "upsample":
            return ("upscale", index) if 1 <= index <= 4 else None
        if name.startswith("upsample_"):
            return "upscale_hd", 1
        if name == "variation":
            return ("variation", index) if 1 <= index <= 4 else None
        if name in ("low_variation", "high_variation", "reroll"):
            return name, index
        if name in ("pan_left", "pan_right", "pan_up", "pan_down"):
            return "pan", 1
        return None
    if kind == "Inpaint":
        return "inpaint", 1
    if kind == "Outpaint" and parts[2].isdigit():
        return "outpaint", int(parts[2])
    if kind == "CustomZoom":
        return "custom_zoom", 1
    if kind == "Job" and parts[2] == "PicReader" and len(parts) >= 4:
        if parts[3] == "all":
            return "pic_reader_all", 0
        return ("pic_reader", int(parts[3])) if parts[3].isdigit() else None
    if kind == "Job" and parts[2] == "PromptAnalyzer" and len(parts) >= 4 and parts[3].isdigit():
        return "prompt_analyzer", int(parts[3])
    if kind == "Picread" and parts[2] == "Retry":
        return "describe_retry", 0
    if kind == "BOOKMARK":
        return "bookmark", 0
    return None


def _newapi_rejects(custom_id: str) -> str | None:
    """new-api ``CoverPlusActionToNormalAction``: the error description, or None if accepted."""
    if not custom_id:
        return "custom_id_is_required"
    splits = custom_id.split("::")
    if len(splits) < 2:
        return "unknown_action:" + custom_id
    action = splits[2] if splits[1] == "JOB" and len(splits) > 2 else splits[1]
    if not action:
        return "unknown_action"
    if "upsample" in action or action == "variation":
        if len(splits) < 4 or not splits[3].lstrip("-").isdigit():
            return "index_parse_failed"
        return None
    if "variation" in action or "pan" in action or "reroll" in action:
        return None
    if action in ("Outpaint", "CustomZoom", "Inpaint"):
        return None
    return "unknown_action:" + custom_id


# -- task state ------------------------------------------------------------------------------


@dataclass
class _Run:
    id: str
    op: str
    action: str
    newapi_action: str
    kind: str
    prompt: str | None
    prompt_en: str | None
    final_prompt: str
    description: str | None
    newapi_description: str
    newapi_prompt: str
    state: str | None
    bot_type: str
    submit_time: int
    request_mode: str | None
    width: int = 512
    height: int = 512
    colors: list[RGB] = field(default_factory=list)
    status: str = "SUBMITTED"
    progress: str | None = "0%"
    start_time: int | None = None
    finish_time: int | None = None
    step: int = 0
    observed: bool = False
    image_url: str | None = None
    image_path: str | None = None
    fail_reason: str | None = None
    pending_failure: str | None = None
    buttons: list[dict[str, Any]] = field(default_factory=list)
    parent_id: str | None = None
    custom_id: str | None = None
    index: int = 0
    message_hash: str = ""
    nonce: str = ""
    message_id: str | None = None
    progress_message_id: str | None = None
    message_ids: list[str] = field(default_factory=list)
    seed: str | None = None
    upload_urls: list[str] = field(default_factory=list)
    upload_paths: list[str] = field(default_factory=list)
    text_result: str | None = None
    quadrant_urls: list[str] = field(default_factory=list)
    account_filter: Any = None
    notify_hook: str | None = None
    remix_auto_submit: bool = False
    mode: str | None = None
    size: int | None = None


class _Reply:
    """A prepared HTTP answer; built under the state lock, sent outside it."""

    def __init__(self, status: int, body: bytes = b"", content_type: str | None = "application/json") -> None:
        self.status = status
        self.body = body
        self.content_type = content_type

    @classmethod
    def json(cls, status: int, obj: Any) -> _Reply:
        return cls(status, json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))

    @classmethod
    def text(cls, status: int, text: str) -> _Reply:
        return cls(status, text.encode("utf-8"), _TEXT["Content-Type"])

    def send(self, conn: Conn) -> None:
        headers = {"Content-Type": self.content_type} if self.content_type else {}
        conn.send_response(self.status, self.body, headers)


_NOT_FOUND = _Reply.text(404, "Not Found")


class _SubmitError(Exception):
    """A submit rejected with a midjourney-proxy return code."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        result: str | None = None,
        properties: dict[str, Any] | None = None,
        trueai_status: int = 200,
        newapi_local: str | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.result = result
        self.properties = properties or {}
        self.trueai_status = trueai_status
        # new-api rejects some requests itself, before the upstream sees them.
        self.newapi_local = newapi_local


class MjSimulator(FakeMidjourney):
    """A stateful midjourney-proxy; see the module docstring for the behaviour.

    Controls (all thread-safe): ``hold``/``release``, ``fail_next``, ``queue_next``,
    ``reject_next``, ``advance``, ``complete``; inspection: ``image_bytes``, ``image_url``.

    Public state, mutated by server threads only while they handle a request:
    ``tasks_by_id`` (id -> task dict exactly as the dialect last rendered it; the same
    dict object as the parent's ``tasks``, so canned tasks put there are served as-is),
    ``submits`` (list of (path without mode prefix, JSON body exactly as received, or the
    raw bytes if it was not JSON)), ``masks`` (task id -> decoded Vary (Region) mask PNG).
    """

    def __init__(
        self,
        secret: str,
        dialect: Dialect = "novicezk",
        *,
        steps: int = 3,
        buttons: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(secret, dialect, ssl_context)
        if steps < 1:
            raise ValueError("steps must be at least 1")
        self.steps = steps
        self.buttons = buttons
        self.tasks_by_id: dict[str, dict[str, Any]] = self.tasks  # type: ignore[assignment]
        self.submits: list[tuple[str, Any]] = []
        self.masks: dict[str, bytes] = {}
        self._state_lock = threading.Lock()
        self._runs: dict[str, _Run] = {}
        self._files: dict[str, tuple[bytes, str]] = {}
        self._held: set[str] = set()
        self._hold_all = False
        self._fail_queue: list[str] = []
        self._queue_queue: list[int] = []
        self._reject_queue: list[tuple[int, str, str | None]] = []
        self._change_keys: dict[str, str] = {}

    # -- test controls -------------------------------------------------------------------
    def hold(self, task_id: str = "*") -> None:
        """Freeze one task (or every task with "*") where it is; fetches keep answering it."""
        with self._state_lock:
            if task_id == "*":
                self._hold_all = True
            else:
                self._held.add(task_id)

    def release(self, task_id: str = "*") -> None:
        """Undo ``hold``; "*" lifts the global hold and every per-task hold."""
        with self._state_lock:
            if task_id == "*":
                self._hold_all = False
                self._held.clear()
            else:
                self._held.discard(task_id)

    def fail_next(self, reason: str = "Internal Error") -> None:
        """The next task a submit creates ends in FAILURE with ``failReason == reason``
        (at its first step after SUBMITTED). Calls queue up."""
        with self._state_lock:
            self._fail_queue.append(reason)

    def queue_next(self, n: int = 1) -> None:
        """The next accepted submit answers code 22 "排队中，前面还有n个任务" (new-api: code 1)
        and its task starts as NOT_START. Calls queue up."""
        with self._state_lock:
            self._queue_queue.append(n)

    def reject_next(self, code: int, description: str, result: str | None = None) -> None:
        """The next submit that passes validation answers ``code`` (e.g. 23 queue full,
        30 rate limited, 3 no account) and creates no task. Calls queue up."""
        with self._state_lock:
            self._reject_queue.append((code, description, result))

    def advance(self, task_id: str, n: int = 1) -> dict[str, Any]:
        """Advance a task ``n`` steps without a client observing it; returns the task dict."""
        with self._state_lock:
            run = self._runs[task_id]
            for _ in range(n):
                run.observed = True
                self._advance(run)
            return self._render(run)

    def complete(self, task_id: str) -> dict[str, Any]:
        """Run a task to its terminal state now (a MODAL task stays MODAL)."""
        with self._state_lock:
            run = self._runs[task_id]
            while run.status not in ("SUCCESS", "FAILURE", "MODAL"):
                run.observed = True
                self._advance(run)
            return self._render(run)

    def image_bytes(self, task_id: str) -> bytes | None:
        """Bytes behind the task's current ``imageUrl`` (a preview while in progress)."""
        with self._state_lock:
            run = self._runs[task_id]
            if run.image_path is None:
                return None
            return self._files[run.image_path][0]

    def image_url(self, task_id: str) -> str | None:
        """The upstream (CDN-style) image URL, even in the newapi dialect."""
        with self._state_lock:
            return self._runs[task_id].image_url

    # -- dispatch ------------------------------------------------------------------------------
    def handle(self, request: Request, conn: Conn) -> None:
        reply = self._handle(request)
        reply.send(conn)

    def _handle(self, request: Request) -> _Reply:
        path = request.path
        if request.method in ("GET", "HEAD") and path.startswith(
            ("/attachments/", "/ephemeral-attachments/", "/mjcdn/")
        ):
            return self._serve_file(path)
        inner = self._inner_path(path)
        if inner is None:
            return _Reply(200, RELAY_HTML, "text/html; charset=utf-8")
        if self.dialect == "newapi" and inner.startswith("/mj/image/") and request.method in ("GET", "HEAD"):
            return self._newapi_image(inner[len("/mj/image/") :])  # registered before TokenAuth
        if "authorization" in request.headers and "mj-api-secret" in request.headers:
            self.both_headers_seen = True
        captured: list[_Reply] = []
        auth_conn = _CaptureConn(captured)
        if not self._authorize(request, auth_conn):  # type: ignore[arg-type]
            return captured[0]
        mode = next((m for prefix, m in _MODES.items() if path.startswith(prefix + "/")), None)
        return self._route(request, inner, mode)

    def _route(self, request: Request, inner: str, mode: str | None) -> _Reply:
        plus = self.dialect != "novicezk" or self.buttons
        task_match = re.fullmatch(r"/mj/task/([^/]+)/(fetch|image-seed)", inner)
        if task_match:
            if request.method not in ("GET", "HEAD"):
                return _Reply(405, b"Method Not Allowed", _TEXT["Content-Type"])
            task_id, what = task_match.groups()
            with self._state_lock:
                if what == "fetch":
                    return self._fetch(task_id)
                if not plus:
                    return _NOT_FOUND
                return self._image_seed(task_id)
        submits = {
            "/mj/submit/imagine": self._imagine,
            "/mj/submit/change": self._change,
            "/mj/submit/simple-change": self._simple_change,
            "/mj/submit/describe": self._describe,
            "/mj/submit/blend": self._blend,
        }
        if plus:
            submits |= {
                "/mj/submit/action": self._action,
                "/mj/submit/modal": self._modal,
                "/mj/submit/shorten": self._shorten,
            }
        lists = ["/mj/task/list-by-condition"] + (["/mj/task/list-by-ids"] if self.dialect == "trueai" else [])
        if inner not in submits and inner not in lists:
            return _NOT_FOUND
        if request.method != "POST":
            return _Reply(405, b"Method Not Allowed", _TEXT["Content-Type"])
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError):
            body = None
        with self._state_lock:
            if inner in lists:
                return self._list(body)
            self.submits.append((inner, body if body is not None else request.body))
            if not isinstance(body, dict):
                return self._bad_body(inner)
            try:
                return submits[inner](body, mode)
            except _SubmitError as err:
                return self._error_reply(err)

    def _bad_body(self, inner: str) -> _Reply:
        if self.dialect == "newapi":
            return self._envelope(4, "bind_request_body_failed", "")
        if self.dialect == "trueai":
            return _Reply.json(
                400,
                {
                    "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                    "title": "One or more validation errors occurred.",
                    "status": 400,
                    "errors": {"$": ["The JSON value could not be converted."]},
                },
            )
        return _Reply.json(
            400, {"timestamp": _now_ms(), "status": 400, "error": "Bad Request", "path": inner.removeprefix("/mj")}
        )

    # -- replies -------------------------------------------------------------------------------
    def _submit_body(self, code: int, description: str, result: Any, properties: dict[str, Any]) -> dict[str, Any]:
        if self.dialect == "trueai":
            return {"code": code, "description": description, "result": result, "properties": properties}
        body: dict[str, Any] = {"code": code, "description": description}
        if result is not None:
            body["result"] = result
        body["properties"] = properties
        return body

    def _instance_props(self) -> dict[str, Any]:
        props: dict[str, Any] = {"discordInstanceId": DISCORD_INSTANCE_ID}
        if self.dialect == "trueai":
            props["discordChannelId"] = DISCORD_INSTANCE_ID
        return props

    def _envelope(self, code: int, description: str, result: str | None) -> _Reply:
        # gin.H is a Go map: encoding/json writes its keys sorted.
        body = {"code": code, "description": f"{description} {result or ''}", "type": "upstream_error"}
        return _Reply.json(429 if code == 30 else 400, body)

    def _error_reply(self, err: _SubmitError) -> _Reply:
        if self.dialect == "newapi":
            if err.newapi_local is not None:
                return self._envelope(4, err.newapi_local, "")
            return self._envelope(err.code, err.description, err.result)
        body = self._submit_body(err.code, err.description, err.result, err.properties)
        return _Reply.json(err.trueai_status if self.dialect == "trueai" else 200, body)

    def _accepted(self, run: _Run, *, modal: bool = False) -> _Reply:
        """Answer for a task that was just created (or a modal that just started)."""
        if modal:
            final = "" if self.dialect == "trueai" and run.op == "inpaint" else run.final_prompt
            code, description = 21, "Waiting for window confirm"
            props: dict[str, Any] = {"finalPrompt": final, "remix": True}
        elif self._queue_queue:
            n = self._queue_queue.pop(0)
            code, description = 22, f"排队中，前面还有{n}个任务"
            props = {"numberOfQueues": n, **self._instance_props()}
            run.status, run.progress, run.start_time = "NOT_START", None, None
        else:
            code, description = 1, "提交成功"
            props = self._instance_props()
        run.newapi_description = description
        self._render(run)
        raw = json.dumps(
            self._submit_body(code, description, run.id, props), separators=(",", ":"), ensure_ascii=False
        )
        if self.dialect == "newapi":
            # relay/mjproxy_handler.go: plain string replaces on the upstream body.
            if code == 21 and run.newapi_action not in ("INPAINT", "CUSTOM_ZOOM"):
                raw = raw.replace('"code":21', '"code":1')
            if code == 22:
                raw = raw.replace('"code":22', '"code":1')
        return _Reply(200, raw.encode("utf-8"))

    def _check_reject(self) -> None:
        if self._reject_queue:
            code, description, result = self._reject_queue.pop(0)
            raise _SubmitError(code, description, result=result)

    # -- task creation -----------------------------------------------------------------------
    def _new_run(
        self,
        op: str,
        *,
        prompt: str | None,
        final_prompt: str,
        body: dict[str, Any],
        task_id: str | None = None,
        **kw: Any,
    ) -> _Run:
        action, newapi_action, kind = _OPS[op]
        task_id = task_id or _new_task_id()
        now = _now_ms()
        if kind == "grid" and "width" not in kw:
            kw["width"], kw["height"] = _grid_size(final_prompt)
        run = _Run(
            id=task_id,
            op=op,
            action=action,
            newapi_action=newapi_action,
            kind=kind,
            prompt=prompt,
            prompt_en=kw.pop("prompt_en", final_prompt),
            final_prompt=final_prompt,
            description=kw.pop("description", None),
            newapi_description="提交成功",
            newapi_prompt=kw.pop("newapi_prompt", prompt or ""),
            state=body.get("state") if isinstance(body.get("state"), str) else None,
            bot_type=kw.pop("bot_type", _bot_type(body.get("botType"))),
            submit_time=now,
            start_time=now,
            request_mode=kw.pop("mode", None),
            colors=_palette(task_id),
            message_hash=str(uuid.UUID(bytes=hashlib.sha256(f"hash:{task_id}".encode()).digest()[:16], version=4)),
            nonce=_snowflake(),
            account_filter=body.get("accountFilter"),
            notify_hook=body.get("notifyHook") if isinstance(body.get("notifyHook"), str) else None,
            **kw,
        )
        if self._fail_queue:
            run.pending_failure = self._fail_queue.pop(0)
        self._runs[task_id] = run
        return run

    def _register_upload(
        self, data: bytes, mime: str, task_id: str, *, ephemeral: bool = False
    ) -> tuple[str, str]:
        """Serve an uploaded image like Discord would; returns (path, signed URL)."""
        root = "ephemeral-attachments" if ephemeral else "attachments"
        path = f"/{root}/{DISCORD_INSTANCE_ID}/{_snowflake()}/{task_id}.{_ext(mime)}"
        self._files[path] = (data, mime)
        return path, self._signed(path)

    def _signed(self, path: str) -> str:
        issued = int(time.time())
        hm = hashlib.sha256(path.encode()).hexdigest()
        return f"{self.origin}{path}?ex={issued + 14 * 86400:08x}&is={issued:08x}&hm={hm}&"

    def _set_image(self, run: _Run, data: bytes, name: str) -> None:
        path = f"/attachments/{DISCORD_INSTANCE_ID}/{_snowflake()}/{name}"
        self._files[path] = (data, "image/png")
        run.image_path = path
        run.image_url = self._signed(path)
        run.size = len(data)

    def _uploads(self, items: object) -> list[tuple[str, bytes]]:
        if items is None:
            return []
        if not isinstance(items, list):
            raise _SubmitError(4, "base64格式错误")
        decoded = []
        for item in items:
            parsed = _decode_data_url(item)
            if parsed is None:
                raise _SubmitError(4, "base64格式错误")
            decoded.append(parsed)
        return decoded

    def _check_banned(self, prompt: str) -> None:
        word = _banned_word(prompt)
        if word is not None:
            raise _SubmitError(24, "可能包含敏感词", properties={"promptEn": prompt, "bannedWord": word})

    # -- submit endpoints ----------------------------------------------------------------------
    def _imagine(self, body: dict[str, Any], mode: str | None) -> _Reply:
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise _SubmitError(4, "prompt不能为空", newapi_local="prompt_is_required")
        uploads = self._uploads(body.get("base64Array"))
        self._check_banned(prompt)
        self._check_reject()
        task_id = _new_task_id()
        urls = [self._register_upload(data, mime, task_id)[1] for mime, data in uploads]
        final = " ".join([*urls, prompt.strip()])
        run = self._new_run(
            "imagine",
            prompt=prompt,
            final_prompt=final,
            body=body,
            task_id=task_id,
            description=f"/imagine {prompt}",
            mode=mode,
        )
        run.upload_urls = urls
        return self._accepted(run)

    def _describe(self, body: dict[str, Any], mode: str | None) -> _Reply:
        raw = body.get("base64")
        if not isinstance(raw, str) or not raw.strip():
            raise _SubmitError(4, "base64不能为空" if self.dialect != "trueai" else "base64或link不能为空")
        parsed = _decode_data_url(raw)
        if parsed is None:
            raise _SubmitError(4, "base64格式错误")
        self._check_reject()
        mime, data = parsed
        task_id = _new_task_id()
        path, url = self._register_upload(data, mime, task_id, ephemeral=True)
        run = self._new_run(
            "describe",
            prompt=None,
            final_prompt="",
            body=body,
            task_id=task_id,
            mode=mode,
            prompt_en=None,
            description=f"/describe {task_id}.{_ext(mime)}",
        )
        run.upload_urls = [url]
        run.upload_paths = [path]
        size = png_size(data)
        ar = "1:1"
        if size:
            g = _gcd(*size)
            ar = f"{size[0] // g}:{size[1] // g}"
        run.text_result = _describe_text(run.id, ar)
        return self._accepted(run)

    def _blend(self, body: dict[str, Any], mode: str | None) -> _Reply:
        items = body.get("base64Array")
        if not isinstance(items, list) or not 2 <= len(items) <= 5:
            raise _SubmitError(4, "base64List参数错误")
        dimensions = body.get("dimensions", "SQUARE")
        sizes = {
            "PORTRAIT": (512, 768, " --ar 2:3"),
            "SQUARE": (512, 512, ""),
            "LANDSCAPE": (768, 512, " --ar 3:2"),
        }
        if dimensions not in sizes:
            raise _SubmitError(4, "dimensions参数错误")
        uploads = self._uploads(items)
        self._check_reject()
        width, height, ar = sizes[dimensions]
        task_id = _new_task_id()
        urls = [self._register_upload(data, mime, task_id)[1] for mime, data in uploads]
        run = self._new_run(
            "blend",
            prompt=None,
            final_prompt=" ".join(urls) + ar,
            body=body,
            task_id=task_id,
            mode=mode,
            width=width,
            height=height,
            description=f"/blend {task_id} {len(urls)}",
        )
        run.upload_urls = urls
        return self._accepted(run)

    def _shorten(self, body: dict[str, Any], mode: str | None) -> _Reply:
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            raise _SubmitError(4, "prompt不能为空")
        self._check_banned(prompt)
        self._check_reject()
        run = self._new_run(
            "shorten", prompt=prompt, final_prompt=prompt, body=body, mode=mode, description=f"/shorten {prompt}"
        )
        run.text_result = _shorten_text(prompt)
        return self._accepted(run)

    def _parent_for_action(self, task_id: object) -> _Run:
        run = self._runs.get(task_id) if isinstance(task_id, str) else None
        if run is None:
            raise _SubmitError(3, "关联任务不存在或已失效", trueai_status=404, newapi_local="task_not_found")
        if run.status != "SUCCESS":
            raise _SubmitError(4, "关联任务状态错误", newapi_local="task_status_not_success")
        return run

    def _action(self, body: dict[str, Any], mode: str | None) -> _Reply:
        task_id, custom_id = body.get("taskId"), body.get("customId")
        if self.dialect == "newapi":
            rejected = _newapi_rejects(custom_id if isinstance(custom_id, str) else "")
            if rejected:
                raise _SubmitError(4, rejected, newapi_local=rejected)
        if not isinstance(task_id, str) or not task_id or not isinstance(custom_id, str) or not custom_id:
            raise _SubmitError(4, "参数错误")
        parent = self._parent_for_action(task_id)
        if custom_id not in {b["customId"] for b in parent.buttons}:
            raise _SubmitError(4, "未知的 Action 类型")
        parsed = _parse_custom_id(custom_id)
        if parsed is None:
            raise _SubmitError(4, "未知的 Action 类型")
        op, index = parsed
        if op == "bookmark" or (op == "pic_reader_all" and self.dialect != "trueai"):
            if self.dialect == "trueai":
                return _Reply.json(200, self._submit_body(1, "成功", parent.id, {}))
            raise _SubmitError(4, "不支持的动作")
        self._check_reject()
        if op == "pic_reader_all":
            ids = []
            for n in range(1, 5):
                sub = self._button_task(parent, "pic_reader", n, f"MJ::Job::PicReader::{n}", body, mode, auto=True)
                self._render(sub)
                ids.append(sub.id)
            return _Reply.json(200, self._submit_body(1, "成功", ",".join(ids), {}))
        run = self._button_task(parent, op, index, custom_id, body, mode)
        return self._accepted(run, modal=op in _MODAL_OPS)

    def _button_task(
        self,
        parent: _Run,
        op: str,
        index: int,
        custom_id: str,
        body: dict[str, Any],
        mode: str | None,
        *,
        auto: bool = False,
    ) -> _Run:
        final = parent.final_prompt
        prompt = parent.prompt
        if op in ("pic_reader", "prompt_analyzer"):
            options = _numbered_options(parent.text_result or "")
            final = options[index - 1] if 0 < index <= len(options) else final
            prompt = final
        kw: dict[str, Any] = {}
        if op in ("upscale", "upscale_hd"):
            kw["width"], kw["height"] = max(64, parent.width // 2), max(64, parent.height // 2)
            if op == "upscale_hd":
                kw["width"], kw["height"] = parent.width * 2, parent.height * 2
        elif op in ("variation", "reroll", "inpaint") and parent.kind == "grid":
            kw["width"], kw["height"] = parent.width, parent.height
        run = self._new_run(
            op,
            prompt=prompt,
            final_prompt=final,
            body=body,
            mode=mode or parent.request_mode,
            bot_type=parent.bot_type,
            newapi_prompt=parent.newapi_prompt,
            prompt_en=parent.prompt_en if op not in ("pic_reader", "prompt_analyzer") else final,
            parent_id=parent.id,
            custom_id=custom_id,
            index=index,
            **kw,
        )
        if op == "upscale":
            run.colors = [parent.colors[(index - 1) % 4]] * 4
        elif op == "upscale_hd":
            run.colors = list(parent.colors)
        elif op == "describe_retry":
            run.upload_urls = list(parent.upload_urls)
            run.upload_paths = list(parent.upload_paths)
            run.text_result = _describe_text(run.id, "1:1")
            run.prompt = run.prompt_en = None
            run.final_prompt = ""
        if op in ("upscale", "variation", "reroll"):
            letter = {"upscale": f"U{index}", "variation": f"V{index}", "reroll": "R"}[op]
            run.description = f"/up {parent.id} {letter}"
        if op in _MODAL_OPS and not auto:
            run.status, run.progress, run.start_time = "MODAL", None, None
            if self.dialect == "trueai" and op == "inpaint":
                run.prompt = run.prompt_en = ""
        elif auto:
            run.remix_auto_submit = True
        return run

    def _modal(self, body: dict[str, Any], mode: str | None) -> _Reply:
        task_id = body.get("taskId")
        if not isinstance(task_id, str) or not task_id:
            raise _SubmitError(4, "参数错误")  # new-api skips its lookup and forwards this
        run = self._runs.get(task_id)
        if run is None:
            raise _SubmitError(3, "关联任务不存在或已失效", trueai_status=404, newapi_local="task_not_found")
        if run.status != "MODAL":
            raise _SubmitError(4, "关联任务状态错误")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip():
            prompt = run.final_prompt
        self._check_banned(prompt)
        mask: bytes | None = None
        if run.op == "inpaint":
            parsed = _decode_data_url(body.get("maskBase64"))
            if parsed is None or not parsed[1].startswith(PNG_SIGNATURE):
                raise _SubmitError(4, "base64格式错误")
            mask = parsed[1]
        if run.op == "custom_zoom" and "--zoom" not in prompt:
            raise _SubmitError(4, "参数错误")
        self._check_reject()
        if mask is not None:
            self.masks[run.id] = mask
        run.prompt = prompt
        run.prompt_en = prompt
        run.final_prompt = prompt
        run.remix_auto_submit = True
        if run.op == "custom_zoom":
            run.width, run.height = _grid_size(prompt)
        run.status, run.progress, run.start_time, run.observed = "SUBMITTED", "0%", _now_ms(), False
        return self._accepted(run)

    def _change(self, body: dict[str, Any], mode: str | None) -> _Reply:
        task_id, action, index = body.get("taskId"), body.get("action"), body.get("index")
        if self.dialect == "newapi":
            if not task_id:
                raise _SubmitError(4, "task_id_is_required", newapi_local="task_id_is_required")
            if not action:
                raise _SubmitError(4, "action_is_required", newapi_local="action_is_required")
            if not index:
                raise _SubmitError(4, "index_is_required", newapi_local="index_is_required")
        if not isinstance(task_id, str) or not task_id:
            raise _SubmitError(4, "taskId不能为空")
        if action not in ("UPSCALE", "VARIATION", "REROLL"):
            raise _SubmitError(4, "action参数错误")
        parent = self._runs.get(task_id)
        if parent is None:
            raise _SubmitError(3, "关联任务不存在或已失效", trueai_status=404, newapi_local="task_not_found")
        if parent.status != "SUCCESS":
            raise _SubmitError(4, "关联任务状态错误", newapi_local="task_status_not_success")
        if parent.action not in ("IMAGINE", "VARIATION", "REROLL", "BLEND") or parent.kind != "grid":
            raise _SubmitError(4, "关联任务不允许执行变化")
        if action != "REROLL" and (not isinstance(index, int) or not 1 <= index <= 4):
            raise _SubmitError(4, "index参数错误")
        idx = index if action != "REROLL" else 0
        key = f"{task_id}:{action}:{idx}"
        existing = self._runs.get(self._change_keys.get(key, ""))
        if existing is not None and self.dialect != "trueai":
            props = {"status": existing.status, "imageUrl": existing.image_url}
            raw = json.dumps(self._submit_body(21, "任务已存在", existing.id, props), separators=(",", ":"))
            if self.dialect == "newapi":
                raw = raw.replace('"code":21', '"code":1')
            return _Reply(200, raw.encode("utf-8"))
        self._check_reject()
        op = {"UPSCALE": "upscale", "VARIATION": "variation", "REROLL": "reroll"}[action]
        custom = {
            "upscale": f"MJ::JOB::upsample::{idx}::{parent.message_hash}",
            "variation": f"MJ::JOB::variation::{idx}::{parent.message_hash}",
            "reroll": f"MJ::JOB::reroll::0::{parent.message_hash}::SOLO",
        }[op]
        run = self._button_task(parent, op, idx, custom, body, mode)
        self._change_keys[key] = run.id
        return self._accepted(run)

    def _simple_change(self, body: dict[str, Any], mode: str | None) -> _Reply:
        content = body.get("content")
        match = re.fullmatch(r"\s*(\S+)\s+([UuVv][1-4]|[Rr])\s*", content) if isinstance(content, str) else None
        if match is None:
            raise _SubmitError(4, "content参数错误", newapi_local="content_parse_failed")
        task_id, what = match.group(1), match.group(2).upper()
        action = {"U": "UPSCALE", "V": "VARIATION", "R": "REROLL"}[what[0]]
        index = int(what[1]) if len(what) > 1 else 1
        return self._change({**body, "taskId": task_id, "action": action, "index": index}, mode)

    # -- polling -----------------------------------------------------------------------------
    def _observe(self, run: _Run) -> None:
        if self._hold_all or run.id in self._held:
            run.observed = True
            return
        if not run.observed:
            run.observed = True
            return
        self._advance(run)

    def _advance(self, run: _Run) -> None:
        if run.status in ("SUCCESS", "FAILURE", "MODAL", "CANCEL"):
            return
        now = _now_ms()
        if run.status == "NOT_START":
            run.status, run.progress, run.start_time = "SUBMITTED", "0%", now
            return
        if run.pending_failure is not None:
            run.status, run.progress, run.finish_time = "FAILURE", "", now
            run.fail_reason = run.pending_failure
            return
        run.step += 1
        if run.progress_message_id is None:
            run.progress_message_id = _snowflake()
            run.message_ids.append(run.progress_message_id)
        if run.step <= self.steps:
            run.status = "IN_PROGRESS"
            fraction = run.step / (self.steps + 1)
            run.progress = f"{int(fraction * 100)}%"
            if run.step >= 2 and run.kind == "grid":
                data = preview_png(max(2, run.width // 2), max(2, run.height // 2), run.colors, fraction)
                self._set_image(run, data, f"{run.message_hash}_grid_0.png")
            return
        self._succeed(run, now)

    def _succeed(self, run: _Run, now: int) -> None:
        run.status, run.progress, run.finish_time = "SUCCESS", "100%", now
        run.message_id = _snowflake()
        run.message_ids.append(run.message_id)
        run.mode = run.request_mode or "FAST"
        h = run.message_hash
        name = f"mjsim_{_slug(run.final_prompt or run.op)}_{h}.png"
        if run.kind == "grid":
            self._set_image(run, grid_png(run.width, run.height, run.colors), name)
            run.buttons = _grid_buttons(h)
            qw, qh = max(2, run.width // 2), max(2, run.height // 2)
            run.quadrant_urls = []
            for i, color in enumerate(run.colors):
                path = f"/mjcdn/{h}/0_{i}.png"
                self._files[path] = (solid_png(qw, qh, color), "image/png")
                run.quadrant_urls.append(self.origin + path)
        elif run.kind in ("single", "single_hd"):
            self._set_image(run, solid_png(run.width, run.height, run.colors[0]), name)
            run.buttons = _upscale_buttons(h, hd=run.kind == "single_hd")
        elif run.kind == "describe":
            run.image_url = run.upload_urls[0] if run.upload_urls else None
            run.image_path = run.upload_paths[0] if run.upload_paths else None
            text = run.text_result or ""
            run.prompt = run.prompt_en = run.final_prompt = text
            run.newapi_prompt = ""
            run.buttons = _describe_buttons()
        elif run.kind == "shorten":
            text = run.text_result or ""
            run.final_prompt = text
            run.description = "Shortened prompts\n\n" + text
            run.buttons = _shorten_buttons()
        if run.image_path is not None and run.image_path in self._files:
            data = self._files[run.image_path][0]
            size = png_size(data)
            if size:
                run.width, run.height = size
            run.size = len(data)

    def _fetch(self, task_id: str) -> _Reply:
        run = self._runs.get(task_id)
        if run is None:
            canned = self.tasks_by_id.get(task_id)
            if canned is not None:
                return _Reply.json(200, canned)
            if self.dialect == "trueai":
                return _Reply(204, b"", None)
            if self.dialect == "newapi":
                return self._envelope(4, "task_no_found", "")
            return _Reply(200, b"", None)  # Spring writes nothing for a null body
        self._observe(run)
        return _Reply.json(200, self._render(run))

    def _list(self, body: Any) -> _Reply:
        ids = body.get("ids") if isinstance(body, dict) else None
        if not isinstance(ids, list):
            if self.dialect == "newapi":
                return self._envelope(4, "do_request_failed", "")
            return _Reply.json(400, {"code": 400, "description": "ids must be a list"})
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for task_id in ids:
            if not isinstance(task_id, str) or task_id in seen:
                continue
            seen.add(task_id)
            run = self._runs.get(task_id)
            if run is not None:
                self._observe(run)
                out.append(self._render(run))
            elif task_id in self.tasks_by_id:
                out.append(self.tasks_by_id[task_id])
        return _Reply.json(200, out)

    def _image_seed(self, task_id: str) -> _Reply:
        run = self._runs.get(task_id)
        if self.dialect == "newapi":
            if run is None:
                return self._envelope(4, "task_no_found", "")
            # RelayMidjourneyTaskImageSeed re-marshals the upstream answer (struct order).
            if run.status != "SUCCESS" or run.kind not in ("grid", "single", "single_hd"):
                body = {"code": 4, "description": "关联任务状态错误", "properties": {}, "result": ""}
                return _Reply.json(400, body)
            run.seed = run.seed or _seed_for(run.id)
            return _Reply.json(200, {"code": 1, "description": "成功", "properties": {}, "result": run.seed})
        if run is None:
            return _Reply.json(404, self._submit_body(3, "关联任务不存在或已失效", None, {}))
        if run.status != "SUCCESS" or run.kind not in ("grid", "single", "single_hd"):
            return _Reply.json(400, self._submit_body(4, "关联任务状态错误", None, {}))
        run.seed = run.seed or _seed_for(run.id)
        self._render(run)
        return _Reply.json(200, self._submit_body(1, "成功", run.seed, {}))

    # -- files --------------------------------------------------------------------------------
    def _serve_file(self, path: str) -> _Reply:
        with self._state_lock:
            entry = self._files.get(path)
        if entry is None:
            return _Reply.text(404, "This content is no longer available.")
        return _Reply(200, entry[0], entry[1])

    def _newapi_image(self, task_id: str) -> _Reply:
        with self._state_lock:
            run = self._runs.get(task_id)
            entry = self._files.get(run.image_path) if run is not None and run.image_path else None
        if entry is None:
            return _Reply.json(404, {"error": "midjourney_task_not_found"})
        return _Reply(200, entry[0], entry[1])

    # -- rendering ----------------------------------------------------------------------------
    def _render(self, run: _Run) -> dict[str, Any]:
        if self.dialect == "newapi":
            rendered = self._render_newapi(run)
        elif self.dialect == "trueai":
            rendered = self._render_trueai(run)
        else:
            rendered = self._render_novicezk(run)
        target = self.tasks_by_id.setdefault(run.id, {})
        target.clear()
        target.update(rendered)
        return rendered

    def _properties(self, run: _Run) -> dict[str, Any]:
        props: dict[str, Any] = {}
        if run.notify_hook:
            props["notifyHook"] = run.notify_hook
        props["discordInstanceId"] = DISCORD_INSTANCE_ID
        if self.dialect == "trueai":
            props["discordChannelId"] = DISCORD_INSTANCE_ID
        props["botType"] = run.bot_type
        props["nonce"] = run.nonce
        if run.custom_id and self.dialect == "trueai":
            props["custom_id"] = run.custom_id
        if run.progress_message_id:
            props["progressMessageId"] = run.progress_message_id
        if run.message_id:
            props["messageId"] = run.message_id
            props["flags"] = 0
            props["messageHash"] = run.message_hash
            if self.dialect == "trueai":
                props["messageContent"] = (
                    f"**{run.final_prompt}** - {_USER_MENTION} ({(run.mode or 'FAST').lower()})"
                )
        if self.dialect == "trueai" and run.status == "MODAL":
            props["remix"] = True
        props["finalPrompt"] = run.final_prompt
        return props

    def _render_novicezk(self, run: _Run) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": run.id,
            "properties": self._properties(run),
            "action": run.action,
            "status": run.status,
            "prompt": run.prompt,
            "promptEn": run.prompt_en,
            "description": run.description,
            "state": run.state,
            "submitTime": run.submit_time,
            "startTime": run.start_time,
            "finishTime": run.finish_time,
            "imageUrl": run.image_url,
            "progress": run.progress,
            "failReason": run.fail_reason,
        }
        if self.buttons:
            out["buttons"] = [dict(b) for b in run.buttons]
        return out

    def _render_trueai(self, run: _Run) -> dict[str, Any]:
        success = run.status == "SUCCESS"
        completed = run.status in ("SUCCESS", "FAILURE", "CANCEL")
        image_urls = None
        if success and run.kind == "grid":
            image_urls = [{"url": u, "thumbnail": u} for u in run.quadrant_urls]
        elif success and run.image_url and run.kind != "describe":
            image_urls = [{"url": run.image_url, "thumbnail": run.image_url}]
        use_time = "-"
        if run.start_time is not None and run.finish_time is not None:
            use_time = f"{max(0, run.finish_time - run.start_time) / 1000:.2f} s"
        has_image = success and run.image_path is not None
        return {
            "parentId": run.parent_id,
            "botType": run.bot_type,
            "realBotType": None,
            "userId": None,
            "isWhite": False,
            "nonce": run.nonce,
            "interactionMetadataId": None,
            "messageId": run.message_id,
            "remixModalMessageId": None,
            "remixAutoSubmit": run.remix_auto_submit,
            "remixModaling": False,
            "instanceId": DISCORD_INSTANCE_ID,
            "subInstanceId": None,
            "messageIds": list(run.message_ids),
            "action": run.action,
            "status": run.status,
            "prompt": run.prompt,
            "promptEn": run.prompt_en,
            "promptFull": run.final_prompt if success else None,
            "description": run.description,
            "language": None,
            "state": run.state,
            "submitTime": run.submit_time,
            "startTime": run.start_time,
            "finishTime": run.finish_time,
            "imageUrl": run.image_url,
            "baseImageUrl": run.upload_urls[0] if run.upload_urls and run.kind == "grid" else None,
            "imageUrls": image_urls,
            "thumbnailUrl": None,
            "progress": run.progress,
            "failReason": run.fail_reason,
            "hasAIReviewRetried": False,
            "isPartner": False,
            "isPartnerRelax": False,
            "partnerTaskId": None,
            "partnerTaskInfo": None,
            "isOfficial": False,
            "officialTaskId": None,
            "officialTaskInfo": None,
            "isDiscord": True,
            "buttons": [dict(b) for b in run.buttons],
            "seed": run.seed,
            "seedError": None,
            "seedMessageId": None,
            "clientIp": "127.0.0.1",
            "jobId": run.message_hash if success else None,
            "isReplicate": False,
            "replicateSource": None,
            "replicateTarget": None,
            "mode": run.mode,
            "requestMode": run.request_mode,
            "accountFilter": run.account_filter,
            "url": run.image_url if has_image else None,
            "proxyUrl": run.image_url if has_image else None,
            "height": run.height if has_image else None,
            "width": run.width if has_image else None,
            "size": run.size if has_image else None,
            "contentType": "image/png" if has_image else None,
            "imageHeight": run.height if has_image else None,
            "imageWidth": run.width if has_image else None,
            "videoGenOriginImageUrl": None,
            "videoDuration": None,
            "frameCount": None,
            "videoUrl": None,
            "videoUrls": None,
            "useTime": use_time,
            "version": _version(run.final_prompt) if success else None,
            "storageOption": None,
            "videoType": None,
            "isHdVideo": False,
            "isCompleted": completed,
            "displays": {
                "status": run.status,
                "submitTime": _display_time(run.submit_time),
                "startTime": _display_time(run.start_time),
                "finishTime": _display_time(run.finish_time),
                "action": run.action,
                "discordInstanceId": DISCORD_INSTANCE_ID,
            },
            "id": run.id,
            "properties": self._properties(run),
        }

    def _render_newapi(self, run: _Run) -> dict[str, Any]:
        image_url = ""
        if run.image_url:
            image_url = f"{self.origin}/mj/image/{run.id}"
            if run.status != "SUCCESS":
                image_url += f"?rand={time.time_ns()}"
        progress = run.progress or ""
        if run.status == "FAILURE":
            progress = "100%"  # new-api's refund path marks failures as finished
        return {
            "id": run.id,
            "action": run.newapi_action,
            "customId": "",
            "botType": "",
            "prompt": run.newapi_prompt,
            "promptEn": run.prompt_en or "",
            "description": run.newapi_description,
            "state": run.state or "",
            "submitTime": run.submit_time,
            "startTime": run.start_time or 0,
            "finishTime": run.finish_time or 0,
            "imageUrl": image_url,
            "videoUrl": "",
            "videoUrls": None,
            "status": run.status,
            "progress": progress,
            "failReason": run.fail_reason or "",
            "buttons": [dict(b) for b in run.buttons],
            "maskBase64": "",
            "properties": {"finalPrompt": run.final_prompt, "finalZhPrompt": ""},
        }


class _CaptureConn:
    """Stands in for Conn so the parent's ``_authorize`` can answer into a _Reply."""

    def __init__(self, sink: list[_Reply]) -> None:
        self._sink = sink

    def send_response(
        self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, **_: Any
    ) -> None:
        content_type = (headers or {}).get("Content-Type")
        self._sink.append(_Reply(status, body, content_type))

    def send_json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._sink.append(_Reply.json(status, obj))


# -- text results ------------------------------------------------------------------------------

_DESCRIBE_SUBJECTS = (
    "a red fox standing in fresh snow, soft winter light, highly detailed fur",
    "a lone lighthouse on a rocky coast at dusk, dramatic clouds, cinematic",
    "a bowl of ramen on a wooden table, steam rising, warm tones, food photography",
    "a watercolor painting of a quiet harbor town, pastel colors, loose brushwork",
    "an astronaut resting in a field of sunflowers, golden hour, dreamy atmosphere",
    "a cozy reading nook with a window seat, rainy day, soft lamplight",
)


def _describe_text(task_id: str, ar: str) -> str:
    start = int(task_id[-3:]) % len(_DESCRIBE_SUBJECTS)
    lines = []
    for n in range(4):
        subject = _DESCRIBE_SUBJECTS[(start + n) % len(_DESCRIBE_SUBJECTS)]
        lines.append(f"{_NUMBER_EMOJI[n]} {subject} --ar {ar}")
    return "\n\n".join(lines)


def _shorten_text(prompt: str) -> str:
    words = [w for w in re.sub(r"--\S+(\s+[^-\s]\S*)?", " ", prompt).split() if w]
    if not words:
        words = prompt.split() or ["image"]
    lines = []
    for k in range(5):
        keep = max(1, round(len(words) * (5 - k) / 6))
        lines.append(f"{_NUMBER_EMOJI[k]} {' '.join(words[:keep]).rstrip(',')}")
    return "\n\n".join(lines)


def _numbered_options(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        line = line.strip()
        for emoji in _NUMBER_EMOJI:
            if line.startswith(emoji):
                out.append(line[len(emoji) :].strip())
                break
    return out


def _seed_for(task_id: str) -> str:
    return str(int.from_bytes(hashlib.sha256(f"seed:{task_id}".encode()).digest()[:4], "big"))


def _display_time(ms: int | None) -> str | None:
    if ms is None:
        return None
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ms / 1000))


def _ext(mime: str) -> str:
    return {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}.get(mime, "png")


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a or 1
