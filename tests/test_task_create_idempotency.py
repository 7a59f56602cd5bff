"""Submitting the same create form twice (a double click, a resubmit after a slow answer, the
Back button) adds one task: each rendered form carries a random key, unique per user."""

import re

import pytest
from django.db import IntegrityError

from tasks.models import Task
from tests.conftest import HTMX, htmx_on
from tests.html import find

pytestmark = pytest.mark.django_db


def quick_add_key(html: str) -> str:
    return re.search(r'name="idempotency_key" id="quick-add-key" value="([^"]+)"', html)[1]


def test_each_rendered_form_has_its_own_key(alice_client):
    first = quick_add_key(alice_client.get("/").content.decode())
    second = quick_add_key(alice_client.get("/").content.decode())
    full = alice_client.get("/task/new/").content.decode()

    assert first != second
    assert re.search(r'name="idempotency_key" value="[\w-]{16,}"', full)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_repeated_submit_adds_one_task(alice_client, alice, headers):
    data = {"title": "Buy milk", "idempotency_key": "k" * 22}

    first = alice_client.post("/task/new/", data, **headers)
    second = alice_client.post("/task/new/", data, **headers)

    assert first.status_code == second.status_code
    assert Task.objects.visible_to(alice).count() == 1


def test_the_htmx_answer_renews_the_quick_add_form_and_its_key(alice_client):
    response = alice_client.post(
        "/task/new/",
        {"title": "A", "idempotency_key": "old-key"},
        **htmx_on("/?status=pending&sort=due"),
    )

    # The whole form comes back out of band: cleared, with a new key, still returning to the
    # view on screen (not to the endpoint that answered).
    form = find(response.content.decode(), "form", id="quick-add", hx_swap_oob="true")
    assert form is not None
    key = form.find("input", name="idempotency_key", id="quick-add-key")
    assert key and key["value"] not in ("", "old-key")
    assert form.find("input", name="next", value="/?status=pending&sort=due")
    assert form.find("a", href="/task/new/?next=/%3Fstatus%3Dpending%26sort%3Ddue")
    assert not form.find("input", name="title", value=True)


def test_keys_are_per_user(alice_client, alice, bob, client):
    alice_client.post("/task/new/", {"title": "Alice's", "idempotency_key": "shared"})
    client.force_login(bob)
    client.post("/task/new/", {"title": "Bob's", "idempotency_key": "shared"})

    assert Task.objects.visible_to(alice).get().title == "Alice's"
    assert Task.objects.visible_to(bob).get().title == "Bob's"


def test_a_form_without_a_key_still_creates(alice_client, alice):
    alice_client.post("/task/new/", {"title": "One"})
    alice_client.post("/task/new/", {"title": "One"})

    assert Task.objects.visible_to(alice).count() == 2


def test_a_garbled_key_is_a_form_error_not_a_500(alice_client, alice):
    response = alice_client.post("/task/new/", {"title": "x", "idempotency_key": "<bad key>"})

    assert response.status_code == 422
    assert not Task.objects.visible_to(alice).exists()


def test_the_database_refuses_a_second_row_with_the_same_key(alice, make_task):
    make_task(alice, "First", idempotency_key="same")

    with pytest.raises(IntegrityError):
        make_task(alice, "Second", idempotency_key="same")


def test_a_refused_quick_add_still_returns_to_the_view_on_screen(alice_client):
    response = alice_client.post(
        "/task/new/", {"title": "", "idempotency_key": "k1"}, **htmx_on("/?q=rent")
    )

    assert response.status_code == 422
    form = find(response.content.decode(), "form", id="quick-add")
    assert form.find("input", name="next", value="/?q=rent")
    assert form.find("a", href="/task/new/?next=/%3Fq%3Drent")
