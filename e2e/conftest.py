"""Browser journeys: a real Chromium against Django's live server.

Every test gets fresh users, a logged-in page and a watch on the browser console: a Content
Security Policy violation or an uncaught script error anywhere fails the test, because either
means some behaviour silently stopped working for real users.
"""

import itertools
import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import BrowserContext, expect

from e2e.support import PASSWORD

# The same task factory as the unit tests, the same empty caches at each test's start, and the
# same fast password hasher (the live server runs in this process, so it hashes with it too).
from tests.conftest import _empty_caches, _fast_password_hasher, make_task  # noqa: F401

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run inside
# one unless told it is safe. Here it is: the loop only drives the browser.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROBLEM = re.compile(r"Content Security Policy|Refused to", re.IGNORECASE)
_usernames = itertools.count(1)

# Auto-waiting expectations default to 5 s; the machine is shared, so allow a little more.
expect.set_options(timeout=10_000)


def pytest_configure(config):
    # DEBUG is off in tests, so WhiteNoise looks for collectstatic output that e2e never needs.
    config.addinivalue_line("filterwarnings", "ignore:No directory at:UserWarning")


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        # Debian's Chromium: `playwright install` cannot download browsers on this machine.
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            # No internet here: keep Chromium from phoning home and logging the failures.
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-GB",
        "timezone_id": "UTC",
    }


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Tests run with DEBUG off, which selects the manifest storage and so would need a
    # collectstatic first. The live server serves files straight from the finders instead.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def browser_problems():
    """CSP violations and uncaught errors seen by any page of the test (checked at teardown)."""
    problems: list[str] = []
    yield problems
    assert not problems, f"the browser reported problems: {problems}"


@pytest.fixture
def new_context(new_context, browser_problems):
    """pytest-playwright's context factory (traces, screenshots), plus the console watch."""

    def make(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        # Same patience as the expectations; Playwright's 30 s default only slows failures.
        context.set_default_timeout(10_000)

        def on_console(message):
            if PROBLEM.search(message.text):
                browser_problems.append(f"console {message.type}: {message.text}")

        context.on("console", on_console)
        context.on("weberror", lambda error: browser_problems.append(f"error: {error.error}"))
        return context

    return make


@pytest.fixture
def make_user(django_user_model):
    def make(prefix: str = "user"):
        return django_user_model.objects.create_user(
            f"{prefix}{next(_usernames)}", password=PASSWORD
        )

    return make


@pytest.fixture
def user(make_user):
    return make_user("alice")


@pytest.fixture
def login(live_server):
    """login(context, user): the session cookie of a real login, without typing it each time."""

    def log_in(context: BrowserContext, who) -> None:
        client = Client()
        client.force_login(who)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return log_in


@pytest.fixture
def board(page, user, login):
    """A page logged in as `user`; the test seeds its tasks, then calls open_board(board)."""
    login(page.context, user)
    return page
