"""manage.py run_reminders: deliver now, queue the dispatcher, and the worker health check."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reminders.models import Kind, Notification, Reminder

pytestmark = pytest.mark.django_db


def test_it_delivers_what_is_due(alice, make_task, capsys):
    now = timezone.now()
    task = make_task(alice)
    Reminder.objects.create(task=task, user=alice, kind=Kind.AT, remind_at=now, fire_at=now)
    call_command("run_reminders")
    assert "1 reminder delivered; 0 digests sent." in capsys.readouterr().out
    assert Notification.objects.count() == 1


def test_it_is_healthy_only_while_a_dispatcher_run_is_queued_and_not_overdue():
    DBTaskResult.objects.all().delete()
    with pytest.raises(CommandError, match="No dispatcher"):
        call_command("run_reminders", "--check")
    call_command("run_reminders", "--ensure")
    call_command("run_reminders", "--check")
    DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(CommandError, match="overdue"):
        call_command("run_reminders", "--check")
