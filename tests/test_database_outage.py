"""A database outage answers 503 with the app's error page, wherever the error surfaces.

tests/reliability/test_load_faults.py proves it against a real PostgreSQL restart; these run
everywhere in milliseconds, raising the errors psycopg raises when the server is gone.
"""

from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from tasks.models import TaskQuerySet
from tests.conftest import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(alice):
    # The test client re-raises view exceptions by default; a browser gets the response.
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    return client


def _assert_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Temporarily unavailable" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert "could not connect" not in body


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_answers_503_when_every_query_fails(browser, alice, make_task, error, htmx, method):
    task = make_task(alice, "Mine")
    with mock.patch.object(CursorWrapper, "execute", side_effect=error("connection refused")):
        send = getattr(browser, method)
        response = send(
            f"/task/{task.pk}/toggle/" if method == "post" else "/", **(HTMX if htmx else {})
        )
    _assert_unavailable(response)


def test_it_answers_503_when_the_database_fails_after_the_view(browser):
    """The session is saved by middleware after the view returned: still a 503, not a 500."""
    failing = mock.patch.object(
        SessionMiddleware, "process_response", side_effect=OperationalError("server closed")
    )
    with failing:
        response = browser.get("/")
    _assert_unavailable(response)


def test_it_still_answers_500_for_a_bug(browser):
    with mock.patch.object(TaskQuerySet, "filtered", side_effect=ZeroDivisionError):
        response = browser.get("/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
