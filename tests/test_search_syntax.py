"""The search syntax of issue 12: +Project / project:name, negation of any token, quoted
phrases, due: days and comparisons in the person's zone, and tokens not understood reported."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from tasks import filters
from tasks.filters import BoardView
from tasks.models import Priority, Project, Status, Task
from tests.conftest import HTMX, row_ids
from tests.html import find

# --- the grammar (no database) ------------------------------------------------------------------

# text -> the fields of Search it fills (the others stay empty).
GRAMMAR = [
    ("+Work", {"terms": (("project_name", "Work"),)}),
    ('+"Big Project"', {"terms": (("project_name", "Big Project"),)}),
    ("project:work", {"terms": (("project_name", "work"),)}),
    ('PROJECT:"big project"', {"terms": (("project_name", "big project"),)}),
    ('project:"unclosed name', {"terms": (("project_name", "unclosed name"),)}),
    ("-is:completed", {"excluded": (("status", "completed"),)}),
    ("-p:high", {"excluded": (("priority", "high"),)}),
    ("-+Work", {"excluded": (("project_name", "Work"),)}),
    ("-due:none", {"excluded": (("due", "none"),)}),
    ("-word", {"without": ("word",)}),
    ('"annual report"', {"phrases": ("annual report",)}),
    ('-"annual report"', {"without_phrases": ("annual report",)}),
    ("due:tomorrow", {"terms": (("due", "=tomorrow"),)}),
    ("due:yesterday", {"terms": (("due", "=yesterday"),)}),
    ("due:2026-12-01", {"terms": (("due", "=2026-12-01"),)}),
    ("due:<2026-12-31", {"terms": (("due", "<2026-12-31"),)}),
    ("due:<=2026-12-31", {"terms": (("due", "<=2026-12-31"),)}),
    ("due:>today", {"terms": (("due", ">today"),)}),
    ("due:>=Tomorrow", {"terms": (("due", ">=tomorrow"),)}),
    ("due:today", {"terms": (("due", "today"),)}),
    ("is:archived", {"terms": (("archived", "yes"),)}),
    ("IS:Archived", {"terms": (("archived", "yes"),)}),
    ("-is:archived", {"excluded": (("archived", "yes"),)}),
    # not understood: searched as text, and reported
    ("due:someday", {"words": ("due:someday",), "unknown": ("due:someday",)}),
    ("due:2026-02-30", {"words": ("due:2026-02-30",), "unknown": ("due:2026-02-30",)}),
    ("due:<", {"words": ("due:<",), "unknown": ("due:<",)}),
    ("is:someday", {"words": ("is:someday",), "unknown": ("is:someday",)}),
    ("-is:someday", {"without": ("is:someday",), "unknown": ("-is:someday",)}),
    ("colour:red", {"words": ("colour:red",), "unknown": ("colour:red",)}),
    ("project:", {"words": ("project:",), "unknown": ("project:",)}),
    # plain text, not reported
    ("http://x", {"words": ("http://x",)}),
    ("10:30", {"words": ("10:30",)}),
    ("+", {"words": ("+",)}),
    ("-", {"words": ("-",)}),
    ("e-mail", {"words": ("e-mail",)}),
    ('""', {}),
    (
        'plan -is:done +Home "big day" -lunch',
        {
            "terms": (("project_name", "Home"),),
            "excluded": (("status", "completed"),),
            "words": ("plan",),
            "phrases": ("big day",),
            "without": ("lunch",),
        },
    ),
]


@pytest.mark.parametrize(("text", "expected"), GRAMMAR)
def test_it_reads_every_token(text, expected):
    assert filters.parse(text) == filters.Search(**expected)


def test_it_gives_a_new_rule_row_negation_and_quotes_for_free(monkeypatch):
    rule = filters.TokenRule("colour", ("colour:",), lambda v: v.lower() or None)
    monkeypatch.setattr(filters, "TOKEN_RULES", (*filters.TOKEN_RULES, rule))

    assert filters.parse('-colour:"Dark Red"').excluded == (("colour", "dark red"),)


# --- matching on the database ------------------------------------------------------------------

ZONE = zoneinfo.ZoneInfo("Pacific/Auckland")


@pytest.fixture
def clock(monkeypatch):
    """clock(moment): the time is `moment` and the person's zone is Auckland (UTC+13)."""

    def set_to(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        timezone.activate(ZONE)

    yield set_to
    timezone.deactivate()


@pytest.fixture
def tasks(alice, bob, make_task):
    """Alice's tasks in two projects, dated around Wednesday 2 December 2026 (her zone)."""
    work = Project.objects.create(user=alice, name="Work")
    big = Project.objects.create(user=alice, name="Big Project")
    Project.objects.create(user=bob, name="Secret")  # bob's: never matches for alice
    day = dt.date(2026, 12, 2)
    return {
        "report": make_task(
            alice, "Annual report draft", project=work, due_date=day - dt.timedelta(days=1)
        ),
        "reversed": make_task(alice, "Report annual figures", project=big, due_date=day),
        "lunch": make_task(
            alice,
            "Team lunch",
            project=big,
            due_date=day + dt.timedelta(days=1),
            status=Status.COMPLETED,
        ),
        "errand": make_task(
            alice, "Buy stamps", due_date=day + dt.timedelta(days=30), priority=Priority.HIGH
        ),
        "undated": make_task(alice, "Someday maybe"),
        "bobs": make_task(bob, "Secret annual report", project=Project.objects.get(name="Secret")),
    }


# query -> the names of the tasks it shows, with "today" Wednesday 2 December 2026 in Auckland.
MATCHES = [
    ("+Work", {"report"}),
    ("+work", {"report"}),
    ("project:WORK", {"report"}),
    ('+"Big Project"', {"reversed", "lunch"}),
    ('project:"big project"', {"reversed", "lunch"}),
    ("-+Work", {"reversed", "lunch", "errand", "undated"}),
    ("+Secret", set()),  # bob's project name
    ("-is:completed", {"report", "reversed", "errand", "undated"}),
    ("-p:high", {"report", "reversed", "lunch", "undated"}),
    ("-annual", {"lunch", "errand", "undated"}),
    ('"annual report"', {"report"}),
    ('-"annual report"', {"reversed", "lunch", "errand", "undated"}),
    ("annual report", {"report", "reversed"}),
    ("due:tomorrow", {"lunch"}),
    ("due:yesterday", {"report"}),
    ("due:today", {"reversed"}),
    ("due:2026-12-02", {"reversed"}),
    ("due:<2026-12-02", {"report"}),
    ("due:<=2026-12-02", {"report", "reversed"}),
    ("due:>today", {"lunch", "errand"}),
    ("due:>=today", {"reversed", "lunch", "errand"}),
    ("-due:today", {"report", "lunch", "errand", "undated"}),
    ("due:>today -is:done", {"errand"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("q", "names"), MATCHES)
def test_it_matches_each_token_on_the_database(alice, tasks, clock, q, names):
    clock(dt.datetime(2026, 12, 2, 9, tzinfo=ZONE))

    shown = set(
        Task.objects.visible_to(alice).filtered(BoardView(q=q)).values_list("pk", flat=True)
    )

    assert shown == {tasks[name].pk for name in names}


@pytest.mark.django_db
def test_it_reads_relative_days_in_the_persons_zone_at_midnight(alice, make_task, clock):
    task = make_task(alice, "Due 2 Dec", due_date=dt.date(2026, 12, 2))
    mine = Task.objects.visible_to(alice)

    # 10:30 UTC on 1 December is 23:30 in Auckland (UTC+13): still 1 December there.
    clock(dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC))
    assert list(mine.filtered(BoardView(q="due:tomorrow"))) == [task]
    assert list(mine.filtered(BoardView(q="due:today"))) == []
    # Forty minutes later it is 2 December there (still 1 December in UTC): due today.
    clock(dt.datetime(2026, 12, 1, 11, 10, tzinfo=dt.UTC))
    assert list(mine.filtered(BoardView(q="due:today"))) == [task]
    assert list(mine.filtered(BoardView(q="due:<today"))) == []


# --- what the board says ------------------------------------------------------------------------


def notes(response) -> str:
    box = find(response, "div", id="search-notes")
    return " ".join(box.text.split()) if box else ""


@pytest.mark.django_db
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
def test_it_reports_tokens_it_did_not_understand(alice_client, tasks, headers):
    response = alice_client.get("/", {"q": "due:someday +Nowhere +Work"}, **headers)

    said = notes(response)
    assert "Not understood:" in said
    assert "due:someday — searched as text" in said
    assert "+Nowhere — you have no project by that name" in said
    assert "Work" not in said


@pytest.mark.django_db
def test_it_reports_another_users_project_name_as_unknown(alice_client, tasks):
    response = alice_client.get("/", {"q": '+"Secret"'})

    assert "+Secret — you have no project by that name" in notes(response)
    assert row_ids(response) == []


@pytest.mark.django_db
def test_it_says_nothing_when_every_token_is_understood(alice_client, tasks):
    response = alice_client.get("/", {"q": '-is:done +"big project" "annual" due:>2026-01-01'})

    assert notes(response) == ""
    assert row_ids(response) == [tasks["reversed"].pk]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (
            {"q": "is:completed", "status": "pending"},
            "is:completed in the search and Status: Pending exclude each other",
        ),
        (
            {"q": "is:open", "status": "completed"},
            "is:open in the search and Status: Completed exclude each other",
        ),
        (
            {"q": "-is:completed", "status": "completed"},
            "-is:completed in the search and Status: Completed exclude each other",
        ),
        (
            {"q": "is:completed", "hide": "completed"},
            "is:completed in the search and Hide completed exclude each other",
        ),
        (
            {"q": "p:low", "priority": "high"},
            "p:low in the search and Priority: High exclude each other",
        ),
    ],
)
def test_it_says_why_the_list_is_empty_when_search_and_selects_disagree(
    alice_client, tasks, query, reason
):
    for headers in ({}, HTMX):
        response = alice_client.get("/", query, **headers)
        assert row_ids(response) == []
        assert reason in find(response, id="no-tasks").text


@pytest.mark.django_db
def test_it_explains_completed_in_today(alice_client, tasks):
    response = alice_client.get("/today/", {"q": "is:completed"})

    assert "Today shows open tasks only, not is:completed" in find(response, id="no-tasks").text


@pytest.mark.django_db
def test_it_links_the_search_syntax_from_the_board_and_serves_it(alice_client):
    board = alice_client.get("/").content.decode()
    assert 'href="/search/syntax/"' in board
    assert 'id="search-help"' in board  # the dialog the h key opens

    page = alice_client.get("/search/syntax/")
    assert page.status_code == 200
    assert b"+&quot;Big Project&quot;" in page.content or b'+"Big Project"' in page.content
    assert b"-is:completed" in page.content


@pytest.mark.django_db
@pytest.mark.parametrize("n", [3, 40])
def test_it_names_unknown_projects_within_the_pages_query_budget(
    alice_client, alice, make_task, django_assert_max_num_queries, n
):
    work = Project.objects.create(user=alice, name="Work")
    for i in range(n):
        make_task(alice, f"Task {i}", project=work)

    with django_assert_max_num_queries(5):  # session, user, page, counts, sidebar
        response = alice_client.get("/", {"q": "+work -+Nowhere"})

    assert len(row_ids(response)) == min(n, 25)
    assert "+Nowhere — you have no project by that name" in notes(response)
