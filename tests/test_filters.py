"""The board's view (tasks/filters.py): the search grammar, the filter bar, and matching on the
database (SQLite and PostgreSQL alike)."""

import pytest
from django.db import connection
from django.http import QueryDict

from tasks import filters, query
from tasks.filters import BoardView
from tasks.models import Priority, Sort, Status, Task
from tests.conftest import HTMX, row_ids

# --- the grammar (no database) ------------------------------------------------------------------

# One row per input: the (filter, value) conditions it stands for and the free words left over.
GRAMMAR = [
    # is: status, any case
    ("is:pending", [("status", "pending")], []),
    ("is:in_progress", [("status", "in_progress")], []),
    ("is:completed", [("status", "completed")], []),
    ("is:done", [("status", "completed")], []),
    ("is:open", [("status", "open")], []),
    ("IS:Pending", [("status", "pending")], []),
    # priority:, long and short
    ("priority:high", [("priority", "high")], []),
    ("p:high", [("priority", "high")], []),
    ("p:LOW", [("priority", "low")], []),
    ("priority:medium", [("priority", "medium")], []),
    ("p:med", [("priority", "medium")], []),
    # due:
    ("due:overdue", [("due", "overdue")], []),
    ("due:today", [("due", "today")], []),
    ("due:week", [("due", "week")], []),
    ("due:none", [("due", "none")], []),
    # free text next to tokens, in order
    (
        "  quarterly is:open  report p:high ",
        [("status", "open"), ("priority", "high")],
        ["quarterly", "report"],
    ),
    # anything the grammar does not know is free text
    ("is:archived", [("archived", "yes")], []),
    ("is:someday", [], ["is:someday"]),
    ("p:urgent", [], ["p:urgent"]),
    ("due:later", [], ["due:later"]),
    ("tag:home", [], ["tag:home"]),
    ("is:", [], ["is:"]),
    (":", [], [":"]),
    ("due:", [], ["due:"]),
    ("http://x", [], ["http://x"]),
]


@pytest.mark.parametrize(("text", "terms", "words"), GRAMMAR)
def test_it_reads_the_search_grammar(text, terms, words):
    search = filters.parse(text)

    assert list(search.terms) == terms
    assert list(search.words) == words


def test_it_caps_the_number_of_words():
    assert len(filters.parse(" ".join(f"w{i}" for i in range(100))).words) == query.MAX_WORDS


@pytest.mark.parametrize(
    ("words", "tsquery"),
    [
        (["rep"], "rep:*"),
        (["Rep", "Q3"], "rep:* & q3:*"),
        (["it's"], "it:* & s:*"),
        (["a&b|c!d:*()\\'\""], "a:* & b:* & c:* & d:*"),
        (["&|!():*"], ""),
        (["café"], "café:*"),
    ],
)
def test_it_builds_a_prefix_tsquery_from_word_characters_only(words, tsquery):
    assert query.to_prefix_tsquery(words) == tsquery


# --- BoardView and the filter bar -------------------------------------------------------------


def test_it_reads_the_view_from_the_query_string_and_drops_unknown_values():
    view = BoardView.from_query(
        QueryDict("q=%20rep%20&status=bogus&priority=high&due=week&sort=sideways")
    )

    assert view == BoardView(q="rep", status="", priority="high", due="week", sort=Sort.NEWEST)
    assert view.active


def test_it_caps_the_search_text_and_strips_nul_bytes():
    view = BoardView.from_query(QueryDict(f"q=a%00b{'x' * 500}"))

    assert "\x00" not in view.q
    assert len(view.q) <= 200


def test_it_builds_params_for_links_without_defaults():
    assert BoardView(q="rep", sort=Sort.NEWEST).as_params() == {"q": "rep"}
    assert BoardView(status="pending", sort=Sort.TITLE).as_params() == {
        "status": "pending",
        "sort": "title",
    }
    assert not BoardView(sort=Sort.TITLE).active


def test_it_joins_the_search_field_and_the_selects_into_one_list_of_conditions():
    view = BoardView.from_query(QueryDict("q=is:open+rep&priority=high&due=week"))

    assert view.terms == (
        ("archived", "no"),  # All tasks leaves archived projects out (scope_terms)
        ("status", "open"),
        ("priority", "high"),
        ("due", "week"),
    )
    assert view.search.words == ("rep",)


@pytest.mark.parametrize(
    ("next_field", "expected"),
    [
        ("/?status=pending&sort=due", BoardView(status="pending", sort=Sort.DUE)),
        ("/", BoardView()),
        ("https://evil.example/?status=pending", BoardView()),
        ("", BoardView()),
    ],
)
def test_a_plain_post_reads_the_view_it_came_from_its_next_field(rf, next_field, expected):
    request = rf.post("/task/1/toggle/", {"next": next_field})
    request.htmx = False

    assert BoardView.on_screen(request) == expected


def test_the_filter_bar_renders_its_fields_with_the_ids_and_labels_tests_select_by():
    html = str(BoardView(q="rep", status="completed", sort=Sort.TITLE).form())

    assert '<label class="visually-hidden" for="search">Search tasks</label>' in html
    assert 'type="search"' in html and 'name="q"' in html and 'value="rep"' in html
    for name, label in [
        ("status", "Status"),
        ("priority", "Priority"),
        ("due", "Due"),
        ("sort", "Sort"),
    ]:
        assert f'<label class="form-label small mb-1" for="filter-{name}">{label}</label>' in html
        assert f'name="{name}"' in html
    assert html.count("js-filter") == 5
    assert '<label class="form-check-label small" for="filter-hide">Hide completed</label>' in html
    assert '<option value="completed" selected>' in html
    assert '<option value="title" selected>' in html


# --- matching on the database ------------------------------------------------------------------


@pytest.fixture
def board(alice, bob, make_task, days):
    """A small board covering every status, priority and due bucket, plus one of Bob's."""
    return {
        "report": make_task(
            alice,
            "Quarterly report",
            description="revenue and churn",
            priority=Priority.HIGH,
            status=Status.IN_PROGRESS,
            due_date=days(-2),
        ),
        "dentist": make_task(alice, "Book dentist", priority=Priority.MEDIUM, due_date=days(0)),
        "passport": make_task(
            alice,
            "Renew passport",
            description="photos first",
            priority=Priority.HIGH,
            due_date=days(6),
        ),
        "plants": make_task(
            alice,
            "Water the plants",
            priority=Priority.LOW,
            status=Status.COMPLETED,
            due_date=days(-5),
        ),
        "notes": make_task(alice, "Release notes", priority=Priority.LOW, due_date=days(7)),
        "bob": make_task(bob, "Bob's quarterly report", priority=Priority.HIGH),
    }


def found(user, text) -> set[str]:
    return set(
        Task.objects.visible_to(user).filtered(BoardView(q=text)).values_list("title", flat=True)
    )


def titles(board, *keys) -> set[str]:
    return {board[k].title for k in keys}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("is:pending", ["dentist", "passport", "notes"]),
        ("is:in_progress", ["report"]),
        ("is:completed", ["plants"]),
        ("is:open", ["report", "dentist", "passport", "notes"]),
        ("priority:high", ["report", "passport"]),
        ("p:high", ["report", "passport"]),
        ("p:low", ["plants", "notes"]),
        # Overdue means late and still open: a completed task is never overdue.
        ("due:overdue", ["report"]),
        ("due:today", ["dentist"]),
        # This week: today and the six days after it.
        ("due:week", ["dentist", "passport"]),
        ("due:none", []),
    ],
)
def test_it_filters_by_each_token(alice, board, text, keys):
    assert found(alice, text) == titles(board, *keys)


@pytest.mark.django_db
def test_it_finds_tasks_without_a_due_date_with_due_none(alice, board, make_task):
    undated = make_task(alice, "Someday maybe")

    assert found(alice, "due:none") == {undated.title}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("rep", ["report"]),  # prefix: typing narrows as you go
        ("REPORT", ["report"]),  # case does not matter
        ("quarterly report", ["report"]),  # every word must match
        ("report passport", []),
        ("churn", ["report"]),  # the description counts
        ("pho", ["passport"]),
        ("rep is:open", ["report"]),
        ("rep is:completed", []),
        ("p:high renew", ["passport"]),
        ("p:low is:open", ["notes"]),
        ("due:week p:high", ["passport"]),
        ("is:open p:high due:overdue quarterly", ["report"]),
        ("notes due:week", []),
    ],
)
def test_it_combines_tokens_and_free_text_with_and(alice, board, text, keys):
    assert found(alice, text) == titles(board, *keys)


@pytest.mark.django_db
def test_it_searches_free_text_as_words_from_the_beginning(alice, make_task):
    make_task(alice, "Monthly reporting")

    assert found(alice, "report") == {"Monthly reporting"}
    assert found(alice, "monthly rep") == {"Monthly reporting"}


@pytest.mark.django_db
def test_it_matches_unknown_tokens_as_text(alice, make_task):
    make_task(alice, "Check tag:home lights")
    make_task(alice, "Unrelated")

    assert found(alice, "tag:home") == {"Check tag:home lights"}


@pytest.mark.django_db
def test_it_matches_non_ascii_words(alice, make_task):
    make_task(alice, "Café crème order")
    make_task(alice, "Tea")

    assert found(alice, "café") == {"Café crème order"}
    assert found(alice, "crè") == {"Café crème order"}


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["über", "ÜBER", "Über", "éTÉ", "straße"])
def test_it_ignores_case_in_non_ascii_letters_too(alice, make_task, text):
    # SQLite's own LIKE only folds A-Z; a German or French user types lower case all the same.
    make_task(alice, "Über den Sommer", description="Été à Paris, Straße 5")
    make_task(alice, "Unrelated")

    assert found(alice, text) == {"Über den Sommer"}


@pytest.mark.django_db
def test_it_never_matches_another_users_tasks(alice, board):
    assert "Bob's quarterly report" not in found(alice, "quarterly")
    assert found(alice, "bob") == set()


@pytest.mark.django_db
def test_it_uses_full_text_search_on_postgresql_and_contains_elsewhere(alice):
    sql = str(Task.objects.visible_to(alice).filtered(BoardView(q="rep")).query)

    if connection.vendor == "postgresql":
        # The stored, GIN-indexed tsvector column (migration 0002), matched with a prefix query.
        assert "search_document" in sql and "@@" in sql and "rep:*" in sql
    else:
        assert "LIKE" in sql.upper()


HOSTILE = [
    '"',
    "'",
    "'; DROP TABLE tasks_task; --",
    "a & b | !c",
    "&|!():*",
    "rep:*",
    "\\",
    "\\\\x00",
    "((((",
    "<script>alert(1)</script>",
    "%_%",
    "🎉 party",
    "日本語のタスク",
    "ñandú über",
    "x" * 5000,
    " ".join(["word"] * 500),
    "is:open:extra",
    "p:",
    "due:overdue" * 50,
]


@pytest.mark.django_db
@pytest.mark.parametrize("text", HOSTILE)
def test_it_never_fails_on_hostile_input(alice_client, alice, bob, make_task, text):
    make_task(alice, "Alice's task")
    secret = make_task(bob, "Bob's secret")

    for headers in ({}, HTMX):
        response = alice_client.get("/", {"q": text}, **headers)
        assert response.status_code == 200
        assert secret.pk not in row_ids(response)


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["%", "100%"])
def test_it_matches_like_wildcards_literally(alice, make_task, text):
    make_task(alice, "Grow 100% coverage")
    make_task(alice, "Nothing special")

    # On PostgreSQL punctuation is not part of a word, so only the digits search there.
    expected = {"Grow 100% coverage"}
    if connection.vendor == "postgresql" and text == "%":
        expected |= {"Nothing special"}
    assert found(alice, text) == expected


@pytest.mark.parametrize(
    ("page_url", "expected"),
    [
        (
            "http://testserver/projects/7/?layout=board&q=due%3Atomorrow",
            BoardView(
                scope="project", project=7, layout="board", sort=Sort.MANUAL, q="due:tomorrow"
            ),
        ),
        ("http://testserver/?status=pending", BoardView(status="pending")),
        ("http://[", BoardView()),  # no URL: the board, not an error
    ],
)
def test_an_htmx_write_reads_the_view_from_the_pages_url_once_per_url(rf, page_url, expected):
    from django_htmx.middleware import HtmxDetails

    filters._view_at_url.cache_clear()
    request = rf.post("/task/1/toggle/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page_url)
    request.htmx = HtmxDetails(request)

    first, again = BoardView.on_screen(request), BoardView.on_screen(request)

    assert first == again == expected
    assert first is again  # the second read came from the cache
    # The day words stay words in the view (resolved when a query runs), so a view cached
    # yesterday still means "tomorrow" today.
    if "tomorrow" in page_url:
        assert first.search.terms == (("due", "=tomorrow"),)
