"""Board scopes: All (/), Inbox, Today, Upcoming and a project, each its own URL, with the
filter bar working inside, and writes answered in terms of the scope on screen."""

import datetime as dt

import pytest

from tasks.filters import BoardView, Scope, read_path, safe_next
from tasks.models import Project, Status
from tests.conftest import HTMX, htmx_on, row_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(alice, make_task, today):
    work = Project.objects.create(user=alice, name="Work")
    return {
        "overdue": make_task(alice, "Overdue", due_date=today - dt.timedelta(days=2)),
        "today": make_task(alice, "Due today", due_date=today, project=work),
        "in13": make_task(alice, "In 13 days", due_date=today + dt.timedelta(days=13)),
        "in14": make_task(alice, "In 14 days", due_date=today + dt.timedelta(days=14)),
        "done": make_task(alice, "Done today", due_date=today, status=Status.COMPLETED),
        "undated": make_task(alice, "Undated", project=work),
        "work": work,
    }


def ids(*tasks):
    return sorted(t.pk for t in tasks)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
def test_it_shows_each_scope_at_its_own_url(alice_client, spread, headers):
    s = spread
    shown = {
        url: sorted(row_ids(alice_client.get(url, **headers)))
        for url in ("/", "/inbox/", "/today/", "/upcoming/", f"/projects/{s['work'].pk}/")
    }
    assert shown["/today/"] == ids(s["overdue"], s["today"])
    assert shown["/upcoming/"] == ids(s["overdue"], s["today"], s["in13"])
    assert shown["/inbox/"] == ids(s["overdue"], s["in13"], s["in14"], s["done"])
    assert shown[f"/projects/{s['work'].pk}/"] == ids(s["today"], s["undated"])
    assert len(shown["/"]) == 6


def test_it_filters_and_searches_inside_a_scope(alice_client, spread):
    response = alice_client.get("/upcoming/", {"q": "today"})
    assert row_ids(response) == [spread["today"].pk]


def test_it_answers_404_for_another_users_or_a_missing_project(client, bob, spread):
    client.force_login(bob)
    for headers in ({}, HTMX):
        assert client.get(f"/projects/{spread['work'].pk}/", **headers).status_code == 404
        assert client.get("/projects/987654321/", **headers).status_code == 404


def test_it_points_the_filter_bar_and_status_links_at_the_scope(alice_client, spread):
    page = alice_client.get("/today/").content.decode()
    assert 'action="/today/"' in page
    assert 'href="/today/?status=pending"' in page


def test_it_takes_a_completed_task_off_the_today_list(alice_client, spread, today):
    task = spread["today"]
    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on("/today/"))
    assert response.status_code == 200
    assert f'id="task-{task.pk}"' not in response.content.decode().split("hx-swap-oob")[0]


def test_it_redirects_a_plain_write_back_to_the_scope_it_came_from(alice_client, spread):
    work = spread["work"]
    response = alice_client.post(
        f"/task/{spread['undated'].pk}/toggle/", {"next": f"/projects/{work.pk}/?sort=due"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{work.pk}/?sort=due"


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/today/", "/today/"),
        ("/projects/12/?q=x", "/projects/12/?q=x"),
        ("/inbox/?sort=due", "/inbox/?sort=due"),
        ("/projects/0/", "/"),
        ("/projects/x/", "/"),
        ("//evil.example/", "/"),
        ("/trash/", "/"),
        ("https://evil.example/today/", "/"),
    ],
)
def test_it_accepts_only_board_paths_as_return_addresses(target, expected):
    assert safe_next(target) == expected


def test_it_reads_scope_and_builds_the_url_back():
    assert read_path("/projects/7/") == (Scope.PROJECT, 7)
    assert read_path("/today/") == (Scope.TODAY, None)
    assert read_path("/nope/") is None
    view = BoardView.from_location("/projects/7/", {"q": "x", "sort": "due"})
    assert view.url == "/projects/7/?q=x&sort=due"
    assert BoardView.from_location("/", {}).url == "/"
