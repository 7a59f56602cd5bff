"""Login throttling (django-axes): per account, per address, a clear 429 page, then recovery."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from taskmanager.auth import client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")


@pytest.fixture(autouse=True)
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    return 3


def attempt(client, username, password, ip="203.0.113.10", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def test_it_logs_in_below_the_limit(client, alice, limit):
    for _ in range(limit - 1):
        assert attempt(client, "alice", "wrong").status_code == 200
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_it_shows_the_form_error_for_a_wrong_password_below_the_limit(client, alice):
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_it_locks_an_account_attacked_from_many_addresses(client, alice, limit):
    for n in range(limit):
        attempt(client, "alice", "wrong", ip=f"198.51.100.{n + 1}")
    # The right password from yet another address is refused: the account is locked.
    response = attempt(client, "alice", PASSWORD, ip="192.0.2.200")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_it_locks_an_address_trying_many_accounts(client, alice, limit):
    for n in range(limit):
        attempt(client, f"user{n}", "wrong", ip="203.0.113.66")
    locked = attempt(client, "alice", PASSWORD, ip="203.0.113.66")
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    # Alice herself, from her own address, is not affected.
    response = attempt(client, "alice", PASSWORD, ip="192.0.2.7")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_it_explains_the_lockout_and_when_to_retry(client, alice, limit):
    for _ in range(limit):
        response = attempt(client, "alice", "wrong")
    # The attempt that reaches the limit already gets the lockout page.
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "Too many login attempts" in page
    assert f"after {limit} failed attempts" in page
    assert "wait 15 minutes" in page
    assert 'href="/accounts/login/"' in page
    # In the app's look, under the same CSP as every page.
    assert "Content-Security-Policy" in response
    assert "bootstrap" in page


def test_it_does_not_reset_the_count_on_a_successful_login(client, alice, bob, limit):
    # Otherwise logging in to one's own account between guesses would reset the address's count.
    for _ in range(limit - 1):
        attempt(client, "bob", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "bob", "wrong").status_code == 429


def test_it_lets_the_account_in_again_after_the_cooloff(client, alice, limit):
    for _ in range(limit):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_it_throttles_the_admin_login_too(client, admin_user, limit):
    url = reverse("admin:login")
    for _ in range(limit):
        response = client.post(url, {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": "admin", "password": "password"})
    assert response.status_code == 429


def test_it_ignores_a_forged_forwarded_for_without_a_trusted_proxy(client, alice, limit):
    for n in range(limit):
        attempt(client, f"user{n}", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    response = attempt(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert response.status_code == 429


def test_it_counts_the_address_the_proxy_saw_behind_a_trusted_proxy(client, alice, settings, limit):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every request comes from nginx (one address); the clients differ.
    for n in range(limit):
        attempt(client, f"user{n}", "wrong", ip="172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.9")
    other = attempt(client, "alice", PASSWORD, ip="172.18.0.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert other.status_code == 302
    client.logout()
    same = attempt(client, "alice", PASSWORD, ip="172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert same.status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "172.18.0.5"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "172.18.0.5"),
        (1, "", "172.18.0.5"),
    ],
)
def test_it_reads_the_client_address_only_from_trusted_proxies(
    settings, count, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_it_keeps_the_test_clients_login_working(client, alice):
    # authenticate() without a request cannot be throttled; it must not raise either.
    assert client.login(username="alice", password=PASSWORD) is True
    assert client.login(username="alice", password="wrong") is False
    assert client.get(reverse("tasks:board")).status_code == 200


def test_it_keeps_signup_logging_the_new_user_in(client, django_user_model):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    carol = django_user_model.objects.get(username="carol")
    assert client.session[SESSION_KEY] == str(carol.pk)
