"""Reminders on a task, the notifications list, the header bell, and reminder settings."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tasks.http import HtmxRequest, parse_number, wants_fragment
from tasks.models import Task

from . import jobs, schedule
from .forms import ReminderForm, ReminderSettingsForm
from .models import Notification, Reminder, ReminderSettings

UNPROCESSABLE = 422
REMINDERS = "reminders/task_reminders.html"
NOTIFICATIONS = "reminders/notifications.html"


def _reminders_context(task, user, form=None) -> dict:
    # Moments not derived yet (a new task's default reminder) are derived now, before showing.
    schedule.resync(Reminder.objects.stale().filter(task=task).select_related("task"))
    return {
        "task": task,
        "reminders": Reminder.objects.for_user(user).filter(task=task).order_by("fire_at", "id"),
        "form": form or ReminderForm(task=task),
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_reminders(request: HtmxRequest, pk: int):
    template = f"{REMINDERS}#reminders" if wants_fragment(request) else REMINDERS
    if request.method != "POST":
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
        return render(request, template, _reminders_context(task, request.user))
    with transaction.atomic():
        # The task row stays locked until the reminder is in: a delete cannot slip between.
        task = get_object_or_404(Task.objects.visible_to(request.user).select_for_update(), pk=pk)
        form = ReminderForm(request.POST, task=task)
        if not form.is_valid():
            context = _reminders_context(task, request.user, form)
            return render(request, template, context, status=UNPROCESSABLE)
        reminder = form.reminder(request.user)
        zone = schedule.zone_of(timezone.get_current_timezone_name())
        reminder.fire_at = schedule.fire_at(reminder, task, zone)
        reminder.synced_at = timezone.now()
        reminder.save()
        transaction.on_commit(jobs.ensure_dispatcher)
    if wants_fragment(request):
        return render(request, template, _reminders_context(task, request.user))
    messages.success(request, "Reminder added")
    return redirect("reminders:task", pk=task.pk)


@login_required
@require_POST
def reminder_delete(request: HtmxRequest, reminder_id: int):
    reminder = get_object_or_404(Reminder.objects.for_user(request.user), pk=reminder_id)
    # One DELETE, of a pending reminder only: one being delivered right now is row-locked by
    # the worker, so this waits and then finds it sent (and keeps it as history).
    Reminder.objects.for_user(request.user).pending().filter(pk=reminder_id).delete()
    task = get_object_or_404(Task.objects.filter(user=request.user), pk=reminder.task_id)
    if wants_fragment(request):
        return render(request, f"{REMINDERS}#reminders", _reminders_context(task, request.user))
    messages.success(request, "Reminder removed")
    return redirect("reminders:task", pk=task.pk)


@login_required
@require_safe
def notifications(request: HtmxRequest):
    items = Notification.objects.for_user(request.user).select_related("task")[:100]
    template = f"{NOTIFICATIONS}#list" if wants_fragment(request) else NOTIFICATIONS
    return render(request, template, {"notifications": items})


@login_required
@require_POST
def notification_read(request: HtmxRequest, notification_id: int):
    mine = Notification.objects.for_user(request.user)
    get_object_or_404(mine, pk=notification_id)
    # A compare-and-swap on read_at: marking twice (two tabs) keeps the first time.
    mine.filter(pk=notification_id, read_at__isnull=True).update(read_at=timezone.now())
    return _after_read(request)


@login_required
@require_POST
def notifications_read_all(request: HtmxRequest):
    # Only what was shown is marked: ids up to the newest the page listed, so a notification
    # that arrived after the page was drawn stays unread.
    newest = parse_number(request.POST.get("newest", ""))
    unread = Notification.objects.for_user(request.user).unread()
    if newest is not None:
        unread = unread.filter(pk__lte=newest)
    unread.update(read_at=timezone.now())
    return _after_read(request)


def _after_read(request):
    if wants_fragment(request):
        items = Notification.objects.for_user(request.user).select_related("task")[:100]
        return render(request, f"{NOTIFICATIONS}#list", {"notifications": items, "bell_oob": True})
    return redirect("reminders:notifications")


def bell_state(user) -> tuple[int, int]:
    """(unread count, newest unread id) in one query."""
    row = Notification.objects.for_user(user).unread().aggregate(n=Count("id"), last=Max("id"))
    return row["n"], row["last"] or 0


@login_required
@require_safe
def bell(request: HtmxRequest):
    """The header bell, polled every 30 s. ETag over (count, newest, seen): an idle tab's poll is
    answered 304 by this one query, with no rendering and no body."""
    count, newest = bell_state(request.user)
    seen = parse_number(request.GET.get("seen", ""))
    etag = f'"bell-{count}-{newest}-{seen}"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        announce = seen is not None and newest > seen
        response = render(
            request,
            "reminders/bell.html#bell",
            {"unread": count, "newest": newest, "announce": announce, "poll": True},
        )
    response["ETag"] = etag
    # Revalidate every time (no-cache), never shared (private): the browser sends If-None-Match.
    patch_cache_control(response, private=True, no_cache=True)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reminder_settings(request: HtmxRequest):
    current = ReminderSettings.of(request.user)
    initial = {"email": request.user.email}
    if request.method != "POST":
        form = ReminderSettingsForm(instance=current, initial=initial)
        return render(request, SETTINGS, _settings_context(request, form, current))
    form = ReminderSettingsForm(request.POST, instance=ReminderSettings(user=request.user))
    if not form.is_valid():
        context = _settings_context(request, form, current)
        return render(request, SETTINGS, context, status=UNPROCESSABLE)
    with transaction.atomic():
        form.save_for(request.user)
        request.user.email = form.cleaned_data["email"]
        confirming = _ask_to_confirm(request)
    done = "Reminder settings saved."
    if confirming:
        done += (
            f" A confirmation link went to {request.user.email}: reminders are emailed there "
            "once you open it."
        )
    messages.success(request, done)
    return redirect("reminders:settings")


SETTINGS = "reminders/settings.html"
CONFIRM = "reminders/confirm_email.html"
# The link in the confirmation email: signed (user id and address), valid this long.
CONFIRM_SALT = "reminders.confirm-email"
CONFIRM_MAX_AGE = dt.timedelta(days=3)


def _settings_context(request, form, current: ReminderSettings) -> dict:
    email = request.user.email
    return {
        "form": form,
        "email": email,
        "confirmed": current.confirms(email),
        "can_email": settings.REMINDERS_EMAIL,
        "per_day": settings.REMINDERS_EMAILS_PER_DAY,
    }


def _ask_to_confirm(request) -> bool:
    """Queue the confirmation email for the person's address if it is not confirmed yet
    (inside the caller's transaction: it goes once that commits). True when one was queued."""
    user = request.user
    if not (settings.REMINDERS_EMAIL and user.email):
        return False
    if ReminderSettings.of(user).confirms(user.email):
        return False
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRM_SALT)
    link = request.build_absolute_uri(reverse("reminders:confirm_email", args=[token]))
    email = user.email
    transaction.on_commit(lambda: jobs.send_email_confirmation.enqueue(user.pk, email, link))
    return True


@login_required
@require_POST
def confirm_email_again(request: HtmxRequest):
    with transaction.atomic():
        queued = _ask_to_confirm(request)
    if queued:
        messages.success(request, f"A new confirmation link went to {request.user.email}.")
    else:
        messages.info(request, "There is no address waiting for confirmation.")
    return redirect("reminders:settings")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request: HtmxRequest, token: str):
    """The link in the confirmation email: a page with a button (a GET changes nothing), and
    the button's POST, which confirms the address the link was sent to if it is still the
    account's."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:  # tampered, truncated or expired
        data = None
    user = request.user
    problem = None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        problem = "This confirmation link is not valid for your account, or it has expired."
    elif str(data.get("e", "")).lower() != user.email.lower():
        problem = "This link is for an address that is no longer the one in your settings."
    if problem:
        return render(request, CONFIRM, {"problem": problem}, status=400)
    if request.method != "POST":
        return render(request, CONFIRM, {"email": user.email})
    with transaction.atomic():
        ReminderSettings.objects.get_or_create(user=user)
        # Only while the account still has that address (a change in another tab wins).
        still = get_user_model().objects.filter(pk=user.pk, email=data["e"])
        if still.select_for_update().exists():
            ReminderSettings.objects.filter(user=user).update(confirmed_email=data["e"])
    messages.success(request, f"{user.email} is confirmed: reminders are emailed to it.")
    return redirect("reminders:settings")
