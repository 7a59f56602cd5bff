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
