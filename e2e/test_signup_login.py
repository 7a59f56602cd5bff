"""Journey: a new person signs up, lands on an empty board, logs out and logs back in."""

import re

from playwright.sync_api import expect

from e2e.support import PASSWORD, open_account_menu, open_board

# Required fields carry a "*" in their label; "Password" alone must not match its confirmation.
PASSWORD_LABEL = re.compile(r"^\s*Password\W*$")


def test_it_signs_up_logs_out_and_logs_in(page, django_user_model):
    page.goto("/")
    # Anonymous visitors are sent to the login page, which offers sign-up.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.get_by_role("main").get_by_role("link", name="Create an account").click()

    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label(re.compile(r"^\s*Password confirmation")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome! Your account is ready.")
    expect(page.get_by_text("No tasks")).to_be_visible()
    expect(page.get_by_role("navigation", name="Site")).to_contain_text("newcomer")
    assert django_user_model.objects.filter(username="newcomer").exists()

    open_account_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(PASSWORD_LABEL).fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("main")).to_contain_text("correct username and password")

    page.get_by_label("Username").fill("newcomer")
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    # From here on the board works without reloads, as for any logged-in person.
    open_board(page)
    page.get_by_role("textbox", name="New task").fill("First task ever")
    page.get_by_role("textbox", name="New task").press("Enter")
    expect(page.get_by_role("list", name="Tasks")).to_contain_text("First task ever")
    assert page.evaluate("window.__noReload") == 1


def test_it_explains_a_signup_mistake_on_the_form(page, django_user_model):
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("someone")
    page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
    page.get_by_label(re.compile(r"^\s*Password confirmation")).fill(PASSWORD + "x")
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("main")).to_contain_text(re.compile(r"didn.t match"))
    expect(page.get_by_label("Username")).to_have_value("someone")
    assert not django_user_model.objects.filter(username="someone").exists()
