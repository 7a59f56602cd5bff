"""New tasks with a due date get their owner's default reminder; `migrate` seeds the dispatcher."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver
from django.utils import timezone

from tasks.models import Task

from .models import Kind, Reminder, ReminderSettings, State


@receiver(post_save, sender=Task, dispatch_uid="reminders-default-reminder")
def add_default_reminder(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.due_date is None:
        return
    # One INSERT ... SELECT, whatever the settings say: no read of the settings row first. The
    # moment (fire_at) is derived by the next dispatcher run or when the reminders are shown
    # (schedule.resync_stale), which needs the owner's zone: not worth two more queries here.
    reminder, prefs = Reminder._meta, ReminderSettings._meta
    users = get_user_model()._meta.db_table
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(reminder.db_table)} "  # noqa: S608 (names from _meta, values bound)
            "(task_id, user_id, kind, at_time, state, late, is_default, created_at) "
            f"SELECT %s, u.id, %s, COALESCE(s.default_time, %s), %s, %s, %s, %s "
            f"FROM {qn(users)} u LEFT JOIN {qn(prefs.db_table)} s ON s.user_id = u.id "
            "WHERE u.id = %s AND COALESCE(s.default_reminder, %s)",
            [
                instance.pk,
                Kind.DUE_DAY,
                connection.ops.adapt_timefield_value(dt.time(9, 0)),
                State.PENDING,
                False,
                True,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                instance.user_id,
                True,
            ],
        )


@receiver(post_migrate, dispatch_uid="reminders-seed-dispatcher")
def seed_dispatcher(sender, app_config=None, **kwargs):
    # Once per migrate (for our own app's signal), so a fresh deploy has a dispatcher queued.
    if app_config is None or app_config.name != "reminders":
        return
    # Here: jobs imports the task backends, which need the settings' apps loaded.
    from .jobs import ensure_dispatcher

    ensure_dispatcher()
