"""Logging to a rotating file under the data home, with every line redacted."""

from __future__ import annotations

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
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
    )
    file_handler.setFormatter(formatter)
    file_handler._keyhold = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(formatter)
        stream.setLevel(logging.WARNING)
        stream._keyhold = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    root.setLevel(level)
    # httpx logs every request URL at INFO; the URL is a secret, and our own lines say enough.
    for noisy in ("httpx", "httpcore", "hpack", "keyring", "secretstorage", "jeepney", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return log_file
