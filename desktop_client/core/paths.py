"""Every file Keyhold writes lives under one data home.

The home is chosen with platformdirs and overridden by ``KEYHOLD_HOME``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

ENV_HOME = "KEYHOLD_HOME"


def resources_dir() -> Path:
    """The top-level ``resources/`` folder, from source and when frozen by PyInstaller."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


@dataclass(frozen=True)
class DataHome:
    root: Path

    @classmethod
    def resolve(cls, override: str | os.PathLike[str] | None = None) -> DataHome:
        chosen = override or os.environ.get(ENV_HOME)
        root = Path(chosen).expanduser() if chosen else user_data_path("Keyhold", appauthor=False, roaming=True)
        return cls(root.resolve())

    @property
    def settings_file(self) -> Path:
        return self.root / "settings.json"

    @property
    def database(self) -> Path:
        return self.root / "keyhold.db"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def gallery(self) -> Path:
        return self.root / "gallery"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    def ensure(self) -> DataHome:
        for path in (self.root, self.logs, self.gallery, self.cache):
            path.mkdir(parents=True, exist_ok=True)
        # The home holds prompts and history: private to the user on POSIX.
        if os.name == "posix":
            self.root.chmod(0o700)
        return self
