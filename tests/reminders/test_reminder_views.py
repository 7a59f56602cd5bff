"""Reminders on a task, the notifications list, the bell (ETag, 304) and reminder settings:
plain and htmx, the owner and another person."""

import datetime as dt

import pytest
from django.utils import timezone

from reminders.models import Kind, Notification, Reminder, ReminderSettings, State
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(alice, make_task):
    task = make_task(alice, title="Submit report", due_date=dt.date(2026, 12, 3), due_time=None)
    Reminder.objects.filter(task=task).delete()  # the default one; tests add their own
    return task


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


def note(user, text="Reminder: Submit report", **fields):
    return Notification.objects.create(user=user, text=text, **fields)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_lists_a_tasks_reminders_to_its_owner(alice_client, task, headers):
    Reminder.objects.create(task=task, user=task.user, kind=Kind.BEFORE, offset_minutes=60)
    response = alice_client.get(f"/task/{task.pk}/reminders/", **headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 hour before" in html
    assert "Thu 3 Dec 08:00" in html  # 09:00 all-day due minus an hour, in UTC (server zone)
    assert ("<html" in html) is (not headers)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_answers_404_to_another_person(bob_client, task, headers):
    reminder = Reminder.objects.create(
        task=task, user=task.user, kind=Kind.BEFORE, offset_minutes=0
    )
    mine = note(task.user)
    assert bob_client.get(f"/task/{task.pk}/reminders/", **headers).status_code == 404
    post = bob_client.post(f"/task/{task.pk}/reminders/", {"when": "60"}, **headers)
    assert post.status_code == 404
    assert bob_client.post(f"/reminders/{reminder.pk}/delete/", **headers).status_code == 404
    assert bob_client.post(f"/notifications/{mine.pk}/read/", **headers).status_code == 404
    assert Reminder.objects.filter(task=task).count() == 1
    mine.refresh_from_db()
    assert mine.read_at is None
    bob_client.post("/notifications/read-all/", **headers)
    assert Notification.objects.get(pk=mine.pk).read_at is None
    assert "Submit report" not in bob_client.get("/notifications/").content.decode()


def test_it_adds_a_relative_reminder_and_redirects_a_plain_post(alice_client, task):
    response = alice_client.post(f"/task/{task.pk}/reminders/", {"when": "1440"})
    assert response.status_code == 302
    assert response["Location"] == f"/task/{task.pk}/reminders/"
    reminder = Reminder.objects.get(task=task)
    assert (reminder.kind, reminder.offset_minutes, reminder.state) == (
        Kind.BEFORE,
        1440,
        State.PENDING,
    )
    assert reminder.fire_at == dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def test_it_adds_an_absolute_reminder_in_the_persons_zone_for_htmx(alice_client, task):
    session = alice_client.session
    session["timezone"] = "Europe/Berlin"
    session.save()
    response = alice_client.post(
        f"/task/{task.pk}/reminders/", {"when": "custom", "remind_at": "2026-12-01T18:30"}, **HTMX
    )
    assert response.status_code == 200
    assert 'id="reminders"' in response.content.decode()
    reminder = Reminder.objects.get(task=task)
    assert reminder.kind == Kind.AT
    assert reminder.fire_at == dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "data, error",
    [
        ({"when": "custom", "remind_at": ""}, "Choose the date and time"),
        ({"when": "custom", "remind_at": "tomorrow-ish"}, "Enter a valid date/time"),
        ({"when": "17"}, "Select a valid choice"),
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_answers_bad_input_with_422_and_the_error(alice_client, task, data, error, headers):
    response = alice_client.post(f"/task/{task.pk}/reminders/", data, **headers)
    assert response.status_code == 422
    assert error in response.content.decode()
    assert not Reminder.objects.filter(task=task).exists()


def test_it_refuses_a_relative_reminder_on_a_task_without_due_date(alice_client, alice, make_task):
    undated = make_task(alice, title="Someday")
    response = alice_client.post(f"/task/{undated.pk}/reminders/", {"when": "60"})
    assert response.status_code == 422
    assert "no due date" in response.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_removes_a_pending_reminder_but_keeps_sent_history(alice_client, task, headers):
    pending = Reminder.objects.create(task=task, user=task.user, kind=Kind.BEFORE, offset_minutes=0)
    sent = Reminder.objects.create(
        task=task, user=task.user, kind=Kind.BEFORE, offset_minutes=60, state=State.SENT
    )
    response = alice_client.post(f"/reminders/{pending.pk}/delete/", **headers)
    assert response.status_code == (200 if headers else 302)
    alice_client.post(f"/reminders/{sent.pk}/delete/", **headers)
    assert list(Reminder.objects.filter(task=task)) == [sent]


def test_it_shows_the_reminders_link_on_the_task_page(alice_client, task):
    html = alice_client.get(f"/task/{task.pk}/").content.decode()
    assert f'href="/task/{task.pk}/reminders/"' in html
    assert f'hx-get="/task/{task.pk}/reminders/"' in html


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_lists_notifications_newest_first(alice_client, alice, headers):
    note(alice, "first")
    note(alice, "second", read_at=timezone.now())
    response = alice_client.get("/notifications/", **headers)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("second") < html.index("first")
    assert html.count(">Mark read<") == 1


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_it_marks_one_read_and_keeps_the_first_read_time(alice_client, alice, headers):
    item = note(alice)
    response = alice_client.post(f"/notifications/{item.pk}/read/", **headers)
    assert response.status_code == (200 if headers else 302)
    item.refresh_from_db()
    first = item.read_at
    assert first is not None
    alice_client.post(f"/notifications/{item.pk}/read/", **headers)
    item.refresh_from_db()
    assert item.read_at == first
    if headers:
        # The bell comes along out of band with the new count.
        assert 'id="notification-bell"' in response.content.decode()
        assert 'hx-swap-oob="outerHTML"' in response.content.decode()


def test_it_marks_all_read_only_up_to_what_the_page_showed(alice_client, alice):
    shown = note(alice, "shown")
    arrived_later = note(alice, "arrived later")
    alice_client.post("/notifications/read-all/", {"newest": str(shown.pk)})
    assert Notification.objects.get(pk=shown.pk).read_at is not None
    assert Notification.objects.get(pk=arrived_later.pk).read_at is None


def test_it_puts_a_lazy_bell_link_in_the_header(alice_client):
    html = alice_client.get("/").content.decode()
    assert 'href="/notifications/"' in html
    assert 'hx-get="/notifications/bell/"' in html
    assert 'hx-trigger="load, every 30s"' in html


def test_it_counts_unread_in_the_bell_and_answers_304_to_an_idle_poll(
    alice_client, alice, django_assert_num_queries
):
    note(alice)
    note(alice, read_at=timezone.now())
    with django_assert_num_queries(3):  # session, user, the one count
        first = alice_client.get("/notifications/bell/", **HTMX)
    assert first.status_code == 200
    assert "data-unread>1<" in first.content.decode()
    assert first["Cache-Control"] == "private, no-cache"
    etag = first["ETag"]
    idle = alice_client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=etag, **HTMX)
    assert idle.status_code == 304
    assert idle.content == b""
    note(alice, "new one")
    changed = alice_client.get("/notifications/bell/", HTTP_IF_NONE_MATCH=etag, **HTMX)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_it_announces_new_notifications_since_the_last_poll(alice_client, alice):
    seen = note(alice)
    quiet = alice_client.get(f"/notifications/bell/?seen={seen.pk}", **HTMX).content.decode()
    assert "data-notification-toast" not in quiet
    note(alice, "new one")
    html = alice_client.get(f"/notifications/bell/?seen={seen.pk}", **HTMX).content.decode()
    assert "2 unread notifications" in html
    assert 'hx-swap-oob="beforeend:#toasts"' in html


def test_it_saves_reminder_settings_and_email(alice_client, alice):
    assert alice_client.get("/reminders/settings/").status_code == 200
    response = alice_client.post(
        "/reminders/settings/",
        {
            "email": "alice@example.com",
            "default_reminder": "on",
            "default_time": "07:30",
            "late_limit_hours": "6",
            "digest": "on",
            "digest_hour": "7",
        },
    )
    assert response.status_code == 302
    prefs = ReminderSettings.objects.get(user=alice)
    assert (prefs.default_time, prefs.late_limit_hours, prefs.digest, prefs.digest_hour) == (
        dt.time(7, 30),
        6,
        True,
        7,
    )
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_it_refuses_bad_settings_with_422(alice_client, alice):
    response = alice_client.post(
        "/reminders/settings/",
        {"email": "not an address", "default_time": "25:00", "late_limit_hours": "0"},
    )
    assert response.status_code == 422
    assert not ReminderSettings.objects.filter(user=alice).exists()


@pytest.mark.parametrize("n", [1, 30])
def test_it_lists_notifications_in_three_queries_whatever_their_number(
    alice_client, alice, task, n, django_assert_num_queries
):
    Notification.objects.bulk_create(
        Notification(user=alice, task=task, text=f"Reminder {i}") for i in range(n)
    )
    with django_assert_num_queries(3):  # session, user, the notifications with their tasks
        response = alice_client.get("/notifications/")
    assert response.content.decode().count("data-notification=") == n


@pytest.mark.parametrize("n", [1, 20])
def test_it_lists_a_tasks_reminders_in_six_queries_whatever_their_number(
    alice_client, alice, task, n, django_assert_num_queries
):
    Reminder.objects.bulk_create(
        Reminder(
            task=task, user=alice, kind=Kind.BEFORE, offset_minutes=i, synced_at=timezone.now()
        )
        for i in range(n)
    )
    # session, user, the person's projects, the task, the stale-reminder check, the reminders
    with django_assert_num_queries(6):
        response = alice_client.get(f"/task/{task.pk}/reminders/")
    assert response.content.decode().count("data-reminder=") == n
