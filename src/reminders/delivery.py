"""Delivering due reminders and daily digests: email plus an in-app notification.

Exactly once: each due reminder is claimed with SELECT ... FOR UPDATE SKIP LOCKED, its email
handed to the SMTP server, its notification written and the reminder marked sent, all before
that reminder's own transaction commits. A second worker skips the locked row (and finds it
sent once the lock is released). A worker killed before the commit leaves the reminder pending,
and it is delivered by the next run; nothing already committed is sent again. The one window
left is a kill (or a lost database connection) after the SMTP server accepted the message but
before COMMIT: that one message goes out again with the same Message-ID (reminder-<id>@...),
which receivers can use to drop the copy. One reminder per transaction keeps that window to one
email (it was a batch of 20); the rest of the cost stays per batch: one SMTP connection for a
whole run, the owners' zones and settings read once per batch, and the email built with a
header cache (POLICY below). docs/reliability.md "Reminders" has the tests behind this.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import time
from email.headerregistry import HeaderRegistry

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import IntegrityError, connection, models, transaction
from django.db.utils import InterfaceError, OperationalError
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


class _HeaderCache(HeaderRegistry):
    """The email package's header registry, remembering what it made.

    The stock one builds a new class for every header it parses and parses every address
    again: for a reminder that was 1 of its 3 ms of CPU (docs/performance.md "Reminders").
    Header objects are immutable, so the same (name, value) can share one; the bytes sent are
    the same.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._classes: dict[str, type] = {}
        self._made: dict[tuple[str, str], object] = {}

    def __getitem__(self, name):
        found = self._classes.get(name)
        if found is None:
            found = self._classes[name] = super().__getitem__(name)
        return found

    def __call__(self, name, value):
        if type(value) is not str:
            return super().__call__(name, value)
        key = (name, value)
        found = self._made.get(key)
        if found is None:
            if len(self._made) > 1000:  # subjects and ids differ each time: stay bounded
                self._made.clear()
            found = self._made[key] = super().__call__(name, value)
        return found


_POLICIES: dict[int, email.policy.Policy] = {}


class ReminderEmail(EmailMessage):
    """An EmailMessage whose MIME form is built with _HeaderCache (same bytes, less CPU)."""

    def message(self, *, policy=email.policy.default):
        cached = _POLICIES.get(id(policy))
        if cached is None:
            cached = _POLICIES[id(policy)] = policy.clone(header_factory=_HeaderCache())
        return super().message(policy=cached)


class Mailer:
    """The default mailer, opened on the first email and kept open until close(): one SMTP
    connection for a whole run instead of a handshake, EHLO and QUIT per batch. Nothing is
    opened when nothing is sent (an SMTP server that is down does not hold back in-app
    notifications of reminders without email)."""

    def __init__(self):
        self.backend = None
        self.addresses: dict[str, str] = {}

    def send(self, message: EmailMessage) -> None:
        if self.backend is None:
            self.backend = mailers.default
            self.backend.open()
        if isinstance(self.backend, SmtpBackend) and self.backend.connection is not None:
            # What SmtpBackend._send does, with each address checked once per run instead of
            # twice per email (the parse was a seventh of a reminder's CPU).
            sender = self._address(message.from_email)
            recipients = [self._address(a) for a in message.recipients()]
            mime = message.message(policy=email.policy.SMTP)
            self.backend.connection.sendmail(sender, recipients, mime.as_bytes())
        else:
            # Other backends (console, locmem in tests): their own way, connection kept open.
            self.backend.send_messages([message])

    def _address(self, address: str) -> str:
        found = self.addresses.get(address)
        if found is None:
            found = self.addresses[address] = self.backend.prep_address(address)
        return found

    def close(self) -> None:
        if self.backend is not None:
            backend, self.backend = self.backend, None
            backend.close()


class _Batch:
    """What one batch reads once: the owners' zones and reminder settings."""

    def __init__(self, mailer: Mailer):
        self.mailer = mailer
        self.zones: dict[int, str] = {}
        self.prefs: dict[int, ReminderSettings] = {}

    def owner(self, user_id: int):
        if user_id not in self.prefs:
            self.zones.update(_zone_names([user_id]))
            self.prefs.update(_settings_of([user_id]))
        return schedule.zone_of(self.zones.get(user_id)), self.prefs[user_id]


def deliver_batch(
    now: dt.datetime | None = None, batch_size: int | None = None, mailer: Mailer | None = None
) -> int:
    """Claim and deliver up to batch_size due reminders, each in a transaction of its own;
    returns how many were claimed (0: none due). `mailer`: one to reuse (left open)."""
    return _deliver_batch(now, batch_size, mailer)[0]


def _deliver_batch(now, batch_size, mailer) -> tuple[int, int]:
    """(claimed, seen): seen > claimed when another worker had some of the candidates."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDERS_BATCH_SIZE
    # The batch's candidates, read without locks: the ids through the partial index in
    # (fire_at, id) order (LIMIT inside, so no sort of every due row, which a join made
    # PostgreSQL do), then those rows with their tasks and owners.
    ids = Reminder.objects.due(now).order_by("fire_at", "id").values("pk")[:batch_size]
    candidates = list(
        Reminder.objects.filter(pk__in=models.Subquery(ids))
        .select_related("task", "user")
        .order_by("fire_at", "id")
    )
    if candidates and connection.vendor == "postgresql":
        # COMMIT without waiting for the WAL flush (this session only): a reminder per
        # transaction otherwise waits on a disk flush each, most of its time. A killed worker
        # loses nothing by it (the server has the commit); a crash of PostgreSQL itself could
        # lose the last fraction of a second of marks, whose reminders are then sent again
        # (never lost). docs/reliability.md "Reminders". Per batch: a new connection after a
        # lost one gets it too.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO OFF")
    batch = _Batch(mailer or Mailer())
    claimed = 0
    try:
        for reminder in candidates:
            with transaction.atomic():
                claimed += _deliver(reminder, now, batch)
    finally:
        if mailer is None:
            batch.mailer.close()
    return claimed, len(candidates)


def _claim(reminder: Reminder, **marks) -> bool:
    """Claim a candidate read without a lock by marking it, in the caller's transaction: True
    when it was still pending and due at the moment read (and not being delivered by another
    worker, whose row lock makes this skip it). The row stays locked until COMMIT."""
    if connection.features.has_select_for_update_skip_locked:
        locked = Reminder.objects.select_for_update(skip_locked=True).filter(
            pk=reminder.pk, state=State.PENDING, fire_at=reminder.fire_at
        )
        return bool(Reminder.objects.filter(pk__in=locked.values("pk")).update(**marks))
    return bool(
        Reminder.objects.filter(
            pk=reminder.pk, state=State.PENDING, fire_at=reminder.fire_at
        ).update(**marks)
    )


def _claim_sent_pg(reminder: Reminder, now: dt.datetime, late: bool, text: str) -> bool:
    """_claim() marking it sent plus its notification, in one statement: per reminder the
    ORM's three queries were half its CPU (docs/performance.md "Reminders")."""
    r, n = Reminder._meta.db_table, Notification._meta.db_table
    sql = (
        f"WITH claimed AS (SELECT id FROM {r} WHERE id = %s AND state = %s AND fire_at = %s"  # noqa: S608 (table names from _meta, values bound)
        " FOR UPDATE SKIP LOCKED),"
        f" marked AS (UPDATE {r} SET state = %s, sent_at = %s, late = %s FROM claimed"
        f" WHERE {r}.id = claimed.id RETURNING {r}.id, {r}.user_id, {r}.task_id)"
        f" INSERT INTO {n} (user_id, task_id, reminder_id, text, created_at)"
        " SELECT user_id, task_id, id, %s, %s FROM marked"
    )
    params = [reminder.pk, State.PENDING, reminder.fire_at, State.SENT, now, late, text, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


def _deliver(reminder: Reminder, now: dt.datetime, batch: _Batch) -> int:
    """Deliver one candidate (or cancel, skip or reschedule it) in one transaction (the
    caller's): claim and mark it, write its notification, then send its email. An SMTP failure
    raises and rolls all of it back: the reminder stays pending. Returns 1 if it was claimed."""
    task = reminder.task
    zone, prefs = batch.owner(reminder.user_id)
    if task.deleted_at is not None or task.status == Status.COMPLETED:
        return int(_claim(reminder, state=State.CANCELLED))
    moment = schedule.fire_at(reminder, task, zone)
    if moment is None or moment > now:
        # The task moved since fire_at was derived: not due after all.
        return int(_claim(reminder, fire_at=moment, synced_at=now))
    if reminder.is_default and moment < reminder.created_at:
        # A default "on the due day at 09:00" given to a task made after 09:00 that day: not a
        # missed reminder, just one that never applied.
        return int(_claim(reminder, state=State.SKIPPED))
    lateness = now - moment
    if lateness > dt.timedelta(hours=prefs.late_limit_hours):
        return int(_claim(reminder, state=State.SKIPPED))
    late = lateness > dt.timedelta(seconds=settings.REMINDERS_LATE_AFTER_SECONDS)
    text = reminder_text(reminder, task, zone, late)
    if connection.vendor == "postgresql":
        if not _claim_sent_pg(reminder, now, late, text):
            return 0
    else:
        if not _claim(reminder, state=State.SENT, sent_at=now, late=late):
            return 0
        Notification.objects.bulk_create(
            [Notification(user_id=reminder.user_id, task=task, reminder=reminder, text=text)]
        )
    if reminder.user.email and settings.REMINDERS_EMAIL:
        # Last, just before COMMIT: what is left between the SMTP server's acceptance and the
        # commit is one round trip.
        batch.mailer.send(_email(reminder, task, text))
    return 1


def _email(reminder: Reminder, task: Task, text: str) -> EmailMessage:
    body = f"{text}\n\n{task.description}".strip() + "\n"
    return ReminderEmail(
        subject=text,
        body=body,
        to=[reminder.user.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}@{_domain()}>"},
    )


# Connection losses one run survives before it gives up (the next run starts afresh).
RECONNECTS = 5


class Delivered(int):
    """How many reminders were claimed; `.more` when the time budget ran out first."""

    more: bool = False


def deliver_due(now_fn=timezone.now, budget_seconds: float | None = None) -> Delivered:
    """Deliver batches until none are due or the time budget is spent; returns how many."""
    budget = settings.REMINDERS_TICK_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    schedule.resync_stale()
    total, more = 0, True
    # One mailer for the run: the SMTP connection opens with the first email and is reused by
    # every batch (a connection per batch was a TCP handshake, EHLO and QUIT per 20 emails).
    mailer = Mailer()
    lost = 0
    try:
        while time.monotonic() < deadline:
            try:
                claimed, seen = _deliver_batch(now_fn(), None, mailer)
            except (OperationalError, InterfaceError):
                # The database connection broke (a restart, a failover, a terminated backend):
                # the reminder in hand rolled back with it and stays pending. Drop the dead
                # connection; the next query opens a new one and the run carries on.
                if connection.in_atomic_block or lost >= RECONNECTS:
                    raise
                lost += 1
                logger.warning("Database connection lost; reconnecting (%d)", lost)
                connection.close()
                time.sleep(min(0.2 * 2**lost, 5))
                continue
            if not seen:
                more = False
                break
            total += claimed
    finally:
        mailer.close()
    result = Delivered(total)
    result.more = more
    return result


# --- Daily digest ---------------------------------------------------------------------------


def digest_text(user, day: dt.date) -> str | None:
    tasks = list(
        Task.objects.visible_to(user)
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
