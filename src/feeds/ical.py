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
_PLAIN = re.compile(r"[^\x00-\x1f\x7f\\;,]*")


def text(value: str) -> str:
    """A TEXT value (3.3.11): backslash, semicolon, comma and newline escaped, other control
    characters (forbidden there) dropped."""
    if _PLAIN.fullmatch(value):  # the common case, ten times faster than the full path
        return value
    value = _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    # Chained replace(), not str.translate: translate with a table was a third of the feed's
    # time for 10,000 tasks.
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """One content line folded at 75 octets (3.1), never inside a UTF-8 sequence, with CRLF."""
    if len(line) <= 18 or (len(line) <= 75 and line.isascii()):  # 18 * 4 octets fit
        return line + "\r\n"
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
    m = moment.astimezone(dt.UTC)
    return f"{m.year:04}{m.month:02}{m.day:02}T{m.hour:02}{m.minute:02}{m.second:02}Z"


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
    # The task's last change, not the time of the request: the same tasks give the same
    # bytes, which is what makes the ETag (and a calendar's 304) possible.
    changed = utc(row["updated_at"])
    day = row["due_date"]
    date = f"{day.year:04}{day.month:02}{day.day:02}"
    if row["due_time"] is None:
        start = f"DTSTART;VALUE=DATE:{date}"
    else:
        t = row["due_time"]
        start = f"DTSTART;TZID={zone.key}:{date}T{t.hour:02}{t.minute:02}{t.second:02}"
    # Lines that cannot pass 75 octets are written as they are; the others go through fold().
    parts = [
        "BEGIN:VEVENT\r\n",
        fold(f"UID:task-{row['id']}@{domain}"),
        f"DTSTAMP:{changed}\r\nLAST-MODIFIED:{changed}\r\nSEQUENCE:{row['version'] - 1}\r\n",
        fold(f"SUMMARY:{text(title)}"),
        fold(start),
    ]
    rule = rrule(row, zone, completions) if not done and row["recurrence"] else ""
    if rule:
        parts.append(fold(f"RRULE:{rule}"))
    if row["description"]:
        parts.append(fold(f"DESCRIPTION:{text(row['description'])}"))
    if row["project__name"]:
        parts.append(fold(f"CATEGORIES:{text(row['project__name'])}"))
    parts += [fold(f"URL:{url}"), "TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n"]
    return "".join(parts)


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
