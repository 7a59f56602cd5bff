"""Each person's time zone: detected at sign-up and login, editable on /accounts/settings/, and
what "today", "overdue" and displayed times mean for them."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from accounts.models import Profile
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/settings/"
# 12:00 UTC on 30 November is already 01:00 on 1 December in Auckland.
NOON_UTC = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen_noon_utc(monkeypatch, settings):
    settings.TIME_ZONE = "UTC"
    monkeypatch.setattr(timezone, "now", lambda: NOON_UTC)


def zone_of(user) -> str:
    return Profile.objects.get(user=user).timezone


def test_it_gives_every_new_user_a_profile_in_the_server_zone(alice):
    assert zone_of(alice) == ""


def test_it_shows_a_task_due_yesterday_in_auckland_as_overdue(
    frozen_noon_utc, alice_client, alice, make_task
):
    make_task(alice, "Pay rent", due_date=dt.date(2026, 11, 30))
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    alice_client.post("/accounts/logout/")
    alice_client.force_login(alice)  # a new session reads the zone on file

    page = alice_client.get("/").content.decode()
    assert "Overdue, due" in page
    assert ">Today</time>" not in page
    overdue = alice_client.get("/?due=overdue").content.decode()
    assert "Pay rent" in overdue


def test_it_shows_the_same_task_due_today_in_the_server_zone(
    frozen_noon_utc, alice_client, alice, make_task
):
    make_task(alice, "Pay rent", due_date=dt.date(2026, 11, 30))
    page = alice_client.get("/").content.decode()
    assert ">Today</time>" in page
    assert "Overdue, due" not in page


def test_it_caches_rows_per_persons_day_not_the_servers(
    frozen_noon_utc, client, alice, bob, make_task
):
    # Same task HTML cache, two people on different days: neither sees the other's "today".
    make_task(alice, "Pay rent", due_date=dt.date(2026, 11, 30))
    make_task(bob, "Pay rent", due_date=dt.date(2026, 11, 30))
    Profile.objects.filter(user=bob).update(timezone="Pacific/Auckland")
    client.force_login(alice)
    assert ">Today<" in client.get("/").content.decode()
    client.force_login(bob)
    assert "Overdue, due" in client.get("/").content.decode()


def test_it_takes_the_browsers_zone_at_login(client, alice):
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD, "timezone": "America/Los_Angeles"},
    )
    assert response.status_code == 302
    assert zone_of(alice) == "America/Los_Angeles"
    assert client.get("/").wsgi_request.session["timezone"] == "America/Los_Angeles"


def test_it_takes_the_browsers_zone_at_signup(client, django_user_model):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "timezone": "Asia/Kolkata",
        },
    )
    assert response.status_code == 302
    assert zone_of(django_user_model.objects.get(username="carol")) == "Asia/Kolkata"


@pytest.mark.parametrize("reported", ["", "Mars/Olympus_Mons", "x" * 500, "../../etc"])
def test_it_keeps_the_zone_on_file_when_the_browser_reports_none_or_garbage(
    client, alice, reported
):
    Profile.objects.filter(user=alice).update(timezone="Europe/Paris")
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": PASSWORD, "timezone": reported}
    )
    assert response.status_code == 302
    assert zone_of(alice) == "Europe/Paris"
    assert client.get("/").wsgi_request.session["timezone"] == "Europe/Paris"


def test_it_offers_the_detector_script_with_the_csp_nonce_on_login_and_signup(client):
    for path in ("/accounts/login/", "/accounts/signup/"):
        response = client.get(path)
        page = response.content.decode()
        assert 'name="timezone"' in page
        assert "data-detect-timezone" in page
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
        assert f'<script nonce="{nonce}" src="/static/js/timezone.js" defer></script>' in page


def test_it_shows_the_settings_page_with_the_current_zone_selected(alice_client, alice):
    Profile.objects.filter(user=alice).update(timezone="Europe/Paris")
    response = alice_client.get(SETTINGS)
    page = response.content.decode()
    assert response.status_code == 200
    assert '<select name="timezone"' in page
    assert '<option value="Europe/Paris" selected>' in page
    assert "Cache-Control" in response


def test_it_selects_the_server_zone_for_a_user_without_one(alice_client, settings):
    settings.TIME_ZONE = "UTC"
    assert '<option value="UTC" selected>' in alice_client.get(SETTINGS).content.decode()


def test_it_saves_a_new_zone_and_uses_it_at_once(frozen_noon_utc, alice_client, alice, make_task):
    make_task(alice, "Pay rent", due_date=dt.date(2026, 11, 30))
    response = alice_client.post(SETTINGS, {"timezone": "Pacific/Auckland"})
    assert response.status_code == 302
    assert response["Location"] == SETTINGS
    assert "Settings saved" in alice_client.get(SETTINGS).content.decode()
    assert zone_of(alice) == "Pacific/Auckland"
    assert "Overdue, due" in alice_client.get("/").content.decode()


@pytest.mark.parametrize("value", ["", "Mars/Olympus_Mons", "UTC\x00", "x" * 5000])
def test_it_refuses_an_unknown_zone_and_saves_nothing(alice_client, alice, value):
    response = alice_client.post(SETTINGS, {"timezone": value})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose a time zone from the list." in page or "This field is required." in page
    assert zone_of(alice) == ""


def test_it_keeps_the_settings_page_to_its_owner(client, alice, bob):
    # No id in the URL: each person only ever edits their own profile.
    client.force_login(bob)
    client.post(SETTINGS, {"timezone": "Asia/Tokyo"})
    assert zone_of(bob) == "Asia/Tokyo"
    assert zone_of(alice) == ""


def test_it_sends_anonymous_visitors_from_settings_to_log_in(client):
    for response in (client.get(SETTINGS), client.post(SETTINGS, {"timezone": "UTC"})):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_other_methods_on_settings(alice_client):
    assert alice_client.put(SETTINGS).status_code == 405


def test_it_links_the_settings_page_from_the_header(alice_client):
    assert f'href="{SETTINGS}"' in alice_client.get("/").content.decode()


def test_it_reads_the_zone_on_file_for_a_session_that_has_none(
    frozen_noon_utc, alice_client, alice, make_task
):
    # Sessions from before zones were kept in the session: the profile is read instead.
    make_task(alice, "Pay rent", due_date=dt.date(2026, 11, 30))
    Profile.objects.filter(user=alice).update(timezone="Pacific/Auckland")
    session = alice_client.session
    del session["timezone"]
    session.save()
    assert "Overdue, due" in alice_client.get("/").content.decode()
    # Read once: the session keeps it, so later requests make no profile query.
    assert alice_client.session["timezone"] == "Pacific/Auckland"
