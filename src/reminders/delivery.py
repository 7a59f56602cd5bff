"""Delivering due reminders and daily digests: email plus an in-app notification.

Exactly once: each due reminder is claimed with SELECT ... FOR UPDATE SKIP LOCKED, its email
handed to the SMTP server, its notification written and the reminder marked sent, all before
that reminder's own transaction commits. A second worker skips the locked row (and finds it
sent once the lock is released). A worker killed before the commit leaves the reminder pending,
and it is delivered by the next run; nothing already committed is sent again. The one window
left is a kill (or a lost database connection) after the SMTP server accepted the message but
before COMMIT: that one message goes out again with the same Message-ID (reminder-<id>@...),
which receivers can use to drop the copy. One reminder per transaction keeps that window to one
email; one mail connection serves a whole run (Django's email backend, opened on the first
email), and the email is built with a header cache (ReminderEmail). docs/reliability.md
"Reminders" has the tests behind this.

One reminder never holds back another. Whatever goes wrong with one (an email that cannot be
built, an address the mail server refuses) rolls back that reminder alone, which is then marked
failed with the reason. A mail server that is down or answers "try later" postpones the
reminders that have email (RETRY_SECONDS) and the run goes on with the rest.

Email goes only to an address its owner confirmed (ReminderSettings.confirmed_email), at most
REMINDERS_EMAILS_PER_DAY a day per person; past that, and for accounts without a confirmed
address, reminders are in-app only.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import smtplib
import time
from collections import Counter
from email.headerregistry import HeaderRegistry

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, connection, models, transaction
from django.db.utils import InterfaceError, OperationalError
from django.utils import timezone

from accounts.models import Profile
from tasks.models import Status, Task
from tasks.text import clean_line

from . import schedule
from .models import DigestRun, Notification, Reminder, ReminderSettings, State

logger = logging.getLogger(__name__)

# The database connection broke: the run reconnects (deliver_due), nothing is marked.
DATABASE_DOWN = (OperationalError, InterfaceError)
# How long a reminder whose email the mail server could not take now waits before a retry.
RETRY_SECONDS = 60


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
    again: for a reminder that was a third of its CPU (docs/performance.md "Reminders"). Header
    objects are immutable, so the same (name, value) can share one; the bytes sent are the
    same (tests/reminders/test_reminder_throughput.py compares them with Django's own).
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
    """An EmailMessage whose MIME form is built with _HeaderCache (same bytes, less CPU). The
    backend asks for it through Django's public message(policy=...)."""

    def message(self, *, policy=email.policy.default):
        cached = _POLICIES.get(id(policy))
        if cached is None:
            cached = _POLICIES[id(policy)] = policy.clone(header_factory=_HeaderCache())
        return super().message(policy=cached)


class MailServerDown(Exception):
    """The mail server cannot take email now (down, refusing us, or asking to try later)."""


class Mailer:
    """The default mailer (Django's email backend), opened on the first email and kept open
    until close(): one connection for a whole run. Nothing is opened when nothing is sent, and
    once the server failed this run it is not asked again until the next one (each email
    would otherwise wait for the connection timeout)."""

    def __init__(self):
        self.backend = None
        self.down: Exception | None = None

    def send(self, message: EmailMessage) -> None:
        if self.down is not None:
            raise MailServerDown(str(self.down))
        if self.backend is None:
            self.backend = mailers.default
            self.backend.open()
        self.backend.send_messages([message])

    def failed(self, error: Exception) -> None:
        """The server failed as a whole (`error`): close the connection, send no more."""
        self.down = error
        try:
            self.close()
        except Exception:  # a broken connection may fail to close too
            self.backend = None

    def close(self) -> None:
        if self.backend is not None:
            backend, self.backend = self.backend, None
            backend.close()


def _classify(error: Exception) -> str:
    """What a failed delivery means: "retry" (the mail server cannot take it now: it stays
    pending, postponed), "down" (the same, and the server is not asked again this run), or
    "failed" (this reminder cannot be delivered: marked failed with the reason)."""
    if isinstance(error, MailServerDown):
        return "retry"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return "retry" if codes and all(400 <= code < 500 for code in codes) else "failed"
    if isinstance(error, smtplib.SMTPDataError):
        if error.smtp_code == 421:  # "service not available, closing the channel"
            return "down"
        return "retry" if 400 <= error.smtp_code < 500 else "failed"
    if isinstance(error, OSError):  # connection refused or lost, TLS, authentication, sender
        return "down"
    return "failed"


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = "; ".join(
            f"{code} {message.decode(errors='replace')}"
            for code, message in error.recipients.values()
        )
        return clean_line(f"The mail server refused the address: {replies}")[:300]
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        if isinstance(reply, bytes):
            reply = reply.decode(errors="replace")
        return clean_line(f"The mail server refused the email: {error.smtp_code} {reply}")[:300]
    return clean_line(f"The email could not be made: {error}")[:300]


class _Batch:
    """What one batch reads once: the owners' zones and reminder settings, and how many emails
    each owner may still get (their daily cap is counted once per batch, not per email)."""

    def __init__(self, mailer: Mailer, candidates: list[Reminder], now: dt.datetime):
        self.mailer = mailer
        self.zones: dict[int, str] = {}
        self.prefs: dict[int, ReminderSettings] = {}
        self.day = now.astimezone(dt.UTC).date()
        # Each owner's candidates not delivered yet, the emails counted for them and not sent
        # yet, in which reminder's transaction they were counted, and the one sending now.
        self.left = Counter(reminder.user_id for reminder in candidates)
        self.allowed: dict[int, int] = {}
        self.counted_in: dict[int, int] = {}
        self.sending: int | None = None

    def owner(self, user_id: int):
        if user_id not in self.prefs:
            self.zones.update(_zone_names([user_id]))
            self.prefs.update(_settings_of([user_id]))
        return schedule.zone_of(self.zones.get(user_id)), self.prefs[user_id]

    def may_email(self, reminder: Reminder, prefs: ReminderSettings) -> bool:
        """Whether `reminder` may be emailed: email configured, the account's address
        confirmed, the day's cap not reached. The first time in a batch an owner's cap is
        counted for all their candidates left (ReminderSettings.take_emails)."""
        user = reminder.user
        if not (settings.REMINDERS_EMAIL and user.email and prefs.confirms(user.email)):
            return False
        if user.pk not in self.allowed:
            wanted = self.left[user.pk]
            self.allowed[user.pk] = ReminderSettings.take_emails(user.pk, self.day, wanted)
            self.counted_in[user.pk] = reminder.pk
        if self.allowed[user.pk] <= 0:
            return False
        self.allowed[user.pk] -= 1
        self.sending = reminder.pk
        return True

    def finished(self, reminder: Reminder, committed: bool) -> None:
        """After `reminder`'s transaction: what it counted or took is undone if it rolled
        back."""
        user_id = reminder.user_id
        self.left[user_id] -= 1
        if not committed:
            if self.counted_in.get(user_id) == reminder.pk:  # the count rolled back with it
                self.allowed.pop(user_id, None)
                self.counted_in.pop(user_id, None)
            elif self.sending == reminder.pk:
                self.allowed[user_id] += 1
        self.sending = None

    def give_back(self) -> None:
        """Uncount the emails counted for this batch and not sent (skipped, in-app only)."""
        for user_id, unused in self.allowed.items():
            if unused > 0:
                ReminderSettings.give_back_emails(user_id, self.day, unused)


class Delivered(Counter):
    """What a run did with the reminders it claimed, by outcome: "sent", "skipped" (too late),
    "cancelled" (task done or deleted, account inactive), "failed", "retry" (postponed: the
    mail server could not take the email), "rescheduled" (the task's date moved); `.more` when
    the time budget ran out first. Its words (describe()) are what the worker logs."""

    more: bool = False

    @property
    def claimed(self) -> int:
        return sum(self.values())

    def describe(self) -> str:
        phrases = {
            "sent": "delivered",
            "skipped": "too late and skipped",
            "cancelled": "cancelled (task done or deleted, or account inactive)",
            "failed": "failed (the reason is on the task's reminders page)",
            "retry": "postponed: the mail server could not take their email now",
            "rescheduled": "rescheduled: their task's date changed",
        }
        parts = []
        for outcome, words in phrases.items():
            n = self[outcome]
            if n:
                noun = "reminder" if n == 1 else "reminders"
                verb = "was" if n == 1 else "were"
                if outcome in ("skipped", "failed", "cancelled"):
                    words = f"{verb} {words}"
                parts.append(f"{n} {noun} {words}")
        return "; ".join(parts) or "no reminders were due"


def deliver_batch(
    now: dt.datetime | None = None, batch_size: int | None = None, mailer: Mailer | None = None
) -> Delivered:
    """Claim and deliver up to batch_size due reminders, each in a transaction of its own;
    returns what became of them (empty: none due). `mailer`: one to reuse (left open)."""
    return _deliver_batch(now, batch_size, mailer, set())[0]


def _deliver_batch(now, batch_size, mailer, passed: set[int]) -> tuple[Delivered, int]:
    """(outcomes, seen): seen > claimed when another worker had some of the candidates.
    `passed`: ids this run could neither deliver nor mark, left out from now on."""
    now = now or timezone.now()
    batch_size = batch_size or settings.REMINDERS_BATCH_SIZE
    # The batch's candidates, read without locks: the ids through the partial index in
    # (fire_at, id) order (LIMIT inside, so no sort of every due row, which a join made
    # PostgreSQL do), then those rows with their tasks and owners.
    due = Reminder.objects.due(now)
    if passed:
        due = due.exclude(pk__in=passed)
    ids = due.order_by("fire_at", "id").values("pk")[:batch_size]
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
    batch = _Batch(mailer or Mailer(), candidates, now)
    outcomes = Delivered()
    try:
        for reminder in candidates:
            try:
                with transaction.atomic():
                    outcome = _deliver(reminder, now, batch)
            except DATABASE_DOWN:
                raise
            except Exception as error:  # any failure of one reminder is its own
                batch.finished(reminder, committed=False)
                outcome = _after_failure(reminder, error, now, batch.mailer, passed)
            else:
                batch.finished(reminder, committed=True)
            if outcome:
                outcomes[outcome] += 1
        batch.give_back()
    finally:
        if mailer is None:
            batch.mailer.close()
    return outcomes, len(candidates)


def _after_failure(reminder, error, now, mailer: Mailer, passed: set[int]) -> str | None:
    """The reminder's own transaction rolled back: mark it failed with the reason, or, when the
    mail server is to blame, postpone it. None when another worker had it meanwhile."""
    kind = _classify(error)
    pending = Reminder.objects.filter(pk=reminder.pk, state=State.PENDING, fire_at=reminder.fire_at)
    try:
        with transaction.atomic():
            if kind == "failed":
                logger.warning("Reminder %s failed: %r", reminder.pk, error)
                marked = pending.update(state=State.FAILED, reason=_reason(error))
            else:
                if kind == "down":
                    logger.warning("Mail server unavailable, email postponed: %r", error)
                    mailer.failed(error)
                retry_at = now + dt.timedelta(seconds=RETRY_SECONDS)
                marked = pending.update(fire_at=retry_at, synced_at=now)
    except DATABASE_DOWN:
        raise
    except Exception:
        # Not even its mark could be written: leave it for the next run, not this one's loop.
        logger.exception("Reminder %s could not be marked", reminder.pk)
        passed.add(reminder.pk)
        return None
    if not marked:
        return None
    return "failed" if kind == "failed" else "retry"


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


def _deliver(reminder: Reminder, now: dt.datetime, batch: _Batch) -> str | None:
    """Deliver one candidate (or cancel, skip or reschedule it) in one transaction (the
    caller's): claim and mark it, write its notification, then send its email. A failure
    raises and rolls all of it back (the caller then marks it failed or postpones it). Returns
    its outcome (Delivered's keys), None when another worker had it."""
    task = reminder.task
    zone, prefs = batch.owner(reminder.user_id)
    if task.deleted_at is not None or task.status == Status.COMPLETED:
        return _claimed(_claim(reminder, state=State.CANCELLED), "cancelled")
    if not reminder.user.is_active:
        # A deactivated account gets nothing more, from the moment it is deactivated.
        inactive = "The account is inactive."
        return _claimed(_claim(reminder, state=State.CANCELLED, reason=inactive), "cancelled")
    moment = schedule.fire_at(reminder, task, zone)
    if moment is None or moment > now:
        # The task moved since fire_at was derived: not due after all.
        return _claimed(_claim(reminder, fire_at=moment, synced_at=now), "rescheduled")
    if reminder.is_default and moment < reminder.created_at:
        # A default "on the due day at 09:00" given to a task made after 09:00 that day: not a
        # missed reminder, just one that never applied.
        return _claimed(_claim(reminder, state=State.SKIPPED), "skipped")
    lateness = now - moment
    if lateness > dt.timedelta(hours=prefs.late_limit_hours):
        return _claimed(_claim(reminder, state=State.SKIPPED), "skipped")
    late = lateness > dt.timedelta(seconds=settings.REMINDERS_LATE_AFTER_SECONDS)
    text = reminder_text(reminder, task, zone, late)
    if connection.vendor == "postgresql":
        if not _claim_sent_pg(reminder, now, late, text):
            return None
    else:
        if not _claim(reminder, state=State.SENT, sent_at=now, late=late):
            return None
        Notification.objects.bulk_create(
            [Notification(user_id=reminder.user_id, task=task, reminder=reminder, text=text)]
        )
    if batch.may_email(reminder, prefs):
        # Last, just before COMMIT: what is left between the SMTP server's acceptance and the
        # commit is one round trip.
        batch.mailer.send(_email(reminder, task, text))
    return "sent"


def _claimed(claimed: bool, outcome: str) -> str | None:
    return outcome if claimed else None


def may_email(user, prefs: ReminderSettings, now: dt.datetime) -> bool:
    """Whether one email may go to `user` now, counting it if so (in the caller's transaction:
    it is uncounted if that rolls back): email configured, the account's address confirmed,
    and the day's cap not reached."""
    if not (settings.REMINDERS_EMAIL and user.email and prefs.confirms(user.email)):
        return False
    return ReminderSettings.take_emails(user.pk, now.astimezone(dt.UTC).date()) == 1


def _email(reminder: Reminder, task: Task, text: str) -> EmailMessage:
    body = f"{text}\n\n{task.description}".strip() + "\n"
    return ReminderEmail(
        # One line whatever is stored (a title saved before titles were cleaned).
        subject=clean_line(text),
        body=body,
        to=[reminder.user.email],
        headers={"Message-ID": f"<reminder-{reminder.pk}@{_domain()}>"},
    )


# Connection losses one run survives before it gives up (the next run starts afresh).
RECONNECTS = 5


def deliver_due(now_fn=timezone.now, budget_seconds: float | None = None) -> Delivered:
    """Deliver batches until none are due or the time budget is spent; returns what became of
    the reminders claimed."""
    budget = settings.REMINDERS_TICK_BUDGET_SECONDS if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    schedule.resync_stale()
    total, more = Delivered(), True
    # One mailer for the run: the mail connection opens with the first email and is reused by
    # every batch (a connection per batch was a TCP handshake, EHLO and QUIT per 20 emails).
    mailer = Mailer()
    passed: set[int] = set()
    lost = 0
    try:
        while time.monotonic() < deadline:
            try:
                outcomes, seen = _deliver_batch(now_fn(), None, mailer, passed)
            except DATABASE_DOWN:
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
            total.update(outcomes)
    finally:
        mailer.close()
    total.more = more
    return total


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
    the next person), and the DigestRun row's unique (user, day) key makes it once per day. One
    person's failure is theirs alone: a digest whose email cannot be sent is logged and marked
    done for the day; one the mail server cannot take now waits for the next run.
    """
    now = now or timezone.now()
    candidates = ReminderSettings.objects.filter(digest=True, user__is_active=True)
    sent = 0
    mailer = Mailer()
    try:
        for pk in list(candidates.values_list("pk", flat=True)[:1000]):
            try:
                with transaction.atomic():
                    sent += _deliver_digest(pk, now, mailer)
            except DATABASE_DOWN:
                raise
            except Exception as error:  # one person's digest is theirs alone
                kind = _classify(error)
                logger.warning("Digest of settings %s not sent (%s): %r", pk, kind, error)
                if kind == "down":
                    mailer.failed(error)
                elif kind == "failed":
                    _digest_done(pk, now)
    finally:
        mailer.close()
    return sent


def _deliver_digest(pk: int, now: dt.datetime, mailer: Mailer) -> int:
    prefs = (
        ReminderSettings.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=pk, digest=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if prefs is None:
        return 0
    user = prefs.user
    local = now.astimezone(schedule.zone_of(_zone_names([user.pk]).get(user.pk)))
    if local.hour < prefs.digest_hour:
        return 0
    if DigestRun.objects.filter(user=user, day=local.date()).exists():
        return 0
    text = digest_text(user, local.date())
    try:
        with transaction.atomic():
            DigestRun.objects.create(user=user, day=local.date())
    except IntegrityError:
        return 0
    if text is None:
        return 0  # nothing due: recorded as done for the day, nothing sent
    Notification.objects.create(
        user=user, text=f"Daily digest: {text.count(chr(10)) - 2} tasks due or overdue"
    )
    if may_email(user, prefs, now):
        mailer.send(
            EmailMessage(
                subject=f"Today's tasks, {local:%a %-d %b}",
                body=text,
                to=[user.email],
                headers={"Message-ID": f"<digest-{user.pk}-{local:%Y%m%d}@{_domain()}>"},
            )
        )
    return 1


def _digest_done(pk: int, now: dt.datetime) -> None:
    """Record today's digest of settings `pk` as done without sending it (it cannot be)."""
    prefs = ReminderSettings.objects.filter(pk=pk).select_related("user").first()
    if prefs is None:
        return
    zone = schedule.zone_of(_zone_names([prefs.user_id]).get(prefs.user_id))
    DigestRun.objects.get_or_create(user_id=prefs.user_id, day=now.astimezone(zone).date())
