"""accounts.backends.ModelBackend: Django's ModelBackend with a precompiled user lookup, and the
sessions that named Django's ModelBackend before it."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.backends import PATH, ModelBackend, user_by_id
from accounts.sessions import SessionStore
from tests.conftest import HTMX, PASSWORD

pytestmark = pytest.mark.django_db
OLD_PATH = "django.contrib.auth.backends.ModelBackend"


def _fields(user) -> dict:
    return {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def test_the_lookup_makes_the_same_user_as_the_orm(alice):
    alice.first_name, alice.last_name, alice.email = "Alice", "Liddell", "alice@example.com"
    alice.is_staff, alice.last_login = True, timezone.now() - dt.timedelta(days=3, seconds=7)
    alice.save()
    expected = get_user_model().objects.get(pk=alice.pk)

    found = user_by_id(alice.pk)

    assert type(found) is type(expected)
    assert _fields(found) == _fields(expected)
    # Converted as the ORM converts: aware datetimes and real booleans, on every database.
    assert timezone.is_aware(found.last_login) and found.last_login == expected.last_login
    assert found.is_staff is True and found.is_active is True
    assert found._state.adding is False and found._state.db == "default"
    assert found.check_password(PASSWORD)


def test_the_lookup_is_one_query_and_finds_nobody_for_an_unknown_or_malformed_id(alice):
    with CaptureQueriesContext(connection) as queries:
        assert user_by_id(alice.pk).username == "alice"
    assert len(queries) == 1
    assert user_by_id(alice.pk + 1000) is None
    assert user_by_id("not a number") is None
    assert user_by_id(str(alice.pk)).pk == alice.pk  # sessions store the id as a string


def test_an_inactive_user_is_no_user_as_with_djangos_backend(alice):
    alice.is_active = False
    alice.save()
    assert ModelBackend().get_user(alice.pk) is None
    assert user_by_id(alice.pk) is not None  # found, then refused by user_can_authenticate


def test_logging_in_records_this_backend_in_the_session(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[BACKEND_SESSION_KEY] == PATH
    assert client.get("/").status_code == 200


def _session_saved_under(backend: str, user) -> str:
    """A session as login() saved it before the backend was renamed: its key."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_session_saved_under_djangos_backend_stays_logged_in(alice, headers):
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = _session_saved_under(OLD_PATH, alice)

    response = client.get("/", **headers)

    assert response.status_code == 200
    assert response.wsgi_request.user == alice
    assert response.wsgi_request.session[BACKEND_SESSION_KEY] == PATH


def test_a_session_naming_a_backend_that_is_not_configured_is_logged_out(alice):
    client = Client()
    key = _session_saved_under("django.contrib.auth.backends.RemoteUserBackend", alice)
    client.cookies[settings.SESSION_COOKIE_NAME] = key

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_old_session_of_another_user_opens_only_that_users_board(alice, bob, make_task):
    make_task(alice, "Alice's secret")
    make_task(bob, "Bob's errand")
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = _session_saved_under(OLD_PATH, bob)

    body = client.get("/").content.decode()

    assert "Bob&#x27;s errand" in body or "Bob's errand" in body
    assert "Alice" not in body


def test_an_old_session_after_a_password_change_is_logged_out(alice):
    key = _session_saved_under(OLD_PATH, alice)
    alice.set_password("a-different-long-passphrase-91")
    alice.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key

    assert client.get("/").status_code == 302
