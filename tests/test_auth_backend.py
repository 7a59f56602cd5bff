"""Authentication is Django's ModelBackend; accounts.backends.ModelBackend is a one-release alias
that keeps the sessions it logged in signed in, and counts them so it can be removed."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    authenticate,
    get_user_model,
)
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.backends import PATH, ModelBackend, sessions_naming_it
from tests.conftest import HTMX, PASSWORD

pytestmark = pytest.mark.django_db
DJANGO_PATH = "django.contrib.auth.backends.ModelBackend"


def test_django_authenticates_and_the_alias_comes_after_it():
    assert settings.AUTHENTICATION_BACKENDS == [
        "accounts.throttle.LoginThrottleBackend",
        DJANGO_PATH,
        PATH,
    ]


def test_logging_in_records_djangos_backend_in_the_session(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == DJANGO_PATH
    assert client.get("/").status_code == 200


def test_the_alias_logs_nobody_in(alice):
    assert ModelBackend().authenticate(None, username="alice", password=PASSWORD) is None
    assert authenticate(username="alice", password=PASSWORD).backend == DJANGO_PATH


def test_a_wrong_password_is_checked_once_not_once_per_listed_backend(alice, django_user_model):
    # The alias is listed for get_user() only: a second password check per failed login would
    # double what an attacker's guesses cost the server.
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True, return_value=False) as v:
        assert authenticate(username="alice", password="wrong") is None
    assert v.call_count == 1
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, return_value="x") as e:
        assert authenticate(username="nobody", password="wrong") is None
    assert e.call_count == 1  # Django's timing guard for unknown users, run once too


def _session_saved_under(backend: str, user, **extra) -> str:
    """A session as login() saved it under `backend`: its key."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for name, value in extra.items():
        store[name] = value
    store.create()
    return store.session_key


@pytest.mark.parametrize("backend", [PATH, DJANGO_PATH], ids=["alias", "django"])
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_session_saved_under_either_backend_stays_logged_in(alice, backend, headers):
    # PATH: logged in between commit 05fd77e and this change; DJANGO_PATH: before and after.
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = _session_saved_under(backend, alice)

    response = client.get("/", **headers)

    assert response.status_code == 200
    assert response.wsgi_request.user == alice


def test_a_session_naming_a_backend_that_is_not_configured_is_logged_out(alice):
    client = Client()
    key = _session_saved_under("django.contrib.auth.backends.RemoteUserBackend", alice)
    client.cookies[settings.SESSION_COOKIE_NAME] = key

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_alias_session_of_another_user_opens_only_that_users_board(alice, bob, make_task):
    make_task(alice, "Alice's secret")
    make_task(bob, "Bob's errand")
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = _session_saved_under(PATH, bob)

    body = client.get("/").content.decode()

    assert "Bob&#x27;s errand" in body or "Bob's errand" in body
    assert "Alice" not in body


def test_an_alias_session_after_a_password_change_is_logged_out(alice):
    key = _session_saved_under(PATH, alice)
    alice.set_password("a-different-long-passphrase-91")
    alice.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key

    assert client.get("/").status_code == 302


def test_an_alias_session_of_a_deactivated_user_is_logged_out(alice):
    key = _session_saved_under(PATH, alice)
    get_user_model().objects.filter(pk=alice.pk).update(is_active=False)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key

    assert client.get("/").status_code == 302


def test_sessions_naming_it_counts_the_live_sessions_that_would_be_logged_out(alice, bob):
    # The removal check (docs/performance.md): 0 means removing the alias logs nobody out.
    assert sessions_naming_it() == 0
    _session_saved_under(PATH, alice)
    _session_saved_under(PATH, bob, note="more data")
    _session_saved_under(DJANGO_PATH, alice)
    expired = _session_saved_under(PATH, bob)
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    Session.objects.create(  # undecodable (another secret key, tampered): nobody's session
        session_key="x" * 32,
        session_data="garbage",
        expire_date=timezone.now() + dt.timedelta(days=1),
    )

    assert sessions_naming_it() == 2
