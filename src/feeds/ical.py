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

import contextlib
import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Iterator

from icalendar import Calendar, Timezone

from tasks import recurrence

PRODID = "-//taskmanager//calendar feed//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all but tab and newline


def text(value: str) -> str:
    """A TEXT value (3.3.11): backslash, semicolon, comma and newline escaped, other control
    characters (forbidden there) dropped."""
    if value.isprintable():  # False for every control character: nothing to drop
        if "\\" not in value and ";" not in value and "," not in value:
            return value  # the common case
    else:
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


# The columns an event is written from, in this order (feeds.views reads them with values_list:
# tuples, not dicts, are a fifth of the database side's CPU for 10,000 rows).
FIELDS = (
    "id",
    "title",
    "description",
    "status",
    "due_date",
    "due_time",
    "recurrence",
    "repeat_from",
    "version",
    "updated_at",
    "project__name",
)


def events(
    rows: Iterable[tuple],
    *,
    domain: str,
    zone: zoneinfo.ZoneInfo,
    base: str,
    completions: dict[int, int],
) -> Iterator[str]:
    """Each task (a row of FIELDS) as a VEVENT; its URL is base + /task/<id>/.

    The same bytes as writing every line through text() and fold(), with the work that does
    not change from one task to the next done once: which lines can never reach 75 octets
    (UID, URL, DTSTART for this domain, base and zone), the dates (a feed has a few hundred
    distinct days), the RRULE of each (rule, completions) and the CATEGORIES of each project.
    For 10,000 tasks this halved the feed's CPU (docs/performance.md, "Calendar feed").
    """
    # 20 digits hold any id; the lines below are ASCII-checked so characters are octets.
    uid_fits = domain.isascii() and len(f"UID:task-@{domain}") + 20 <= 75
    url_fits = base.isascii() and len(f"URL:{base}/task//") + 20 <= 75
    timed_start = f"DTSTART;TZID={zone.key}:"
    start_fits = timed_start.isascii() and len(timed_start) + 15 <= 75
    days: dict = {}
    rules: dict = {}
    categories: dict = {}
    for (
        pk,
        title,
        description,
        status,
        day,
        time,
        recurrence_text,
        repeat_from,
        version,
        updated_at,
        project,
    ) in rows:
        done = status == "completed"
        if done:
            title = "✓ " + title
        # The task's last change, not the time of the request: the same tasks give the same
        # bytes, which is what makes the ETag (and a calendar's 304) possible.
        m = updated_at if updated_at.tzinfo is dt.UTC else updated_at.astimezone(dt.UTC)
        # %-formatting: half the time of the f-string with format specs, 10,000 times.
        changed = "%04d%02d%02dT%02d%02d%02dZ" % (  # noqa: UP031
            m.year,
            m.month,
            m.day,
            m.hour,
            m.minute,
            m.second,
        )
        date = days.get(day)
        if date is None:
            date = days[day] = day.isoformat().replace("-", "")
        if time is None:
            start = f"DTSTART;VALUE=DATE:{date}\r\n"
        else:
            start = "%s%sT%02d%02d%02d" % (  # noqa: UP031
                timed_start,
                date,
                time.hour,
                time.minute,
                time.second,
            )
            start = start + "\r\n" if start_fits else fold(start)
        uid = f"UID:task-{pk}@{domain}"
        summary = "SUMMARY:" + text(title)
        parts = [
            "BEGIN:VEVENT\r\n",
            uid + "\r\n" if uid_fits else fold(uid),
            f"DTSTAMP:{changed}\r\nLAST-MODIFIED:{changed}\r\nSEQUENCE:{version - 1}\r\n",
            summary + "\r\n" if len(summary) <= 75 and summary.isascii() else fold(summary),
            start,
        ]
        if recurrence_text and not done:
            n = completions.get(pk, 0)
            key = (recurrence_text, repeat_from, time is None, n)
            rule = rules.get(key)
            if rule is None:
                row = {"recurrence": recurrence_text, "repeat_from": repeat_from, "due_time": time}
                rule = rrule(row, zone, n)
                rules[key] = rule = fold(f"RRULE:{rule}") if rule else ""
            if rule:
                parts.append(rule)
        if description:
            parts.append(fold(f"DESCRIPTION:{text(description)}"))
        if project:
            line = categories.get(project)
            if line is None:
                line = categories[project] = fold(f"CATEGORIES:{text(project)}")
            parts.append(line)
        url = f"URL:{base}/task/{pk}/"
        parts.append(url + "\r\n" if url_fits else fold(url))
        parts.append("TRANSP:TRANSPARENT\r\nEND:VEVENT\r\n")
        yield "".join(parts)


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
            # The last day of year 9999 west of UTC has no UTC form: no end that far.
            with contextlib.suppress(OverflowError):
                parts.append(f"UNTIL={utc(end)}")
    return ";".join(parts)
