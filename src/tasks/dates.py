"""The dates a task may be due on (and a repeat may end on): 1 Jan 1900 to 31 Dec 2199.

Wide enough for any plan and for old records someone imports; narrow enough that every
conversion the app makes from a date stays far inside Python's datetime (years 1 to 9999): a due
date in a person's zone to UTC (up to 14 hours either way), a reminder days before it, a
repeat's occurrences ten years ahead. A due date in year 1 or 9999 made those raise
OverflowError, which stopped reminder delivery for everyone (issue 22, item 23). Every form
that takes a date checks it with validate_day; code that converts dates stored before the
bound still guards its own conversion.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

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
