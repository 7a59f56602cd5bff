"""Rescheduling one task (issue 22 item 17): postpone it to a day, skip a repeating task's
occurrence (from its row's form, its page, or a page of its own), and "Reschedule to today" for
a selection of overdue tasks. Each through the services, each with Undo."""

import datetime as dt

import pytest

from sharing.models import Membership, Role
from tasks import services
from tasks.models import BulkBatch, Project, Status, Task, TaskCompletion
from tests.conftest import HTMX, htmx_on, oob_toasts, row_ids
from tests.html import find, parse

pytestmark = pytest.mark.django_db


def url(task) -> str:
    return f"/task/{task.pk}/reschedule/"


def undo_fields(html: str) -> dict:
    form = parse(html).find("form", data_undo_form=True)
    assert form is not None, "no Undo in the toast"
    fields = {i["name"]: i.get("value", "") for i in form.find_all("input")}
    fields.pop("csrfmiddlewaretoken", None)
    return fields


@pytest.fixture
def plants(alice, make_task, today):
    return make_task(alice, "Water plants", due_date=today, recurrence="FREQ=DAILY;INTERVAL=2")


@pytest.fixture
def report(alice, make_task, today):
    return make_task(alice, "Write report", due_date=today, due_time=dt.time(9, 30))


# --- the services ---------------------------------------------------------------------------
def test_skip_moves_a_repeating_task_on_without_recording_a_completion(alice, plants, today):
    done = services.skip_occurrence(alice, plants.pk, today)

    task = Task.objects.get(pk=plants.pk)
    assert task.due_date == today + dt.timedelta(days=2)
    assert task.status == Status.PENDING and task.version == plants.version + 1
    assert (done.was_date, done.refused) == (today, "")
    assert not TaskCompletion.objects.exists()


def test_skip_twice_for_the_same_occurrence_skips_once(alice, plants, today):
    services.skip_occurrence(alice, plants.pk, today)
    again = services.skip_occurrence(alice, plants.pk, today)

    assert "already" in again.refused
    assert Task.objects.get(pk=plants.pk).due_date == today + dt.timedelta(days=2)


def test_skip_refuses_a_one_off_and_the_last_occurrence(alice, make_task, report, today):
    assert "does not repeat" in services.skip_occurrence(alice, report.pk).refused
    last = make_task(alice, "Last", due_date=today, recurrence=f"FREQ=DAILY;UNTIL={today:%Y%m%d}")
    assert "last occurrence" in services.skip_occurrence(alice, last.pk).refused
    assert Task.objects.get(pk=last.pk).due_date == today


def test_postpone_keeps_the_time_and_is_a_compare_and_swap(alice, report, today):
    later = today + dt.timedelta(days=3)

    assert services.postpone(alice, report.pk, report.version + 1, later) is None
    done = services.postpone(alice, report.pk, report.version, later)

    task = Task.objects.get(pk=report.pk)
    assert (task.due_date, task.due_time) == (later, dt.time(9, 30))
    assert (done.was_date, done.was_time) == (today, dt.time(9, 30))


def test_undo_reschedule_puts_the_date_back_only_while_unchanged(alice, report, today):
    done = services.postpone(alice, report.pk, report.version, today + dt.timedelta(days=1))
    version = done.task.version

    assert services.undo_reschedule(alice, report.pk, version + 1, today, None) is None
    back = services.undo_reschedule(alice, report.pk, version, today, dt.time(9, 30))

    assert (back.due_date, back.due_time, back.version) == (today, dt.time(9, 30), report.version)


def test_a_viewer_may_not_and_an_outsider_cannot_see(alice, bob, django_user_model, make_task):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.VIEWER)
    task = make_task(alice, "Shared", project=shared, recurrence="FREQ=DAILY")
    carol = django_user_model.objects.create_user("carol")

    with pytest.raises(services.Forbidden):
        services.skip_occurrence(bob, task.pk)
    with pytest.raises(services.NotFound):
        services.postpone(carol, task.pk, task.version, dt.date(2030, 1, 1))


# --- the view -------------------------------------------------------------------------------
def test_the_row_form_opens_in_the_row(alice_client, plants):
    response = alice_client.get(url(plants), **HTMX)

    li = find(response, "li", id=f"task-{plants.pk}")
    assert li is not None and "data-editing" in li.attrs
    assert find(response, "button", value="skip") is not None
    assert find(response, "input", type="date") is not None


def test_a_one_off_has_no_skip(alice_client, report):
    response = alice_client.get(url(report), **HTMX)

    assert find(response, "button", value="skip") is None
    assert find(response, "button", value="postpone") is not None


def test_skip_from_the_row_answers_with_the_row_and_a_toast_with_undo(alice_client, plants, today):
    response = alice_client.post(
        url(plants),
        {"action": "skip", "version": plants.version, "occurrence": today.isoformat()},
        **HTMX,
    )

    assert row_ids(response) == [plants.pk]
    following = today + dt.timedelta(days=2)
    words = f"Skipped “Water plants” — next: {following:%a} {following.day} {following:%b}"
    assert words in oob_toasts(response)
    fields = undo_fields(oob_toasts(response))
    alice_client.post(f"/task/{plants.pk}/undo/", fields, **HTMX)
    assert Task.objects.get(pk=plants.pk).due_date == today


def test_postpone_from_the_row_and_undo(alice_client, report, today):
    later = today + dt.timedelta(days=4)

    response = alice_client.post(
        url(report),
        {"action": "postpone", "version": report.version, "due_date": later.isoformat()},
        **HTMX,
    )

    assert f"Postponed “Write report” to {later:%a} {later.day} {later:%b}" in oob_toasts(response)
    alice_client.post(f"/task/{report.pk}/undo/", undo_fields(oob_toasts(response)), **HTMX)
    task = Task.objects.get(pk=report.pk)
    assert (task.due_date, task.due_time) == (today, dt.time(9, 30))


def test_postponed_out_of_today_it_leaves_today(alice_client, report, today):
    later = today + dt.timedelta(days=4)

    response = alice_client.post(
        url(report),
        {"action": "postpone", "version": report.version, "due_date": later.isoformat()},
        **htmx_on("/today/"),
    )

    assert report.pk not in row_ids(response)
    assert "not shown under these filters" in oob_toasts(response)


def test_a_stale_postpone_is_a_conflict_that_shows_the_task_as_it_is(alice_client, report):
    Task.objects.filter(pk=report.pk).update(version=report.version + 1, title="Write the report")

    response = alice_client.post(
        url(report),
        {"action": "postpone", "version": report.version, "due_date": "2030-01-01"},
        **HTMX,
    )

    assert response.status_code == 409
    assert "Write the report" in response.content.decode()
    assert Task.objects.get(pk=report.pk).due_date != dt.date(2030, 1, 1)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"action": "postpone"}, "Choose the day to postpone it to."),
        ({"action": "postpone", "due_date": "2026-02-30"}, "Enter a real date"),
    ],
)
def test_bad_input_shows_the_error_and_saves_nothing(alice_client, report, headers, data, error):
    response = alice_client.post(url(report), {**data, "version": report.version}, **headers)

    assert response.status_code == 422
    assert error in response.content.decode()
    assert Task.objects.get(pk=report.pk).version == report.version


def test_without_javascript_it_is_a_page_that_returns_to_the_board(alice_client, plants, today):
    page = alice_client.get(url(plants), {"next": "/today/"})
    assert page.status_code == 200
    assert find(page, "h1").text == "Reschedule “Water plants”"

    response = alice_client.post(
        url(plants),
        {"action": "skip", "version": plants.version, "occurrence": today.isoformat(),
         "next": "/today/"},
    )  # fmt: skip

    assert response.status_code == 302 and response["Location"] == "/today/"


def test_the_task_page_offers_it_and_returns_there(alice_client, plants, today):
    page = alice_client.get(f"/task/{plants.pk}/")
    form = find(page, "section", class_="task-reschedule").find("form")
    assert form["action"] == url(plants)

    response = alice_client.post(
        url(plants),
        {"action": "skip", "version": plants.version, "occurrence": today.isoformat(),
         "next": f"/task/{plants.pk}/"},
    )  # fmt: skip

    assert response["Location"] == f"/task/{plants.pk}/"
    assert "Skipped “Water plants”" in alice_client.get(f"/task/{plants.pk}/").content.decode()


def test_a_viewers_task_page_has_no_form_and_the_view_refuses(client, alice, bob, make_task):
    shared = Project.objects.create_for(alice, "Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.VIEWER)
    task = make_task(alice, "Shared", project=shared)
    client.force_login(bob)

    assert find(client.get(f"/task/{task.pk}/"), "section", class_="task-reschedule") is None
    assert client.get(url(task)).status_code == 403
    data = {"action": "postpone", "version": task.version, "due_date": "2030-01-01"}
    assert client.post(url(task), data, **HTMX).status_code == 403


def test_an_outsider_gets_404_and_anonymous_logs_in(client, alice, bob, report):
    client.force_login(bob)
    assert client.get(url(report)).status_code == 404
    assert client.post(url(report), {"action": "skip", "version": 1}).status_code == 404
    client.logout()
    assert "/accounts/login/" in client.get(url(report))["Location"]


def test_the_row_has_a_reschedule_button_and_the_title_opens_the_task_page(alice_client, plants):
    page = alice_client.get("/")

    button = find(page, "button", id=f"task-{plants.pk}-reschedule")
    assert button["formaction"] == url(plants) and button["hx-get"] == url(plants)
    assert find(page, "a", id=f"task-{plants.pk}-title")["href"] == f"/task/{plants.pk}/"


# --- Reschedule to today ----------------------------------------------------------------------
def test_reschedule_to_today_moves_the_overdue_ones_and_undo_puts_them_back(
    alice_client, alice, make_task, days, today
):
    late = make_task(alice, "Late", due_date=days(-3), due_time=dt.time(8, 0))
    later = make_task(alice, "Later", due_date=days(-1))
    soon = make_task(alice, "Soon", due_date=days(2))
    done = make_task(alice, "Done late", due_date=days(-2), status=Status.COMPLETED)
    picked = [f"{t.pk}:{t.version}" for t in (late, later, soon, done)]

    response = alice_client.post(
        "/tasks/bulk/", {"action": "today", "task": picked, "view": "/today/"}, **htmx_on("/today/")
    )

    assert "2 tasks rescheduled to today" in oob_toasts(response)
    assert Task.objects.get(pk=late.pk).due_date == today
    assert Task.objects.get(pk=late.pk).due_time == dt.time(8, 0)
    assert Task.objects.get(pk=later.pk).due_date == today
    assert Task.objects.get(pk=soon.pk).due_date == days(2)
    assert Task.objects.get(pk=done.pk).due_date == days(-2)
    headings = [h.text for h in parse(response).find_all("li", class_="day-heading")]
    assert headings == ["Today"]

    alice_client.post(f"/tasks/bulk/{BulkBatch.objects.get().pk}/undo/", **htmx_on("/today/"))
    assert Task.objects.get(pk=late.pk).due_date == days(-3)


def test_reschedule_to_today_is_in_the_toolbar(alice_client, alice, make_task, days):
    make_task(alice, "Late", due_date=days(-3))

    page = alice_client.get("/today/")

    assert find(page, "button", value="today") is not None
    assert find(page, "option", value="today") is not None
