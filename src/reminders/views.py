"""Reminders on a task, the notifications list, the header bell, and reminder settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tasks.http import HtmxRequest, wants_fragment
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
    newest = request.POST.get("newest", "")
    unread = Notification.objects.for_user(request.user).unread()
    if newest.isdigit():
        unread = unread.filter(pk__lte=int(newest))
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
    seen = request.GET.get("seen", "")
    seen = int(seen) if seen.isdigit() else None
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
        return render(request, "reminders/settings.html", {"form": form})
    form = ReminderSettingsForm(request.POST, instance=ReminderSettings(user=request.user))
    if not form.is_valid():
        return render(request, "reminders/settings.html", {"form": form}, status=UNPROCESSABLE)
    with transaction.atomic():
        form.save_for(request.user)
    messages.success(request, "Reminder settings saved")
    return redirect("reminders:settings")
