"""Sessions and passwords: fixation, logout, deactivation, garbage session cookies, and Django's
password validators."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import HTMX, PASSWORD

STRONG = "quiet-Harbour-lantern-73"

pytestmark = pytest.mark.django_db


def _login(client, username="alice", password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def _session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_it_issues_a_new_session_key_at_login(client, alice):
    # An attacker plants a session id on the victim's browser before login (fixation).
    planted = client.session
    planted["planted"] = True
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    assert _login(client).status_code == 302
    assert _session_key(client) != planted.session_key
    attacker = Client()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert attacker.get("/").status_code == 302


def test_it_invalidates_the_session_at_logout(client, alice):
    _login(client)
    key = _session_key(client)
    assert client.get("/").status_code == 200

    assert client.post("/accounts/logout/").status_code in (200, 302)
    assert not Session.objects.filter(session_key=key).exists()
    # A copy of the old cookie (another tab, a stolen cookie) no longer opens the board.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_locks_out_a_deactivated_user_at_their_next_request(client, alice, make_task):
    task = make_task(alice, "Mine")
    _login(client)
    assert client.get("/").status_code == 200

    alice.is_active = False
    alice.save()

    assert client.get("/").status_code == 302
    htmx = client.post(f"/task/{task.pk}/toggle/", **HTMX)
    assert htmx.status_code == 401
    assert htmx["HX-Redirect"].startswith("/accounts/login/")
    task.refresh_from_db()
    assert task.status == "pending"
    # And cannot log in again.
    response = _login(client)
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_it_logs_out_other_sessions_when_the_password_changes(alice):
    laptop, phone = Client(), Client()
    _login(laptop)
    _login(phone)
    response = laptop.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200  # the session that changed it stays in
    assert phone.get("/").status_code == 302


WEAK_PASSWORDS = [
    pytest.param("Xy7!a", "too short", id="length"),
    pytest.param("password123", "too common", id="common"),
    pytest.param("8675309124", "entirely numeric", id="numeric"),
    pytest.param("carolinesmith", "too similar to the username", id="similarity"),
]


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_it_rejects_a_weak_password_at_signup(client, password, message):
    response = client.post(
        "/accounts/signup/",
        {"username": "carolinesmith", "password1": password, "password2": password},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not get_user_model().objects.filter(username="carolinesmith").exists()


def test_it_accepts_a_strong_password_at_signup(client):
    response = client.post(
        "/accounts/signup/", {"username": "carol", "password1": STRONG, "password2": STRONG}
    )
    assert response.status_code == 302
    assert get_user_model().objects.get(username="carol").check_password(STRONG)


@pytest.mark.parametrize(("password", "message"), WEAK_PASSWORDS)
def test_it_rejects_a_weak_password_at_password_change(
    client, django_user_model, password, message
):
    user = django_user_model.objects.create_user("carolinesmith", password=PASSWORD)
    _login(client, "carolinesmith")
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200  # Django's view re-renders the form with its errors
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_session_store_reads_a_live_session_and_forgets_an_expired_or_unknown_one(alice):
    store = SessionStore()
    store["_auth_user_id"] = str(alice.pk)
    store["note"] = "kept"
    store.create()
    key = store.session_key
    assert SessionStore(key).load()["note"] == "kept"

    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new key is issued, never the expired one reused

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


def test_sessions_are_djangos_database_sessions(client, alice):
    # Django's own store (docs/scaling.md names cached_db for the Redis setup), not a subclass.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    client.force_login(alice)
    assert client.get("/").status_code == 200
    assert Session.objects.filter(session_key=_session_key(client)).exists()


def _raw_cookie(value: str) -> dict:
    """The Cookie header as a WSGI server passes it on (PEP 3333: its bytes as latin-1 text),
    holding a session cookie with exactly this value, unquoted."""
    header = f"{settings.SESSION_COOKIE_NAME}={value}".encode()
    return {"HTTP_COOKIE": header.decode("iso-8859-1")}


GARBAGE_COOKIES = [
    pytest.param("short", id="too-short"),
    pytest.param("x" * 32, id="unknown"),
    pytest.param("k" * 5000, id="very-long"),
    pytest.param("ключ-сессии-ключ", id="non-ascii"),
    pytest.param("\x7f\x01\x1b[31m\xff\xfe-garbage", id="control-characters"),
    pytest.param("'OR'1'='1'--", id="sql"),
    pytest.param("%00%ff%fe%0d%0a-garbage", id="percent-escapes"),
    pytest.param('"unterminated-quote', id="quote"),
]


@pytest.mark.parametrize("value", GARBAGE_COOKIES)
@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_a_garbage_session_cookie_is_no_session(alice, value, path):
    client = Client(raise_request_exception=False)

    response = client.get(path, **_raw_cookie(value))

    assert response.status_code == (302 if path == "/" else 200)
    assert response.wsgi_request.user.is_anonymous
    # And that browser can log in: a fresh session, then the board.
    assert _login(client).status_code == 302
    assert _session_key(client) != value
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("abcdefgh\x00ijklmnop", id="raw"),
        # The cookie parser turns a quoted octal escape into a real NUL character.
        pytest.param('"abcdefgh\\000ijklmnop"', id="octal"),
    ],
)
def test_a_session_cookie_with_a_nul_byte_is_no_session(alice, value):
    # PostgreSQL refuses a NUL in a text parameter (DataError), and Django's session store
    # passes the cookie's value to its query as it is: on PostgreSQL the guard is the
    # middleware that drops (or refuses) such a cookie before the session is read.
    client = Client(raise_request_exception=False)

    response = client.get("/", **_raw_cookie(value))

    assert response.status_code < 500
    if response.status_code == 302:  # the cookie ignored: an anonymous visitor
        assert response["Location"].startswith("/accounts/login/")
    else:  # refused, and deleted, so the browser's next request starts afresh
        assert response.status_code == 400
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 0
