"""Login throttling (accounts.throttle): the (account, address) pair locks, the account and the
address only softly; locks end one cool-off after the failures, whatever is sent meanwhile.

Time travels by moving the recorded failures into the past (the throttle reads nothing else).
"""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.db.models.functions import Length
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import LoginFailure
from accounts.throttle import DEVICE_COOKIE, client_ip
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ATTACKER = "198.51.100.66"
OWNER = "192.0.2.7"


@pytest.fixture(autouse=True)
def limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 8
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    settings.LOGIN_COOLOFF = dt.timedelta(minutes=15)
    return 3


def attempt(client, username, password, ip="203.0.113.10", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers
    )


def travel(minutes):
    """Move every recorded failure `minutes` into the past: as if that much time went by."""
    LoginFailure.objects.update(at=F("at") - dt.timedelta(minutes=minutes))


def logged_in(client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


def test_it_logs_in_below_the_limit(client, alice, limit):
    for _ in range(limit - 1):
        assert attempt(client, "alice", "wrong").status_code == 200
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client, alice)


def test_it_shows_the_form_error_for_a_wrong_password_below_the_limit(client, alice):
    response = attempt(client, "alice", "wrong")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


def test_it_locks_the_account_for_the_address_that_guessed(client, alice, limit):
    for _ in range(limit):
        attempt(client, "alice", "wrong", ip=ATTACKER)
    # Even the right password: otherwise guessing would simply go on.
    response = attempt(client, "alice", PASSWORD, ip=ATTACKER)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_it_lets_the_owner_in_from_her_own_address_while_an_attacker_is_locked(alice, limit):
    attacker = Client()
    for _ in range(limit + 5):
        attempt(attacker, "alice", "wrong", ip=ATTACKER)
    assert attempt(attacker, "alice", PASSWORD, ip=ATTACKER).status_code == 429

    owner = Client()  # a new browser, even: one address's guesses are not the account's limit
    response = attempt(owner, "alice", PASSWORD, ip=OWNER)
    assert response.status_code == 302
    assert logged_in(owner, alice)


def test_it_ends_the_lock_after_the_cooloff_whatever_the_attacker_sends(client, alice, limit):
    for _ in range(limit):
        attempt(client, "alice", "wrong", ip=ATTACKER)
    # One request a minute through the whole cool-off: each is refused, none extends the lock.
    for _ in range(14):
        travel(minutes=1)
        assert attempt(client, "alice", "wrong", ip=ATTACKER).status_code == 429
    travel(minutes=2)  # 16 minutes after the last failure that counted
    response = attempt(client, "alice", PASSWORD, ip=ATTACKER)
    assert response.status_code == 302
    assert logged_in(client, alice)


def test_it_keeps_other_accounts_behind_the_same_address_working(client, alice, bob, limit):
    # A household or office behind one NAT: one person's typos lock only that person.
    for _ in range(limit + 2):
        attempt(client, "alice", "wrong", ip="203.0.113.50")
    assert attempt(client, "alice", PASSWORD, ip="203.0.113.50").status_code == 429
    other = Client()
    response = attempt(other, "bob", PASSWORD, ip="203.0.113.50")
    assert response.status_code == 302
    assert logged_in(other, bob)


def test_it_locks_an_account_attacked_from_many_addresses_for_unknown_browsers(
    alice, settings, limit
):
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        attempt(Client(), "alice", "wrong", ip=f"198.51.100.{n + 1}")
    # The right password from a browser that never logged in to alice: refused.
    stranger = Client()
    assert attempt(stranger, "alice", PASSWORD, ip="192.0.2.200").status_code == 429
    assert SESSION_KEY not in stranger.session


def test_it_lets_the_owners_known_browser_in_during_a_distributed_attack(alice, settings, limit):
    owner = Client()
    assert attempt(owner, "alice", PASSWORD, ip=OWNER).status_code == 302
    assert DEVICE_COOKIE in owner.cookies
    owner.post(reverse("logout"))  # keeps the browser's other cookies, as a real log out does
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT * 2):
        attempt(Client(), "alice", "wrong", ip=f"198.51.100.{n + 1}")

    response = attempt(owner, "alice", PASSWORD, ip=OWNER)
    assert response.status_code == 302
    assert logged_in(owner, alice)


def test_it_ignores_a_known_browser_cookie_for_another_account(alice, bob, settings, limit):
    browser = Client()
    assert attempt(browser, "bob", PASSWORD, ip=OWNER).status_code == 302
    browser.post(reverse("logout"))
    for n in range(settings.LOGIN_ACCOUNT_FAILURE_LIMIT):
        attempt(Client(), "alice", "wrong", ip=f"198.51.100.{n + 1}")
    assert attempt(browser, "alice", PASSWORD, ip=OWNER).status_code == 429


def test_it_locks_an_address_trying_many_accounts(client, alice, settings, limit):
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        attempt(client, f"user{n}", "wrong", ip="203.0.113.66")
    locked = attempt(client, "alice", PASSWORD, ip="203.0.113.66")
    assert locked.status_code == 429
    assert SESSION_KEY not in client.session
    # Alice herself, from her own address, is not affected.
    response = attempt(client, "alice", PASSWORD, ip=OWNER)
    assert response.status_code == 302
    assert logged_in(client, alice)


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
    assert "restarts" not in page  # it no longer does
    assert 'href="/accounts/login/"' in page
    # In the app's look, under the same CSP as every page.
    assert "Content-Security-Policy" in response
    assert "bootstrap" in page


def test_it_does_not_reset_the_count_on_a_successful_login(client, alice, bob, limit):
    # Otherwise logging in to one's own account between guesses would reset the pair's count.
    for _ in range(limit - 1):
        attempt(client, "bob", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "bob", "wrong").status_code == 429


def test_it_lets_the_account_in_again_after_the_cooloff(client, alice, limit):
    for _ in range(limit):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 429
    travel(minutes=16)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client, alice)


def test_it_keeps_the_failure_record_bounded(client, alice, limit):
    # Each failure once appended the whole request body to one row: 1,030 made a 1 MB row.
    padding = "x" * 1000
    for n in range(300):  # a lock's stream of refused attempts: none of them is stored
        client.post(
            LOGIN,
            {"username": "alice", "password": f"wrong{n}", "padding": padding},
            REMOTE_ADDR=ATTACKER,
        )
    assert LoginFailure.objects.count() == limit  # refused attempts are not recorded
    widest = LoginFailure.objects.annotate(n=Length("username") + Length("address"))
    assert max(widest.values_list("n", flat=True)) < 50
    # And rows from past windows are deleted as new failures arrive.
    travel(minutes=16)
    attempt(client, "bob", "wrong", ip=OWNER)
    assert LoginFailure.objects.count() == 1


def test_it_throttles_guesses_at_the_current_password_like_logins(alice_client, alice, limit):
    url = reverse("password_change")
    data = {"new_password1": "a-Long-unusual-passphrase-42"} | {
        "new_password2": "a-Long-unusual-passphrase-42"
    }
    for n in range(limit - 1):
        response = alice_client.post(url, data | {"old_password": f"guess{n}"})
        assert response.status_code == 200
    assert alice_client.post(url, data | {"old_password": "guess"}).status_code == 429
    # Now even the right one is refused, and the password is unchanged.
    assert alice_client.post(url, data | {"old_password": PASSWORD}).status_code == 429
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    # They count toward the login throttle too: the same pair cannot log in either.
    other = Client()
    assert attempt(other, "alice", PASSWORD, ip="127.0.0.1").status_code == 429


def test_it_throttles_the_admin_login_too(client, admin_user, limit):
    url = reverse("admin:login")
    for _ in range(limit):
        response = client.post(url, {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(url, {"username": "admin", "password": "password"})
    assert response.status_code == 429


def test_it_ignores_a_forged_forwarded_for_without_a_trusted_proxy(client, alice, limit):
    for n in range(limit):
        attempt(client, "alice", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    response = attempt(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.99")
    assert response.status_code == 429


def test_it_counts_the_address_the_proxy_saw_behind_a_trusted_proxy(client, alice, settings, limit):
    settings.TRUSTED_PROXY_COUNT = 1
    # Every request comes from nginx (one address); the clients differ.
    for _ in range(limit):
        attempt(client, "alice", "wrong", ip="172.18.0.5", HTTP_X_FORWARDED_FOR="198.51.100.9")
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


def test_it_records_an_overlong_username_without_failing(client, limit):
    response = attempt(client, "u" * 300, "wrong")
    assert response.status_code == 200
    assert LoginFailure.objects.get().username == "u" * 150


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


def test_it_unlocks_early_with_the_management_command(client, alice, limit):
    from django.core.management import call_command

    for _ in range(limit):
        attempt(client, "alice", "wrong")
    call_command("login_unlock", username="alice")
    assert attempt(client, "alice", PASSWORD).status_code == 302
