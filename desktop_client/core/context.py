"""Builds the Qt-free core once; both the GUI and the CLI start here."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_client.core.errors import SecretStoreError
from desktop_client.core.hardening import log_crash_dump_state
from desktop_client.core.logs import setup_logging
from desktop_client.core.paths import DataHome
from desktop_client.core.profiles import ProfileService
from desktop_client.core.secrets import MemorySecretStore, SecretStore, open_secret_store
from desktop_client.core.services.connections import Connections
from desktop_client.core.settings import SettingsStore

if TYPE_CHECKING:
    from desktop_client.core.gallery_record import ImageRecord
    from desktop_client.core.services.chat import ChatService
    from desktop_client.core.services.gallery import GalleryService
    from desktop_client.core.services.images import ImageService
    from desktop_client.core.services.midjourney import MidjourneyService
    from desktop_client.core.storage.chats import ChatStore
    from desktop_client.core.storage.db import Database

log = logging.getLogger(__name__)


@dataclass
class Core:
    home: DataHome
    settings: SettingsStore
    secrets: SecretStore
    profiles: ProfileService
    connections: Connections
    # Why the persistent keyring could not be used (None when it is in use).
    keyring_problem: SecretStoreError | None = None
    _db: Database | None = field(default=None, repr=False)
    _chat: ChatService | None = field(default=None, repr=False)
    _mj: MidjourneyService | None = field(default=None, repr=False)
    _gallery: GalleryService | None = field(default=None, repr=False)
    _images: ImageService | None = field(default=None, repr=False)
    _open_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Services are built on first use, from the GUI thread or a worker: one of each.
    _service_lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def database(self) -> Database:
        """Opened on first use (integrity check, migrations), off the way to the first paint."""
        with self._open_lock:
            if self._db is None:
                from desktop_client.core.storage.chats import ChatStore
                from desktop_client.core.storage.db import Database
                from desktop_client.core.storage.schema import MIGRATIONS

                db = Database(self.home.database, self.home.backups, MIGRATIONS).open()
                store = ChatStore(db)
                interrupted = store.mark_interrupted()
                purged = store.purge_deleted()
                if interrupted or purged:
                    log.info(
                        "at start: %d answers marked interrupted, %d conversations purged", interrupted, purged
                    )
                self._db = db
            return self._db

    @property
    def chats(self) -> ChatStore:
        return self.chat.store

    @property
    def chat(self) -> ChatService:
        with self._service_lock:
            if self._chat is None:
                from desktop_client.core.services.chat import ChatService
                from desktop_client.core.storage.chats import ChatStore

                store = ChatStore(self.database)
                self._chat = ChatService(store, self.connections, self.home.attachments, self.gallery)
            return self._chat

    @property
    def midjourney(self) -> MidjourneyService:
        with self._service_lock:
            if self._mj is None:
                from desktop_client.core.services.midjourney import MidjourneyService
                from desktop_client.core.storage.mj_tasks import MjTaskStore

                store = MjTaskStore(self.database)
                self._mj = MidjourneyService(store, self.connections, self.gallery)
            return self._mj

    @property
    def gallery(self) -> GalleryService:
        """Cheap to build: the index is opened (and on a first start built from the files) on
        its first use, in a worker thread."""
        with self._service_lock:
            if self._gallery is None:
                from desktop_client.core.services.gallery import GalleryService

                self._gallery = GalleryService(self.home.root, lambda: self.database, self._chat_images)
            return self._gallery

    @property
    def images(self) -> ImageService:
        with self._service_lock:
            if self._images is None:
                from desktop_client.core.services.images import ImageService

                self._images = ImageService(self.gallery, self.connections)
            return self._images

    def _chat_images(self) -> Iterator[tuple[Path, ImageRecord]]:
        """The images in chat answers, for a gallery rescan: the database is their record."""
        from desktop_client.core.services.chat import answer_image_record
        from desktop_client.core.storage.chats import ChatStore

        chats = ChatStore(self.database)
        names = {record.id: record.name for record in self.profiles.all()}
        for message, question, profile_id in chats.answers_with_images():
            record = answer_image_record(message, question, names.get(profile_id, ""))
            for name in message.attachments:
                yield self.home.attachments / Path(name).name, record

    def damage_notices(self) -> list[str]:
        """What was found damaged and set aside during this run, one English sentence each."""
        notices: list[str] = []
        settings = self.settings
        if settings.set_aside is not None:
            notices.append(
                f"the settings file was damaged ({settings.problem}); it was kept as {settings.set_aside.name} "
                "and Keyhold started with default settings"
            )
        elif settings.stuck:
            notices.append(
                f"the settings file {settings.path} is damaged ({settings.problem}) and could not be moved "
                "aside; Keyhold runs with default settings and will not save any until it is moved away"
            )
        report = self._db.report if self._db is not None else None
        if report is not None and report.recovered_from_corruption is not None:
            then = (
                f"the newest backup ({report.restored_from.name}) was restored"
                if report.restored_from is not None
                else "a new, empty database was started"
            )
            notices.append(
                f"the database was damaged; it was kept as {report.recovered_from_corruption.name} and {then}"
            )
        return notices

    def use_secret_store(self, store: SecretStore) -> None:
        """Every service holds the one profile service, which swaps its store (and forgets
        what it resolved from the old one)."""
        self.secrets = store
        self.profiles.use_store(store)
        if store.persistent:
            self.keyring_problem = None

    async def forget_client(self, profile_id: str) -> None:
        """Kept for the profile form until it stops calling it: ProfileService already tells
        the connections about every change."""
        self.connections.forget(profile_id)

    async def aclose(self) -> None:
        await self.connections.aclose()
        if self._db is not None:
            self._db.close()


def build_core(
    home: DataHome | None = None,
    *,
    secrets: SecretStore | None = None,
    session_only_fallback: bool = False,
    console_log: bool = False,
) -> Core:
    home = (home or DataHome.resolve()).ensure()
    setup_logging(home.logs, console=console_log)
    log_crash_dump_state()
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
    profiles = ProfileService(settings, secrets)
    return Core(home, settings, secrets, profiles, Connections(profiles), keyring_problem=problem)
