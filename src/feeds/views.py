"""The calendar feed: its page (turn on, new URL, filter, turn off; owner only) and the feed
itself, read by calendar apps with nothing but the token in its URL."""

from __future__ import annotations

import hashlib
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_POST, require_safe

from accounts import timezones
from taskmanager.replica import reads_from_replica
from tasks.http import HtmxRequest
from tasks.models import Project, Tag, Task, TaskCompletion

from . import ical
from .models import CalendarFeed

PAGE = "feeds/feeds.html"
CACHE_SECONDS = 6 * 60 * 60
SHOW_ONCE = "feeds:new-token"  # session key: the new URL, shown on the next page view only


class FeedFilterForm(forms.ModelForm):
    class Meta:
        model = CalendarFeed
        fields = ["project", "tag", "include_completed"]
        labels = {
            "project": "Only this project",
            "tag": "Only tasks with this tag",
            "include_completed": "Include completed tasks (marked ✓)",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the person's own projects and tags can be chosen (another's id is refused).
        self.fields["project"].queryset = Project.objects.filter(user=user, deleted_at=None)
        self.fields["tag"].queryset = Tag.objects.filter(user=user)
        self.fields["project"].empty_label = "All projects"
        self.fields["tag"].empty_label = "Any tag"

    def save(self, commit=True):
        feed = super().save(commit=False)
        # What was chosen, kept apart from the foreign keys a delete may empty (models).
        feed.limited_to_project = feed.project_id is not None
        feed.limited_to_tag = feed.tag_id is not None
        if commit:
            feed.save()
        return feed


def feed_tasks(feed: CalendarFeed):
    tasks = Task.objects.visible_to(feed.user).filter(due_date__isnull=False)
    if feed.project_id:
        tasks = tasks.filter(project_id=feed.project_id)
    if feed.tag_id:
        tasks = tasks.filter(tags=feed.tag_id)
    if not feed.include_completed:
        tasks = tasks.open()
    return tasks


def _page(request: HtmxRequest, feed: CalendarFeed | None, token: str | None, form=None):
    context = {
        "feed": feed,
        "stopped": feed.stopped_because() if feed else None,
        "feed_url": request.build_absolute_uri(reverse("feeds:ics", args=[token]))
        if token
        else None,
        "form": form or (FeedFilterForm(instance=feed, user=request.user) if feed else None),
    }
    template = f"{PAGE}#feed-panel" if request.htmx else PAGE
    return render(request, template, context, status=422 if form else 200)


def _feed_of(user) -> CalendarFeed | None:
    # With what stopped_because() reads, in the same query.
    return CalendarFeed.objects.filter(user=user).select_related("user", "project", "tag").first()


@login_required
@require_safe
def feed_page(request: HtmxRequest):
    return _page(request, _feed_of(request.user), request.session.pop(SHOW_ONCE, None))


@login_required
@require_POST
def feed_turn_on(request: HtmxRequest):
    """Turn the feed on, or give it a new URL: the old one answers 404 from now on."""
    renewing = _feed_of(request.user) is not None
    token = CalendarFeed.turn_on(request.user)
    done = "New feed URL: the old one no longer works." if renewing else "Calendar feed on."
    messages.success(request, done)
    if request.htmx:
        return _page(request, _feed_of(request.user), token)
    request.session[SHOW_ONCE] = token
    return redirect("feeds:page")


@login_required
@require_POST
def feed_turn_off(request: HtmxRequest):
    CalendarFeed.objects.filter(user=request.user).delete()
    messages.success(request, "Calendar feed off: its URL no longer works.")
    if request.htmx:
        return _page(request, None, None)
    return redirect("feeds:page")


@login_required
@require_POST
def feed_filter(request: HtmxRequest):
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=request.user).first()
        if feed is None:
            raise Http404("No calendar feed to change.")
        form = FeedFilterForm(request.POST, instance=feed, user=request.user)
        if not form.is_valid():
            return _page(request, feed, None, form)
        form.save()
    messages.success(request, "Feed filter saved.")
    if request.htmx:
        return _page(request, feed, None)
    return redirect("feeds:page")


@require_safe
@reads_from_replica()
def feed_ics(request, token: str):
    """The feed: no session, the token is the key. A wrong or revoked token is a plain 404."""
    feed = CalendarFeed.objects.by_token(token)
    if feed is None:
        raise Http404("No such feed.")
    if feed.stopped_because():
        # An inactive account, or a filter that disappeared: nothing, never every task. The
        # feed's page says why (a calendar app shows no page).
        raise Http404("This feed is stopped.")
    zone_name = timezones.of_user(feed.user)
    tasks = feed_tasks(feed)
    base = request.build_absolute_uri("/")
    # What the feed's bytes depend on, in one aggregate: a calendar polling an unchanged feed
    # gets a 304 without the 10,000 rows being read or written out. The projects' versions
    # move with their names, which the events show.
    state = tasks.aggregate(
        n=Count("id"),
        changed=Max("updated_at"),
        ids=Sum("id"),
        versions=Sum("version"),
        projects=Sum("project__version"),
    )
    parts = [feed.pk, feed.updated_at.isoformat(), zone_name, *state.values(), ical.PRODID]
    parts += [feed.user.get_username(), base, getattr(settings, "FEEDS_UID_DOMAIN", "")]
    etag = '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'
    last_modified = max(filter(None, [state["changed"], feed.updated_at]))
    stamp = last_modified.timestamp()
    unchanged = get_conditional_response(request, etag=etag, last_modified=int(stamp))
    if unchanged is None:
        # Calendars that poll without If-None-Match (Google's) still get the bytes made for
        # the last poll of an unchanged feed: the ETag names exactly what they depend on. One
        # body per feed, replaced when the feed changes, in a cache bounded by bytes.
        bodies = caches["feeds"]
        key = f"feeds:ics:{feed.pk}"
        cached = bodies.get(key)
        if cached is not None and cached[0] == etag:
            body = cached[1]
        else:
            body = _render(request, feed, tasks, zone_name)
            bodies.set(key, (etag, body), CACHE_SECONDS)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="tasks.ics"'
    else:
        response = unchanged
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp)
    # Private (the URL is the secret) and revalidated on every poll.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _render(request, feed: CalendarFeed, tasks, zone_name: str) -> bytes:
    zone = zoneinfo.ZoneInfo(zone_name)
    domain = getattr(settings, "FEEDS_UID_DOMAIN", "") or "taskmanager"
    rows = list(tasks.order_by("due_date", "id").values_list(*ical.FIELDS))
    counted = [r[0] for r in rows if r[6] and "COUNT=" in r[6] and r[3] != "completed"]
    completions = {}
    if counted:
        done = TaskCompletion.objects.filter(task_id__in=counted).values("task_id")
        completions = dict(done.annotate(n=Count("id")).values_list("task_id", "n"))
    base = request.build_absolute_uri("/").rstrip("/")
    events = ical.events(rows, domain=domain, zone=zone, base=base, completions=completions)
    timed = any(r[5] is not None for r in rows)
    name = f"Tasks of {feed.user.get_username()}"
    return "".join(ical.calendar(events, name, zone_name, timed)).encode()
