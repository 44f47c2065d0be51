"""Midjourney task types and the pure helpers around them (no HTTP stack: the UI imports
them on the start-up path). The client is in ``api.midjourney``."""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from desktop_client.core.errors import N_, ApiError, ErrorKind
from desktop_client.core.jsonsafe import as_int, as_str, finite_number

MODAL_CUSTOM_IDS = ("MJ::Inpaint::", "MJ::CustomZoom::")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
# Describe and shorten answer with numbered prompts: "1️⃣ a fox ...\n\n2️⃣ ...".
_NUMBERED = re.compile(r"(?:^|\s)([1-9])\ufe0f?\u20e3\s*")
# Ids travel in URL paths and name files (through a hash): plain, bounded, never "." or "..".
_TASK_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")
_GRID_BUTTON = re.compile(r"^MJ::JOB::(?P<kind>upsample|variation)::(?P<index>[1-4])::")
_CHANGE = re.compile(r"^(?:(?P<kind>[UV])(?P<index>[1-4])|(?P<reroll>🔄|R|reroll))$", re.IGNORECASE)

# customId prefix → the action a server records for the task the button makes.
_BUTTON_ACTIONS = (
    ("MJ::JOB::upsample::", "UPSCALE"),
    ("MJ::JOB::upsample_", "UPSCALE_HD"),
    ("MJ::JOB::variation::", "VARIATION"),
    ("MJ::JOB::low_variation::", "VARIATION"),
    ("MJ::JOB::high_variation::", "VARIATION"),
    ("MJ::JOB::reroll::", "REROLL"),
    ("MJ::Inpaint::", "INPAINT"),
    ("MJ::Outpaint::", "OUTPAINT"),
    ("MJ::CustomZoom::", "ZOOM"),
    ("MJ::JOB::pan_", "PAN"),
    ("MJ::Job::PicReader::", "IMAGINE"),
    ("MJ::PromptAnalyzer::", "IMAGINE"),
    ("MJ::Picread::Retry", "DESCRIBE"),
)
# Tasks whose result is text (prompts), not an image for the gallery.
TEXT_ACTIONS = frozenset({"DESCRIBE", "SHORTEN"})


def valid_task_id(task_id: object) -> bool:
    return isinstance(task_id, str) and bool(_TASK_ID.fullmatch(task_id)) and task_id.strip(".") != ""


def button_action(custom_id: str) -> str:
    for prefix, action in _BUTTON_ACTIONS:
        if custom_id.startswith(prefix):
            return action
    return "ACTION"


def numbered_prompts(text: str) -> list[str]:
    """The prompts of a describe or shorten result, without their keycap numbers."""
    parts = _NUMBERED.split(text)
    if len(parts) < 3:
        return [text.strip()] if text.strip() else []
    # split() gives [before, "1", prompt, "2", prompt, ...]
    return [p.strip() for p in parts[2::2] if p.strip()]


def change_spec(button: str) -> tuple[str, int] | None:
    """U1..U4, V1..V4 and reroll as ``/mj/submit/change`` arguments, for servers without buttons."""
    match = _CHANGE.match(button.strip())
    if match is None:
        return None
    if match.group("reroll"):
        return "REROLL", 1
    return ("UPSCALE" if match.group("kind").upper() == "U" else "VARIATION"), int(match.group("index"))


def _grid_place(button: MjButton) -> tuple[str, int] | None:
    """("U", 2) for U2, ("V", 4) for V4, ("R", 0) for reroll; None for any other button."""
    match = _GRID_BUTTON.match(button.custom_id)
    if match is not None:
        return ("U" if match.group("kind") == "upsample" else "V"), int(match.group("index"))
    if button.custom_id.startswith("MJ::JOB::reroll::"):
        return "R", 0
    spec = None if button.custom_id.startswith("MJ::") else change_spec(button.custom_id)
    if spec is None:
        return None
    kind, index = spec
    return ("R", 0) if kind == "REROLL" else (kind[0], index)


def is_grid_button(button: MjButton) -> bool:
    """U1–U4, V1–V4 or reroll: the buttons of the grid users know."""
    return _grid_place(button) is not None


def button_rows(buttons: Sequence[MjButton], width: int = 4) -> list[tuple[MjButton, ...]]:
    """A task's buttons in the order users know: U1–U4 on one row, V1–V4 on the next, then
    reroll and the rest as they came, ``width`` to a row."""
    places = [(_grid_place(button), button) for button in buttons]

    def row_of(kind: str) -> tuple[MjButton, ...]:
        mine = [(place[1], button) for place, button in places if place is not None and place[0] == kind]
        return tuple(button for _index, button in sorted(mine, key=lambda pair: pair[0]))

    upscales, variations = row_of("U"), row_of("V")
    rerolls = [b for p, b in places if p is not None and p[0] == "R"]
    others = rerolls + [b for p, b in places if p is None]
    rows = [row for row in (upscales, variations) if row]
    rows += [tuple(others[start : start + width]) for start in range(0, len(others), max(1, width))]
    return rows


def data_url(image: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(image).decode('ascii')}"


class MjStatus(StrEnum):
    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    IN_PROGRESS = "IN_PROGRESS"
    FAILURE = "FAILURE"
    SUCCESS = "SUCCESS"
    MODAL = "MODAL"
    CANCEL = "CANCEL"
    UNKNOWN = "UNKNOWN"

    @property
    def terminal(self) -> bool:
        return self in (MjStatus.SUCCESS, MjStatus.FAILURE, MjStatus.CANCEL)


@dataclass(frozen=True)
class MjButton:
    custom_id: str
    emoji: str = ""
    label: str = ""

    @property
    def needs_modal(self) -> bool:
        return self.custom_id.startswith(MODAL_CUSTOM_IDS)


@dataclass(frozen=True)
class MjTask:
    id: str
    status: MjStatus
    action: str = ""
    prompt: str = ""
    prompt_en: str = ""
    description: str = ""
    progress: int = 0
    image_url: str = ""
    fail_reason: str = ""
    buttons: tuple[MjButton, ...] = ()
    properties: dict[str, Any] = field(default_factory=dict)
    submit_time: int | None = None
    finish_time: int | None = None

    @property
    def final_prompt(self) -> str:
        return as_str(self.properties.get("finalPrompt"), 20_000) or self.prompt_en or self.prompt

    def button(self, wanted: str) -> MjButton:
        """By label (``U1``, ``V3``), emoji (``🔄``) or customId, as a user would name it."""
        for button in self.buttons:
            if wanted in (button.custom_id, button.label) or (button.emoji and wanted == button.emoji):
                return button
        folded = wanted.casefold()
        for button in self.buttons:
            if button.label and button.label.casefold() == folded:
                return button
        names = ", ".join(b.label or b.emoji or b.custom_id for b in self.buttons)
        raise ApiError(
            N_("Errors", "Task %1 has no button %2"),
            hint=N_("Errors", "Its buttons are: %3") if names else N_("Errors", "It has no buttons"),
            kind=ErrorKind.BAD_INPUT,
            args=(self.id, repr(wanted), names),
        )


@dataclass(frozen=True)
class SubmitResult:
    task_id: str
    code: int
    description: str = ""
    properties: dict[str, Any] = field(default_factory=dict)
    needs_modal: bool = False
    queue_position: int | None = None


def _progress(value: object) -> int:
    number = finite_number(value)
    if number is None:
        match = _PERCENT.search(as_str(value, 100))
        number = finite_number(float(match.group(1))) if match else None
    return max(0, min(100, int(number))) if number is not None else 0


def _time(value: object) -> int | None:
    stamp = as_int(value)
    return stamp if stamp is not None and 0 <= stamp < 2**53 else None


def parse_task(raw: object) -> MjTask | None:
    """A task object of any dialect; None for null/empty (an unknown id on novicezk/trueai)
    and for a record Keyhold cannot use (an id that is not a plain bounded string)."""
    if not isinstance(raw, dict):
        return None
    task_id = as_str(raw.get("id"), 1000)
    if not valid_task_id(task_id):
        return None
    try:
        status = MjStatus(as_str(raw.get("status"), 40).upper() or "UNKNOWN")
    except ValueError:
        status = MjStatus.UNKNOWN
    raw_buttons = raw.get("buttons")
    buttons = tuple(
        MjButton(as_str(b.get("customId"), 500), as_str(b.get("emoji"), 40), as_str(b.get("label"), 200))
        for b in (raw_buttons if isinstance(raw_buttons, list) else [])[:40]
        if isinstance(b, dict) and as_str(b.get("customId"), 500)
    )
    properties = raw.get("properties") if isinstance(raw.get("properties"), dict) else {}
    return MjTask(
        id=task_id,
        status=status,
        action=as_str(raw.get("action"), 40),
        prompt=as_str(raw.get("prompt"), 20_000),
        prompt_en=as_str(raw.get("promptEn"), 20_000),
        description=as_str(raw.get("description"), 2000),
        progress=100 if status is MjStatus.SUCCESS else _progress(raw.get("progress")),
        image_url=as_str(raw.get("imageUrl"), 8192),
        fail_reason=as_str(raw.get("failReason"), 2000),
        buttons=buttons,
        properties=dict(properties or {}),
        submit_time=_time(raw.get("submitTime")),
        finish_time=_time(raw.get("finishTime")),
    )
