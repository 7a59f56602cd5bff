"""One rule for every write under a filter: a task that does not (or no longer) match the view
on screen is not shown there, and the toast says why with a link to show everything; every
action returns to the exact view it started from."""

import re

import pytest

from tasks.models import Priority, Status, Task
from tests.conftest import htmx_on, oob_counts, oob_toasts, row_ids

pytestmark = pytest.mark.django_db

COMPLETED_VIEW = "/?status=completed"


# --- quick add ---------------------------------------------------------------------------------


def test_quick_add_under_a_filter_it_does_not_match_is_not_inserted(alice_client, alice):
    response = alice_client.post("/task/new/", {"title": "Buy milk"}, **htmx_on(COMPLETED_VIEW))

    assert response.status_code == 200
    assert row_ids(response) == []
    toasts = oob_toasts(response)
    assert "Task added: “Buy milk” — not shown under these filters." in toasts
    assert '<a class="btn btn-sm btn-light" href="/">Show all</a>' in toasts
    assert oob_counts(response)["pending"] == 1
    assert Task.objects.visible_to(alice).get().title == "Buy milk"


def test_quick_add_that_matches_shows_where_it_belongs_in_the_sort(alice_client, alice, make_task):
    make_task(alice, "Apples")
    make_task(alice, "Cherries")

    response = alice_client.post("/task/new/", {"title": "Bananas"}, **htmx_on("/?sort=title"))

    new = Task.objects.get(title="Bananas")
    assert response["HX-Retarget"] == "#task-list"
    assert response["HX-Reswap"] == "outerHTML"
    titles = [Task.objects.get(pk=pk).title for pk in row_ids(response)]
    assert titles == ["Apples", "Bananas", "Cherries"]
    assert new.pk in row_ids(response)
    assert "Task added" in oob_toasts(response)


def test_quick_add_newest_first_inserts_just_the_row(alice_client, alice, make_task):
    make_task(alice, "Older")

    response = alice_client.post("/task/new/", {"title": "Newer"}, **htmx_on("/?q=new"))

    assert "HX-Retarget" not in response
    assert row_ids(response) == [Task.objects.get(title="Newer").pk]


def test_a_plain_create_under_a_filter_returns_there_and_says_it_is_hidden(alice_client):
    response = alice_client.post("/task/new/", {"title": "Buy milk", "next": COMPLETED_VIEW})

    assert response["Location"] == COMPLETED_VIEW
    page = alice_client.get(COMPLETED_VIEW).content.decode()
    assert "not shown under these filters" in page
    assert ">Show all</a>" in page


# --- inline edit and toggle: one rule ----------------------------------------------------------


def test_an_inline_edit_that_leaves_the_filter_removes_the_row_and_says_why(
    alice_client, alice, make_task
):
    task = make_task(alice, "Water the plants")
    data = {"title": task.title, "priority": "medium", "status": "completed", "version": 1}

    response = alice_client.post(f"/task/{task.pk}/edit/", data, **htmx_on("/?status=pending"))

    assert response.status_code == 200
    assert row_ids(response) == []  # the row is swapped for nothing: it leaves the list
    assert "Task updated: “Water the plants” — not shown under these filters." in oob_toasts(
        response
    )
    assert Task.objects.get(pk=task.pk).status == Status.COMPLETED


def test_an_inline_edit_that_still_matches_keeps_the_row(alice_client, alice, make_task):
    task = make_task(alice, "Water the plants")
    data = {"title": "Water the roses", "priority": "high", "status": "pending", "version": 1}

    response = alice_client.post(f"/task/{task.pk}/edit/", data, **htmx_on("/?status=pending"))

    assert row_ids(response) == [task.pk]
    assert "not shown" not in oob_toasts(response)


def test_a_toggle_that_leaves_the_filter_says_why(alice_client, alice, make_task):
    task = make_task(alice, "Water the plants")

    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on("/?status=pending"))

    assert row_ids(response) == []
    assert "Completed “Water the plants” — not shown under these filters." in oob_toasts(response)


def test_writes_follow_the_search_field_too(alice_client, alice, make_task):
    task = make_task(alice, "Report", priority=Priority.HIGH)
    data = {"title": "Report", "priority": "low", "status": "pending", "version": 1}

    response = alice_client.post(f"/task/{task.pk}/edit/", data, **htmx_on("/?q=p:high"))

    assert row_ids(response) == []


# --- every action returns to the view it started from ------------------------------------------


def test_more_fields_carries_the_view_and_the_full_form_returns_there(alice_client):
    board = alice_client.get("/?status=pending&sort=due").content.decode()

    link = re.search(r'<a [^>]*href="([^"]*)" title="More fields">', board)[1]
    assert link == "/task/new/?next=/%3Fstatus%3Dpending%26sort%3Ddue"
    form = alice_client.get(link.replace("&amp;", "&")).content.decode()
    assert '<input type="hidden" name="next" value="/?status=pending&amp;sort=due">' in form
    response = alice_client.post(
        "/task/new/", {"title": "Full form", "next": "/?status=pending&sort=due"}
    )
    assert response["Location"] == "/?status=pending&sort=due"


def test_a_plain_edit_returns_to_the_view_it_was_opened_from(alice_client, alice, make_task):
    task = make_task(alice, "Report")

    page = alice_client.get(f"/task/{task.pk}/edit/", {"next": "/?q=rep"}).content.decode()
    assert '<input type="hidden" name="next" value="/?q=rep">' in page
    data = {"title": "Report v2", "priority": "medium", "status": "pending", "version": 1}
    response = alice_client.post(f"/task/{task.pk}/edit/", data | {"next": "/?q=rep"})

    assert response.status_code == 302
    assert response["Location"] == "/?q=rep"


def test_the_edit_page_falls_back_to_the_board_it_was_linked_from(alice_client, alice, make_task):
    """The row's title is a plain link (its HTML is cached, so it carries no view): the
    Referer names the board it was clicked on."""
    task = make_task(alice, "Report")

    page = alice_client.get(
        f"/task/{task.pk}/edit/", HTTP_REFERER="http://testserver/?q=rep&sort=title"
    ).content.decode()

    assert '<input type="hidden" name="next" value="/?q=rep&amp;sort=title">' in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/accounts/logout/", "javascript:x"]
)
def test_it_never_returns_anywhere_but_the_board(alice_client, alice, make_task, target):
    task = make_task(alice, "Report")

    page = alice_client.get(f"/task/{task.pk}/edit/", {"next": target}).content.decode()
    referer = alice_client.get(f"/task/{task.pk}/edit/", HTTP_REFERER=target).content.decode()
    data = {"title": "Report", "priority": "medium", "status": "pending", "version": 1}
    response = alice_client.post(f"/task/{task.pk}/edit/", data | {"next": target})

    assert '<input type="hidden" name="next" value="/">' in page
    assert '<input type="hidden" name="next" value="/">' in referer
    assert response["Location"] == "/"
