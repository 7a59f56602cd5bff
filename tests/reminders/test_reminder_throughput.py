"""What makes 10,000 reminders due in one minute go out within it (issue 14; bench/reminders.py
measures it): one SMTP connection for a whole run (Django's email backend, kept open), emails
built with a header cache (the same bytes as Django's), and a worker that yields the CPU to the
web server."""

import email.policy
import sys
from unittest import mock

import pytest
from django.core.mail import EmailMessage
from django.utils import timezone

from reminders import delivery, jobs
from reminders.models import Kind, Reminder, ReminderSettings, State
from tests.reminders.smtp_sink import SmtpServer

pytestmark = pytest.mark.django_db


def test_it_sends_a_whole_run_over_one_smtp_connection(alice, make_task, settings):
    alice.email = "alice@example.com"
    alice.save()
    ReminderSettings.objects.create(user=alice, confirmed_email=alice.email)
    settings.REMINDERS_EMAILS_PER_DAY = 100
    now = timezone.now()
    task = make_task(alice, title="Standup")
    Reminder.objects.bulk_create(
        Reminder(task=task, user=alice, kind=Kind.AT, remind_at=now, fire_at=now) for _ in range(45)
    )
    settings.REMINDERS_BATCH_SIZE = 20  # three batches
    with SmtpServer() as smtp:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 10},
            }
        }
        assert delivery.deliver_due(lambda: now) == {"sent": 45}
        peers = list(smtp.sink.peers)
    assert len(peers) == 45
    assert len(set(peers)) == 1  # a connection per batch was three
    assert set(Reminder.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.parametrize("title", ["Water plants", "Überweisung prüfen; café, 30 €", "x" * 200])
def test_its_emails_are_the_bytes_djangos_own_would_be(title):
    def build(cls):
        return cls(
            subject=f"Reminder: {title}",
            body=f"Reminder: {title}\n",
            to=["Zoë <zoe@example.com>"],
            headers={"Message-ID": "<reminder-7@localhost>", "Date": "Mon, 7 Dec 2026 09:00:00"},
        ).message(policy=email.policy.SMTP)

    for _ in range(2):  # the second time from the header cache
        assert build(delivery.ReminderEmail).as_bytes() == build(EmailMessage).as_bytes()


def test_the_worker_lowers_its_own_priority_once(monkeypatch, settings):
    settings.REMINDERS_WORKER_NICE = 10
    monkeypatch.setattr(jobs, "_niced", False)
    monkeypatch.setattr(sys, "argv", ["manage.py", "db_worker", "--interval", "1"])
    with mock.patch("os.nice") as nice:
        jobs.lower_priority()
        jobs.lower_priority()
    nice.assert_called_once_with(10)


def test_other_processes_calling_a_job_keep_their_priority(monkeypatch, settings):
    settings.REMINDERS_WORKER_NICE = 10
    monkeypatch.setattr(jobs, "_niced", False)
    monkeypatch.setattr(sys, "argv", ["pytest"])
    with mock.patch("os.nice") as nice:
        jobs.dispatch_reminders.call()
    nice.assert_not_called()


def test_the_first_dispatch_in_the_worker_lowers_its_priority(monkeypatch, settings):
    settings.REMINDERS_WORKER_NICE = 7
    monkeypatch.setattr(jobs, "_niced", False)
    monkeypatch.setattr(sys, "argv", ["manage.py", "db_worker"])
    with mock.patch("os.nice") as nice:
        jobs.dispatch_reminders.call()
    nice.assert_called_once_with(7)
