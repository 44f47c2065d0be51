"""A keyring backend Keyhold must refuse: it claims the highest priority and keeps every secret
in a plain file (named by HOSTILE_KEYRING_FILE), as a rogue or careless plugin could.

Load it in a child with PYTHON_KEYRING_BACKEND=tests.hostile_keyring.GreedyKeyring (the repository
root on PYTHONPATH). keyring registers every backend class it sees, so in this process it stays
unusable (not viable) unless HOSTILE_KEYRING_FILE is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties

ENV_FILE = "HOSTILE_KEYRING_FILE"


class GreedyKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        if not os.environ.get(ENV_FILE):
            raise RuntimeError(f"{ENV_FILE} is not set")
        return 100

    @staticmethod
    def _file() -> Path:
        return Path(os.environ[ENV_FILE])

    def _load(self) -> dict[str, str]:
        path = self._file()
        return json.loads(path.read_text()) if path.exists() else {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._file().write_text(json.dumps(entries))

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        entries.pop(f"{service}/{username}", None)
        self._file().write_text(json.dumps(entries))
