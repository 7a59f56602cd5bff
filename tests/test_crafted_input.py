"""Crafted input that used to answer 500 (issue 22, item 29): digits that str.isdigit() accepts
but int() does not ("²"), numbers longer than int() reads, and a session cookie with a NUL
byte (a PostgreSQL DataError on every page). Each now gets a clear answer; the hostile-input
walker (tests/test_hostile_input.py) knows these shapes too."""

import pytest
from django.test import Client

from reminders.models import Notification
from tasks.models import Task
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db

NOT_A_NUMBER = ["²", "٣٣", "1²", "9" * 5000, "-1", "1e3", " 1", ""]


@pytest.mark.parametrize("seen", NOT_A_NUMBER)
def test_the_bell_reads_any_seen_value(alice_client, seen):
    response = alice_client.get("/notifications/bell/", {"seen": seen}, **HTMX)
    assert response.status_code == 200


@pytest.mark.parametrize("newest", NOT_A_NUMBER)
def test_read_all_reads_any_newest_value(alice_client, alice, newest):
    Notification.objects.create(user=alice, text="Reminder: water plants")
    response = alice_client.post("/notifications/read-all/", {"newest": newest})
    assert response.status_code == 302


def test_read_all_still_marks_only_what_was_shown(alice_client, alice):
    shown = Notification.objects.create(user=alice, text="shown")
    later = Notification.objects.create(user=alice, text="arrived later")
    alice_client.post("/notifications/read-all/", {"newest": str(shown.pk)})
    shown.refresh_from_db()
    later.refresh_from_db()
    assert shown.read_at is not None and later.read_at is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("task", "²:1", "This selection is not valid; reload the page."),
        ("task", "1:²", "This selection is not valid; reload the page."),
        ("task", "٣:1", "This selection is not valid; reload the page."),
        ("project", "²", "No such project."),
        ("project", "9" * 5000, "at most 200 characters"),
        ("project", "9" * 30, "No such project."),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_bulk_refuses_crafted_ids_clearly(
    alice_client, alice, make_task, field, value, message, headers
):
    task = make_task(alice, "Mine")
    data = {"action": "move", "task": f"{task.pk}:{task.version}", "project": "Inbox"}
    data[field] = value
    response = alice_client.post("/tasks/bulk/", data, **headers)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Task.objects.get(pk=task.pk).version == task.version


@pytest.mark.parametrize("cookie", ["abc\x00def", "\x00", "a" * 40 + "\x00", "é" * 32, "x" * 5000])
def test_a_crafted_session_cookie_is_a_logged_out_visitor(alice, cookie):
    client = Client()
    client.cookies["sessionid"] = cookie
    assert client.get("/accounts/login/").status_code == 200
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert response.cookies["sessionid"].value == ""  # the browser is told to drop it


def test_a_real_session_cookie_still_works(alice_client):
    assert alice_client.get("/").status_code == 200
