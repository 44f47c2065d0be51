"""How a moment is shown in a list or a header: the time today, the date and time on other days."""

from __future__ import annotations

import time


def when(stamp: float, now: float | None = None) -> str:
    """``14:05`` for a moment of today (local time), ``2026-11-30 14:05`` for any other day."""
    moment = time.localtime(stamp)
    today = time.localtime(time.time() if now is None else now)
    if moment[:3] == today[:3]:
        return time.strftime("%H:%M", moment)
    return time.strftime("%Y-%m-%d %H:%M", moment)
