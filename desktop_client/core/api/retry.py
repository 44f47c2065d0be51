"""When and how long to wait before retrying a request that failed before its first byte.

Mirrors openai-python's policy with its known gaps fixed: a quota error is never retried
(even when it comes as 429), nor a request too large to ever fit, nor a 402.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from dataclasses import dataclass

import httpx

from desktop_client.core.net.errors import QUOTA_CODES, ErrorBody

RETRY_STATUSES = {408, 409, 429}
INITIAL_DELAY = 0.5
MAX_BACKOFF = 8.0


@dataclass(frozen=True)
class RetryNotice:
    attempt: int  # the retry about to happen, 1-based
    of: int
    delay: float
    reason: str


def _seconds(text: str, scale: float = 1.0) -> float | None:
    try:
        value = float(text) * scale
    except ValueError:
        return None
    # Infinity is a clear "not soon" (above any cap); NaN says nothing.
    return None if math.isnan(value) else max(0.0, value)


def parse_retry_after(headers: httpx.Headers, now: float | None = None) -> float | None:
    """Seconds to wait, or None when the server gave nothing usable (NaN, a date in year
    10000 and other nonsense included)."""
    ms = headers.get("retry-after-ms")
    if ms and (found := _seconds(ms, 1 / 1000)) is not None:
        return found
    value = headers.get("retry-after")
    if not value:
        return None
    found = _seconds(value)
    if found is not None or value.strip().lstrip("+-").replace(".", "", 1).isdigit():
        return found
    try:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        return max(0.0, email.utils.mktime_tz(parsed) - (now if now is not None else time.time()))
    except (ValueError, OverflowError, OSError):
        return None


def should_retry(status: int, headers: httpx.Headers, error: ErrorBody | None) -> bool:
    verdict = headers.get("x-should-retry", "").strip().lower()
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    if error is not None:
        code = error.code.lower()
        kind = error.type.lower()
        if code in QUOTA_CODES or kind in QUOTA_CODES:
            return False
        if "request too large" in error.message.lower():
            return False
    if status == 402:
        return False
    return status in RETRY_STATUSES or status >= 500


def retry_delay(headers: httpx.Headers | None, attempt: int, cap: float) -> float | None:
    """Seconds to wait before retry number ``attempt`` (0-based), or None when the server
    asks for longer than ``cap`` (retrying sooner would only fail again)."""
    asked = parse_retry_after(headers) if headers is not None else None
    if asked is not None:
        return asked if asked <= cap else None
    backoff: float = min(INITIAL_DELAY * 2**attempt, MAX_BACKOFF)
    return backoff * (1 - 0.25 * random.random())  # noqa: S311 - jitter, not a secret
