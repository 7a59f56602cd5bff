"""Delivering due reminders and daily digests: email plus an in-app notification.

Exactly once: a batch of due reminders is claimed with SELECT ... FOR UPDATE SKIP LOCKED, the
emails are handed to the SMTP server, the notifications written and the reminders marked sent,
all before that one transaction commits. A second worker skips the locked rows (and finds them
sent once the lock is released). A worker killed before the commit leaves the rows pending, and
they are delivered by the next run; nothing already committed is sent again. The one window left
is a kill after the SMTP server accepted a message but before COMMIT: that message goes out again
with the same Message-ID (reminder-<id>@...), which receivers can use to drop the copy; small
batches keep the window small. docs/reliability.md "Reminders" has the tests behind this.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Profile
from tasks.models import Status, Task

from . import schedule
from .models import DigestRun, Notification, Reminder, ReminderSettings, State

logger = logging.getLogger(__name__)


def _domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    return sender.rsplit("@", 1)[-1].strip("> ") or "localhost"


def _zone_names(user_ids) -> dict[int, str]:
    return dict(Profile.objects.filter(user__in=user_ids).values_list("user_id", "timezone"))


def _settings_of(user_ids) -> dict[int, ReminderSettings]:
    found = {s.user_id: s for s in ReminderSettings.objects.filter(user__in=user_ids)}
    return {uid: found.get(uid) or ReminderSettings(user_id=uid) for uid in user_ids}


def reminder_text(reminder: Reminder, task: Task, zone, late: bool) -> str:
    when = ""
    if task.due_date:
        when = f" (due {task.due_date:%a %-d %b}"
        when += f" {task.due_time:%H:%M})" if task.due_time else ")"
    text = f"Reminder: {task.title}{when}"
    return f"{text} (late)" if late else text


def deliver_batch(now: dt.datetime | None = None, batch_size: int | None = None) -> int:
    """Claim and deliver one batch of due reminders; returns how many were claimed (0: none due)."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDERS_BATCH_SIZE
    late_after = dt.timedelta(seconds=settings.REMINDERS_LATE_AFTER_SECONDS)
    with transaction.atomic():
        claimed = list(
            Reminder.objects.due(now)
            .select_related("task", "user")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("fire_at", "id")[:batch_size]
        )
        if not claimed:
            return 0
        user_ids = {r.user_id for r in claimed}
        zones, prefs = _zone_names(user_ids), _settings_of(user_ids)
        outcome: dict[str, list[int]] = {"sent": [], "late": [], "skipped": [], "cancelled": []}
        notifications, emails = [], []
        for reminder in claimed:
            task, zone = reminder.task, schedule.zone_of(zones.get(reminder.user_id))
            if task.deleted_at is not None or task.status == Status.COMPLETED:
                outcome["cancelled"].append(reminder.pk)
                continue
            moment = schedule.fire_at(reminder, task, zone)
            if moment is None or moment > now:
                # The task moved since fire_at was derived: not due after all.
                Reminder.objects.filter(pk=reminder.pk).update(fire_at=moment, synced_at=now)
                continue
            if reminder.is_default and moment < reminder.created_at:
                # A default "on the due day at 09:00" given to a task made after 09:00 that day:
                # not a missed reminder, just one that never applied.
                outcome["skipped"].append(reminder.pk)
                continue
            lateness = now - moment
            if lateness > dt.timedelta(hours=prefs[reminder.user_id].late_limit_hours):
                outcome["skipped"].append(reminder.pk)
                continue
            late = lateness > late_after
            outcome["late" if late else "sent"].append(reminder.pk)
            text = reminder_text(reminder, task, zone, late)
            notifications.append(
                Notification(user_id=reminder.user_id, task=task, reminder=reminder, text=text)
            )
            if reminder.user.email and settings.REMINDERS_EMAIL:
                emails.append(_email(reminder, task, text))
        # Send before marking: an SMTP failure raises, the transaction rolls back, and the whole
        # batch stays pending for the next run.
        if emails:
            mailers.default.send_messages(emails)
        Notification.objects.bulk_create(notifications)
        base = Reminder.objects.filter(state=State.PENDING)
        base.filter(pk__in=outcome["sent"]).update(state=State.SENT, sent_at=now)
        base.filter(pk__in=outcome["late"]).update(state=State.SENT, sent_at=now, late=True)
        base.filter(pk__in=outcome["skipped"]).update(state=State.SKIPPED)
        base.filter(pk__in=outcome["cancelled"]).update(state=State.CANCELLED)
    return len(claimed)


def _email(reminder: Reminder, task: Task, text: str) -> EmailMessage:
    body = f"{text}\n\n{task.description}".strip() + "\n"
    return EmailMessage(
        subject=text,
        body=body,
        to=[reminder.user.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}@{_domain()}>"},
    )


class Delivered(int):
    """How many reminders were claimed; `.more` when the time budget ran out first."""

    more: bool = False


def deliver_due(now_fn=timezone.now, budget_seconds: float | None = None) -> Delivered:
    """Deliver batches until none are due or the time budget is spent; returns how many."""
    budget = settings.REMINDERS_TICK_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    schedule.resync_stale()
    total, more = 0, True
    while time.monotonic() < deadline:
        claimed = deliver_batch(now_fn())
        if not claimed:
            more = False
            break
        total += claimed
    result = Delivered(total)
    result.more = more
    return result


# --- Daily digest ---------------------------------------------------------------------------


def digest_text(user, day: dt.date) -> str | None:
    tasks = list(
        Task.objects.for_user(user)
        .open()
        .filter(due_date__lte=day)
        .order_by("due_date", "due_time", "id")[:200]
    )
    if not tasks:
        return None
    lines = [f"Your tasks for {day:%a %-d %b}:", ""]
    for task in tasks:
        mark = "overdue" if task.due_date < day else "today"
        lines.append(f"- {task.title} ({mark})")
    return "\n".join(lines) + "\n"


def deliver_digests(now: dt.datetime | None = None) -> int:
    """Send each digest-subscriber whose chosen local hour has come their digest for today, once.

    Claimed per person under a row lock on their settings row (SKIP LOCKED: another worker takes
    the next person), and the DigestRun row's unique (user, day) key makes it once per day.
    """
    now = now or timezone.now()
    candidates = ReminderSettings.objects.filter(digest=True).values_list("pk", flat=True)
    sent = 0
    users = get_user_model()
    for pk in list(candidates[:1000]):
        with transaction.atomic():
            prefs = (
                ReminderSettings.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, digest=True)
                .first()
            )
            if prefs is None:
                continue
            zone = schedule.zone_of(_zone_names([prefs.user_id]).get(prefs.user_id))
            local = now.astimezone(zone)
            if local.hour < prefs.digest_hour:
                continue
            if DigestRun.objects.filter(user_id=prefs.user_id, day=local.date()).exists():
                continue
            user = users.objects.get(pk=prefs.user_id)
            text = digest_text(user, local.date())
            try:
                with transaction.atomic():
                    DigestRun.objects.create(user=user, day=local.date())
            except IntegrityError:
                continue
            if text is None:
                continue  # nothing due: recorded as done for the day, nothing sent
            if user.email and settings.REMINDERS_EMAIL:
                EmailMessage(
                    subject=f"Today's tasks, {local:%a %-d %b}",
                    body=text,
                    to=[user.email],
                    headers={"Message-ID": f"<digest-{user.pk}-{local:%Y%m%d}@{_domain()}>"},
                ).send()
            Notification.objects.create(
                user=user, text=f"Daily digest: {text.count(chr(10)) - 2} tasks due or overdue"
            )
            sent += 1
    return sent
