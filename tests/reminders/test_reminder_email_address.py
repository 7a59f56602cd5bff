"""Reminder email goes only to an address its owner confirmed by a link, at most
REMINDERS_EMAILS_PER_DAY a day, and never to a deactivated account (issue 22, items 26, 28):
the settings page was a way to make the server mail anyone, with a text of one's choosing."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reminders import delivery, jobs
from reminders.models import Kind, Notification, Reminder, ReminderSettings, State

pytestmark = pytest.mark.django_db

SETTINGS = {
    "default_time": "09:00",
    "late_limit_hours": "24",
    "digest_hour": "8",
}


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def set_address(client, email, capture):
    with capture(execute=True):
        response = client.post("/reminders/settings/", SETTINGS | {"email": email})
    assert response.status_code == 302
    return response


def run_confirmation_jobs() -> list[bool]:
    queued = DBTaskResult.objects.filter(task_path=jobs.send_email_confirmation.module_path)
    results = [jobs.send_email_confirmation.call(*job.args_kwargs["args"]) for job in queued]
    queued.delete()
    return results


def link_in(message) -> str:
    return re.search(r"http://testserver(/reminders/confirm/[^/\s]+/)", message.body)[1]


def remind(user, task, at):
    return Reminder.objects.create(task=task, user=user, kind=Kind.AT, remind_at=at, fire_at=at)


def test_nothing_is_emailed_to_an_address_until_its_link_is_opened(
    alice_client, alice, make_task, now, django_capture_on_commit_callbacks
):
    set_address(alice_client, "alice@example.com", django_capture_on_commit_callbacks)
    page = alice_client.get("/reminders/settings/").content.decode()
    assert "alice@example.com is not confirmed yet" in page
    task = make_task(alice, "Water plants")
    remind(alice, task, now)
    delivery.deliver_due(lambda: now)
    assert mail.outbox == []  # in-app only
    assert Notification.objects.filter(user=alice).count() == 1

    assert run_confirmation_jobs() == [True]
    (confirmation,) = mail.outbox
    assert confirmation.to == ["alice@example.com"]
    assert confirmation.subject == "Confirm your address for task reminders"
    link = link_in(confirmation)
    form = alice_client.get(link)  # the link shows a button; a GET changes nothing
    assert form.status_code == 200
    assert "Confirm alice@example.com" in form.content.decode()
    assert ReminderSettings.objects.get(user=alice).confirmed_email == ""
    response = alice_client.post(link)
    assert response.status_code == 302
    assert ReminderSettings.objects.get(user=alice).confirmed_email == "alice@example.com"
    assert "alice@example.com is confirmed" in alice_client.get(response["Location"]).text

    remind(alice, task, now)
    delivery.deliver_due(lambda: now)
    assert [m.subject for m in mail.outbox[1:]] == ["Reminder: Water plants"]


def test_a_new_address_is_unconfirmed_and_an_old_link_confirms_nothing(
    alice_client, alice, bob, client, django_capture_on_commit_callbacks
):
    set_address(alice_client, "alice@example.com", django_capture_on_commit_callbacks)
    run_confirmation_jobs()
    old_link = link_in(mail.outbox[0])
    alice_client.post(old_link)
    set_address(alice_client, "victim@example.com", django_capture_on_commit_callbacks)
    assert not ReminderSettings.objects.get(user=alice).confirms("victim@example.com")
    # The link sent to the old address no longer confirms anything.
    response = alice_client.post(old_link)
    assert response.status_code == 400
    assert "no longer the one in your settings" in response.content.decode()
    # Another account cannot use Alice's link, nor a tampered one.
    run_confirmation_jobs()
    new_link = link_in(mail.outbox[-1])
    client.force_login(bob)
    assert client.post(new_link).status_code == 400
    assert alice_client.post(new_link[:-3] + "xx/").status_code == 400
    assert not ReminderSettings.objects.get(user=alice).confirms("victim@example.com")


def test_emails_are_capped_per_person_per_day_confirmations_included(
    alice_client, alice, make_task, now, settings, django_capture_on_commit_callbacks
):
    settings.REMINDERS_EMAILS_PER_DAY = 2
    set_address(alice_client, "alice@example.com", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post("/reminders/settings/confirm-email/")
        alice_client.post("/reminders/settings/confirm-email/")
    assert run_confirmation_jobs() == [True, True, False]  # the third is over the cap
    ReminderSettings.objects.filter(user=alice).update(
        confirmed_email="alice@example.com", emails_sent=0, email_day=None
    )
    task = make_task(alice, "Standup")
    for _ in range(3):
        remind(alice, task, now)
    before = len(mail.outbox)
    delivery.deliver_due(lambda: now)
    assert len(mail.outbox) - before == 2
    assert Notification.objects.filter(user=alice).count() == 3  # all three in-app
    remind(alice, task, now)
    delivery.deliver_due(lambda: now + dt.timedelta(days=1))  # a new day
    assert len(mail.outbox) - before == 3


def test_the_settings_page_says_when_the_server_sends_no_email(alice_client, settings):
    settings.REMINDERS_EMAIL = False
    page = alice_client.get("/reminders/settings/").content.decode()
    assert "not set up to send email" in page


def test_a_deactivated_account_gets_no_more_reminders_or_digests(alice, make_task, now, settings):
    alice.email = "alice@example.com"
    alice.save()
    ReminderSettings.objects.create(
        user=alice, confirmed_email=alice.email, digest=True, digest_hour=0
    )
    task = make_task(alice, "Due today", due_date=timezone.localdate(now))
    Reminder.objects.filter(task=task).delete()  # the default one
    reminder = remind(alice, task, now)
    alice.is_active = False
    alice.save()
    assert delivery.deliver_due(lambda: now) == {"cancelled": 1}
    assert delivery.deliver_digests(now) == 0
    assert mail.outbox == []
    assert not Notification.objects.exists()
    reminder.refresh_from_db()
    assert (reminder.state, reminder.reason) == (State.CANCELLED, "The account is inactive.")


def test_confirming_needs_the_account_logged_in(client, alice):
    response = client.get("/reminders/confirm/anything/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/reminders/confirm/anything/"


def test_only_emails_sent_count_against_the_cap(alice, make_task, now, settings):
    """A batch counts an owner's cap once for all their reminders in it; what is not sent
    (skipped as too late, or failed) is given back."""
    settings.REMINDERS_EMAILS_PER_DAY = 10
    alice.email = "alice@example.com"
    alice.save()
    ReminderSettings.objects.create(user=alice, confirmed_email=alice.email)
    task = make_task(alice, "Standup")
    remind(alice, task, now - dt.timedelta(days=3))  # too late: skipped
    for _ in range(3):
        remind(alice, task, now)
    assert delivery.deliver_due(lambda: now) == {"sent": 3, "skipped": 1}
    assert len(mail.outbox) == 3
    assert ReminderSettings.objects.get(user=alice).emails_sent == 3


def test_a_failed_email_does_not_count(alice, make_task, now, settings):
    settings.REMINDERS_EMAILS_PER_DAY = 10
    alice.email = "alice@example.com\nBcc: x@example.com"  # stored before forms refused it
    alice.save()
    ReminderSettings.objects.create(user=alice, confirmed_email=alice.email)
    task = make_task(alice, "Standup")
    for _ in range(2):
        remind(alice, task, now)
    assert delivery.deliver_due(lambda: now) == {"failed": 2}
    assert ReminderSettings.objects.get(user=alice).emails_sent == 0
