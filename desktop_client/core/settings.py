"""Typed settings schema and its JSON store.

Only non-secret fields live here: API keys, base URLs and proxy URLs are in the
OS keyring (see ``secrets.py``). The file is written atomically. A file that cannot be
read or does not hold exactly these types is set aside, never silently overwritten, and the
app starts with defaults.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
import time
import typing
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields, is_dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop_client.core.atomic import atomic_write_text
from desktop_client.core.errors import N_, StorageError
from desktop_client.core.text import inert

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


class ProfileKind(StrEnum):
    OPENAI = "openai"
    MIDJOURNEY = "midjourney"


class MjAuth(StrEnum):
    MJ_API_SECRET = "mj-api-secret"  # noqa: S105 - a header name, not a secret
    BEARER = "bearer"


class Language(StrEnum):
    SYSTEM = "system"
    ENGLISH = "en"
    CHINESE = "zh_CN"


class Theme(StrEnum):
    SYSTEM = "system"  # follow the OS's light or dark scheme, and its changes
    LIGHT = "light"
    DARK = "dark"


class SendKey(StrEnum):
    """Which key sends a message or a prompt; Shift+Enter always breaks the line."""

    ENTER = "enter"  # Enter sends
    CTRL_ENTER = "ctrl-enter"  # Ctrl+Enter sends, Enter breaks the line


@dataclass
class ProfileRecord:
    """The non-secret half of a profile."""

    id: str
    name: str
    kind: ProfileKind
    default_model: str = ""
    mj_auth: MjAuth = MjAuth.MJ_API_SECRET
    allow_http: bool = False
    has_proxy: bool = False
    # Without a proxy of its own: True goes direct, False uses the default proxy (if one is set).
    no_proxy: bool = False
    created: float = field(default_factory=time.time)


LONG_ANSWER_RANGE = (0, 3600)  # seconds: an answer that took this long is announced (0: every one)


@dataclass
class Notifications:
    """Which work that ends while the window is in the background is announced outside it."""

    enabled: bool = True
    chat: bool = True  # a chat answer that took ``long_answer_seconds`` or more
    images: bool = True
    midjourney: bool = True
    long_answer_seconds: int = 10


@dataclass
class Settings:
    version: int = SCHEMA_VERSION
    language: Language = Language.SYSTEM
    theme: Theme = Theme.SYSTEM
    send_key: SendKey = SendKey.ENTER  # a file from before this field means Enter
    text_size: int = 0  # points added to the system's text size (View ▸ Larger text), -4 to +8
    profiles: list[ProfileRecord] = field(default_factory=list)
    # Profile ids new conversations and Images (OpenAI-compatible), and Midjourney start with;
    # "" or an id since removed: the first profile of that kind.
    default_profile: str = ""
    default_mj_profile: str = ""
    # The default proxy URL itself is a keyring entry (it may hold credentials); this says one is set.
    has_default_proxy: bool = False
    notifications: Notifications = field(default_factory=Notifications)
    ui_state: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        """Raises ValueError (or RecursionError) unless ``text`` holds exactly these types."""
        settings: Settings = _typed(cls, json.loads(text, parse_constant=_no_constant), "settings")
        settings.check()
        return settings

    def check(self) -> None:
        """Raises SettingsError for values of the right type but out of range."""
        low, high = LONG_ANSWER_RANGE
        if not low <= self.notifications.long_answer_seconds <= high:
            raise SettingsError(f"settings.notifications.long_answer_seconds: not between {low} and {high}")


class SettingsError(ValueError):
    """The settings file does not hold values of the expected types."""


def _no_constant(name: str) -> Any:
    raise SettingsError(f"{name} is not a number")


def _typed(kind: Any, value: Any, where: str) -> Any:
    """``value`` as ``kind`` (a field's type), checked all the way down; never coerces."""
    origin = typing.get_origin(kind)
    if origin is list:
        if not isinstance(value, list):
            raise SettingsError(f"{where}: expected a list, got {_json_type(value)}")
        (item,) = typing.get_args(kind)
        return [_typed(item, entry, f"{where}[{index}]") for index, entry in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise SettingsError(f"{where}: expected an object, got {_json_type(value)}")
        _key, item = typing.get_args(kind)
        # A key from the file names the place of a problem: inert and short, it is printed.
        return {key: _typed(item, entry, f"{where}.{inert(key)[:40]}") for key, entry in value.items()}
    if isinstance(kind, type) and is_dataclass(kind):
        if not isinstance(value, dict):
            raise SettingsError(f"{where}: expected an object, got {_json_type(value)}")
        hints = typing.get_type_hints(kind)
        data: dict[str, Any] = {}
        for spec in fields(kind):
            if spec.name in value:
                data[spec.name] = _typed(hints[spec.name], value[spec.name], f"{where}.{spec.name}")
            elif spec.default is MISSING and spec.default_factory is MISSING:
                raise SettingsError(f"{where}: {spec.name} is missing")
        return kind(**data)  # unknown keys (from a newer version, or a field since dropped) are left out
    if kind is bool:
        if not isinstance(value, bool):
            raise SettingsError(f"{where}: expected true or false, got {_json_type(value)}")
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(f"{where}: expected a whole number, got {_json_type(value)}")
        return value
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise SettingsError(f"{where}: expected a finite number, got {_json_type(value)}")
        return float(value)
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        if not isinstance(value, str) or value not in {member.value for member in kind}:
            raise SettingsError(f"{where}: not one of {', '.join(member.value for member in kind)}")
        return kind(value)
    if kind is str:
        if not isinstance(value, str):
            raise SettingsError(f"{where}: expected a string, got {_json_type(value)}")
        return value
    raise TypeError(f"{where}: no check for the type {kind!r}")  # a new field type: add its check


def _why(exc: Exception) -> str:
    """Why the settings could not be read, in words (the log and the CLI's warning show it)."""
    if isinstance(exc, SettingsError):
        return str(exc)
    causes: list[tuple[type[Exception], str]] = [
        (IsADirectoryError, "it is a folder"),
        (PermissionError, "no permission to read it"),
        (UnicodeDecodeError, "it is not UTF-8 text"),
        (json.JSONDecodeError, "it is not valid JSON"),
        (RecursionError, "it is nested too deeply"),
    ]
    return next((text for cause, text in causes if isinstance(exc, cause)), type(exc).__name__)


def _json_type(value: Any) -> str:
    names = {type(None): "null", bool: "true/false", int: "a number", float: "a number", str: "a string"}
    return names.get(type(value), "a list" if isinstance(value, list) else "an object")


class SettingsStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        # Where a damaged settings file was moved during this run, and why it was damaged.
        self.set_aside: Path | None = None
        self.problem = ""
        self.settings = self._load()

    def _load(self) -> Settings:
        try:
            return Settings.from_json(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except Exception as exc:  # a directory, no permission, bad UTF-8, 100k-deep JSON, wrong types…
            self.problem = _why(exc)
        try:
            self.set_aside = self._move_aside()
        except OSError as exc:
            # Defaults in memory; save() refuses to write over the damaged file.
            log.error("settings file is damaged (%s) and could not be moved aside (%s)", self.problem, exc)
        else:
            log.warning(
                "settings file was unreadable (%s); kept it as %s and started fresh",
                self.problem,
                self.set_aside.name,
            )
        return Settings()

    def _move_aside(self) -> Path:
        stamp = int(time.time())
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        number = 1
        while os.path.lexists(aside):  # never over an earlier damaged file
            number += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{number}")
        self.path.replace(aside)
        return aside

    @property
    def stuck(self) -> bool:
        """The file is damaged and still in place: it must not be written over."""
        return bool(self.problem) and self.set_aside is None

    def save(self) -> None:
        if self.stuck:
            raise StorageError(
                N_(
                    "Errors",
                    "The settings file %1 is damaged and could not be moved aside, so it is not overwritten",
                ),
                hint=N_("Errors", "Move it away or fix its permissions, then restart Keyhold"),
                args=(self.path,),
            )
        with self._lock:
            atomic_write_text(self.path, self.settings.to_json())

    def update(self, change: Callable[[Settings], None]) -> None:
        with self._lock:
            change(self.settings)
        self.save()
