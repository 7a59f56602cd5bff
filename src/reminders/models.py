"""Reminders on tasks, the notifications they leave, and each person's reminder settings.

A reminder's moment is stored in `fire_at` (UTC) so the dispatcher finds due ones with one
indexed range scan. Relative reminders ("1 hour before", "on the due day at 09:00") derive it
from the task's due date/time in the owner's zone (schedule.py); `synced_at` records when it was
derived, so a task edited later (task.updated_at > synced_at) is re-derived before delivery.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    AT = "at", "At a time"
    BEFORE = "before", "Before the due time"
    DUE_DAY = "day", "On the due day"


class State(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped (too late)"
    CANCELLED = "cancelled", "Cancelled (task done or deleted)"
    # This reminder could not be delivered (its email was refused or could not be built): the
    # reason is kept, and the others are delivered regardless.
    FAILED = "failed", "Failed"


class ReminderQuerySet(models.QuerySet):
    def for_user(self, user) -> ReminderQuerySet:
        return self.filter(user=user)

    def pending(self) -> ReminderQuerySet:
        return self.filter(state=State.PENDING)

    def due(self, now: dt.datetime) -> ReminderQuerySet:
        return self.pending().filter(fire_at__lte=now)

    def stale(self) -> ReminderQuerySet:
        """Pending relative reminders whose task changed since their moment was derived."""
        return (
            self.pending()
            .exclude(kind=Kind.AT)
            .filter(Q(synced_at__isnull=True) | Q(task__updated_at__gt=models.F("synced_at")))
        )


class Reminder(models.Model):
    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=8, choices=Kind, default=Kind.AT)
    # Kind.AT: the absolute moment.
    remind_at = models.DateTimeField(null=True, blank=True)
    # Kind.BEFORE: minutes before the task's due moment (0 = at the due time).
    offset_minutes = models.PositiveIntegerField(null=True, blank=True)
    # Kind.DUE_DAY: the wall-clock time on the due day, in the owner's zone.
    at_time = models.TimeField(null=True, blank=True)
    # When to deliver; null when it cannot be derived (a relative reminder, task without due date).
    fire_at = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State, default=State.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    # The one a new task got from the owner's default ("at 09:00 on the due day").
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Why it failed or was cancelled, in words for its owner (the task's reminders page).
    reason = models.CharField(max_length=300, blank=True, db_default="")

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["fire_at", "id"]
        indexes = [
            models.Index(
                fields=["fire_at", "id"], condition=Q(state="pending"), name="reminder_pending_due"
            ),
            models.Index(fields=["task", "fire_at"], name="reminder_task"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=Kind.AT, remind_at__isnull=False)
                    | Q(kind=Kind.BEFORE, offset_minutes__isnull=False)
                    | Q(kind=Kind.DUE_DAY, at_time__isnull=False)
                ),
                name="reminder_kind_has_its_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.describe()} for task {self.task_id}"

    def describe(self) -> str:
        if self.kind == Kind.AT:
            return "At a set time"
        if self.kind == Kind.DUE_DAY:
            return f"On the due day at {self.at_time:%H:%M}"
        return describe_offset(self.offset_minutes or 0)


PRESETS = {0: "At the due time", 60: "1 hour before", 1440: "1 day before"}


def describe_offset(minutes: int) -> str:
    if minutes in PRESETS:
        return PRESETS[minutes]
    if minutes % 1440 == 0:
        return f"{minutes // 1440} days before"
    if minutes % 60 == 0:
        return f"{minutes // 60} hours before"
    return f"{minutes} minutes before"


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    task = models.ForeignKey("tasks.Task", null=True, blank=True, on_delete=models.SET_NULL)
    # One notification per reminder, enforced: a retried delivery cannot make a second.
    reminder = models.OneToOneField(Reminder, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user"),
            models.Index(
                fields=["user", "id"],
                condition=Q(read_at__isnull=True),
                name="notification_user_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class ReminderSettings(models.Model):
    """Per-person reminder preferences; a person without a row has the defaults below."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings"
    )
    default_reminder = models.BooleanField("Remind me on the due day of new tasks", default=True)
    default_time = models.TimeField("at", default=dt.time(9, 0))
    late_limit_hours = models.PositiveIntegerField(
        "Skip reminders more than this many hours late", default=24
    )
    digest = models.BooleanField("Send me a daily digest email", default=False)
    digest_hour = models.PositiveSmallIntegerField("at hour (0-23)", default=8)
    version = models.PositiveIntegerField(default=1)
    # The address its owner confirmed through the link emailed to it. Email goes only to the
    # account's address while it equals this one: changing the address unconfirms it.
    # Database defaults too: the previous release's code inserts settings without these columns
    # during a rolling deploy (tests/test_migration_rules.py).
    confirmed_email = models.EmailField(blank=True, default="", db_default="")
    # The daily cap on emails (REMINDERS_EMAILS_PER_DAY): how many went out on email_day (UTC).
    email_day = models.DateField(null=True, blank=True)
    emails_sent = models.PositiveIntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"Reminder settings of {self.user}"

    @classmethod
    def of(cls, user) -> ReminderSettings:
        """The saved settings, or unsaved defaults (no row is written on reading)."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def confirms(self, address: str) -> bool:
        """Whether `address` is the one its owner confirmed (case-insensitively)."""
        return bool(address) and self.confirmed_email.lower() == address.lower()

    @classmethod
    def take_emails(cls, user_id: int, day: dt.date, wanted: int = 1) -> int:
        """Count up to `wanted` emails to `user_id` on `day` (UTC), as many as the daily cap
        (REMINDERS_EMAILS_PER_DAY) still allows; returns how many were counted, which may then
        be sent. Under a lock on the person's row until the caller's transaction ends, so two
        workers cannot both take the last one. One read and one write whatever `wanted` is:
        delivery takes a batch's worth at once (an UPDATE of the same row per email was most
        of a reminder's time, PostgreSQL walking the row's dead versions)."""
        row = (
            cls.objects.select_for_update()
            .filter(user_id=user_id)
            .values_list("email_day", "emails_sent")
            .first()
        )
        if row is None:
            return 0
        used = row[1] if row[0] == day else 0
        taken = max(0, min(wanted, settings.REMINDERS_EMAILS_PER_DAY - used))
        if taken:
            cls.objects.filter(user_id=user_id).update(email_day=day, emails_sent=used + taken)
        return taken

    @classmethod
    def give_back_emails(cls, user_id: int, day: dt.date, unused: int) -> None:
        """Uncount emails taken on `day` and not sent (take_emails took a batch's worth)."""
        cls.objects.filter(user_id=user_id, email_day=day, emails_sent__gte=unused).update(
            emails_sent=models.F("emails_sent") - unused
        )


class DigestRun(models.Model):
    """One row per person per local day a digest went out: the unique key makes it once a day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user_id} on {self.day}"
