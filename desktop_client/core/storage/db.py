"""The SQLite database: WAL, an integrity check at start, and versioned migrations, each
preceded by a backup copy so an upgrade can always be undone."""

from __future__ import annotations

import errno
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_client.core.errors import N_, ErrorKind, StorageError

log = logging.getLogger(__name__)

Migration = Callable[[sqlite3.Connection], None]
KEEP_BACKUPS = 5


@dataclass(frozen=True)
class OpenReport:
    """What happened while opening: shown to the user when it matters."""

    migrated_from: int | None = None
    backup: Path | None = None
    recovered_from_corruption: Path | None = None
    restored_from: Path | None = None  # the backup put in place of the damaged file, if any


def is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    if isinstance(exc, sqlite3.Error):
        return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(exc)
    return False


def disk_full_error(what: str = "Keyhold's data") -> StorageError:
    return StorageError(
        f"The disk is full: {what} could not be saved",
        hint="Free some disk space, then retry",
        kind=ErrorKind.DISK_FULL,
    )


@contextmanager
def _storage_errors() -> Iterator[None]:
    """SQLite's errors as one clear StorageError (callers know KeyholdError, not sqlite3)."""
    try:
        yield
    except sqlite3.Error as exc:
        if is_disk_full(exc):
            raise disk_full_error() from exc
        raise StorageError(
            N_("Errors", "Keyhold's database could not be read or written (%1)"),
            hint=N_("Errors", "Check free disk space and permissions; if it persists, restart Keyhold"),
            args=(exc,),
        ) from exc


class Database:
    def __init__(
        self, path: Path, backups: Path, migrations: Sequence[Migration], *, busy_timeout: float = 10.0
    ) -> None:
        self.busy_timeout = busy_timeout
        self.path = path
        self.backups = backups
        self.migrations = list(migrations)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.report = OpenReport()

    @property
    def version(self) -> int:
        return len(self.migrations)

    def open(self) -> Database:
        recovered: Path | None = None
        restored: Path | None = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            first = self._connect()
        except StorageError as exc:
            # Locked, unreadable, no permission: not proof of damage, never a reason to move
            # the file aside (another Keyhold process may be writing to it).
            damaged = any(word in exc.message for word in ("malformed", "not a database"))
            if not (damaged or self._header_is_damaged()):
                raise
            recovered, restored = self._set_aside("the file is not a database")
            first = self._connect()
        else:
            problem = self._check(first)
            if problem:
                first.close()
                recovered, restored = self._set_aside(problem)
                first = self._connect()
        conn = first
        self._conn = conn
        migrated_from, backup = self._migrate(conn)
        self.report = OpenReport(migrated_from, backup, recovered, restored)
        return self

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=self.busy_timeout
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise StorageError(
                N_("Errors", "The database could not be opened (%1)"),
                hint=N_("Errors", "Check free disk space and permissions"),
                args=(exc,),
            ) from None
        return conn

    def _header_is_damaged(self) -> bool:
        try:
            with self.path.open("rb") as handle:
                header = handle.read(16)
        except OSError:
            return False
        return len(header) == 16 and header != b"SQLite format 3\x00"

    @staticmethod
    def _check(conn: sqlite3.Connection) -> str:
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        result = [r[0] for r in rows]
        return "" if result == ["ok"] else "; ".join(result[:3])

    def _set_aside(self, problem: str) -> tuple[Path, Path | None]:
        """A damaged file is kept for rescue, never deleted, and the newest backup restored.
        Returns where the damaged file is now and the backup restored, if there was one."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{self.path}{suffix}")
            if src.exists():
                src.replace(Path(f"{aside}{suffix}"))
        log.error("database failed its integrity check (%s); kept as %s", problem, aside.name)
        backups = sorted(self.backups.glob("keyhold-*.db"), key=lambda p: p.stat().st_mtime)
        if backups:
            source = sqlite3.connect(backups[-1])
            try:
                target = sqlite3.connect(self.path)
                with target:
                    source.backup(target)
                target.close()
            finally:
                source.close()
            log.warning("restored the database from %s", backups[-1].name)
            return aside, backups[-1]
        return aside, None

    def _backup(self, conn: sqlite3.Connection, version: int) -> Path:
        self.backups.mkdir(parents=True, exist_ok=True)
        target_path = self.backups / f"keyhold-v{version}-{time.strftime('%Y%m%d-%H%M%S')}.db"
        target = sqlite3.connect(target_path)
        try:
            conn.backup(target)
        finally:
            target.close()
        target_path.chmod(0o600)
        for old in sorted(self.backups.glob("keyhold-*.db"), key=lambda p: p.stat().st_mtime)[:-KEEP_BACKUPS]:
            old.unlink()
        return target_path

    def _migrate(self, conn: sqlite3.Connection) -> tuple[int | None, Path | None]:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        if current > self.version:
            raise StorageError(
                N_("Errors", "The database was written by a newer Keyhold (schema %1, this one knows %2)"),
                hint=N_("Errors", "Update Keyhold; your data is untouched"),
                args=(current, self.version),
            )
        if current == self.version:
            return None, None
        backup = self._backup(conn, current) if current > 0 else None
        for number in range(current, self.version):
            try:
                conn.execute("BEGIN IMMEDIATE")
                self.migrations[number](conn)
                conn.execute(f"PRAGMA user_version = {number + 1}")
                conn.execute("COMMIT")
            except Exception as exc:
                conn.execute("ROLLBACK")
                raise StorageError(
                    N_("Errors", "Upgrading the database to schema %1 failed (%2: %3)"),
                    hint=N_("Errors", "Nothing was changed; a copy is in %4")
                    if backup
                    else N_("Errors", "Nothing was changed"),
                    args=(number + 1, type(exc).__name__, exc, backup),
                ) from None
            log.info("database migrated to schema %d", number + 1)
        return current, backup

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StorageError(
                N_("Errors", "The database is not open"), hint=N_("Errors", "This is a bug; restart Keyhold")
            )
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, _storage_errors():
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                # On a full disk the rollback may fail too; the first error is the one to tell.
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error:
                with suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock, _storage_errors():
            return self.conn.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> int:
        with self._lock, _storage_errors():
            return self.conn.execute(sql, params).rowcount

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
