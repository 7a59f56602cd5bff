"""The board at `/`: full page, the htmx list fragment, filters in the query string."""

import pytest

from tasks.models import Priority, Status, Task
from tests.conftest import HTMX, htmx_on, oob_counts, row_ids
from tests.html import find, find_all, parse

pytestmark = pytest.mark.django_db


def test_it_renders_the_full_page_with_quick_add_filters_counts_and_list(
    alice_client, alice, make_task
):
    make_task(alice, "Write the report", status=Status.IN_PROGRESS)
    make_task(alice, "Water the plants", status=Status.COMPLETED)

    response = alice_client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html
    assert '<span class="visually-hidden">New task</span>' in html
    assert '>Add<span class="sm-label"> task</span></button>' in html
    page = parse(html)
    assert page.find("label", for_="search").text == "Search tasks"
    assert page.find("input", type="search", id="search", name="q")
    labels = {label.text: label["for"] for label in page.find_all("label", for_=True)}
    for label in ("Status", "Priority", "Due", "Sort"):
        assert page.find("select", id=labels[label]), f"{label} labels no select"
    assert page.find("ul", id="tasks", class_="list-group", aria_label="Tasks")
    assert 'role="status"' in html
    assert 'data-count="all">2<' in html
    assert 'data-count="in_progress">1<' in html
    assert 'data-count="completed">1<' in html
    assert 'data-count="pending">0<' in html
    assert "Write the report" in html and "Water the plants" in html


def test_it_shows_each_row_with_title_priority_status_due_date_and_controls(
    alice_client, alice, make_task, days
):
    task = make_task(
        alice,
        "Renew passport",
        priority=Priority.HIGH,
        status=Status.IN_PROGRESS,
        due_date=days(-3),
    )

    html = alice_client.get("/").content.decode()

    row = html[html.index(f'<li id="task-{task.pk}"') :]
    row = row[: row.index("</li>")]
    assert "Renew passport" in row
    assert 'High<span class="visually-hidden"> priority</span>' in row
    assert "In progress" in row
    # Overdue is said in words, not only by the red colour.
    assert "Overdue" in row
    assert f'datetime="{days(-3):%Y-%m-%d}"' in row
    # Each control names its task (issue 10, item 23): unique names in a list of many.
    assert 'role="checkbox" aria-checked="false" aria-label="Completed: Renew passport"' in row
    assert 'aria-label="Edit Renew passport"' in row
    assert 'aria-label="Delete Renew passport"' in row


def test_it_marks_completed_tasks_checked_and_not_overdue(alice_client, alice, make_task, days):
    task = make_task(alice, "Old but done", status=Status.COMPLETED, due_date=days(-3))

    html = alice_client.get("/").content.decode()

    row = html[html.index(f'<li id="task-{task.pk}"') :]
    row = row[: row.index("</li>")]
    assert 'aria-checked="true"' in row
    assert "Overdue" not in row


def test_it_shows_only_the_owners_tasks(alice_client, alice, bob, make_task):
    mine = make_task(alice, "Alice's task")
    make_task(bob, "Bob's secret")

    response = alice_client.get("/")

    assert row_ids(response) == [mine.pk]
    assert "Bob&#x27;s secret" not in response.content.decode()
    assert 'data-count="all">1<' in response.content.decode()


def test_it_hides_deleted_tasks(alice_client, alice, make_task):
    make_task(alice, "Gone").soft_delete()
    kept = make_task(alice, "Kept")

    assert row_ids(alice_client.get("/")) == [kept.pk]


def test_it_says_no_tasks_when_the_list_is_empty(alice_client):
    html = alice_client.get("/").content.decode()

    empty = find(html, id="no-tasks")
    # A new account's empty list also offers lines to try (test_calm_board).
    assert empty.text == "No tasks yet. Type one above in plain words, or try one of these:"
    assert "hidden" not in empty.attrs


def test_it_says_no_tasks_when_nothing_matches_the_filters(alice_client, alice, make_task):
    make_task(alice, "Something")

    response = alice_client.get("/", {"q": "nothing-like-this"}, **HTMX)

    assert row_ids(response) == []
    assert find(response, id="no-tasks").text == "No tasks match these filters"


def test_it_answers_htmx_with_the_list_fragment_only(alice_client, alice, make_task):
    task = make_task(alice, "In the fragment")

    response = alice_client.get("/", **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="task-list"')
    assert row_ids(response) == [task.pk]
    assert 'id="status-counts"' not in html
    assert "HX-Request" in response["Vary"]


def test_it_varies_the_full_page_on_hx_request_too(alice_client):
    assert "HX-Request" in alice_client.get("/")["Vary"]


@pytest.mark.parametrize("header", ["HTTP_HX_BOOSTED", "HTTP_HX_HISTORY_RESTORE_REQUEST"])
def test_it_answers_boosted_and_history_restore_requests_with_the_full_page(alice_client, header):
    response = alice_client.get("/", **HTMX, **{header: "true"})

    assert "<html" in response.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_it_rejects_other_methods_with_405(alice_client, method):
    assert getattr(alice_client, method)("/").status_code == 405


def test_it_sends_anonymous_visitors_to_log_in_and_back(client):
    response = client.get("/?status=pending")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/%3Fstatus%3Dpending"


def test_it_answers_anonymous_htmx_with_401_and_a_full_page_redirect(client):
    response = client.get("/", {"q": "x"}, **htmx_on("/?q=x"))

    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=%2F%3Fq%3Dx"


@pytest.mark.parametrize(
    "query",
    [
        {"status": Status.PENDING},
        {"status": Status.COMPLETED},
        {"priority": Priority.HIGH},
        {"due": "overdue"},
        {"due": "today"},
        {"due": "week"},
        {"due": "none"},
        {"q": "report"},
        {"q": "is:open p:high"},
        {"q": "rep", "status": Status.IN_PROGRESS, "sort": "due"},
        {"sort": "title"},
        {"sort": "priority"},
    ],
)
def test_it_renders_the_same_list_for_a_plain_get_of_the_pushed_url(
    alice_client, alice, make_task, days, query
):
    make_task(alice, "Quarterly report", priority=Priority.HIGH, due_date=days(-1))
    make_task(alice, "Report draft", status=Status.IN_PROGRESS, due_date=days(2))
    make_task(alice, "Buy milk", priority=Priority.LOW, due_date=days(0))
    make_task(alice, "Report sent", status=Status.COMPLETED, priority=Priority.HIGH)
    make_task(alice, "Plan holiday", due_date=days(30))

    fragment = alice_client.get("/", query, **HTMX)
    page = alice_client.get("/", query)

    assert row_ids(fragment), "the query should match something, or the check proves nothing"
    assert row_ids(page) == row_ids(fragment)


def test_it_applies_each_filter_select(alice_client, alice, make_task, days):
    pending = make_task(alice, "Pending one")
    high = make_task(alice, "High one", priority=Priority.HIGH)
    done = make_task(alice, "Done one", status=Status.COMPLETED)
    overdue = make_task(alice, "Late one", due_date=days(-2))

    def ids(**query):
        return set(row_ids(alice_client.get("/", query, **HTMX)))

    assert ids(status="completed") == {done.pk}
    assert ids(priority="high") == {high.pk}
    assert ids(due="overdue") == {overdue.pk}
    assert ids(due="none") == {pending.pk, high.pk, done.pk}
    assert ids(status="pending", priority="high") == {high.pk}


def test_it_sorts_by_each_choice(alice_client, alice, make_task, days):
    b = make_task(alice, "Banana", priority=Priority.LOW, due_date=days(1))
    a = make_task(alice, "Apple", priority=Priority.HIGH)
    c = make_task(alice, "Cherry", priority=Priority.MEDIUM, due_date=days(5))

    def ids(sort):
        return row_ids(alice_client.get("/", {"sort": sort}, **HTMX))

    assert ids("newest") == [c.pk, a.pk, b.pk]
    assert ids("title") == [a.pk, b.pk, c.pk]
    assert ids("priority") == [a.pk, c.pk, b.pk]
    # Tasks without a date come last.
    assert ids("due") == [b.pk, c.pk, a.pk]


def test_it_keeps_the_chosen_filters_selected_on_the_full_page(alice_client):
    query = {"q": "is:open", "status": "pending", "priority": "low", "due": "week", "sort": "title"}

    html = alice_client.get("/", query).content.decode()

    assert 'value="is:open"' in html
    assert '<option value="pending" selected>' in html
    assert '<option value="low" selected>' in html
    assert '<option value="week" selected>' in html
    assert '<option value="title" selected>' in html


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"priority": "urgent"},
        {"due": "yesterday"},
        {"sort": "-id"},
        {"q": "x" * 10_000},
        {"q": "nul\x00byte"},
        {"after": "not-a-cursor"},
        {"before": "%%%"},
    ],
)
def test_it_ignores_unknown_filter_values_instead_of_failing(alice_client, alice, make_task, query):
    task = make_task(alice, "Still listed x")

    for headers in ({}, HTMX):
        response = alice_client.get("/", query, **headers)
        assert response.status_code == 200
    if "q" not in query:
        assert row_ids(response) == [task.pk]


def test_it_keeps_the_filters_in_the_page_links(alice_client, alice, make_task, settings):
    settings.TASKS_PAGE_SIZE = 2
    for i in range(3):
        make_task(alice, f"Report {i}", status=Status.PENDING)

    html = alice_client.get("/", {"q": "report", "status": "pending"}, **HTMX).content.decode()

    link = find(html, "a", class_="page-link", rel="next")["href"]
    assert "q=report" in link and "status=pending" in link and "after=" in link


def test_it_keeps_the_counts_right_through_every_mutation(alice_client, alice, bob, make_task):
    make_task(bob, "Bob's task never counts", status=Status.COMPLETED)

    def board_counts():
        html = alice_client.get("/").content.decode()
        return {e["data-count"]: int(e.text) for e in find_all(html, data_count=True)}

    created = alice_client.post("/task/new/", {"title": "One"}, **HTMX)
    assert oob_counts(created) == {"all": 1, "pending": 1, "in_progress": 0, "completed": 0}
    alice_client.post("/task/new/", {"title": "Two"}, **HTMX)
    one, two = Task.objects.filter(user=alice).order_by("pk")

    edited = alice_client.post(
        f"/task/{two.pk}/edit/",
        {
            "title": "Two",
            "priority": "medium",
            "status": "in_progress",
            "version": two.version,
        },
        **HTMX,
    )
    assert oob_counts(edited) == {"all": 2, "pending": 1, "in_progress": 1, "completed": 0}

    toggled = alice_client.post(f"/task/{one.pk}/toggle/", **HTMX)
    assert oob_counts(toggled) == {"all": 2, "pending": 0, "in_progress": 1, "completed": 1}

    deleted = alice_client.post(f"/task/{one.pk}/delete/", **HTMX)
    assert oob_counts(deleted) == {"all": 1, "pending": 0, "in_progress": 1, "completed": 0}
    assert board_counts() == oob_counts(deleted)

    restored = alice_client.post(f"/task/{one.pk}/restore/", **HTMX)
    assert oob_counts(restored) == {"all": 2, "pending": 0, "in_progress": 1, "completed": 1}
    assert board_counts() == oob_counts(restored)
