"""When a conversation was last active, as the conversation list says it: the date group it
is listed under and the short relative time on its second line, in the user's local time
and language. ``now`` is a parameter so a test can stand at any day boundary."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from desktop_client.ui.i18n import tr_args

# Group keys sort the list's sections: pinned, then the recent spans, then months newest first.
PINNED, TODAY, YESTERDAY, WEEK, MONTH = 0, 1, 2, 3, 4
WEEK_DAYS = 7
MONTH_DAYS = 30


def _day(stamp: float) -> date:
    return datetime.fromtimestamp(stamp).date()  # local time


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day).timestamp()  # local: a DST day has 23 or 25 hours


class DayGroups:
    """The group of each last activity, seen from ``now``: a few comparisons a conversation
    (thousands are grouped on every listing), the date worked out only for a new month."""

    def __init__(self, now: float | None = None) -> None:
        today = _day(time.time() if now is None else now)
        self._spans = [
            (_midnight(today), TODAY),
            (_midnight(today - timedelta(days=1)), YESTERDAY),
            (_midnight(today - timedelta(days=WEEK_DAYS)), WEEK),
            (_midnight(today - timedelta(days=MONTH_DAYS)), MONTH),
        ]
        self._month = (0.0, 0.0, (MONTH + 1, 0))  # the last month seen: [start, end) and its group

    def __call__(self, stamp: float) -> tuple[int, int]:
        """(span, month) for a last activity at ``stamp``: the month (-(year*12 + month - 1))
        only past the previous 30 days. A stamp in the future counts as today."""
        for start, span in self._spans:
            if stamp >= start:
                return span, 0
        low, high, group = self._month
        if low <= stamp < high:
            return group
        day = _day(stamp)
        first = date(day.year, day.month, 1)
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        group = (MONTH + 1, -(day.year * 12 + day.month - 1))
        self._month = (_midnight(first), _midnight(following), group)
        return group


def group_of(stamp: float, now: float | None = None) -> tuple[int, int]:
    return DayGroups(now)(stamp)


def group_label(group: tuple[int, int]) -> str:
    span, month = group
    if span == PINNED:
        return QCoreApplication.translate("ConversationList", "Pinned")
    if span == TODAY:
        return QCoreApplication.translate("ConversationList", "Today")
    if span == YESTERDAY:
        return QCoreApplication.translate("ConversationList", "Yesterday")
    if span == WEEK:
        return QCoreApplication.translate("ConversationList", "Previous 7 days")
    if span == MONTH:
        return QCoreApplication.translate("ConversationList", "Previous 30 days")
    year, index = divmod(-month, 12)
    # Translators: a month heading in the conversation list, as a QLocale date format.
    return QLocale().toString(
        QDate(year, index + 1, 1), QCoreApplication.translate("ConversationList", "MMMM yyyy")
    )


def relative_time(stamp: float, now: float | None = None) -> str:
    """ "now", "5 min", "3 h" (today), "Yesterday", a weekday within a week, else the date."""
    current = time.time() if now is None else now
    seconds = current - stamp
    if seconds < 60:
        return QCoreApplication.translate("ConversationList", "now")
    if seconds < 3600:
        return tr_args(QCoreApplication.translate("ConversationList", "%1 min"), int(seconds // 60))
    day, today = _day(stamp), _day(current)
    ago = (today - day).days
    if ago <= 0:
        return tr_args(QCoreApplication.translate("ConversationList", "%1 h"), int(seconds // 3600))
    if ago == 1:
        return QCoreApplication.translate("ConversationList", "Yesterday")
    locale = QLocale()
    if ago < WEEK_DAYS:
        return locale.dayName(day.isoweekday(), QLocale.FormatType.ShortFormat)
    if day.year == today.year:
        # Translators: a day of this year in the conversation list, as a QLocale date format.
        return locale.toString(
            QDate(day.year, day.month, day.day), QCoreApplication.translate("ConversationList", "MMM d")
        )
    # Translators: a day of another year in the conversation list, as a QLocale date format.
    return locale.toString(
        QDate(day.year, day.month, day.day), QCoreApplication.translate("ConversationList", "MMM d, yyyy")
    )
