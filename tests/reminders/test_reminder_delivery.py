"""Delivery in-process: email + notification once, cancelled for done/deleted tasks, "(late)"
marker, the late limit, and the daily digest once a day in the person's zone."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Profile
from reminders import delivery, jobs
from reminders.models import DigestRun, Kind, Notification, Reminder, ReminderSettings, State
from tasks.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def remind(alice, make_task):
    alice.email = "alice@example.com"
    alice.save()
    ReminderSettings.objects.create(user=alice, confirmed_email=alice.email)

    def make(at, task=None, **fields):
        task = task or make_task(alice, title="Water plants")
        return Reminder.objects.create(
            task=task, user=alice, kind=Kind.AT, remind_at=at, fire_at=at, **fields
        )

    return make


def test_it_emails_and_notifies_a_due_reminder_once(remind, now, alice):
    reminder = remind(now - dt.timedelta(seconds=5))
    later = remind(now + dt.timedelta(hours=1))
    assert delivery.deliver_due(lambda: now) == {"sent": 1}
    assert delivery.deliver_due(lambda: now) == {}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reminder: Water plants"
    assert message.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}@localhost>"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.sent_at, reminder.late) == (State.SENT, now, False)
    assert Notification.objects.get(user=alice).text == "Reminder: Water plants"
    assert Reminder.objects.get(pk=later.pk).state == State.PENDING


def test_it_notifies_in_app_only_without_an_email_address(remind, now, alice):
    alice.email = ""
    alice.save()
    remind(now)
    delivery.deliver_due(lambda: now)
    assert mail.outbox == []
    assert Notification.objects.filter(user=alice).count() == 1


def test_it_notifies_in_app_only_when_no_mail_server_is_configured(remind, now, alice, settings):
    settings.REMINDERS_EMAIL = False  # production settings without EMAIL_HOST
    remind(now)
    delivery.deliver_due(lambda: now)
    assert mail.outbox == []
    assert Notification.objects.filter(user=alice).count() == 1


def test_it_does_not_send_for_completed_or_deleted_tasks(remind, now, alice, make_task):
    done = remind(now, task=make_task(alice, status=Status.COMPLETED))
    gone = make_task(alice)
    deleted = remind(now, task=gone)
    gone.soft_delete()
    delivery.deliver_due(lambda: now)
    assert mail.outbox == []
    assert Notification.objects.count() == 0
    states = set(Reminder.objects.filter(pk__in=[done.pk, deleted.pk]).values_list("state"))
    assert states == {(State.CANCELLED,)}


def test_it_marks_a_late_reminder_late(remind, now):
    reminder = remind(now - dt.timedelta(hours=3))
    delivery.deliver_due(lambda: now)
    assert mail.outbox[0].subject == "Reminder: Water plants (late)"
    reminder.refresh_from_db()
    assert (reminder.state, reminder.late) == (State.SENT, True)


def test_it_skips_reminders_older_than_the_persons_limit(remind, now, alice):
    ReminderSettings.objects.filter(user=alice).update(late_limit_hours=2)
    stale = remind(now - dt.timedelta(hours=3))
    fresh = remind(now - dt.timedelta(hours=1))
    delivery.deliver_due(lambda: now)
    assert [m.subject for m in mail.outbox] == ["Reminder: Water plants (late)"]
    assert Reminder.objects.get(pk=stale.pk).state == State.SKIPPED
    assert Reminder.objects.get(pk=fresh.pk).state == State.SENT


def test_it_postpones_reminders_with_email_while_the_mail_server_is_down(
    remind, now, settings, bob, make_task
):
    settings.MAILERS = {"default": {"BACKEND": "tests.reminders.failing_mail.EmailBackend"}}
    reminder = remind(now)
    # Bob has no email address: his in-app reminder is not held back by Alice's email.
    in_app = Reminder.objects.create(
        task=make_task(bob), user=bob, kind=Kind.AT, remind_at=now, fire_at=now
    )
    result = delivery.deliver_due(lambda: now)
    assert result == {"retry": 1, "sent": 1}
    reminder.refresh_from_db()
    assert reminder.state == State.PENDING
    assert reminder.fire_at == now + dt.timedelta(seconds=delivery.RETRY_SECONDS)
    assert list(Notification.objects.values_list("reminder", flat=True)) == [in_app.pk]


def test_it_skips_a_default_reminder_whose_time_passed_before_the_task_existed(alice, make_task):
    task = make_task(alice, due_date=timezone.localdate())
    reminder = Reminder.objects.get(task=task)
    Reminder.objects.filter(pk=reminder.pk).update(at_time=dt.time(0, 0))
    delivery.deliver_due()
    assert Reminder.objects.get(pk=reminder.pk).state == State.SKIPPED
    assert Notification.objects.count() == 0


def test_it_sends_the_digest_once_a_day_at_the_chosen_local_hour(alice, make_task, now):
    alice.email = "alice@example.com"
    alice.save()
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    ReminderSettings.objects.create(
        user=alice, digest=True, digest_hour=7, confirmed_email=alice.email
    )
    local_day = dt.date(2026, 12, 3)
    make_task(alice, title="Overdue one", due_date=local_day - dt.timedelta(days=2))
    make_task(alice, title="Today one", due_date=local_day)
    make_task(alice, title="Next week", due_date=local_day + dt.timedelta(days=7))
    # 06:30 and 07:30 in Auckland (UTC+13 in December) on 3 Dec.
    before = dt.datetime(2026, 12, 2, 17, 30, tzinfo=dt.UTC)
    after = before + dt.timedelta(hours=1)
    assert delivery.deliver_digests(before) == 0
    assert delivery.deliver_digests(after) == 1
    assert delivery.deliver_digests(after + dt.timedelta(hours=3)) == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Overdue one (overdue)" in body and "Today one (today)" in body
    assert "Next week" not in body
    assert DigestRun.objects.get(user=alice).day == local_day
    # The next local day, it goes again.
    assert delivery.deliver_digests(after + dt.timedelta(days=1)) == 1


def test_it_queues_one_dispatcher_and_the_dispatcher_queues_its_successor(settings):
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    assert jobs.ensure_dispatcher() is True
    assert jobs.ensure_dispatcher() is False
    queued = DBTaskResult.objects.get()
    DBTaskResult.objects.all().delete()
    jobs.dispatch_reminders.call()
    successor = DBTaskResult.objects.get()
    assert successor.task_path == queued.task_path
    assert successor.run_after > timezone.now() + dt.timedelta(
        seconds=settings.REMINDERS_TICK_SECONDS - 5
    )


def test_it_runs_the_next_dispatcher_at_once_when_the_budget_ran_out(remind, now, settings):
    from django_tasks_db.models import DBTaskResult

    settings.REMINDERS_BATCH_SIZE = 1
    settings.REMINDERS_TICK_BUDGET_SECONDS = 0
    remind(now - dt.timedelta(seconds=1))
    DBTaskResult.objects.all().delete()
    jobs.dispatch_reminders.call()
    successor = DBTaskResult.objects.get()
    assert successor.run_after <= timezone.now()
