"""The admin's task changelist: list display, search, filters and date hierarchy."""

import pytest

from tasks.models import Priority, Status
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

URL = "/admin/tasks/task/"


@pytest.fixture
def tasks(alice, bob, make_task):
    return {
        "report": make_task(
            alice,
            "Quarterly report",
            description="revenue",
            priority=Priority.HIGH,
            status=Status.IN_PROGRESS,
        ),
        "plants": make_task(alice, "Water the plants", status=Status.COMPLETED),
        "bobs": make_task(bob, "Bob's errand", priority=Priority.LOW),
    }


def listed(response) -> set[str]:
    html = response.content.decode()
    return {
        title
        for title in ("Quarterly report", "Water the plants", "Bob&#x27;s errand")
        if title in html
    }


def test_it_lists_every_users_tasks_with_owner_status_and_priority(admin_client, tasks):
    response = admin_client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert listed(response) == {"Quarterly report", "Water the plants", "Bob&#x27;s errand"}
    for column in (
        "column-title",
        "column-user",
        "column-status",
        "column-priority",
        "column-due_date",
    ):
        assert column in html
    assert 'id="changelist-filter"' in html
    assert '<nav class="toplinks" aria-labelledby="date-hierarchy-label">' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "quarterly"}, {"Quarterly report"}),
        ({"q": "revenue"}, {"Quarterly report"}),
        ({"q": "bob"}, {"Bob&#x27;s errand"}),
        ({"status__exact": "completed"}, {"Water the plants"}),
        ({"priority__exact": "low"}, {"Bob&#x27;s errand"}),
        (
            {"deleted_at__isnull": "True"},
            {"Quarterly report", "Water the plants", "Bob&#x27;s errand"},
        ),
    ],
)
def test_it_searches_and_filters_the_changelist(admin_client, tasks, query, expected):
    response = admin_client.get(URL, query)

    assert response.status_code == 200
    assert listed(response) == expected


def test_it_drills_down_by_creation_date(admin_client, tasks, today):
    response = admin_client.get(URL, {"created_at__year": today.year})

    assert response.status_code == 200
    assert len(listed(response)) == 3


def test_it_shows_a_task_change_form_with_readonly_timestamps(admin_client, tasks):
    response = admin_client.get(f"{URL}{tasks['report'].pk}/change/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Quarterly report" in html
    assert 'name="created_at"' not in html  # read-only, shown as text


def test_it_keeps_regular_users_out_of_the_admin(alice_client):
    response = alice_client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_keeps_regular_users_out_of_the_admin_over_htmx(alice_client):
    response = alice_client.get(URL, **HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_it_lists_and_searches_saved_views(admin_client, alice):
    from tasks.models import SavedView

    SavedView.objects.create(user=alice, name="Due this week", url="/?due=week")
    SavedView.objects.create(user=alice, name="High", url="/?priority=high")

    response = admin_client.get("/admin/tasks/savedview/", {"q": "week"})

    assert response.status_code == 200
    assert b"Due this week" in response.content
    assert b"/?priority=high" not in response.content
