"""Builds the Qt-free core; both the GUI and the CLI start here, in two steps.

``build_core()`` is cheap (the data home, logging, settings, the secret store, the profile
service and its connections, nothing that touches the database or imports httpx): the GUI
paints its window right after it. ``await core.open()`` (or ``core.open_blocking()``) then
opens the database (integrity check, migrations; answers left streaming by a crash are marked
interrupted and conversations deleted long ago are purged), builds every service once, and
opens the gallery index (deletions whose undo ended go to the trash). The services exist only
after that step; using one earlier is a bug, and says so. (An empty gallery index is built
from the files on the gallery's first use, not here: that may take seconds, see
``GalleryService.store``.) ``await core.stored_conversations()`` opens the database alone (the
first half of ``open``) and lists the conversations: the GUI fills its list with it before
the services, and the HTTP stack they import, have loaded."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_client.core.errors import KeyholdError, SecretStoreError
from desktop_client.core.hardening import log_crash_dump_state
from desktop_client.core.logs import setup_logging
from desktop_client.core.paths import DataHome
from desktop_client.core.profiles import ProfileService
from desktop_client.core.secrets import MemorySecretStore, SecretStore, open_secret_store
from desktop_client.core.services.connections import Connections
from desktop_client.core.settings import SettingsStore

if TYPE_CHECKING:
    from desktop_client.core.gallery_record import ImageRecord
    from desktop_client.core.models import Conversation
    from desktop_client.core.services.chat import ChatService
    from desktop_client.core.services.gallery import GalleryService
    from desktop_client.core.services.images import ImageService
    from desktop_client.core.services.midjourney import MidjourneyService
    from desktop_client.core.storage.chats import ChatStore
    from desktop_client.core.storage.db import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What ``Core.open`` builds, once."""

    database: Database
    chat: ChatService
    midjourney: MidjourneyService
    gallery: GalleryService
    images: ImageService


@dataclass
class Core:
    home: DataHome
    settings: SettingsStore
    secrets: SecretStore
    profiles: ProfileService
    connections: Connections
    # Why the persistent keyring could not be used (None when it is in use).
    keyring_problem: SecretStoreError | None = None
    _services: Services | None = field(default=None, repr=False)
    _chats: ChatStore | None = field(default=None, repr=False)  # the database open, the services maybe not
    # Only so that two callers of open() (the app and a test, say) never open twice.
    _open_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ----- opening ---------------------------------------------------------------------
    async def open(self) -> None:
        """Opens the database and the gallery index in a worker thread and builds the services;
        returns at once when they are open, and waits when another caller is opening them."""
        if self._services is None:
            await asyncio.to_thread(self.open_blocking)

    def open_blocking(self) -> Core:
        """``open`` for the CLI and tests, on the calling thread; returns the core."""
        with self._open_lock:
            if self._services is None:
                self._services = self._build_services(self._open_chats())
                log.info("core open")
        return self

    async def stored_conversations(self) -> list[Conversation]:
        """The conversation list (pinned first, then the most recent), as ``chat.conversations()``
        gives it, read as soon as the database is open: the services need not be built yet."""

        def read() -> list[Conversation]:
            with self._open_lock:
                chats = self._open_chats()
            return chats.conversations()

        return await asyncio.to_thread(read)

    def _open_chats(self) -> ChatStore:
        """The database, opened once (with the start-up repairs), and its chat store; under the lock."""
        if self._chats is None:
            from desktop_client.core.storage.chats import ChatStore
            from desktop_client.core.storage.db import Database
            from desktop_client.core.storage.schema import MIGRATIONS

            db = Database(self.home.database, self.home.backups, MIGRATIONS).open()
            chats = ChatStore(db)
            interrupted = chats.mark_interrupted()
            purged = chats.purge_deleted()
            if interrupted or purged:
                log.info("at start: %d answers marked interrupted, %d conversations purged", interrupted, purged)
            self._chats = chats
        return self._chats

    def _build_services(self, chats: ChatStore) -> Services:
        from desktop_client.core.services.chat import ChatService
        from desktop_client.core.services.gallery import GalleryService
        from desktop_client.core.services.images import ImageService
        from desktop_client.core.services.midjourney import MidjourneyService
        from desktop_client.core.storage.mj_tasks import MjTaskStore

        db = chats.db
        gallery = GalleryService(self.home.root, lambda: db, lambda: self._chat_images(chats))
        try:
            gallery.open_index()
        except (OSError, KeyholdError) as exc:
            # The gallery's trouble stays the gallery's: chat and Midjourney open all the same,
            # and the gallery's first use tries again and says why.
            log.warning("the gallery index did not open: %s", exc)
        return Services(
            database=db,
            chat=ChatService(chats, self.connections, self.home.attachments, gallery),
            midjourney=MidjourneyService(MjTaskStore(db), self.connections, gallery),
            gallery=gallery,
            images=ImageService(gallery, self.connections),
        )

    @property
    def database(self) -> Database:
        """The one connection the stores share; the services' business (and the tests')."""
        return self._opened().database

    @property
    def is_open(self) -> bool:
        return self._services is not None

    def _opened(self) -> Services:
        if self._services is None:
            raise RuntimeError("the core is not open yet: await core.open() (or core.open_blocking()) first")
        return self._services

    # ----- the services (after open) -----------------------------------------------------
    @property
    def chat(self) -> ChatService:
        return self._opened().chat

    @property
    def midjourney(self) -> MidjourneyService:
        return self._opened().midjourney

    @property
    def gallery(self) -> GalleryService:
        return self._opened().gallery

    @property
    def images(self) -> ImageService:
        return self._opened().images

    def _chat_images(self, chats: ChatStore) -> Iterator[tuple[Path, ImageRecord]]:
        """The images in chat answers, for a gallery rescan: the database is their record."""
        from desktop_client.core.services.chat import answer_image_record

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
        report = self.database.report if self.is_open else None
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

    async def aclose(self) -> None:
        await self.connections.aclose()
        if self._chats is not None:  # the services' database is this one
            self._chats.db.close()


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
