"""The quick-add parser (tasks/quickadd.py): every phrase it knows, the titles it must leave
alone, and properties over arbitrary text (hypothesis)."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.quickadd import KEYWORDS, parse

# A Monday. Weekdays, "next week" and rolling day-months are read from here.
MON = dt.date(2026, 11, 30)
PROJECTS = ["Finance", "Home Renovation", "Inbox"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# text, today, expected title, expected due, priority, tags, project (name, new)
TABLE = [
    # dates
    ("Pay rent today", MON, "Pay rent", d("2026-11-30"), None, [], None),
    ("Pay rent tomorrow", MON, "Pay rent", d("2026-12-01"), None, [], None),
    ("fri Send report", MON, "Send report", d("2026-12-04"), None, [], None),
    ("Send report friday", MON, "Send report", d("2026-12-04"), None, [], None),
    ("Send report Friday", dt.date(2026, 12, 4), "Send report", d("2026-12-11"), None, [], None),
    ("Call on mon", MON, "Call on", d("2026-12-07"), None, [], None),
    ("tue call", MON, "call", d("2026-12-01"), None, [], None),
    ("wednesday call", MON, "call", d("2026-12-02"), None, [], None),
    ("thu call", MON, "call", d("2026-12-03"), None, [], None),
    ("saturday call", MON, "call", d("2026-12-05"), None, [], None),
    ("sunday call", MON, "call", d("2026-12-06"), None, [], None),
    ("Plan next week", MON, "Plan", d("2026-12-07"), None, [], None),
    ("Plan next week", dt.date(2026, 12, 3), "Plan", d("2026-12-07"), None, [], None),
    ("Plan next month", MON, "Plan", d("2026-12-01"), None, [], None),
    ("Plan next month", dt.date(2026, 12, 15), "Plan", d("2027-01-01"), None, [], None),
    ("Water plants in 3 days", MON, "Water plants", d("2026-12-03"), None, [], None),
    ("Water plants in 2 weeks", MON, "Water plants", d("2026-12-14"), None, [], None),
    ("Water plants in 1 day", MON, "Water plants", d("2026-12-01"), None, [], None),
    ("Renew in 2 months", MON, "Renew", d("2027-01-30"), None, [], None),
    ("Party dec 3", MON, "Party", d("2026-12-03"), None, [], None),
    ("Party 3 dec", MON, "Party", d("2026-12-03"), None, [], None),
    ("Party december 3rd", MON, "Party", d("2026-12-03"), None, [], None),
    ("Party 21st of December", MON, "Party", d("2026-12-21"), None, [], None),
    ("Party Dec 3", MON, "Party", d("2026-12-03"), None, [], None),
    ("Party 2026-12-03", MON, "Party", d("2026-12-03"), None, [], None),
    ("Invoice end of month", MON, "Invoice", d("2026-11-30"), None, [], None),
    ("Invoice end of month", dt.date(2027, 2, 3), "Invoice", d("2027-02-28"), None, [], None),
    ("Taxes jan 15", MON, "Taxes", d("2027-01-15"), None, [], None),  # past: next year
    ("Taxes 29 nov", MON, "Taxes", d("2027-11-29"), None, [], None),
    ("Taxes nov 30", MON, "Taxes", d("2026-11-30"), None, [], None),  # today is not past
    ("Leap feb 29", MON, "Leap", d("2028-02-29"), None, [], None),
    ("Pay tomorrow, then sleep", MON, "Pay, then sleep", d("2026-12-01"), None, [], None),
    # priority
    ("Fix leak !high", MON, "Fix leak", None, "high", [], None),
    ("Fix leak !medium", MON, "Fix leak", None, "medium", [], None),
    ("Fix leak !low", MON, "Fix leak", None, "low", [], None),
    ("!h Fix leak", MON, "Fix leak", None, "high", [], None),
    ("Fix !m leak", MON, "Fix leak", None, "medium", [], None),
    ("Fix leak !L", MON, "Fix leak", None, "low", [], None),
    # tags and projects
    ("Buy milk #home #errands", MON, "Buy milk", None, None, ["home", "errands"], None),
    ("Budget +Finance", MON, "Budget", None, None, [], ("Finance", False)),
    ("Budget +finance", MON, "Budget", None, None, [], ("Finance", False)),
    ("Tiles +home renovation now", MON, "Tiles now", None, None, [], ("Home Renovation", False)),
    ("Budget +Garden", MON, "Budget", None, None, [], ("Garden", True)),
    # everything at once
    (
        "Pay rent tomorrow !high #home +Finance",
        MON,
        "Pay rent",
        d("2026-12-01"),
        "high",
        ["home"],
        ("Finance", False),
    ),
    # titles that only look like tokens
    ("Read chapter 3", MON, "Read chapter 3", None, None, [], None),
    ("Call May", MON, "Call May", None, None, [], None),
    ("Monday.com invoice", MON, "Monday.com invoice", None, None, [], None),
    ("#1 priority", MON, "#1 priority", None, None, [], None),
    ("email bob@example.com", MON, "email bob@example.com", None, None, [], None),
    ("Buy sun cream", MON, "Buy sun cream", None, None, [], None),
    ("Reply +1 to the thread", MON, "Reply +1 to the thread", None, None, [], None),
    ("Buy today's paper", MON, "Buy today's paper", None, None, [], None),
    ("Hi!high five", MON, "Hi!high five", None, None, [], None),
    ("Party feb 30", MON, "Party feb 30", None, None, [], None),
    ("Party 2026-02-30", MON, "Party 2026-02-30", None, None, [], None),
    ("Wait in 99999 days", MON, "Wait in 99999 days", None, None, [], None),
    # escapes keep words literal
    (r"Read \tomorrow magazine", MON, "Read tomorrow magazine", None, None, [], None),
    ('Plan "next week" party', MON, "Plan next week party", None, None, [], None),
    (r"Post \#home on forum", MON, "Post #home on forum", None, None, [], None),
    (r"Post \+Finance", MON, "Post +Finance", None, None, [], None),
    (r"Call \!h", MON, "Call !h", None, None, [], None),
    (r"Call \friday, then \!h", MON, "Call friday, then !h", None, None, [], None),
    ('Read "Dune" today', MON, 'Read "Dune"', d("2026-11-30"), None, [], None),
    (r"Cheer \o/ today", MON, r"Cheer \o/", d("2026-11-30"), None, [], None),
    # the first date (priority, project) counts; a second stays text
    ("today or tomorrow", MON, "or tomorrow", d("2026-11-30"), None, [], None),
    ("!h or !l", MON, "or !l", None, "high", [], None),
]


@pytest.mark.parametrize(
    ("text", "today", "title", "due", "priority", "tags", "project"),
    TABLE,
    ids=[row[0] + " @" + row[1].isoformat() for row in TABLE],
)
def test_it_reads_each_phrase(text, today, title, due, priority, tags, project):
    parsed = parse(text, today=today, projects=PROJECTS)

    assert parsed.title == title
    assert parsed.due_date == due
    assert parsed.priority == priority
    assert parsed.tags == tags
    found = (parsed.project.name, parsed.project.new) if parsed.project else None
    assert found == project


def test_it_labels_each_token_for_its_chip():
    parsed = parse("Pay rent dec 3 !high #home +Finance +New", today=MON, projects=PROJECTS)

    assert [t.label for t in parsed.tokens] == ["Due Thu 3 Dec", "High", "#home", "Finance"]
    assert [t.kind for t in parsed.tokens] == ["due", "priority", "tag", "project"]
    assert parse("x +Garden", today=MON).tokens[0].label == "New project: Garden"
    assert parse("x jan 2", today=MON).tokens[0].label == "Due Sat 2 Jan 2027"


def test_it_reuses_the_stored_spelling_of_a_tag():
    assert parse("x #HOME", today=MON, tags=["home"]).tags == ["home"]


def test_it_gives_each_token_its_span_and_a_literal_that_keeps_it_text():
    text = "Pay next week #home"
    parsed = parse(text, today=MON)

    spans = [(t.start, t.end, text[t.start : t.end]) for t in parsed.tokens]
    assert spans == [(4, 13, "next week"), (14, 19, "#home")]
    assert [t.literal for t in parsed.tokens] == ['"next week"', r"\#home"]
    for token in parsed.tokens:
        kept = text[: token.start] + token.literal + text[token.end :]
        again = parse(kept, today=MON)
        assert token.text in again.title
        assert token.kind not in [t.kind for t in again.tokens]


def test_it_counts_chip_places_in_utf16_units_as_the_browser_does():
    parsed = parse("🎉 party tomorrow", today=MON)

    assert parsed.chips()[0]["start"] == 9  # the emoji is two UTF-16 units, one code point
    assert parsed.tokens[0].start == 8


# ---------------------------------------------------------------------------------------------
# Properties

ANY_TEXT = st.text(
    alphabet=st.sampled_from([*"abcdeflmnorstuwy 0123!#+\\\"'.,-@\u201c\u201d\t\n", "é", "🎉"]),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(text=ANY_TEXT | st.text(max_size=80))
def test_it_never_raises_and_keeps_every_character_it_did_not_recognize(text):
    parsed = parse(text, today=MON, projects=PROJECTS, tags=["home"])

    covered = set(parsed.escapes)
    for token in parsed.tokens:
        covered.update(range(token.start, token.end))
        assert text[token.start : token.end] == token.text
    kept = "".join(ch for i, ch in enumerate(text) if i not in covered)
    if not any(token.end < len(text) and text[token.end] in ",;:.!?)" for token in parsed.tokens):
        assert parsed.title == " ".join(kept.split())
    else:  # the gap before a removed token goes with it when punctuation follows ("Pay, then")
        assert parsed.title.replace(" ", "") == "".join(kept.split())


WORDS = st.lists(
    st.from_regex(r"[a-z]{1,8}", fullmatch=True).filter(lambda w: w not in KEYWORDS),
    min_size=1,
    max_size=8,
)
TOKENS = {
    "due": st.sampled_from(
        [
            *("today", "tomorrow", "fri", "next week", "next month", "in 3 days", "in 2 weeks"),
            *("dec 3", "3 dec", "december 3rd", "2026-12-03", "end of month"),
        ]
    ),
    "priority": st.sampled_from(["!high", "!medium", "!low", "!h", "!m", "!l"]),
    "tag": st.sampled_from(["#home", "#work", "#a-b"]),
    "project": st.sampled_from(["+Finance", "+home renovation", "+Garden"]),
}


@settings(max_examples=200, deadline=None)
@given(words=WORDS, data=st.data())
def test_it_takes_out_every_token_it_recognizes_and_keeps_every_other_word(words, data):
    kinds = data.draw(st.lists(st.sampled_from(sorted(TOKENS)), unique=True, min_size=1))
    pieces = list(words)
    inserted = []
    for kind in kinds:
        token = data.draw(TOKENS[kind])
        pieces.insert(data.draw(st.integers(0, len(pieces))), token)
        inserted.append((kind, token))

    parsed = parse(" ".join(pieces), today=MON, projects=PROJECTS)

    assert parsed.title == " ".join(words)
    assert sorted((t.kind, t.text) for t in parsed.tokens) == sorted(inserted)


@pytest.mark.parametrize(
    "text, tag",
    [
        ("Plan #work/urgent", "work/urgent"),
        ("Buy milk #home.", "home"),
        ("Read #v1.2-notes", "v1.2-notes"),
        ("Fix #1 priority", None),
        ("Sort #_/_", None),
    ],
)
def test_quick_add_and_search_read_a_tag_token_alike(text, tag):
    from tasks.filters import parse as parse_search
    from tasks.quickadd import parse as parse_quick

    quick = parse_quick(text, today=dt.date(2026, 11, 30)).tags
    assert list(quick) == ([tag] if tag else [])
    # The search box reads the same token (one rule, quickadd.tag_name) the same way.
    token = text.split()[-1].rstrip(".")
    assert [v for n, v in parse_search(token).terms if n == "tag"] == ([tag] if tag else [])


# ---------------------------------------------------------------------------------------------
# Issue 22: times, `until`, "on the 1st", "next <weekday>", and the words a Todoist user types

MORNING = dt.time(8, 0)  # the local time of day the parse happens at, where it matters
EVENING = dt.time(21, 0)


def at(hour: int, minute: int = 0) -> dt.time:
    return dt.time(hour, minute)


@pytest.mark.parametrize(
    "text, title, due, time",
    [
        ("Call mom tomorrow 5pm", "Call mom", d("2026-12-01"), at(17)),
        ("Call mom tomorrow 17:00", "Call mom", d("2026-12-01"), at(17)),
        ("Call mom tomorrow at 14:30", "Call mom", d("2026-12-01"), at(14, 30)),
        ("Call mom tomorrow 9am", "Call mom", d("2026-12-01"), at(9)),
        ("Call mom tomorrow at 8am", "Call mom", d("2026-12-01"), at(8)),
        ("Call mom at 5:30 pm friday", "Call mom", d("2026-12-04"), at(17, 30)),
        ("Call mom 12am tomorrow", "Call mom", d("2026-12-01"), at(0)),
        ("Call mom 12pm tomorrow", "Call mom", d("2026-12-01"), at(12)),
        ("Call mom 7 p.m. tomorrow", "Call mom", d("2026-12-01"), at(19)),
        ("Call mom at 9:05 dec 3", "Call mom", d("2026-12-03"), at(9, 5)),
        # a time without a date: today while it is still ahead, else tomorrow
        ("Call mom 5pm", "Call mom", d("2026-11-30"), at(17)),
        ("Call mom 7am", "Call mom", d("2026-12-01"), at(7)),
        ("Call mom 08:00", "Call mom", d("2026-12-01"), at(8)),  # not after now: tomorrow
        # tonight is today at 20:00
        ("Watch the film tonight", "Watch the film", d("2026-11-30"), at(20)),
        # numbers that are not times stay title text
        ("Read John 3:16", "Read John 3:16", None, None),
        ("Buy 25:00 timer", "Buy 25:00 timer", None, None),
        ("Score 13pm", "Score 13pm", None, None),
        ("Meet at 5", "Meet at 5", None, None),
        ("Call 9amy", "Call 9amy", None, None),
    ],
)
def test_it_reads_a_time_as_the_due_time(text, title, due, time):
    parsed = parse(text, today=MON, now=MORNING)

    assert (parsed.title, parsed.due_date, parsed.due_time) == (title, due, time)


def test_it_says_which_day_a_time_alone_falls_on_in_its_chip():
    assert [t.label for t in parse("x 5pm", today=MON, now=MORNING).tokens] == ["At 17:00 today"]
    assert [t.label for t in parse("x 5pm", today=MON, now=EVENING).tokens] == ["At 17:00 tomorrow"]
    assert parse("x 5pm", today=MON, now=EVENING).due_date == d("2026-12-01")
    labels = [t.label for t in parse("x fri 5pm", today=MON, now=EVENING).tokens]
    assert labels == ["Due Fri 4 Dec", "At 17:00"]
    assert [t.label for t in parse("x tonight", today=MON, now=EVENING).tokens] == [
        "Tonight, 20:00"
    ]
    # Tonight stays today even after 20:00: the word names the day.
    assert parse("x tonight", today=MON, now=at(23)).due_date == MON


def test_it_keeps_the_whole_issue_phrase_to_its_title():
    parsed = parse(
        "Call mom tomorrow 5pm every week !high #family +Home",
        today=MON,
        now=MORNING,
        projects=["Home"],
    )

    assert parsed.title == "Call mom"
    assert (parsed.due_date, parsed.due_time) == (d("2026-12-01"), at(17))
    assert parsed.recurrence == ("FREQ=WEEKLY", "due")
    assert (parsed.priority, parsed.tags, parsed.project.name) == ("high", ["family"], "Home")
    assert [t.kind for t in parsed.tokens] == [
        "due", "time", "recurrence", "priority", "tag", "project"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "text, rule",
    [
        ("water plants every 3 days until jan 31", "FREQ=DAILY;INTERVAL=3;UNTIL=20270131"),
        ("water plants until jan 31 every 3 days", "FREQ=DAILY;INTERVAL=3;UNTIL=20270131"),
        ("water plants daily until 2027-03-01", "FREQ=DAILY;UNTIL=20270301"),
    ],
)
def test_it_ends_a_repeat_with_until(text, rule):
    parsed = parse(text, today=MON)

    assert parsed.title == "water plants"
    assert parsed.recurrence == (rule, "due")
    assert parsed.due_date is None  # the series starts on its first occurrence from today
    assert parsed.start == MON
    until = next(t for t in parsed.tokens if t.kind == "until")
    assert until.label.startswith("Until ")


def test_until_without_a_repeat_is_a_due_date_and_a_word():
    parsed = parse("water plants until jan 31", today=MON)

    assert parsed.title == "water plants until"
    assert parsed.due_date == d("2027-01-31")
    assert parsed.recurrence is None


@pytest.mark.parametrize(
    "text", ["pay rent on the 1st every month", "pay rent every month on the 1st"]
)
def test_both_word_orders_mean_monthly_on_the_first(text):
    parsed = parse(text, today=MON)

    assert parsed.title == "pay rent"
    assert parsed.recurrence == ("FREQ=MONTHLY;BYMONTHDAY=1", "due")
    assert parsed.due_date in (None, d("2026-12-01"))  # without one: the rule's first, the same
    assert "Every month on the 1st" in [t.label for t in parsed.tokens]


@pytest.mark.parametrize(
    "text, today, due",
    [
        ("pay rent on the 1st", MON, d("2026-12-01")),
        ("pay rent on the 30th", MON, d("2026-11-30")),  # today is the 30th
        ("pay rent on the 31st", MON, d("2026-12-31")),  # November has no 31st
        ("party on the 21st of December", MON, d("2026-12-21")),
    ],
)
def test_on_the_nth_is_the_next_such_day(text, today, due):
    parsed = parse(text, today=today)

    assert parsed.title in ("pay rent", "party")
    assert parsed.due_date == due


@pytest.mark.parametrize(
    "text, today, due",
    [
        ("dentist next friday at 14:30", MON, d("2026-12-11")),
        ("dentist next friday", dt.date(2026, 12, 3), d("2026-12-11")),
        ("dentist next monday", dt.date(2026, 12, 6), d("2026-12-07")),  # a Sunday
        ("dentist next tue", MON, d("2026-12-08")),
    ],
)
def test_next_weekday_is_that_day_of_next_week(text, today, due):
    parsed = parse(text, today=today)

    assert parsed.title == "dentist"
    assert parsed.due_date == due
    assert len([t for t in parsed.tokens if t.kind == "due"]) == 1


@pytest.mark.parametrize(
    "text, priority",
    [("Fix p1", "high"), ("p2 Fix", "medium"), ("Fix P3", "low"), ("Fix p4", "none")],
)
def test_it_reads_p1_to_p4(text, priority):
    parsed = parse(text, today=MON)

    assert (parsed.title, parsed.priority) == ("Fix", priority)


def test_p_numbers_that_are_not_priorities_stay_text():
    for text in ("Buy p5 gloves", "Read p12", "Fix top1 bug", "Ship p1x"):
        assert parse(text, today=MON).title == text


@pytest.mark.parametrize(
    "text, rule",
    [
        ("Stand-up daily", "FREQ=DAILY"),
        ("weekly review", "FREQ=WEEKLY"),
        ("Invoice monthly", "FREQ=MONTHLY"),
        ("Yearly checkup", "FREQ=YEARLY"),
        ("Stand-up every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("Bins every other week", "FREQ=WEEKLY;INTERVAL=2"),
    ],
)
def test_it_reads_the_repeat_words(text, rule):
    parsed = parse(text, today=MON)

    assert parsed.recurrence == (rule, "due")
    assert len(parsed.title.split()) == 1
    assert [t.kind for t in parsed.tokens] == ["recurrence"]


def test_tmrw_is_tomorrow():
    assert parse("Call tmrw", today=MON).due_date == d("2026-12-01")


@pytest.mark.parametrize(
    "text, order, due",
    [
        ("Party 12/24", "mdy", d("2026-12-24")),
        ("Party 24/12", "dmy", d("2026-12-24")),
        ("Party 24.12.", "dmy", d("2026-12-24")),
        ("Party 24.12.2027", "dmy", d("2027-12-24")),
        ("Party 12/24/27", "mdy", d("2027-12-24")),
        ("Party 12/24", "ymd", d("2026-12-24")),
        ("Party 2027/01/05", "mdy", d("2027-01-05")),
        ("Party 2027.01.05", "dmy", d("2027-01-05")),
        ("Party 1/5", "mdy", d("2027-01-05")),  # past this year: next year's
        ("Party 1/5", "dmy", d("2027-05-01")),
    ],
)
def test_it_reads_numeric_dates_in_the_persons_order(text, order, due):
    parsed = parse(text, today=MON, date_order=order)

    assert (parsed.title, parsed.due_date) == ("Party", due)


@pytest.mark.parametrize(
    "text, order",
    [
        ("Party 24/12", "mdy"),  # no 24th month
        ("Party 12/24", "dmy"),
        ("Upgrade to 3.12", "dmy"),  # a version, not 3 Dec: dots need a final dot or a year
        ("Upgrade to 3.12.5", "dmy"),
        ("Party 31/02", "dmy"),
        ("Party 0001-01-01", "dmy"),  # outside a sane range: text
    ],
)
def test_numbers_that_are_not_dates_in_the_persons_order_stay_text(text, order):
    parsed = parse(text, today=MON, date_order=order)

    assert (parsed.title, parsed.due_date) == (text, None)


@pytest.mark.parametrize(
    "text",
    [
        "Call mom tomorrow 5pm",
        "dentist next friday at 14:30",
        "water plants every 3 days until jan 31",
        "pay rent on the 1st every month",
        "Fix p1",
        "Call tmrw",
        "Watch tonight",
        "Stand-up daily",
        "Party 24.12.",
    ],
)
def test_each_new_token_has_a_chip_whose_literal_keeps_it_text(text):
    parsed = parse(text, today=MON, now=MORNING)

    assert parsed.tokens
    for token in parsed.tokens:
        kept = text[: token.start] + token.literal + text[token.end :]
        again = parse(kept, today=MON, now=MORNING)
        assert token.text in again.title
        assert token.text not in [t.text for t in again.tokens]


NEW_TOKENS = {
    "due": st.sampled_from(["tmrw", "next friday", "on the 3rd", "24.12.", "12/24"]),
    "time": st.sampled_from(["5pm", "17:00", "at 14:30", "9am", "at 8am", "tonight", "7 p.m."]),
    "priority": st.sampled_from(["p1", "p2", "p3", "p4"]),
    "recurrence": st.sampled_from(
        ["daily", "weekly", "monthly", "yearly", "every weekday", "every other week"]
    ),
}


@settings(max_examples=200, deadline=None)
@given(words=WORDS, data=st.data(), order=st.sampled_from(["mdy", "dmy", "ymd"]))
def test_it_takes_out_every_new_token_and_keeps_every_other_word(words, data, order):
    kinds = data.draw(st.lists(st.sampled_from(sorted(NEW_TOKENS)), unique=True, min_size=1))
    pieces = list(words)
    inserted = []
    for kind in kinds:
        token = data.draw(NEW_TOKENS[kind])
        if kind == "due" and order == "dmy":  # day first: 24/12, 24.12.
            token = {"12/24": "24/12"}.get(token, token)
        elif kind == "due":  # month first (and year first without a year): 12/24, 12.24.
            token = {"24.12.": "12.24."}.get(token, token)
        pieces.insert(data.draw(st.integers(0, len(pieces))), token)
        inserted.append((kind, token))

    parsed = parse(" ".join(pieces), today=MON, now=MORNING, projects=PROJECTS, date_order=order)

    assert parsed.title == " ".join(words)
    assert sorted((t.kind, t.text) for t in parsed.tokens) == sorted(inserted)


SOUP = st.lists(
    st.sampled_from(
        [*'0123456789/.:apmdt onxyevrilu!#+\\"', "every ", "until ", "at ", "next ", "on the "]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=SOUP, order=st.sampled_from(["mdy", "dmy", "ymd"]), now=st.times())
def test_it_never_raises_on_number_and_word_soup(text, order, now):
    parsed = parse(text, today=MON, now=now, projects=PROJECTS, date_order=order)

    assert isinstance(parsed.title, str)
    if parsed.recurrence is not None:
        from tasks import recurrence

        assert recurrence.is_valid(parsed.recurrence[0])
