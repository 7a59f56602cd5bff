"""Journey: a failed login puts the focus on the reason; the browser's time zone is taken at
login, so "today" on the board is the person's day."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import Profile
from e2e.support import PASSWORD

PASSWORD_LABEL = re.compile(r"^\s*Password\W*$")


def test_it_focuses_the_alert_after_a_failed_login_and_takes_the_browsers_zone(
    browser, browser_context_args
):
    get_user_model().objects.create_user("kiri", password=PASSWORD)
    # A person in Auckland: the browser, not the server, knows the zone.
    context = browser.new_context(**(browser_context_args | {"timezone_id": "Pacific/Auckland"}))
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("kiri")
        page.get_by_label(PASSWORD_LABEL).fill("not the password")
        page.get_by_role("main").get_by_role("button", name="Log in").click()

        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("correct username and password")
        expect(alert).to_be_focused()

        page.get_by_label("Username").fill("kiri")
        page.get_by_label(PASSWORD_LABEL).fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Log in").click()
        expect(page).to_have_url(re.compile(r"/$"))
        assert Profile.objects.get(user__username="kiri").timezone == "Pacific/Auckland"
    finally:
        context.close()
