"""Typed settings schema and its JSON store.

Only non-secret fields live here: API keys, base URLs and proxy URLs are in the
OS keyring (see ``secrets.py``). The file is written atomically; a corrupt file is
set aside, never silently overwritten.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from desktop_client.core.atomic import atomic_write_text

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
    created: float = field(default_factory=time.time)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ProfileRecord:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in raw.items() if k in known}
        record = cls(**data)
        record.kind = ProfileKind(record.kind)
        record.mj_auth = MjAuth(record.mj_auth)
        record.allow_http = bool(record.allow_http)
        record.has_proxy = bool(record.has_proxy)
        return record


@dataclass
class Settings:
    version: int = SCHEMA_VERSION
    language: Language = Language.SYSTEM
    profiles: list[ProfileRecord] = field(default_factory=list)
    active_profiles: dict[str, str] = field(default_factory=dict)
    ui_state: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Settings:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("settings root is not an object")
        return cls(
            version=int(raw.get("version", SCHEMA_VERSION)),
            language=Language(raw.get("language", Language.SYSTEM)),
            profiles=[ProfileRecord.from_dict(p) for p in raw.get("profiles", [])],
            active_profiles={str(k): str(v) for k, v in dict(raw.get("active_profiles", {})).items()},
            ui_state={str(k): str(v) for k, v in dict(raw.get("ui_state", {})).items()},
        )


Listener = Callable[[Settings], None]


class SettingsStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self.settings = self._load()

    def _load(self) -> Settings:
        if not self.path.exists():
            return Settings()
        try:
            return Settings.from_json(self.path.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            self.path.replace(aside)
            log.warning("settings file was unreadable (%s); kept it as %s and started fresh", exc, aside.name)
            return Settings()

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def save(self) -> None:
        with self._lock:
            atomic_write_text(self.path, self.settings.to_json())
        for listener in list(self._listeners):
            listener(self.settings)

    def update(self, change: Callable[[Settings], None]) -> None:
        with self._lock:
            change(self.settings)
        self.save()
