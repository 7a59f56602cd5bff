"""Login throttling glue for django-axes: the backend and the client address it counts by."""

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' throttle, tolerant of authenticate() calls that carry no request.

    Every login form (ours and the admin's) passes the request, so every login over HTTP is
    counted and locked out as configured. Calls without one (the test client's login(), the
    shell) cannot be attributed to an address; axes would raise for them, so they are left to
    the next backend instead.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies write it.

    Each trusted proxy appends the address it received the request from, so with N proxies the
    client is the Nth entry from the right; anything further left was sent by the client and
    may be forged to dodge the per-address lockout.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """The lockout page: 429 with Retry-After, saying how long to wait in plain minutes."""
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = max(1, round(cooloff.total_seconds() / 60)) if cooloff else None
    response = render(
        request,
        "registration/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
    if cooloff:
        response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response


def throttle_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes records for a failed login, cut to the 255 characters it can store.

    Django's login form does not enforce the username's max_length, so a 300-character name
    reaches authenticate(); recording it whole fails on PostgreSQL (a 500 instead of "wrong
    password"). No real username is that long, so cutting it changes no lockout.
    """
    source = credentials if credentials is not None else request.POST
    username = source.get("username")
    return username[:255] if isinstance(username, str) else username
