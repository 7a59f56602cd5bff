"""The dates a task may be due on (and a repeat may end on): 1 Jan 1900 to 31 Dec 2199.

Wide enough for any plan and for old records someone imports; narrow enough that every
conversion the app makes from a date stays far inside Python's datetime (years 1 to 9999): a due
date in a person's zone to UTC (up to 14 hours either way), a reminder days before it, a
repeat's occurrences ten years ahead. A due date in year 1 or 9999 made those raise
OverflowError, which stopped reminder delivery for everyone (issue 22, item 23). Every form
that takes a date checks it with validate_day; code that converts dates stored before the
bound still guards its own conversion.

And the one way the app writes a day and a time for people: "Today 17:00", "Tomorrow",
"Yesterday", "Fri 11 Dec", and the year only when it is not this year ("Fri 11 Dec 2027").

Rows, cards, day headings, quick add's chips, the task page and the toasts all say dates through
these functions (templates through tasks_extras' `due_text` and `day_text` filters), so a date
reads the same wherever it shows. "Today" is the person's (the active time zone's).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
OUT_OF_RANGE = "Choose a date between 1900 and 2199."


def in_range(day: dt.date) -> bool:
    return EARLIEST <= day <= LATEST


def validate_day(day: dt.date | dt.datetime | None) -> None:
    """A form field validator: ValidationError for a date (or a moment's date) out of range."""
    if day is None:
        return
    if isinstance(day, dt.datetime):
        day = day.date()
    if not in_range(day):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


_RELATIVE = {0: "Today", 1: "Tomorrow", -1: "Yesterday"}


def date_text(day: dt.date, today: dt.date | None = None) -> str:
    """ "Fri 11 Dec", with the year when it is not this year's: never "Today"."""
    today = today or timezone.localdate()
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def day_text(day: dt.date, today: dt.date | None = None) -> str:
    """ "Today", "Tomorrow", "Yesterday", else date_text."""
    today = today or timezone.localdate()
    return _RELATIVE.get((day - today).days) or date_text(day, today)


def time_text(at: dt.time) -> str:
    return f"{at:%H:%M}"


def when_text(day: dt.date, at: dt.time | None = None, today: dt.date | None = None) -> str:
    """A due date and its time, if any: "Today 17:00", "Fri 11 Dec 09:30", "Tomorrow"."""
    text = day_text(day, today)
    return f"{text} {time_text(at)}" if at is not None else text


def moment_text(moment: dt.datetime, today: dt.date | None = None) -> str:
    """An aware datetime in the active zone: "Today 17:00", "Fri 11 Dec 09:30"."""
    local = timezone.localtime(moment)
    return when_text(local.date(), local.time(), today)
