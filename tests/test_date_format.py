"""Each person's date format: how quick add reads a numeric date (12/24 or 24.12.). Taken from
the browser's language at sign-up (or the first login after it existed), editable on
/accounts/settings/, kept in the session so quick add reads it without a query."""

import pytest

from accounts import dateformats
from accounts.models import Profile
from tests.conftest import HTMX, PASSWORD

pytestmark = pytest.mark.django_db

SETTINGS = "/accounts/settings/"


def format_of(user) -> str:
    return Profile.objects.get(user=user).date_format


@pytest.mark.parametrize(
    "header, order",
    [
        ("en-US,en;q=0.9", "mdy"),
        ("en", "mdy"),
        ("en-GB,en;q=0.8", "dmy"),
        ("de-DE,de;q=0.9,en;q=0.8", "dmy"),
        ("fr-CA", "ymd"),
        ("ja,en-US;q=0.5", "ymd"),
        ("zh-Hans-CN", "ymd"),
        ("de;q=0.2, en-US;q=0.9", "mdy"),  # the most preferred, not the first listed
        ("", "dmy"),
        ("*", "dmy"),
        ("en-US;q=abc", "mdy"),
        ("\x00;q=;,,", "dmy"),
        ("x" * 5000, "dmy"),
    ],
)
def test_it_reads_the_order_from_the_browsers_language(header, order):
    assert dateformats.from_accept_language(header) == order


@pytest.mark.parametrize("header, order", [("en-US,en;q=0.9", "mdy"), ("de-DE", "dmy")])
def test_it_takes_the_browsers_language_at_signup(client, django_user_model, header, order):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=header,
    )

    assert response.status_code == 302
    assert format_of(django_user_model.objects.get(username="carol")) == order
    assert client.session[dateformats.SESSION_KEY] == order


def test_a_login_keeps_the_format_on_file_whatever_the_browser_says(client, alice):
    Profile.objects.filter(user=alice).update(date_format="ymd")

    client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en-US",
    )

    assert format_of(alice) == "ymd"
    assert client.session[dateformats.SESSION_KEY] == "ymd"


def test_a_login_without_one_on_file_takes_the_browsers(client, alice):
    Profile.objects.filter(user=alice).update(date_format="")  # an account from before

    client.post(
        "/accounts/login/",
        {"username": "alice", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en-US",
    )

    assert format_of(alice) == "mdy"
    assert client.session[dateformats.SESSION_KEY] == "mdy"


def test_it_shows_the_setting_with_the_current_order_selected(alice_client, alice):
    Profile.objects.filter(user=alice).update(date_format="mdy")
    session = alice_client.session
    session[dateformats.SESSION_KEY] = "mdy"
    session.save()

    page = alice_client.get(SETTINGS).content.decode()

    assert '<select name="date_format"' in page
    assert '<option value="mdy" selected>' in page
    assert "12/24" in page and "24.12." in page


def test_it_saves_the_order_and_quick_add_reads_it_at_once(alice_client, alice):
    response = alice_client.post(SETTINGS, {"timezone": "UTC", "date_format": "mdy"})

    assert response.status_code == 302
    assert format_of(alice) == "mdy"
    html = alice_client.get("/task/parse/", {"title": "Party 12/24"}, **HTMX).content.decode()
    assert "24 Dec" in html

    alice_client.post(SETTINGS, {"timezone": "UTC", "date_format": "dmy"})

    assert format_of(alice) == "dmy"
    html = alice_client.get("/task/parse/", {"title": "Party 12/24"}, **HTMX).content.decode()
    assert "quick-chip" not in html  # no 24th month: text


def test_a_form_without_the_field_keeps_the_order(alice_client, alice):
    Profile.objects.filter(user=alice).update(date_format="ymd")

    response = alice_client.post(SETTINGS, {"timezone": "UTC"})

    assert response.status_code == 302
    assert format_of(alice) == "ymd"


@pytest.mark.parametrize("value", ["xyz", "mdy\x00", "m" * 5000])
def test_it_refuses_an_unknown_order_and_saves_nothing(alice_client, alice, value):
    Profile.objects.filter(user=alice).update(date_format="dmy")

    response = alice_client.post(SETTINGS, {"timezone": "UTC", "date_format": value})

    assert response.status_code == 422
    assert "Choose how dates are written from the list." in response.content.decode()
    assert format_of(alice) == "dmy"


def test_a_session_from_before_reads_the_profile_once(alice_client, alice):
    Profile.objects.filter(user=alice).update(date_format="mdy")
    session = alice_client.session
    del session[dateformats.SESSION_KEY]
    session.save()

    html = alice_client.get("/task/parse/", {"title": "Party 12/24"}, **HTMX).content.decode()

    assert "24 Dec" in html
    assert alice_client.session[dateformats.SESSION_KEY] == "mdy"


def test_a_session_from_before_without_one_on_file_reads_the_browser_and_writes_nothing(
    alice_client, alice
):
    Profile.objects.filter(user=alice).update(date_format="")
    session = alice_client.session
    del session[dateformats.SESSION_KEY]
    session.save()

    html = alice_client.get(
        "/task/parse/", {"title": "Party 12/24"}, HTTP_ACCEPT_LANGUAGE="en-US", **HTMX
    ).content.decode()

    assert "24 Dec" in html
    assert format_of(alice) == ""  # a GET: the profile is written at the next login
    assert alice_client.session[dateformats.SESSION_KEY] == "mdy"
