"""Login throttling: the (account, address) pair is locked, the account and the address softly.

Every failed password check (the login form, the admin's login, the current password on the
password change page) is one LoginFailure row. Within one cool-off window:

- LOGIN_FAILURE_LIMIT failures for one account from one address lock that pair. Other addresses,
  the owner's included, can still log in to the account, and other accounts can still log in
  from the address (a household or office behind one NAT).
- LOGIN_ACCOUNT_FAILURE_LIMIT failures for one account from any addresses (a distributed guess),
  or LOGIN_ADDRESS_FAILURE_LIMIT from one address over any accounts (password spraying), lock
  the account or the address, but only for browsers that have not logged in to that account
  before: a successful login leaves a signed "known device" cookie naming the account, and a
  browser carrying it is held to its own pair's limit only. So nobody can lock the owner out
  from the owner's usual browser.

A locked attempt is refused before the password is checked and is not recorded, so requests
during a lock never extend it: a lock ends one cool-off after the failures that caused it,
whatever an attacker sends meanwhile.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import LoginFailure

USERNAME_MAX = LoginFailure._meta.get_field("username").max_length
DEVICE_COOKIE = "known_login"
DEVICE_SALT = "accounts.throttle.device"
DEVICE_MAX_AGE = 365 * 24 * 3600


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies write it.

    Each trusted proxy appends the address it received the request from, so with N proxies the
    client is the Nth entry from the right; anything further left was sent by the client and
    may be forged to dodge the per-address limit.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            return forwarded[-count][:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def _username(username) -> str:
    # The login form does not enforce max_length; no real username is longer than the column.
    return str(username or "")[:USERNAME_MAX]


def _window_start() -> dt.datetime:
    return timezone.now() - settings.LOGIN_COOLOFF


def knows_device(request: HttpRequest, username: str) -> bool:
    """This browser has logged in to `username` before (the signed cookie names it)."""
    try:
        known = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return False
    return known == username


def is_locked(request: HttpRequest, username) -> bool:
    username = _username(username)
    address = client_ip(request)
    recent = LoginFailure.objects.filter(at__gte=_window_start())
    if recent.filter(username=username, address=address).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    if knows_device(request, username):
        return False
    return (
        recent.filter(username=username).count() >= settings.LOGIN_ACCOUNT_FAILURE_LIMIT
        or recent.filter(address=address).count() >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )


def record_failure(request: HttpRequest, username) -> bool:
    """Count one failed password check; True when it locks the next attempt out."""
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.create(
        username=_username(username), address=client_ip(request), at=timezone.now()
    )
    return is_locked(request, username)


def remember_device(response: HttpResponse, username: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(_username(username), salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def lockout_response(request: HttpRequest) -> HttpResponse:
    """The lockout page: 429 with Retry-After, saying how long to wait in plain minutes."""
    cooloff = settings.LOGIN_COOLOFF
    response = render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": settings.LOGIN_FAILURE_LIMIT,
            "cooloff_minutes": max(1, round(cooloff.total_seconds() / 60)),
        },
        status=429,
    )
    response["Retry-After"] = str(int(cooloff.total_seconds()))
    return response


class LoginThrottleBackend(BaseBackend):
    """First in AUTHENTICATION_BACKENDS: refuses a locked-out attempt before any password check.

    Raising PermissionDenied stops authenticate() at once (it then sends user_login_failed,
    which accounts.signals leaves unrecorded for a refused attempt). Calls without a request
    (the test client's login(), the shell) cannot be attributed to an address and are left to
    the next backend.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and is_locked(request, username):
            request.login_locked_out = True
            raise PermissionDenied
        return None

    def get_user(self, user_id):
        # Being first, this is the backend the test client's force_login() records in the session.
        return ModelBackend().get_user(user_id)


class LoginThrottleMiddleware:
    """Turns a locked-out login into the lockout page, and marks a browser that logged in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "login_locked_out", False):
            return lockout_response(request)
        username = getattr(request, "login_succeeded_as", None)
        if username is not None:
            remember_device(response, username)
        return response
