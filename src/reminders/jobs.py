"""Background jobs (django.tasks), run by `manage.py db_worker`.

Periodic work without a scheduler: django-tasks-db has none (no cron/beat), so the dispatcher
keeps itself going. Each run first enqueues its successor (run_after = now + tick) and commits
it, then delivers. A worker killed mid-run therefore leaves the next run queued; nothing has to
notice the death. `ensure_dispatcher()` (called by `migrate`, by adding a reminder and by
`manage.py run_reminders`) starts the chain when none is queued. Two chains can exist for a
moment (two processes ensuring at once); each run only enqueues a successor when no other run
is queued, so they fold back into one, and running twice is harmless: delivery claims rows
with SKIP LOCKED and is idempotent.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import task, task_backends
from django.utils import timezone

from . import delivery
from .models import Reminder, ReminderSettings

logger = logging.getLogger(__name__)


def _uses_database_backend() -> bool:
    return task_backends["default"].__class__.__name__ == "DatabaseBackend"


def queued_dispatchers():
    # Here: the backend's models load only once the app registry is ready, after this module.
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=dispatch_reminders.module_path, status="READY")


def ensure_dispatcher(delay: float = 0) -> bool:
    """Queue a dispatcher run unless one is already queued; True when one was queued."""
    if not _uses_database_backend():
        return False
    if queued_dispatchers().exists():
        return False
    run_after = timezone.now() + dt.timedelta(seconds=delay)
    dispatch_reminders.using(run_after=run_after).enqueue()
    return True


_niced = False


def lower_priority() -> None:
    """Lower this process's CPU priority by REMINDERS_WORKER_NICE, once (docs/deploy.md
    "Worker"): under a burst of reminders the worker takes the CPU the web server leaves."""
    global _niced
    # Only in the worker process (`manage.py db_worker`), not a test or a shell calling a job.
    if not _niced and settings.REMINDERS_WORKER_NICE > 0 and "db_worker" in sys.argv[1:2]:
        os.nice(settings.REMINDERS_WORKER_NICE)
        _niced = True


@task()
def dispatch_reminders() -> dict:
    """Deliver every due reminder and digest, then make sure the next run is queued."""
    if _uses_database_backend():
        lower_priority()
    if _uses_database_backend() and queued_dispatchers().count() == 0:
        # Queued (committed: autocommit) before the work, so a kill mid-run loses no tick.
        ensure_dispatcher(delay=settings.REMINDERS_TICK_SECONDS)
    batch = settings.REMINDERS_BATCH_SIZE
    if Reminder.objects.due(timezone.now())[batch : batch + 1].exists():
        # More than one batch is due: let the next run start now, so another worker (if any)
        # delivers beside this one instead of a tick later.
        queued_dispatchers().update(run_after=timezone.now())
    delivered = delivery.deliver_due()
    if delivered.more:
        # A backlog (a worker back from downtime, 10,000 reminders in one minute): the next run
        # starts now, not a tick later; other workers can take it while this one finishes.
        queued_dispatchers().update(run_after=timezone.now())
    digests = delivery.deliver_digests()
    if delivered or digests:
        # What happened, not how many were handled: "3 reminders were too late and skipped".
        logger.info("%s; %d digests sent", delivered.describe(), digests)
    return {"reminders": delivered.claimed, "outcomes": dict(delivered), "digests": digests}


@task()
def send_email_confirmation(user_id: int, email: str, link: str) -> bool:
    """Email `link` (reminders.views.confirm_email) to `email`, if it is still the account's
    address, not confirmed yet, and the person's daily email cap allows it. True when sent."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True, email=email).first()
    if user is None or not settings.REMINDERS_EMAIL:
        return False
    with transaction.atomic():
        prefs, _ = ReminderSettings.objects.get_or_create(user=user)
        if prefs.confirms(email):
            return False
        if not ReminderSettings.take_emails(user.pk, timezone.now().astimezone(dt.UTC).date()):
            logger.warning("Confirmation email to user %s not sent: daily cap reached", user.pk)
            return False
        EmailMessage(
            subject="Confirm your address for task reminders",
            body=(
                f"Someone, hopefully you ({user.get_username()}), asked for task reminders to be "
                f"emailed to this address. To confirm it, open this link within "
                f"{CONFIRM_DAYS} days:\n\n{link}\n\nIf it was not you, ignore this email: "
                "nothing more will be sent here.\n"
            ),
            to=[email],
        ).send()
    return True


CONFIRM_DAYS = 3  # reminders.views.CONFIRM_MAX_AGE
