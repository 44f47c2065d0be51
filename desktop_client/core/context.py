"""Builds the Qt-free core once; both the GUI and the CLI start here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from desktop_client.core.errors import SecretStoreError
from desktop_client.core.logs import setup_logging
from desktop_client.core.net.client import HttpPool
from desktop_client.core.paths import DataHome
from desktop_client.core.profiles import ProfileService
from desktop_client.core.secrets import MemorySecretStore, SecretStore, open_secret_store
from desktop_client.core.settings import SettingsStore

log = logging.getLogger(__name__)


@dataclass
class Core:
    home: DataHome
    settings: SettingsStore
    secrets: SecretStore
    profiles: ProfileService
    http: HttpPool = field(default_factory=HttpPool)
    # Why the persistent keyring could not be used (None when it is in use).
    keyring_problem: SecretStoreError | None = None

    def use_secret_store(self, store: SecretStore) -> None:
        self.secrets = store
        self.profiles = ProfileService(self.settings, store)
        if store.persistent:
            self.keyring_problem = None

    async def aclose(self) -> None:
        await self.http.aclose()


def build_core(
    home: DataHome | None = None,
    *,
    secrets: SecretStore | None = None,
    session_only_fallback: bool = False,
    console_log: bool = False,
) -> Core:
    home = (home or DataHome.resolve()).ensure()
    setup_logging(home.logs, console=console_log)
    settings = SettingsStore(home.settings_file)
    problem: SecretStoreError | None = None
    if secrets is None:
        try:
            secrets = open_secret_store()
        except SecretStoreError as exc:
            if not session_only_fallback:
                raise
            log.warning("no secure keyring: %s", exc)
            problem = exc
            secrets = MemorySecretStore()
    log.info("secret store: %s", secrets.description)
    return Core(home, settings, secrets, ProfileService(settings, secrets), keyring_problem=problem)
