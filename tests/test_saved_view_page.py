"""A saved view opened from the sidebar is a list of its own (issue 22 item 7): its link alone is
marked, its name heads the page, and the status counts are its own, counted under its filters
(capped like the kanban columns), on the page and in every write's answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sharing.models import Membership, Role
from tasks.models import Priority, Project, SavedView, Status, Task
from tests.conftest import HTMX, htmx_on, oob_counts, row_ids
from tests.html import find

pytestmark = pytest.mark.django_db


def counts_shown(response) -> dict:
    counts = find(response, "ul", id="status-counts")
    return {e["data-count"]: e.text for e in counts.find_all(data_count=True)}


def current_links(response) -> list[str]:
    nav = find(response, "nav", id="sidebar-nav")
    return [a.text.split(" (g")[0].strip() for a in nav.find_all("a", aria_current="page")]


@pytest.fixture
def eleven(alice, make_task):
    """Eleven pending tasks, one of them high priority: "Urgent" saves the one."""
    urgent = make_task(alice, "Call the plumber", priority=Priority.HIGH)
    for i in range(10):
        make_task(alice, f"Task {i}")
    return urgent


@pytest.fixture
def urgent_view(alice):
    return SavedView.objects.create(user=alice, name="Urgent", url="/?priority=high", position=0)


def test_only_the_view_is_marked_and_its_name_heads_the_page(alice_client, eleven, urgent_view):
    response = alice_client.get("/?priority=high")

    assert current_links(response) == ["Urgent"]
    assert find(response, "h1").text == "Urgent"
    assert find(response, "title").text == "Urgent · taskmanager"
    assert row_ids(response) == [eleven.pk]


def test_its_status_counts_are_its_own(alice_client, alice, eleven, urgent_view, make_task):
    make_task(alice, "Done and urgent", priority=Priority.HIGH, status=Status.COMPLETED)

    response = alice_client.get("/?priority=high")

    assert counts_shown(response) == {
        "all": "2", "pending": "1", "in_progress": "0", "completed": "1",
    }  # fmt: skip


def test_a_status_link_stays_in_the_view(alice_client, eleven, urgent_view):
    response = alice_client.get("/?priority=high&status=completed")

    assert current_links(response) == ["Urgent"]
    assert find(response, "h1").text == "Urgent"
    assert counts_shown(response)["all"] == "1"
    assert row_ids(response) == []


def test_the_same_list_otherwise_is_the_scope_with_its_own_counts(alice_client, eleven):
    response = alice_client.get("/?priority=high")

    assert current_links(response) == ["All tasks"]
    assert find(response, "h1").text == "All tasks"
    assert counts_shown(response)["all"] == "11"


def test_a_scoped_view_marks_the_view_not_its_scope(alice_client, alice, days, make_task):
    make_task(alice, "Due today", due_date=days(0), priority=Priority.HIGH)
    SavedView.objects.create(user=alice, name="Hot today", url="/today/?priority=high")

    response = alice_client.get("/today/?priority=high")

    assert current_links(response) == ["Hot today"]
    assert find(response, "h1").text == "Hot today"
    assert counts_shown(response)["all"] == "1"


def test_the_counts_are_capped_like_the_kanban_columns(alice_client, alice, urgent_view):
    inbox = Project.inbox_for(alice)
    Task.objects.bulk_create(
        Task(user=alice, project=inbox, title=f"T{i}", priority=Priority.HIGH) for i in range(502)
    )

    counts = counts_shown(alice_client.get("/?priority=high"))

    assert counts["pending"] == "500+"
    assert counts["all"] == "500+"
    assert counts["completed"] == "0"


def test_a_write_on_the_views_page_answers_with_the_views_counts(alice_client, eleven, urgent_view):
    response = alice_client.post(f"/task/{eleven.pk}/toggle/", **htmx_on("/?priority=high"))

    assert oob_counts(response) == {"all": 1, "pending": 0, "in_progress": 0, "completed": 1}


def test_a_write_elsewhere_answers_with_the_scopes_counts(alice_client, eleven, urgent_view):
    response = alice_client.post(f"/task/{eleven.pk}/toggle/", **htmx_on("/?priority=low"))

    assert oob_counts(response)["all"] == 11


@pytest.mark.parametrize("n", [5, 60])
def test_its_page_runs_a_constant_number_of_queries(alice, alice_client, urgent_view, n):
    inbox = Project.inbox_for(alice)
    Task.objects.bulk_create(
        Task(user=alice, project=inbox, title=f"T{i}", priority=Priority.HIGH) for i in range(n)
    )
    for i in range(8):
        SavedView.objects.create(user=alice, name=f"V{i}", url=f"/?q=v{i}", position=i + 1)

    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get("/?priority=high")

    assert response.status_code == 200
    # Session, user, the person's projects, tags and views, the list, the view's counts.
    assert len(queries) == 6


def test_the_fragment_keeps_the_lists_title(alice_client, eleven, urgent_view):
    response = alice_client.get("/", {"priority": "high"}, **HTMX)

    assert row_ids(response) == [eleven.pk]


def test_a_member_sees_their_view_of_a_shared_project_counted(client, alice, bob, make_task):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.VIEWER)
    make_task(alice, "Shared urgent", project=shared, priority=Priority.HIGH)
    make_task(alice, "Shared calm", project=shared, priority=Priority.LOW)
    url = f"/projects/{shared.pk}/?priority=high"
    SavedView.objects.create(user=bob, name="Shared urgent", url=url)
    client.force_login(bob)

    response = client.get(url)

    assert find(response, "h1").text == "Shared urgent"
    assert counts_shown(response)["all"] == "1"


def test_another_persons_view_means_nothing_and_their_project_is_a_404(
    client, alice, bob, make_task
):
    private = Project.objects.create_for(alice, "Private")
    url = f"/projects/{private.pk}/?priority=high"
    SavedView.objects.create(user=alice, name="Mine", url=url)
    client.force_login(bob)

    assert client.get(url).status_code == 404
    assert current_links(client.get("/?priority=high")) == ["All tasks"]


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/?priority=high")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_sidebar_lists_every_view_and_marks_one(alice_client, alice, eleven, urgent_view):
    SavedView.objects.create(user=alice, name="Low", url="/?priority=low", position=1)

    response = alice_client.get("/?priority=high&sort=title")

    links = find(response, "div", id="sidebar-views").find_all("a", data_saved_view=True)
    assert [(a.text.split(" (g")[0], a.get("aria-current")) for a in links] == [
        ("Urgent", "page"),
        ("Low", None),
    ]
