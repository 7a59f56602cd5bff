"""One reminder never holds back another (issue 22, item 22): a reminder whose email cannot be
built or is refused is marked failed with its reason and the rest are delivered; a mail server
that is down postpones only the reminders with email. And a run says what it did (item 8)."""

import datetime as dt
import logging

import pytest
from django.core import mail
from django.utils import timezone

from reminders import delivery, jobs
from reminders.models import Kind, Notification, Reminder, ReminderSettings, State
from tests.reminders.smtp_sink import SmtpServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def person(django_user_model, make_task):
    """A person with a confirmed address and a task; remind(at) gives them a reminder."""

    def make(name, email=None):
        email = f"{name}@example.com" if email is None else email
        user = django_user_model.objects.create_user(name, email=email, password="x")
        ReminderSettings.objects.create(user=user, confirmed_email=email)
        task = make_task(user, title=f"Task of {name}")

        def remind(at):
            return Reminder.objects.create(
                task=task, user=user, kind=Kind.AT, remind_at=at, fire_at=at
            )

        user.remind = remind
        return user

    return make


def smtp_settings(settings, port):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }


def test_a_poisoned_reminder_first_in_the_queue_fails_alone_and_the_others_are_delivered(
    person, now
):
    # An address stored with a line break (before forms refused it): its email cannot be built.
    eve = person("eve", email="eve@example.com\nBcc: x@example.com")
    poisoned = eve.remind(now - dt.timedelta(minutes=5))  # first in (fire_at, id) order
    others = [person(name).remind(now - dt.timedelta(minutes=1)) for name in ("ann", "bea")]

    result = delivery.deliver_due(lambda: now)

    assert result == {"failed": 1, "sent": 2}
    poisoned.refresh_from_db()
    assert poisoned.state == State.FAILED
    assert "could not be made" in poisoned.reason and "linefeed" in poisoned.reason
    assert not Notification.objects.filter(reminder=poisoned).exists()
    assert sorted(m.to[0] for m in mail.outbox) == ["ann@example.com", "bea@example.com"]
    for reminder in others:
        reminder.refresh_from_db()
        assert reminder.state == State.SENT
    assert delivery.deliver_due(lambda: now) == {}  # the failed one is not tried again


def test_an_address_the_mail_server_refuses_fails_alone_and_a_busy_one_is_retried(
    person, now, settings
):
    refuse = {
        "gone@example.com": "550 5.1.1 No such user",
        "busy@example.com": "451 4.7.1 Try again later",
    }
    gone = person("gone").remind(now - dt.timedelta(minutes=3))
    busy = person("busy").remind(now - dt.timedelta(minutes=2))
    fine = person("fine").remind(now - dt.timedelta(minutes=1))
    with SmtpServer(refuse=refuse) as smtp:
        smtp_settings(settings, smtp.port)
        result = delivery.deliver_due(lambda: now)
        received = list(smtp.sink.recipients)
    assert result == {"failed": 1, "retry": 1, "sent": 1}
    assert received == ["fine@example.com"]
    gone.refresh_from_db()
    assert gone.state == State.FAILED
    assert gone.reason == "The mail server refused the address: 550 5.1.1 No such user"
    busy.refresh_from_db()
    assert busy.state == State.PENDING  # tried again after RETRY_SECONDS
    assert busy.fire_at == now + dt.timedelta(seconds=delivery.RETRY_SECONDS)
    fine.refresh_from_db()
    assert fine.state == State.SENT


def test_a_title_stored_with_a_line_break_goes_out_on_one_line_to_its_owner_only(
    person, now, settings
):
    ann = person("ann")
    reminder = ann.remind(now)
    reminder.task.__class__.objects.filter(pk=reminder.task_id).update(
        title="Pay invoice\r\nBcc: x@example.com"
    )
    with SmtpServer() as smtp:
        smtp_settings(settings, smtp.port)
        assert delivery.deliver_due(lambda: now) == {"sent": 1}
        assert smtp.sink.recipients == ["ann@example.com"]
        assert smtp.sink.subjects == ["Reminder: Pay invoice Bcc: x@example.com"]


def test_one_failing_digest_does_not_stop_the_others(person, now, make_task):
    eve = person("eve", email="eve@example.com\nBcc: x@example.com")
    ann = person("ann")
    for user in (eve, ann):
        ReminderSettings.objects.filter(user=user).update(digest=True, digest_hour=0)
        make_task(user, "Due today", due_date=timezone.localdate(now))
    assert delivery.deliver_digests(now) == 1
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    # Eve's day is recorded as done: her digest is not tried again every run.
    assert delivery.deliver_digests(now) == 0


def test_a_run_says_what_became_of_its_reminders(person, now, caplog):
    ann = person("ann")
    for _ in range(3):  # more than the late limit (24 hours) late
        ann.remind(now - dt.timedelta(days=2))
    ann.remind(now)
    result = delivery.deliver_due(lambda: now)
    assert result.describe() == "1 reminder delivered; 3 reminders were too late and skipped"
    for _ in range(3):
        ann.remind(now - dt.timedelta(days=2))
    with caplog.at_level(logging.INFO, logger="reminders.jobs"):
        jobs.dispatch_reminders.call()
    assert "3 reminders were too late and skipped; 0 digests sent" in caplog.text
    assert "Delivered" not in caplog.text


def test_the_reminders_page_says_why_one_failed(person, now, client):
    eve = person("eve", email="eve@example.com\nBcc: x@example.com")
    reminder = eve.remind(now)
    delivery.deliver_due(lambda: now)
    client.force_login(eve)
    page = client.get(f"/task/{reminder.task_id}/reminders/").content.decode()
    assert "at a set time, failed)" in page.lower()
    assert "The email could not be made" in page
