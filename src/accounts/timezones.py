"""Each person's time zone: what "today" and "overdue" mean, and how times are shown.

Chosen on the settings page, or detected by the browser at sign-up and login (static/js/
timezone.js fills a hidden `timezone` field). It is kept in the session as well, so activating
it costs no query per request; a change on the settings page updates the current session, and
other sessions pick it up at their next login.
"""

from __future__ import annotations

import functools
import zoneinfo

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import Profile

SESSION_KEY = "timezone"


@functools.cache
def available() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid(name) -> bool:
    return isinstance(name, str) and name in available()


def choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available())]


def of_user(user) -> str:
    """The user's zone name, or the server's when none is set."""
    zone = Profile.objects.filter(user=user).values_list("timezone", flat=True).first()
    return zone if is_valid(zone) else settings.TIME_ZONE


def set_for_user(request: HttpRequest, user, name: str) -> None:
    """Save `name` as the user's zone (one UPDATE, no read) and use it in this session."""
    Profile.objects.filter(user=user).update(timezone=name)
    request.session[SESSION_KEY] = name


class TimezoneMiddleware:
    """Activates the logged-in person's zone for the request, so timezone.localdate() (tasks'
    today(), the row cache key) and every displayed time are theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        name = request.session.get(SESSION_KEY)
        if not is_valid(name):
            # A session from before this existed: read the profile once, then keep it here.
            name = request.session[SESSION_KEY] = of_user(user)
        timezone.activate(zoneinfo.ZoneInfo(name))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
