"""Logging to a rotating file under the data home, with every line redacted."""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
from pathlib import Path

from desktop_client.core.redact import redact

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
MAX_BYTES = 1_000_000
BACKUPS = 5


class RedactingFormatter(logging.Formatter):
    """Redacts the fully formatted record, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that, when it cannot be written (a full disk), says so once on stderr and
    stays quiet until writing works again, instead of a traceback for every line."""

    _keyhold = True

    def __init__(self, filename: Path) -> None:
        super().__init__(filename, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
        self.failing = False

    def emit(self, record: logging.LogRecord) -> None:
        super().emit(record)
        if self.failing and self.stream is not None:
            self.failing = False

    def handleError(self, record: logging.LogRecord) -> None:
        if not self.failing:
            self.failing = True
            error = sys.exc_info()[1]
            reason = getattr(error, "strerror", None) or type(error).__name__
            with contextlib.suppress(Exception):
                sys.stderr.write(f"keyhold: the log file cannot be written ({reason}); log lines are dropped\n")
        # The half-written stream may be broken: it is reopened for the next line, and a
        # stream that is open again after a line means that line was written.
        with contextlib.suppress(Exception):
            if self.stream is not None:
                self.stream.close()
        self.stream = None


class _OwnedStreamHandler(logging.StreamHandler):  # type: ignore[type-arg]
    _keyhold = True


def _owned(handler: logging.Handler) -> bool:
    return getattr(handler, "_keyhold", False) is True


def setup_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / "keyhold.log"
    root = logging.getLogger()
    for handler in [h for h in root.handlers if _owned(h)]:
        root.removeHandler(handler)
        handler.close()
    formatter = RedactingFormatter(LOG_FORMAT)
    file_handler = QuietFileHandler(log_file)
    file_handler.setFormatter(formatter)
    root.addHandler(file_handler)
    if console:
        stream = _OwnedStreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    root.setLevel(level)
    # httpx logs every request URL at INFO; the URL is a secret, and our own lines say enough.
    for noisy in ("httpx", "httpcore", "hpack", "keyring", "secretstorage", "jeepney", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_file
