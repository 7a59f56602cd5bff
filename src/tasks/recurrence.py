"""Repeating tasks: RFC 5545 RRULE text built from the form's presets, described in words,
walked to find a task's next occurrence (checked against python-dateutil in the tests), and
read from quick-add phrases.

A task stores its rule without DTSTART ("FREQ=WEEKLY;BYDAY=MO"): the anchor is the task's own
due date (or, repeating from completion, the day it was completed), so moving a task's date
moves its series. Occurrences are whole days; a due time stays the same wall-clock time in the
owner's zone (09:00 stays 09:00 across a DST change; its UTC instant moves by the hour).

Decisions, for the edge cases RFC 5545 leaves sharp:
- "Monthly on the 31st" follows the RFC: months without a 31st are skipped (dateutil does the
  same). Whoever means "the last day of every month" picks that preset: BYMONTHDAY=-1, which
  lands on 30 Apr, 28 or 29 Feb.
- "Yearly" on 29 Feb repeats in leap years only (RFC again); BYMONTHDAY=-1 with BYMONTH=2 is
  the "end of February" rule.
- "Ends after N" counts completions (TaskCompletion rows), not occurrences generated since the
  first due date: the task's stored rule keeps COUNT=N, and the Nth completion completes the
  task for good.
- Repeating from the due date skips occurrences already in the past: a daily task completed
  three days late comes back today, not three times in a row.
- A rule must have a date in the ten years from its start (check): 30 February, or monthly in
  February every 12 months from March, is refused. No search looks further than ten years
  (plus one INTERVAL step) or past the last date a task may have (tasks.dates): a series with
  nothing there is over.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from dateutil.rrule import rrulestr

from . import dates

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DAY_SHORT = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WEEKDAYS = DAYS[:5]
FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
MAX_LENGTH = 500  # Task.recurrence
ALLOWED_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL"}


class RuleError(ValueError):
    """Text that is not a rule this app can store and iterate."""


@dataclass(frozen=True)
class Rule:
    """An RRULE's parts, as far as this app builds and describes them."""

    freq: str  # DAILY, WEEKLY, MONTHLY, YEARLY
    interval: int = 1
    byday: tuple[str, ...] = ()  # "MO", or with an ordinal for monthly: "2TH", "-1FR"
    bymonthday: int | None = None  # 1..31 or -1 (the last day)
    bymonth: int | None = None
    count: int | None = None
    until: dt.date | None = None

    def text(self) -> str:
        parts = [f"FREQ={self.freq}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        if self.bymonth:
            parts.append(f"BYMONTH={self.bymonth}")
        if self.bymonthday is not None:
            parts.append(f"BYMONTHDAY={self.bymonthday}")
        if self.byday:
            parts.append("BYDAY=" + ",".join(self.byday))
        if self.count:
            parts.append(f"COUNT={self.count}")
        if self.until:
            parts.append(f"UNTIL={self.until:%Y%m%d}")
        return ";".join(parts)


_BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


def parse(text: str) -> Rule:
    """The Rule in RRULE `text` ("FREQ=...;..."), or RuleError. Only the parts the forms build
    are accepted, so whatever is stored can be described, iterated and put in a feed."""
    if not text or len(text) > MAX_LENGTH:
        raise RuleError("empty or too long")
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for piece in text.upper().split(";"):
        name, sep, value = piece.partition("=")
        if not sep or name not in ALLOWED_PARTS or name in parts or not value:
            raise RuleError(f"unsupported part {piece!r}")
        parts[name] = value
    if parts.get("FREQ") not in FREQS:
        raise RuleError("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
    try:
        interval = int(parts.get("INTERVAL", "1"))
        count = int(parts["COUNT"]) if "COUNT" in parts else None
        bymonthday = int(parts["BYMONTHDAY"]) if "BYMONTHDAY" in parts else None
        bymonth = int(parts["BYMONTH"]) if "BYMONTH" in parts else None
        until = (
            dt.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date() if "UNTIL" in parts else None
        )
    except ValueError as error:
        raise RuleError(str(error)) from None
    if not 1 <= interval <= 999 or (count is not None and not 1 <= count <= 9999):
        raise RuleError("INTERVAL or COUNT out of range")
    if bymonthday is not None and not (1 <= bymonthday <= 31 or bymonthday == -1):
        raise RuleError("BYMONTHDAY out of range")
    if bymonth is not None and not 1 <= bymonth <= 12:
        raise RuleError("BYMONTH out of range")
    if count and until:
        raise RuleError("COUNT and UNTIL together")  # RFC 5545: MUST NOT occur in the same rule
    byday = tuple(parts["BYDAY"].split(",")) if "BYDAY" in parts else ()
    for day in byday:
        match = _BYDAY.match(day)
        if not match or (match.group(1) and parts["FREQ"] not in ("MONTHLY", "YEARLY")):
            raise RuleError(f"bad BYDAY {day!r}")
    return Rule(parts["FREQ"], interval, byday, bymonthday, bymonth, count, until)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except RuleError:
        return False
    return True


# --- Building rules from the form's presets -------------------------------------------------


def build(
    preset: str,
    *,
    interval: int = 1,
    days: list[str] | None = None,
    monthly: str = "day",
    anchor: dt.date | None = None,
    ends: str = "never",
    until: dt.date | None = None,
    count: int | None = None,
) -> str:
    """RRULE text for a form's choices ("" for no repeat).

    `anchor` (the due date) fills what the preset leaves open: weekly without chosen days
    repeats on the due date's weekday; monthly "day" on its day of the month, "weekday" on its
    Nth weekday ("the 2nd Thursday"; in the month's last 7 days, "the last Thursday"), "last"
    on the month's last day; yearly on its day and month.
    """
    anchor = anchor or dt.date.today()
    interval = max(1, interval or 1)
    match preset:
        case "" | "none":
            return ""
        case "daily":
            rule = Rule("DAILY", interval)
        case "weekdays":
            rule = Rule("WEEKLY", 1, tuple(WEEKDAYS))
        case "weekly":
            chosen = tuple(d for d in DAYS if d in (days or [])) or (DAYS[anchor.weekday()],)
            rule = Rule("WEEKLY", interval, chosen)
        case "monthly":
            if monthly == "weekday":
                nth = -1 if _is_last_week(anchor) else (anchor.day - 1) // 7 + 1
                rule = Rule("MONTHLY", interval, (f"{nth}{DAYS[anchor.weekday()]}",))
            elif monthly == "last":
                rule = Rule("MONTHLY", interval, bymonthday=-1)
            else:
                rule = Rule("MONTHLY", interval, bymonthday=anchor.day)
        case "yearly":
            rule = Rule("YEARLY", interval, bymonth=anchor.month, bymonthday=anchor.day)
        case _:
            raise RuleError(f"unknown preset {preset!r}")
    if ends == "after" and count:
        rule = Rule(**{**rule.__dict__, "count": count})
    elif ends == "on" and until:
        rule = Rule(**{**rule.__dict__, "until": until})
    return rule.text()


def _is_last_week(day: dt.date) -> bool:
    return (day + dt.timedelta(days=7)).month != day.month


def preset_of(text: str) -> dict:
    """The form's choices that build `text` back (the edit form opens on them)."""
    if not text or not is_valid(text):
        return {"repeat": ""}
    rule = parse(text)
    choices: dict = {"repeat": "", "interval": rule.interval, "days": [], "monthly": "day"}
    if rule.freq == "DAILY":
        choices["repeat"] = "daily"
    elif rule.freq == "WEEKLY" and rule.byday == tuple(WEEKDAYS) and rule.interval == 1:
        choices["repeat"] = "weekdays"
    elif rule.freq == "WEEKLY":
        choices |= {"repeat": "weekly", "days": list(rule.byday)}
    elif rule.freq == "MONTHLY":
        choices["repeat"] = "monthly"
        if rule.byday:
            choices["monthly"] = "weekday"
        elif rule.bymonthday == -1:
            choices["monthly"] = "last"
    else:
        choices["repeat"] = "yearly"
    choices["ends"] = "after" if rule.count else "on" if rule.until else "never"
    choices["count"] = rule.count
    choices["until"] = rule.until
    return choices


# --- Words --------------------------------------------------------------------------------


def describe(text: str) -> str:
    """ "Every weekday", "Every 2 weeks on Mon, Thu", "Every month on the last Friday"…"""
    if not text:
        return ""
    try:
        rule = parse(text)
    except RuleError:
        return "Repeats (custom rule)"
    unit = UNITS[rule.freq]
    every = f"Every {rule.interval} {unit}s" if rule.interval > 1 else f"Every {unit}"
    if rule.freq == "WEEKLY" and rule.byday == tuple(WEEKDAYS) and rule.interval == 1:
        words = "Every weekday"
    elif rule.freq == "WEEKLY" and rule.byday:
        if len(rule.byday) == 1 and rule.interval == 1:
            words = f"Every {DAY_NAMES[DAYS.index(rule.byday[0])]}"
        else:
            words = f"{every} on " + ", ".join(DAY_SHORT[DAYS.index(d)] for d in rule.byday)
    elif rule.freq == "MONTHLY" and rule.byday:
        match = _BYDAY.match(rule.byday[0])
        nth = int(match.group(1) or 1)
        words = f"{every} on the {ORDINALS[nth]} {DAY_NAMES[DAYS.index(match.group(2))]}"
    elif rule.freq in ("MONTHLY", "YEARLY") and rule.bymonthday == -1:
        words = f"{every} on the last day"
    elif rule.freq == "MONTHLY" and rule.bymonthday:
        words = f"{every} on the {_nth(rule.bymonthday)}"
    elif rule.freq == "YEARLY" and rule.bymonth and rule.bymonthday:
        words = f"{every} on {dt.date(2000, rule.bymonth, rule.bymonthday):%-d %b}"
    else:
        words = every
    if rule.count:
        words += f", {rule.count} time{'s' if rule.count != 1 else ''}"
    if rule.until:
        words += f", until {rule.until:%a %-d %b %Y}"
    return words


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- Iterating ----------------------------------------------------------------------------

# A rule must have an occurrence this far ahead of its start (check); and no search looks
# further: an impossible rule (30 February) would otherwise iterate to year 9999.
HORIZON = dt.timedelta(days=3653)  # ten years
NO_OCCURRENCE = "This repeat has no date in the next 10 years: choose another one."


def next_due(
    text: str,
    *,
    due: dt.date | None,
    repeat_from: str,
    completed_on: dt.date,
    completions: int = 0,
) -> dt.date | None:
    """The date the task moves to when an occurrence is completed, or None when the series is
    over (the completion then completes the task for good).

    `completions`: occurrences completed before this one (the count "ends after N" uses).
    The cost does not grow with the series' age: the search starts at the period boundary just
    before the date wanted (_first_after), not at the first due date.
    """
    rule = parse(text)
    if rule.count and completions + 1 >= rule.count:
        return None
    if repeat_from == "completion" or due is None:
        start = wanted = completed_on
    else:
        # Skip occurrences already past: a late completion does not leave a backlog.
        start, wanted = due, max(due, completed_on - dt.timedelta(days=1))
    found = _first_after(rule, start, wanted)
    if found is None or (rule.until and found > rule.until):
        return None
    return found


def first_on_or_after(text: str, day: dt.date) -> dt.date | None:
    """The rule's first occurrence on or after `day` (a new repeating task's first due date);
    None when there is none in the ten years from it."""
    if day == dt.date.min:
        return None
    return _first_after(parse(text), day, day - dt.timedelta(days=1))


def check(text: str, start: dt.date) -> str | None:
    """What is wrong with storing rule `text` for a task first due on `start`, in words for
    the person; None when nothing is. A rule with no occurrence in the ten years from `start`
    (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) is refused: completing its task could never find a
    next date."""
    try:
        rule = parse(text)
    except RuleError:
        return "This repeat rule cannot be read."
    if rule.until and not dates.in_range(rule.until):
        return dates.OUT_OF_RANGE
    first = first_on_or_after(text, start)
    if first is None or first - start > HORIZON:
        return NO_OCCURRENCE
    return None


# The longest a period of each frequency can be, in days (what one INTERVAL step spans).
_PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}


def _first_after(rule: Rule, start: dt.date, wanted: dt.date) -> dt.date | None:
    """The first occurrence after `wanted` of `rule` anchored at `start`, within HORIZON plus
    one INTERVAL step of `wanted` (so "every 20 years" still moves on) and no later than the
    last date a task may have; None when there is none.

    A walk over the series' periods from the one holding `wanted` (never from `start`: a task
    due in 1900 costs what a new one does), testing the days of a period that its month and
    day of the month allow against the rule's weekdays (_Filters). Not dateutil's iterator:
    for a rule with no occurrence at all that goes on day by day to year 9999, `until` or not
    (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30). tests/test_recurrence_cost.py checks the walk
    against dateutil.
    """
    if wanted >= dates.LATEST:
        return None
    until = min(
        dates.LATEST,
        wanted + HORIZON + dt.timedelta(days=rule.interval * _PERIOD_DAYS[rule.freq]),
    )
    first = max(start, wanted + dt.timedelta(days=1))
    filters = _Filters(rule, start)
    if rule.freq == "DAILY":  # each period is a day: step over the series' days
        n = rule.interval
        day = start + dt.timedelta(days=-(-(first - start).days // n) * n)
        while day <= until:
            candidate = filters.candidate(day, until)
            if candidate is None:
                return None
            if candidate == day and filters.match(day):
                return day
            # On to the series' first day on or after the candidate (or after this one).
            ahead = max((candidate - day).days, 1)
            day += dt.timedelta(days=-(-ahead // n) * n)
        return None
    for begin, end in _periods(rule, start, first):
        if begin > until:
            return None
        day = max(begin, first)
        while (day := filters.candidate(day, min(end, until))) is not None:
            if filters.match(day):
                return day
            day += dt.timedelta(days=1)
    return None


def _periods(rule: Rule, start: dt.date, near: dt.date):
    """(first day, last day) of each period of a weekly, monthly or yearly series (the
    Monday-based week, the month or the year of `start`, then every INTERVAL-th one), from the
    one holding `near` (or the next one); never before `start`. Endless: the caller stops."""
    n = rule.interval
    if rule.freq == "WEEKLY":
        week = start - dt.timedelta(days=start.weekday())
        week += dt.timedelta(weeks=max(0, (near - week).days // 7) // n * n)
        while True:
            yield max(week, start), week + dt.timedelta(days=6)
            week += dt.timedelta(weeks=n)
    elif rule.freq == "MONTHLY":
        index = max(0, (near.year - start.year) * 12 + near.month - start.month) // n * n
        while True:
            month = start.month - 1 + index
            year, month = start.year + month // 12, month % 12 + 1
            last = calendar.monthrange(year, month)[1]
            yield max(dt.date(year, month, 1), start), dt.date(year, month, last)
            index += n
    else:
        year = start.year + max(0, near.year - start.year) // n * n
        while True:
            yield max(dt.date(year, 1, 1), start), dt.date(year, 12, 31)
            year += n


class _Filters:
    """Which days are occurrences: BYMONTH, BYMONTHDAY and BYDAY as RFC 5545 (and dateutil)
    read them, with what a rule leaves open taken from its start (the weekday of a weekly rule,
    the day of a monthly one, the day and month of a yearly one)."""

    def __init__(self, rule: Rule, start: dt.date):
        byday, bymonthday, bymonth = rule.byday, rule.bymonthday, rule.bymonth
        if not byday and bymonthday is None:
            if rule.freq == "WEEKLY":
                byday = (DAYS[start.weekday()],)
            elif rule.freq == "MONTHLY":
                bymonthday = start.day
            elif rule.freq == "YEARLY":
                bymonth, bymonthday = bymonth or start.month, start.day
        self.bymonth, self.bymonthday = bymonth, bymonthday
        self.weekdays = []
        for text in byday:
            nth, code = _BYDAY.match(text).groups()
            self.weekdays.append((int(nth) if nth else 0, DAYS.index(code)))
        # An ordinal ("the 2nd Thursday") counts within the month, or, for a yearly rule
        # without BYMONTH, within the year.
        self.in_year = rule.freq == "YEARLY" and not bymonth

    def candidate(self, day: dt.date, until: dt.date) -> dt.date | None:
        """The first day on or after `day` whose month and day of the month can match (what
        BYDAY says is left to match()); None when there is none up to `until`. Months that
        cannot match are skipped whole: a rule with no date costs a step per month, not per
        day."""
        while day <= until:
            if self.bymonth and day.month != self.bymonth:
                day = dt.date(day.year + (day.month > self.bymonth), self.bymonth, 1)
                continue
            if self.bymonthday is not None:
                last = calendar.monthrange(day.year, day.month)[1]
                wanted = last if self.bymonthday == -1 else self.bymonthday
                if day.day > wanted or wanted > last:  # past it, or not in this month
                    day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
                    continue
                day = day.replace(day=wanted)
            return day if day <= until else None
        return None

    def match(self, day: dt.date) -> bool:
        """Whether `day`, a candidate(), is an occurrence: its weekday (and its place in the
        month or year) as BYDAY says."""
        if not self.weekdays:
            return True
        weekday = day.weekday()
        return any(code == weekday and self._nth(nth, day) for nth, code in self.weekdays)

    def _nth(self, nth: int, day: dt.date) -> bool:
        if not nth:
            return True
        if self.in_year:
            position = day.timetuple().tm_yday
            length = 366 if calendar.isleap(day.year) else 365
        else:
            position, length = day.day, calendar.monthrange(day.year, day.month)[1]
        if nth > 0:
            return (position - 1) // 7 + 1 == nth
        return (length - position) // 7 + 1 == -nth


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min)


def as_dateutil(text: str, start: dt.date):
    """dateutil's own reading of the stored text (tests check ours agrees with it)."""
    return rrulestr(text, dtstart=_midnight(start))


# --- Quick add ----------------------------------------------------------------------------

_DAY_WORDS = {
    **{name.lower(): code for name, code in zip(DAY_NAMES, DAYS, strict=True)},
    **{short.lower(): code for short, code in zip(DAY_SHORT, DAYS, strict=True)},
    "tues": "TU",
    "thur": "TH",
    "thurs": "TH",
}
_UNIT_WORDS = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_NTH_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_NTH_WORDS |= {"fourth": 4, "4th": 4, "last": -1}
_DAY = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
_EVERY = re.compile(
    r"(?<![\w!])every(?P<bang>!)?\s+(?:"
    r"(?P<weekday>weekdays?|workdays?)"
    r"|(?P<other>other\s+)?(?P<unit>day|week|month|year)s?"
    r"(?:\s+on\s+the\s+(?P<monthday>\d{1,2})(?:st|nd|rd|th)?(?:\s+day)?)?"
    r"|(?P<n>\d{1,3})\s+(?P<units>day|week|month|year)s?"
    r"|(?P<nth>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+(?P<nthday>" + _DAY + r")"
    r"|(?P<days>(?:" + _DAY + r")(?:\s*(?:,|and|&)\s*(?:" + _DAY + r"))*)"
    r")(?!\w)",
    re.IGNORECASE,
)


def parse_every(text: str) -> tuple[str, str, tuple[int, int]] | None:
    """Quick add's recurrence phrase in `text`: (RRULE text, repeat_from, (start, end)).

    `every day`, `every weekday`, `every monday`, `every mon and thu`, `every 2 weeks`,
    `every other week`, `every month on the 1st`, `every last friday`; `every!` repeats from
    the completion date (`every! 3 days`). The span is where the phrase is, so the caller can
    cut it out of the title and show it as a chip. None when there is no such phrase.
    """
    match = _EVERY.search(text)
    if match is None:
        return None
    g = match.groupdict()
    if g["weekday"]:
        rule = Rule("WEEKLY", 1, tuple(WEEKDAYS))
    elif g["unit"]:
        freq = _UNIT_WORDS[g["unit"].lower()]
        interval = 2 if g["other"] else 1
        monthday = int(g["monthday"]) if g["monthday"] else None
        if monthday is not None and (freq != "MONTHLY" or not 1 <= monthday <= 31):
            return None
        rule = Rule(freq, interval, bymonthday=monthday)
    elif g["n"]:
        interval = int(g["n"])
        if not 1 <= interval <= 999:
            return None
        rule = Rule(_UNIT_WORDS[g["units"].lower()], interval)
    elif g["nth"]:
        nth = _NTH_WORDS[g["nth"].lower()]
        rule = Rule("MONTHLY", 1, (f"{nth}{_DAY_WORDS[g['nthday'].lower()]}",))
    else:
        words = re.split(r"\s*(?:,|and|&)\s*", g["days"].strip(), flags=re.IGNORECASE)
        chosen = {_DAY_WORDS[w.lower()] for w in words if w}
        rule = Rule("WEEKLY", 1, tuple(d for d in DAYS if d in chosen))
    repeat_from = "completion" if g["bang"] else "due"
    return rule.text(), repeat_from, match.span()


def words_for(task) -> str:
    """How a task repeats, in words ("every Monday after completion"); "" for a one-off."""
    words = describe(task.recurrence) if task.recurrence else ""
    if words and task.repeat_from == "completion":
        words += " after completion"
    return words
