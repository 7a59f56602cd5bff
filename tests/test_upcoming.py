"""Today and Upcoming: sorted by due date, under a heading per day in the person's time zone
(Overdue, Today, Tomorrow, "Thu 3 Dec"), across pages and after writes; scope titles and counts."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from accounts.models import Profile
from tasks.models import Project, Status
from tests.conftest import HTMX, htmx_on, row_ids
from tests.html import find, find_all

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo("Pacific/Auckland")
WEDNESDAY = dt.date(2026, 12, 2)


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def headings(response) -> list[str]:
    """The day headings in the list (the page has other h3s: the bulk-action toolbar's)."""
    return [
        " ".join(h.text.split())
        for item in find_all(response, "li")
        if "day-heading" in (item.get("class") or "").split()
        for h in item.children
        if h.tag == "h3"
    ]


def day(n: int) -> dt.date:
    return WEDNESDAY + dt.timedelta(days=n)


@pytest.fixture
def week(alice, alice_client, make_task, clock):
    """Alice lives in Auckland (UTC+13); it is 09:00 on Wednesday 2 December 2026 there."""
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    session = alice_client.session  # logging in put the zone in the session
    session["timezone"] = "Pacific/Auckland"
    session.save()
    clock(dt.datetime(2026, 12, 2, 9, tzinfo=ZONE))
    return {
        "late": make_task(alice, "Late", due_date=day(-3)),
        "later": make_task(alice, "Later still", due_date=day(-1)),
        "now": make_task(alice, "Now", due_date=day(0)),
        "tomorrow": make_task(alice, "Tomorrow's", due_date=day(1)),
        "thursday": make_task(alice, "Thursday's", due_date=day(8)),
        "thursday2": make_task(alice, "Thursday's too", due_date=day(8)),
        "far": make_task(alice, "Too far", due_date=day(14)),
        "done": make_task(alice, "Done", due_date=day(1), status=Status.COMPLETED),
    }


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
def test_it_groups_upcoming_under_a_heading_per_day_overdue_first(alice_client, week, headers):
    response = alice_client.get("/upcoming/", **headers)

    w = week
    assert row_ids(response) == [
        w[k].pk for k in ("late", "later", "now", "tomorrow", "thursday", "thursday2")
    ]
    assert headings(response) == ["Overdue", "Today", "Tomorrow", "Thu 10 Dec"]


def test_it_puts_each_task_under_its_days_heading(alice_client, week):
    response = alice_client.get("/upcoming/")

    items = [li for li in find(response, "ul", id="tasks").children if li.tag == "li"]
    shape = [li.find("h3").text if li.find("h3") else int(li["data-task-id"]) for li in items]
    w = week
    assert shape == [
        "Overdue", w["late"].pk, w["later"].pk,
        "Today", w["now"].pk,
        "Tomorrow", w["tomorrow"].pk,
        "Thu 10 Dec", w["thursday"].pk, w["thursday2"].pk,
    ]  # fmt: skip
    # A heading is a list item without data-task: j/k and the row code pass over it.
    assert all(li.get("data-task") is None for li in items if li.find("h3"))


def test_it_groups_today_too(alice_client, week):
    assert headings(alice_client.get("/today/")) == ["Overdue", "Today"]


def test_it_sorts_by_due_date_by_default_and_keeps_an_explicit_sort(alice_client, week):
    page = alice_client.get("/upcoming/").content.decode()
    assert '<option value="due" selected>' in page

    newest = alice_client.get("/upcoming/", {"sort": "newest"})
    assert headings(newest) == []  # days out of order: no headings
    assert row_ids(newest)[0] == week["thursday2"].pk
    assert "sort=newest" in newest.content.decode()  # kept in the links


def test_it_reads_the_day_in_the_persons_zone_at_midnight(alice_client, alice, week, clock):
    # 10:59 UTC on 2 Dec is 23:59 in Auckland: "Now" is still due today there.
    clock(dt.datetime(2026, 12, 2, 10, 59, tzinfo=dt.UTC))
    assert headings(alice_client.get("/upcoming/"))[:3] == ["Overdue", "Today", "Tomorrow"]
    assert row_ids(alice_client.get("/today/"))[-1] == week["now"].pk

    # Two minutes later it is Thursday 3 December there: yesterday's "Now" is overdue,
    # "Tomorrow's" is due today, and Thursday the 10th is a week away.
    clock(dt.datetime(2026, 12, 2, 11, 1, tzinfo=dt.UTC))
    response = alice_client.get("/upcoming/")
    assert headings(response) == ["Overdue", "Today", "Thu 10 Dec", "Wed 16 Dec"]
    assert row_ids(alice_client.get("/today/"))[-1] == week["tomorrow"].pk


def test_it_starts_each_page_with_a_heading_and_says_when_the_day_continues(
    alice_client, alice, make_task, week, settings
):
    settings.TASKS_PAGE_SIZE = 3
    make_task(alice, "Also tomorrow", due_date=day(1))
    first = alice_client.get("/upcoming/")
    assert headings(first) == ["Overdue", "Today"]

    second = alice_client.get(find(first, "a", rel="next")["href"])
    assert headings(second) == ["Tomorrow", "Thu 10 Dec"]

    third = alice_client.get(find(second, "a", rel="next")["href"])
    assert headings(third) == ["Thu 10 Dec (continued)"]


def test_it_moves_an_edited_task_under_its_new_day(alice_client, week):
    task = week["thursday"]
    response = alice_client.post(
        f"/task/{task.pk}/edit/",
        {
            "title": task.title,
            "description": "",
            "priority": task.priority,
            "status": task.status,
            "due_date": "2026-12-03",
            "version": task.version,
        },
        **htmx_on("/upcoming/"),
    )

    assert response.status_code == 200
    # The whole list comes back: the task now sits under Tomorrow.
    assert response["HX-Retarget"] == "#task-list"
    assert headings(response) == ["Overdue", "Today", "Tomorrow", "Thu 10 Dec"]
    ids = row_ids(response)
    assert ids.index(task.pk) == ids.index(week["tomorrow"].pk) + 1


def test_it_rerenders_the_list_when_a_task_leaves_a_day(alice_client, week):
    task = week["now"]
    response = alice_client.post(f"/task/{task.pk}/toggle/", **htmx_on("/upcoming/"))

    assert response["HX-Retarget"] == "#task-list"
    assert "Today" not in headings(response)  # no empty heading left behind
    assert task.pk not in row_ids(response)


# --- titles and counts per scope -----------------------------------------------------------------


def title(response) -> str:
    return " ".join(find(response, "title").text.split())


def test_it_names_the_scope_in_the_title_and_heading(alice_client, alice, week):
    work = Project.objects.create(user=alice, name="Garden")
    for url, name in [
        ("/", "All tasks"),
        ("/inbox/", "Inbox"),
        ("/today/", "Today"),
        ("/upcoming/", "Upcoming"),
        (f"/projects/{work.pk}/", "Garden"),
    ]:
        page = alice_client.get(url)
        assert title(page) == f"{name} · taskmanager"
        assert find(page, "h1").text.strip() == name
        fragment = alice_client.get(url, {"q": "x"}, **HTMX)
        assert title(fragment) == f"{name}, filtered: “x” · taskmanager"


def counts_shown(response) -> dict:
    return {e["data-count"]: int(e.text) for e in find_all(response, data_count=True)}


def test_it_shows_exact_counts_per_project_and_hides_them_in_today_and_upcoming(
    alice_client, alice, make_task, week
):
    garden = Project.objects.create(user=alice, name="Garden")
    make_task(alice, "Dig", project=garden)
    make_task(alice, "Plant", project=garden, status=Status.COMPLETED)

    assert counts_shown(alice_client.get(f"/projects/{garden.pk}/")) == {
        "all": 2, "pending": 1, "in_progress": 0, "completed": 1,
    }  # fmt: skip
    assert counts_shown(alice_client.get("/inbox/"))["all"] == len(week)
    assert counts_shown(alice_client.get("/"))["all"] == len(week) + 2
    for url in ("/today/", "/upcoming/"):
        page = alice_client.get(url)
        assert counts_shown(page) == {}
        assert "Pending" in find(page, "ul", id="status-counts").text


@pytest.mark.parametrize(("url", "limit"), [("/today/", 5), ("/upcoming/", 5), ("/views/", 3)])
@pytest.mark.parametrize("n", [5, 60])
def test_it_keeps_the_query_count_constant(
    alice_client, alice, make_task, days, django_assert_max_num_queries, url, limit, n
):
    from tasks.models import SavedView, Task

    Task.objects.bulk_create(
        Task(user=alice, title=f"T{i}", due_date=days(i % 16 - 2)) for i in range(n)
    )
    for i in range(min(n, 9)):
        SavedView.objects.create(user=alice, name=f"V{i}", url=f"/?q=v{i}", position=i)

    with django_assert_max_num_queries(limit):
        response = alice_client.get(url)

    assert response.status_code == 200
