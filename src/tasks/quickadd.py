"""Quick add that understands words: "Pay rent tomorrow !high #home +Finance".

`parse(text, today=..., projects=...)` finds the tokens it knows anywhere in the text and returns
the title without them plus what they mean. Nothing is ever an error: what the grammar does not
know stays title text, unchanged.

The grammar is one table, RULES: each row is a kind of token (a date phrase, a priority, a tag, a
project) with a function that reads it at a position. A token starts at the beginning of the text
or after whitespace, and ends at the end, before whitespace, or before punctuation that is itself
followed by whitespace or the end ("tomorrow, then" yes; "Monday.com" no). Recurrence
(`every ...`) is added as one more row with `add_rule` (kind "recurrence"); `Parsed.value(kind)`
reads it back. `/Section` names a section of the task's project (only names the person has are
read, so "/etc" stays text unless there is such a section).

Dates use a small grammar of our own plus python-dateutil's relativedelta for the arithmetic:
dateparser's `search_dates` was measured (bench/quickadd.py, docs/performance.md) at a parse p95
of ~19 ms against ~0.3 ms for a 100-character input and +23 MiB of worker memory against +0.3,
and it finds dates in words this field must leave alone ("Call May", "Monday.com invoice").

Escapes: `\\word` and `"quoted words"` keep what would be recognized as plain title text (the
backslash or the quotes are dropped). A backslash or quotes around text that would not be
recognized anyway stay as typed, so "Read \"Dune\"" keeps its quotes.

Decisions written down: "next week" is next Monday (a week from today when today is Monday);
"next friday" is the Friday of that next week (weeks start on Monday), so it is never this week's;
"next month" is the 1st of next month; a weekday name is the next such day, never today; a day and
month already past this year ("3 jan" in March) is next year's; "end of month" is the last day of
this month; "on the 1st" is the next 1st (today on the 1st). The 3-letter weekday abbreviations
are mon, tue, thu and fri: "wed", "sat" and "sun" are English words ("Buy sun cream"), so those
days are written out. Of dates, times, priorities and projects the first one counts; a later one
stays title text. Every tag counts. A date more than a century from today stays text.

Times ("5pm", "5:30 pm", "17:00", "at 14:30", "at 8am") set the due time, a wall-clock time in
the person's zone. A bare 24-hour time needs two hour digits ("09:30"), so "John 3:16" stays text;
after "at" one will do. A time without a date is today while it is still ahead, else tomorrow
(`now`, the person's local time of day); "tonight" is today at 20:00 whatever the hour.

Numeric dates follow the person's own order (accounts.Profile.date_format): "12/24" is 24 Dec
month first, "24/12" or "24.12." day first, and year first ("2026/12/24") in any order. With
dots a final dot or a year is needed ("24.12.", "24.12.2026"), so "Python 3.12" stays text.

Repeats: `every ...` (tasks/recurrence.py's phrases) and the words daily, weekly, monthly and
yearly; `until <date>` ends the repeat (RRULE UNTIL) and is read only when the text repeats (else
"until" stays a word and the date is the due date); "on the 1st" with a plain monthly repeat means
monthly on day 1 (BYMONTHDAY), as "every month on the 1st" does. Priorities p1-p4 are Todoist's:
p1 high, p2 medium, p3 low, and p4 no priority (the default).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from . import recurrence
from .dates import day_text
from .models import Navigation, Priority
from .tagging import TAG_MAX, TAG_PATTERN

# ---------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Token:
    """One recognized token: where it is in the text, what kind, what it means, its chip label."""

    kind: str  # "due", "priority", "tag", "project", "recurrence", ...
    start: int
    end: int
    text: str
    value: object
    label: str

    @property
    def literal(self) -> str:
        """The text that keeps this token as plain title words (removing its chip)."""
        return f'"{self.text}"' if any(c.isspace() for c in self.text) else f"\\{self.text}"


@dataclass
class Parsed:
    title: str
    tokens: list[Token] = field(default_factory=list)
    text: str = ""  # what was parsed
    # Positions of the escape characters dropped from the title (a backslash, a pair of quotes).
    escapes: list[int] = field(default_factory=list)

    # The first day a date-less task may fall on: today, or tomorrow when its time has passed.
    start: dt.date | None = None

    def value(self, kind: str):
        return next((t.value for t in self.tokens if t.kind == kind), None)

    @property
    def due_date(self) -> dt.date | None:
        """The date the words name; a time alone names `start` (a repeat starts on its first
        occurrence from `start` instead: see recurrence)."""
        day = self.value("due")
        if day is None and self.value("time") is not None and self.value("recurrence") is None:
            return self.start
        return day

    @property
    def due_time(self) -> dt.time | None:
        at = self.value("time")
        return None if at is None else at.time

    @property
    def recurrence(self) -> tuple[str, str] | None:
        """(RRULE text, repeat_from) with `until` and an "on the Nth" day folded in, or None."""
        repeat = self.value("recurrence")
        if repeat is None:
            return None
        rule_text, repeat_from = repeat
        rule = recurrence.parse(rule_text)
        until = self.value("until")
        monthday = next(
            (t.value for t in self.tokens if t.kind == "due" and _ON_THE.fullmatch(t.text)), None
        )
        if monthday is not None and rule.freq == "MONTHLY" and not (rule.byday or rule.bymonthday):
            rule = replace(rule, bymonthday=monthday.day)
        if until is not None and not rule.count:
            rule = replace(rule, until=until)
        return rule.text(), repeat_from

    @property
    def priority(self) -> str | None:
        return self.value("priority")

    @property
    def project(self) -> ProjectName | None:
        return self.value("project")

    @property
    def section(self) -> str | None:
        """The section the words name (`/This week`), as stored."""
        return self.value("section")

    @property
    def tags(self) -> list[str]:
        return [t.value for t in self.tokens if t.kind == "tag"]

    def summary(self) -> str:
        """What the live region says: short, one line."""
        return ", ".join(t.label for t in self.tokens)

    def chips(self) -> list[dict]:
        """The tokens for the preview, their places counted in UTF-16 code units as the
        browser's string indexes are (an emoji before a token would shift Python's)."""

        def utf16(index: int) -> int:
            return len(self.text[:index].encode("utf-16-le")) // 2

        return [
            {
                "kind": t.kind,
                "label": t.label,
                "text": t.text,
                "literal": t.literal,
                "start": utf16(t.start),
                "end": utf16(t.end),
                "new": t.kind == "project" and t.value.new,
            }
            for t in self.tokens
        ]


@dataclass(frozen=True)
class ProjectName:
    """A `+Project` token: an existing project's name (as stored), or a new one to confirm."""

    name: str
    new: bool


@dataclass(frozen=True)
class TimeOfDay:
    """A `time` token's value: the wall-clock time, and whether the words named the day too
    ("tonight" is today's evening, never tomorrow's)."""

    time: dt.time
    tonight: bool = False


DATE_ORDERS = ("mdy", "dmy", "ymd")  # accounts.Profile.date_format: how "12/24" is read


@dataclass(frozen=True)
class Context:
    today: dt.date
    # Lower-cased name -> stored name, for the person's own projects only.
    projects: dict[str, str]
    # Lower-cased tag name -> stored name, so "#Home" reuses the stored "home" (chip shows it).
    tags: dict[str, str]
    # Lower-cased section name -> stored name, the sections of every project the person sees.
    sections: dict[str, str] = field(default_factory=dict)
    now: dt.time | None = None  # the local time of day; None: the day has only begun
    date_order: str = "dmy"
    until: bool = True  # read `until <date>` (only when the text repeats: see parse)


# A rule reads a token at `pos` of `text` and returns (end, value, label), or None.
Reader = Callable[[str, int, Context], "tuple[int, object, str] | None"]


@dataclass(frozen=True)
class Rule:
    kind: str
    read: Reader
    many: bool = False  # every token of this kind counts (tags); otherwise the first one does


RULES: list[Rule] = []


def add_rule(rule: Rule, *, before: str | None = None) -> None:
    """Add a kind of token; `before` a kind puts it ahead (the first rule that reads wins)."""
    index = next((i for i, r in enumerate(RULES) if r.kind == before), len(RULES))
    RULES.insert(index, rule)


# ---------------------------------------------------------------------------------------------
# Token boundaries

_TRAILING_PUNCTUATION = ",;:.!?)"


def ends_token(text: str, end: int) -> bool:
    """Whether a token may end at `end`: the end, whitespace, or punctuation then a gap."""
    if end >= len(text) or text[end].isspace():
        return True
    if text[end] in _TRAILING_PUNCTUATION:
        rest = end + 1
        while rest < len(text) and text[rest] in _TRAILING_PUNCTUATION:
            rest += 1
        return rest >= len(text) or text[rest].isspace()
    return False


def regex_reader(pattern: str, interpret: Callable[[re.Match, Context], tuple[object, str] | None]):
    """A Reader from a regex matched at the position (case-insensitive) and an interpreter."""
    compiled = re.compile(pattern, re.IGNORECASE)

    def read(text: str, pos: int, ctx: Context):
        match = compiled.match(text, pos)
        if match is None or not ends_token(text, match.end()):
            return None
        meaning = interpret(match, ctx)
        if meaning is None:
            return None
        return match.end(), *meaning

    return read


# ---------------------------------------------------------------------------------------------
# Dates

WEEKDAYS = {
    "monday": 0, "mon": 0,
    "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4,
    "saturday": 5,
    "sunday": 6,
}  # fmt: skip
MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
MONTHS["sept"] = 9
_MONTH = "(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_WEEKDAY = "(?P<weekday>" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + ")"
# Far enough for any plan, near enough that the arithmetic cannot overflow a date.
MAX_OFFSET = {"day": 3660, "week": 520, "month": 120}


# Every word a date, time or repeat phrase is made of (tests draw ordinary words from outside
# this set).
KEYWORDS = (
    set(WEEKDAYS)
    | set(MONTHS)
    | {"today", "tomorrow", "next", "week", "month", "in", "end", "of", "the", "a", "an", "one"}
    | {"day", "days", "weeks", "months", "every", "tmrw", "tonight", "at", "on", "until"}
    | {"am", "pm", "daily", "weekly", "monthly", "yearly", "other", "weekday", "weekdays"}
    | {"workday", "workdays", "year", "years", "last", "first", "second", "third", "fourth"}
)
# A date further than this from today stays text: a typo, and no date arithmetic overflows.
SANE_YEARS = 100


def due_label(day: dt.date, today: dt.date) -> str:
    return f"Due {day_text(day, today)}"


def _sane(day: dt.date | None, ctx: Context) -> dt.date | None:
    return day if day is not None and abs(day.year - ctx.today.year) <= SANE_YEARS else None


def _due(day: dt.date | None, ctx: Context):
    day = _sane(day, ctx)
    return None if day is None else (day, due_label(day, ctx.today))


def _day_month(day: int, month: int, today: dt.date) -> dt.date | None:
    """This year's day-month, or the next year's it is valid in once past (29 Feb)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _in_offset(match: re.Match, ctx: Context):
    amount = 1 if match["n"].lower() in ("a", "an", "one") else int(match["n"])
    unit = match["unit"].lower().rstrip("s")
    if amount > MAX_OFFSET[unit]:
        return None
    return _due(ctx.today + relativedelta(**{f"{unit}s": amount}), ctx)


def _weekday(match: re.Match, ctx: Context):
    ahead = (WEEKDAYS[match["weekday"].lower()] - ctx.today.weekday() - 1) % 7 + 1  # 1..7
    return _due(ctx.today + dt.timedelta(days=ahead), ctx)


def _iso(match: re.Match, ctx: Context):
    try:
        return _due(dt.date.fromisoformat(match[0]), ctx)
    except ValueError:
        return None


def _month_day(match: re.Match, ctx: Context):
    return _due(_day_month(int(match["day"]), MONTHS[match["month"].lower()], ctx.today), ctx)


def _next_week(ctx: Context) -> dt.date:
    """Next week's Monday ("next week")."""
    return ctx.today + relativedelta(weekday=0, days=1)


def _next_weekday(match: re.Match, ctx: Context):
    return _due(_next_week(ctx) + dt.timedelta(days=WEEKDAYS[match["weekday"].lower()]), ctx)


def _on_the(match: re.Match, ctx: Context):
    """ "on the 1st": the next day of that number, today included (months without a 31st are
    passed over)."""
    day = int(match["day"])
    if not 1 <= day <= 31:
        return None
    for ahead in range(13):
        month = ctx.today + relativedelta(months=ahead, day=1)
        if day <= calendar.monthrange(month.year, month.month)[1]:
            candidate = month.replace(day=day)
            if candidate >= ctx.today:
                return _due(candidate, ctx)
    return None


def _numeric(match: re.Match, ctx: Context):
    """12/24, 24.12., 24/12/2026, 2026/12/24: day and month in the person's order."""
    groups = match.groupdict()
    if groups.get("year_first"):
        year, month, day = int(groups["year_first"]), int(groups["a"]), int(groups["b"])
    else:
        first, second = int(groups["a"]), int(groups["b"])
        month, day = (second, first) if ctx.date_order == "dmy" else (first, second)
        year = groups.get("year")
        if year is None:
            if not 1 <= month <= 12:
                return None
            return _due(_day_month(day, month, ctx.today), ctx)
        year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return _due(dt.date(year, month, day), ctx)
    except ValueError:
        return None


_ON_THE = re.compile(r"on\s+the\s+(?P<day>\d{1,2})(?:st|nd|rd|th)", re.IGNORECASE)

DATE_PHRASES: list[tuple[str, Callable[[re.Match, Context], tuple[object, str] | None]]] = [
    (r"today", lambda m, c: _due(c.today, c)),
    (r"tomorrow|tmrw", lambda m, c: _due(c.today + dt.timedelta(days=1), c)),
    (r"next\s+week", lambda m, c: _due(_next_week(c), c)),
    (r"next\s+month", lambda m, c: _due(c.today + relativedelta(months=1, day=1), c)),
    (r"next\s+" + _WEEKDAY, _next_weekday),
    (r"end\s+of\s+(?:the\s+)?month", lambda m, c: _due(c.today + relativedelta(day=31), c)),
    (r"in\s+(?P<n>\d{1,4}|an?|one)\s+(?P<unit>days?|weeks?|months?)", _in_offset),
    (r"\d{4}-\d{2}-\d{2}", _iso),
    (r"(?P<year_first>\d{4})(?P<sep>[/.])(?P<a>\d{1,2})(?P=sep)(?P<b>\d{1,2})", _numeric),
    (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<year>\d{4}|\d{2}))?", _numeric),
    (r"(?P<a>\d{1,2})\.(?P<b>\d{1,2})\.(?P<year>\d{4})?", _numeric),
    (_MONTH + r"\.?\s+" + _DAY, _month_day),
    (r"(?:(?:on\s+)?the\s+)?" + _DAY + r"\s+(?:of\s+)?" + _MONTH, _month_day),
    (_ON_THE.pattern, _on_the),
    (_WEEKDAY, _weekday),
]


def _read_date(text: str, pos: int, ctx: Context):
    for read in _DATE_READERS:
        found = read(text, pos, ctx)
        if found is not None:
            return found
    return None


_DATE_READERS = [regex_reader(pattern, interpret) for pattern, interpret in DATE_PHRASES]

# ---------------------------------------------------------------------------------------------
# Times

TONIGHT = dt.time(20, 0)
_AMPM = r"(?P<h>\d{1,2})(?::(?P<m>[0-5]\d))?\s?(?P<ampm>am|pm|a\.m\.|p\.m\.)"


def _clock(match: re.Match, ctx: Context):
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match.groupdict().get("ampm") or "").lower().replace(".", "")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif hour > 23:
        return None
    at = dt.time(hour, minute)
    return TimeOfDay(at), f"At {at:%H:%M}"


TIME_PHRASES: list[tuple[str, Callable[[re.Match, Context], tuple[object, str] | None]]] = [
    (r"tonight", lambda m, c: (TimeOfDay(TONIGHT, tonight=True), f"Tonight, {TONIGHT:%H:%M}")),
    (r"(?:at\s+)?" + _AMPM, _clock),
    (r"at\s+(?P<h>\d{1,2}):(?P<m>[0-5]\d)", _clock),
    (r"(?P<h>\d{2}):(?P<m>[0-5]\d)", _clock),  # two hour digits: "John 3:16" is no time
]
_TIME_READERS = [regex_reader(pattern, interpret) for pattern, interpret in TIME_PHRASES]


def _read_time(text: str, pos: int, ctx: Context):
    for read in _TIME_READERS:
        found = read(text, pos, ctx)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------------------------------------
# Priority, tags, project

PRIORITIES = {
    "high": Priority.HIGH, "h": Priority.HIGH,
    "medium": Priority.MEDIUM, "med": Priority.MEDIUM, "m": Priority.MEDIUM,
    "low": Priority.LOW, "l": Priority.LOW,
}  # fmt: skip

# A new project's name: word characters and dashes with at least one letter, so "+1" stays text.
_NAME = r"(?=[\w-]*[^\W\d_])[\w-]+"


# Todoist's p1-p4: p4 is its "no priority", ours too.
P_LEVELS = {"1": Priority.HIGH, "2": Priority.MEDIUM, "3": Priority.LOW, "4": Priority.NONE}


def _priority(match: re.Match, ctx: Context):
    groups = match.groupdict()
    value = P_LEVELS[groups["n"]] if groups.get("n") else PRIORITIES[match["p"].lower()]
    return value, Priority(value).label


def _tag(match: re.Match, ctx: Context):
    name = match["name"]
    if len(name) > TAG_MAX:
        return None
    name = ctx.tags.get(name.lower(), name)
    return name, f"#{name}"


def _read_project(text: str, pos: int, ctx: Context):
    if not text.startswith("+", pos):
        return None
    # An existing project's name, spaces and all ("+Home Renovation"); the longest that fits.
    lowered = text.lower()
    best = None
    for key, name in ctx.projects.items():
        end = pos + 1 + len(key)
        fits = lowered.startswith(key, pos + 1) and ends_token(text, end)
        if fits and (best is None or end > best[0]):
            best = (end, ProjectName(name, new=False), name)
    if best is not None:
        return best
    match = re.compile(r"\+(?P<name>" + _NAME + ")").match(text, pos)
    if match is None or not ends_token(text, match.end()) or len(match["name"]) > 80:
        return None
    name = match["name"]
    return match.end(), ProjectName(name, new=True), f"New project: {name}"


def _read_section(text: str, pos: int, ctx: Context):
    """`/This week`: a section's name, spaces and all, the longest that fits. Only a name the
    person has is read, so "/etc/hosts" and "and/or" stay text."""
    if not text.startswith("/", pos):
        return None
    lowered = text.lower()
    best = None
    for key, name in ctx.sections.items():
        end = pos + 1 + len(key)
        fits = lowered.startswith(key, pos + 1) and ends_token(text, end)
        if fits and (best is None or end > best[0]):
            best = (end, name, f"Section: {name}")
    return best


def _read_every(text: str, pos: int, ctx: Context):
    """`every monday`, `every! 3 days`...: tasks/recurrence.py's phrases, read at `pos`."""
    if text[pos : pos + 5].lower() != "every":
        return None
    rest = text[pos:]
    found = recurrence.parse_every(rest)
    if found is None:
        # "every other week on the 3rd": the phrase reads "on the 3rd" as its day of the month,
        # which a weekly repeat has not; without it the repeat stands, and the date is the due.
        cut = re.search(r"\s+on\s+the\s+\d", rest, re.IGNORECASE)
        found = recurrence.parse_every(rest[: cut.start()]) if cut else None
    if found is None or found[2][0] != 0:
        return None
    rule, repeat_from, (_, end) = found
    end = pos + end
    if end < len(text) and not text[end].isspace() and text[end] not in _TRAILING_PUNCTUATION:
        return None
    return end, (rule, repeat_from), recurrence.describe(rule)


REPEAT_WORDS = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY", "yearly": "YEARLY"}


def _repeat_word(match: re.Match, ctx: Context):
    rule = recurrence.Rule(REPEAT_WORDS[match[0].lower()]).text()
    return (rule, "due"), recurrence.describe(rule)


def _read_until(text: str, pos: int, ctx: Context):
    """`until <date>`: the last day a repeat may fall on."""
    if not ctx.until or text[pos : pos + 5].lower() != "until":
        return None
    gap = _word_gap.match(text, pos + 5)
    found = _read_date(text, gap.end(), ctx) if gap else None
    if found is None:
        return None
    end, day, _ = found
    return end, day, due_label(day, ctx.today).replace("Due", "Until", 1)


_word_gap = re.compile(r"\s+")

add_rule(Rule("recurrence", _read_every))
add_rule(Rule("recurrence", regex_reader("|".join(REPEAT_WORDS), _repeat_word)))
add_rule(Rule("until", _read_until))
add_rule(Rule("due", _read_date))
add_rule(Rule("time", _read_time))
add_rule(Rule("priority", regex_reader(r"!(?P<p>high|medium|med|low|h|m|l)", _priority)))
add_rule(Rule("priority", regex_reader(r"p(?P<n>[1-4])", _priority)))
add_rule(Rule("tag", regex_reader(r"#(?P<name>" + TAG_PATTERN + ")", _tag), many=True))
add_rule(Rule("project", _read_project))
add_rule(Rule("section", _read_section))


# ---------------------------------------------------------------------------------------------
# The scan

_QUOTES = {'"': '"', "\u201c": "\u201d"}


def _recognize_at(text: str, pos: int, ctx: Context, seen: set[str]) -> Token | None:
    for rule in RULES:
        found = rule.read(text, pos, ctx)
        if found is None:
            continue
        if rule.kind in seen and not rule.many:
            return None  # a second date (priority, project) stays title text
        end, value, label = found
        return Token(rule.kind, pos, end, text[pos:end], value, label)
    return None


def _contains_token(text: str, ctx: Context) -> bool:
    return bool(_scan(text, ctx)[0])


def _scan(text: str, ctx: Context) -> tuple[list[Token], list[int]]:
    tokens: list[Token] = []
    escapes: list[int] = []
    seen: set[str] = set()
    pos, n = 0, len(text)
    while pos < n:
        if text[pos].isspace():
            pos += 1
            continue
        char = text[pos]
        if char == "\\" and pos + 1 < n and _recognize_at(text, pos + 1, ctx, set()):
            # `\tomorrow`: the word after the backslash is literal (and is skipped whole).
            escapes.append(pos)
            pos = _word_end(text, pos + 1)
            continue
        if char in _QUOTES:
            close = text.find(_QUOTES[char], pos + 1)
            if close > pos + 1 and _contains_token(text[pos + 1 : close], ctx):
                escapes.extend((pos, close))
                pos = close + 1
                continue
        token = _recognize_at(text, pos, ctx, seen)
        if token is not None:
            tokens.append(token)
            seen.add(token.kind)
            pos = token.end
            continue
        pos = _word_end(text, pos)
    return tokens, escapes


def _word_end(text: str, pos: int) -> int:
    while pos < len(text) and not text[pos].isspace():
        pos += 1
    return pos


def _title(text: str, tokens: list[Token], escapes: list[int]) -> str:
    cut = sorted([(t.start, t.end, True) for t in tokens] + [(p, p + 1, False) for p in escapes])
    pieces: list[str] = []
    pos = 0
    for start, end, is_token in cut:
        pieces.append(text[pos:start])
        pos = end
        # "Pay tomorrow, then" -> "Pay, then": the gap before a removed token goes with it
        # when punctuation follows (not before an escape: "Call \!h" keeps "Call !h").
        if is_token and end < len(text) and text[end] in _TRAILING_PUNCTUATION and start > 0:
            pieces[-1] = pieces[-1].rstrip()
    pieces.append(text[pos:])
    return " ".join("".join(pieces).split())


def parse(
    text: str,
    *,
    today: dt.date,
    projects: Iterable[str] = (),
    tags: Iterable[str] = (),
    now: dt.time | None = None,
    date_order: str = "dmy",
    sections: Iterable[str] = (),
) -> Parsed:
    """Read the quick-add text. `projects`, `tags` and `sections` are the person's names; `now`
    is the local time of day (a time alone rolls to tomorrow once past); `date_order` one of
    DATE_ORDERS."""
    ctx = Context(
        today=today,
        projects={name.lower(): name for name in projects},
        tags={name.lower(): name for name in tags},
        sections={name.lower(): name for name in sections},
        now=now,
        date_order=date_order if date_order in DATE_ORDERS else "dmy",
    )
    tokens, escapes = _scan(text, ctx)
    kinds = {t.kind for t in tokens}
    if "until" in kinds and "recurrence" not in kinds:
        # Nothing repeats: "until" is a word, and its date the due date.
        ctx = replace(ctx, until=False)
        tokens, escapes = _scan(text, ctx)
        kinds = {t.kind for t in tokens}
    start = today
    at = next((t for t in tokens if t.kind == "time"), None)
    if at is not None and not at.value.tonight and now is not None and at.value.time <= now:
        start = today + dt.timedelta(days=1)  # "9am" at 10pm: tomorrow's
    if at is not None and not kinds & {"due", "recurrence"} and not at.value.tonight:
        # The chip says which day a time alone falls on.
        day = "today" if start == today else "tomorrow"
        tokens = [replace(t, label=f"{t.label} {day}") if t is at else t for t in tokens]
    parsed = Parsed(_title(text, tokens, escapes), tokens, text, escapes, start)
    repeat = parsed.recurrence
    if repeat is not None and repeat[0] != parsed.value("recurrence")[0]:
        # "on the 1st every month": its chip says the day it folded in (the until has its own).
        shown = recurrence.describe(replace(recurrence.parse(repeat[0]), until=None).text())
        parsed.tokens = [replace(t, label=shown) if t.kind == "recurrence" else t for t in tokens]
    return parsed


def parse_for(user, text: str, nav: Navigation | None = None, date_order: str = "dmy") -> Parsed:
    """Parse with `user`'s own project and tag names (one query) on the user's local today and
    time (accounts' TimezoneMiddleware activates the person's zone per request)."""
    nav = Navigation.for_user(user) if nav is None else nav
    local = timezone.localtime()
    return parse(
        text,
        today=local.date(),
        now=local.time().replace(microsecond=0),
        projects=[p.name for p in nav.projects],
        tags=[t.name for t in nav.tags],
        date_order=date_order,
        sections=[s.name for s in nav.sections],
    )
