"""The feed's iCalendar text (RFC 5545).

VEVENT, not VTODO: Google Calendar ignores VTODO entirely (and Apple Calendar shows it only in
Reminders), so to-dos would vanish from the calendars people subscribe with. A completed task
stays in the feed with "✓ " before its title (VEVENT has no COMPLETED status). All-day tasks
are DATE events; timed ones carry their owner's zone (TZID plus its VTIMEZONE), so a repeating
09:00 stays 09:00 across DST changes. Deadlines are TRANSP:TRANSPARENT: they do not make the
person look busy.

The calendar, its VTIMEZONE and its properties come from the `icalendar` package. The events
are written here, line by line with the same rules (escaping, 75-octet folding, CRLF): for
10,000 tasks icalendar's object model took seconds, this takes tens of milliseconds
(docs/performance.md). tests/test_feed.py parses every feed back with icalendar.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Iterator

from icalendar import Calendar, Timezone

from tasks import recurrence

PRODID = "-//taskmanager//calendar feed//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but tab and newline
_ESCAPES = str.maketrans({"\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n"})


def text(value: str) -> str:
    """A TEXT value (3.3.11): backslash, semicolon, comma and newline escaped, other control
    characters (forbidden there) dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).translate(_ESCAPES)


def fold(line: str) -> str:
    """One content line folded at 75 octets (3.1), never inside a UTF-8 sequence, with CRLF."""
    data = line.encode()
    if len(data) <= 75:
        return line + "\r\n"
    parts = []
    start, limit = 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        parts.append(data[start:end].decode())
        start, limit = end, 74  # continuation lines start with a space
    return "\r\n ".join(parts) + "\r\n"


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


@functools.lru_cache(maxsize=64)
def vtimezone(name: str) -> str:
    return Timezone.from_tzid(name).to_ical().decode()


def calendar(events: Iterable[str], name: str, zone: str, timed: bool) -> Iterator[str]:
    """The whole calendar: icalendar's header (and VTIMEZONE when an event is timed), then
    the events, then the end."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", zone)
    head = cal.to_ical().decode()
    assert head.endswith("END:VCALENDAR\r\n")
    yield head[: -len("END:VCALENDAR\r\n")]
    if timed:
        yield vtimezone(zone)
    yield from events
    yield "END:VCALENDAR\r\n"


def event(
    row: dict,
    *,
    domain: str,
    zone: zoneinfo.ZoneInfo,
    url: str,
    completions: int,
) -> str:
    """One task as a VEVENT. `row`: the task's values (feeds.views.FIELDS)."""
    done = row["status"] == "completed"
    title = ("✓ " if done else "") + row["title"]
    lines = [
        "BEGIN:VEVENT",
        f"UID:task-{row['id']}@{domain}",
        # The task's last change, not the time of the request: the same tasks give the same
        # bytes, which is what makes the ETag (and a calendar's 304) possible.
        f"DTSTAMP:{utc(row['updated_at'])}",
        f"CREATED:{utc(row['created_at'])}",
        f"LAST-MODIFIED:{utc(row['updated_at'])}",
        f"SEQUENCE:{row['version'] - 1}",
        f"SUMMARY:{text(title)}",
    ]
    day = row["due_date"]
    if row["due_time"] is None:
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
    else:
        start = dt.datetime.combine(day, row["due_time"])
        lines.append(f"DTSTART;TZID={zone.key}:{start:%Y%m%dT%H%M%S}")
    rule = rrule(row, zone, completions) if not done else ""
    if rule:
        lines.append(f"RRULE:{rule}")
    if row["description"]:
        lines.append(f"DESCRIPTION:{text(row['description'])}")
    if row["project__name"]:
        lines.append(f"CATEGORIES:{text(row['project__name'])}")
    lines += [f"URL:{url}", "TRANSP:TRANSPARENT", "END:VEVENT"]
    return "".join(fold(line) for line in lines)


def rrule(row: dict, zone: zoneinfo.ZoneInfo, completions: int) -> str:
    """The task's rule from its current occurrence on: COUNT less the completions made, UNTIL
    in the form DTSTART needs (a DATE for all-day; UTC for a zoned time, 3.3.10)."""
    try:
        rule = recurrence.parse(row["recurrence"])
    except recurrence.RuleError:
        return ""
    if row["repeat_from"] == "completion":
        # The next date depends on when it is done: a calendar can show this occurrence only.
        return ""
    parts = rule.text().split(";")
    parts = [p for p in parts if not p.startswith(("COUNT=", "UNTIL="))]
    if rule.count:
        parts.append(f"COUNT={max(1, rule.count - completions)}")
    if rule.until:
        if row["due_time"] is None:
            parts.append(f"UNTIL={rule.until:%Y%m%d}")
        else:
            end = dt.datetime.combine(rule.until, dt.time(23, 59, 59), tzinfo=zone)
            parts.append(f"UNTIL={utc(end)}")
    return ";".join(parts)
