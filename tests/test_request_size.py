"""Oversized requests are refused with a clear 400 page before anything is saved."""

import pytest
from django.conf import settings

from tasks.models import Task
from tests.conftest import HTMX


@pytest.fixture
def task(alice, make_task):
    return make_task(alice, "Original")


def _assert_refused(response):
    assert response.status_code == 400
    assert "Traceback" not in response.content.decode()
    assert b"Bad request" in response.content or b"bad request" in response.content.lower()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_a_body_larger_than_the_upload_limit(alice_client, htmx):
    title = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = alice_client.post("/task/new/", {"title": title}, **(HTMX if htmx else {}))
    _assert_refused(response)
    assert not Task.objects.exists()


def test_it_refuses_an_oversized_edit_and_keeps_the_task(alice_client, task):
    data = {
        "title": "New",
        "version": 1,
        "description": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1),
    }
    _assert_refused(alice_client.post(f"/task/{task.pk}/edit/", data))
    task.refresh_from_db()
    assert (task.title, task.version) == ("Original", 1)


def test_it_refuses_too_many_form_fields(alice_client):
    data = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    _assert_refused(alice_client.post("/task/new/", data | {"title": "Many fields"}))
    assert not Task.objects.exists()


def test_it_refuses_an_oversized_raw_body_with_any_content_type(alice_client):
    body = b"\xff" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = alice_client.generic(
        "POST", "/task/new/", body, content_type="application/x-www-form-urlencoded"
    )
    _assert_refused(response)
    assert not Task.objects.exists()


def test_it_still_accepts_a_body_just_under_the_limit(alice_client):
    description = "d" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 1024)
    response = alice_client.post("/task/new/", {"title": "Big notes", "description": description})
    assert response.status_code == 302
    assert len(Task.objects.get().description) == len(description)
