"""Accounts: sign up, log in (and come back), log out, change password."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _TreeParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.builder = ET.TreeBuilder()
        self.builder.start("document", {})

    def handle_starttag(self, tag, attrs):
        self.builder.start(tag, {name: value or "" for name, value in attrs})
        if tag in VOID:
            self.builder.end(tag)

    def handle_endtag(self, tag):
        if tag not in VOID:
            self.builder.end(tag)

    def handle_data(self, data):
        self.builder.data(data)


def parse_page(content: bytes) -> ET.Element:
    """The page as an element tree, to check attributes whatever order they are written in."""
    parser = _TreeParser()
    parser.feed(content.decode())
    parser.close()
    parser.builder.end("document")
    return parser.builder.close()


def logged_in_user(client):
    return client.get("/").wsgi_request.user


def test_it_shows_the_signup_form(client):
    response = client.get("/accounts/signup/")

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("username", "password1", "password2"):
        assert f'name="{name}"' in html


def test_it_signs_up_logs_in_and_lands_on_the_board(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "carol",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    board = client.get("/")
    assert board.wsgi_request.user.username == "carol"
    assert "Welcome! Your account is ready." in board.content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"username": "carol", "password1": PASSWORD, "password2": "different"},
            "The two password fields",
        ),
        ({"username": "", "password1": PASSWORD, "password2": PASSWORD}, "This field is required."),
        ({"username": "carol", "password1": "123", "password2": "123"}, "too short"),
        ({"username": "alice", "password1": PASSWORD, "password2": PASSWORD}, "already exists"),
    ],
    ids=["mismatch", "no-username", "weak-password", "taken-username"],
)
def test_it_shows_signup_errors_and_creates_nothing(client, alice, data, error):
    response = client.post("/accounts/signup/", data)

    assert response.status_code == 422
    assert error in response.content.decode()
    assert get_user_model().objects.count() == 1
    assert not logged_in_user(client).is_authenticated


def test_it_sends_a_logged_in_user_from_signup_to_the_board(alice_client):
    response = alice_client.get("/accounts/signup/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_rejects_other_methods_on_signup_with_405(client):
    assert client.put("/accounts/signup/").status_code == 405


def test_it_logs_in_and_returns_to_the_page_first_asked_for(client, alice, make_task):
    task = make_task(alice, "Deep link")
    login_page = client.get(f"/task/{task.pk}/edit/", follow=True)
    assert login_page.redirect_chain[-1][0] == f"/accounts/login/?next=/task/{task.pk}/edit/"
    assert f'name="next" value="/task/{task.pk}/edit/"' in login_page.content.decode()

    response = client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": PASSWORD,
            "next": f"/task/{task.pk}/edit/",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/task/{task.pk}/edit/"
    assert client.get(response["Location"]).status_code == 200


def test_it_logs_in_to_the_board_by_default(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})

    assert response["Location"] == "/"


def test_it_refuses_a_wrong_password_with_a_message(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert not logged_in_user(client).is_authenticated


def test_it_ignores_an_offsite_next_after_login(client, alice):
    response = client.post(
        "/accounts/login/",
        {
            "username": "alice",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )

    assert response["Location"] == "/"


def test_it_logs_out_on_post(alice_client):
    response = alice_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert alice_client.get("/").status_code == 302


def test_it_does_not_log_out_on_get(alice_client):
    assert alice_client.get("/accounts/logout/").status_code == 405
    assert alice_client.get("/").status_code == 200


def test_it_offers_log_out_as_a_post_form_on_the_board(alice_client):
    html = alice_client.get("/").content.decode()

    assert '<form method="post" action="/accounts/logout/">' in html


def test_it_requires_login_to_change_the_password(client):
    response = client.get("/accounts/password_change/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_changes_the_password_and_keeps_the_session(alice_client, alice):
    assert alice_client.get("/accounts/password_change/").status_code == 200

    response = alice_client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_change/done/"
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert alice_client.get("/").status_code == 200


def test_it_refuses_a_password_change_with_a_wrong_old_password(alice_client, alice):
    response = alice_client.post(
        "/accounts/password_change/",
        {
            "old_password": "not-it",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_it_focuses_an_alert_explaining_a_failed_login(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})

    page = parse_page(response.content)
    alert = page.find(".//*[@role='alert']")
    assert "Please enter a correct username and password" in "".join(alert.itertext())
    assert alert.get("tabindex") == "-1"
    # The one element that takes the focus on load: the alert, not the username field.
    assert [el for el in page.iter() if "autofocus" in el.attrib] == [alert]


def test_it_focuses_the_username_on_a_fresh_login_page(client):
    page = parse_page(client.get("/accounts/login/").content)
    focused = [el for el in page.iter() if "autofocus" in el.attrib]
    assert [el.get("name") for el in focused] == ["username"]
    assert page.find(".//*[@role='alert']") is None


def test_it_shows_password_strength_errors_under_the_password_field(client):
    response = client.post(
        "/accounts/signup/", {"username": "carol", "password1": "123", "password2": "123"}
    )

    page = parse_page(response.content)
    password = page.find(".//input[@name='password1']")
    assert password.get("aria-invalid") == "true"
    described = password.get("aria-describedby").split()
    error = page.find(f".//*[@id='{described[-1]}']")
    assert "too short" in "".join(error.itertext())
    # Under the field itself, and the confirmation is not blamed for it.
    assert page.find(".//input[@name='password2']").get("aria-invalid") is None
    assert "autofocus" in password.attrib  # the first invalid field takes the focus


def test_it_shows_a_mismatch_under_the_confirmation(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "carol", "password1": PASSWORD, "password2": "different"},
    )

    page = parse_page(response.content)
    confirmation = page.find(".//input[@name='password2']")
    assert confirmation.get("aria-invalid") == "true"
    assert page.find(".//input[@name='password1']").get("aria-invalid") is None
