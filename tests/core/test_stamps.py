"""A moment shows its time today and its date on any other day."""

import time

from desktop_client.core.stamps import when


def test_today_shows_the_time_and_another_day_the_date() -> None:
    now = time.mktime((2026, 12, 3, 15, 0, 0, 0, 0, -1))
    this_morning = time.mktime((2026, 12, 3, 9, 5, 0, 0, 0, -1))
    yesterday = time.mktime((2026, 12, 2, 23, 59, 0, 0, 0, -1))
    last_year = time.mktime((2025, 12, 3, 9, 5, 0, 0, 0, -1))
    assert when(this_morning, now) == "09:05"
    assert when(yesterday, now) == "2026-12-02 23:59"
    assert when(last_year, now) == "2025-12-03 09:05"  # the same day of another year is another day
    assert when(time.time()) == time.strftime("%H:%M")
