"""The benchmark ceiling view exists only when BENCH_CEILING is on."""

import importlib

import pytest
from django.urls import clear_url_caches

import taskmanager.urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceiling_on(settings):
    settings.BENCH_CEILING = True
    importlib.reload(taskmanager.urls)
    clear_url_caches()
    yield
    settings.BENCH_CEILING = False
    importlib.reload(taskmanager.urls)
    clear_url_caches()


def test_it_is_not_routed_by_default(alice_client):
    assert alice_client.get("/bench/ceiling").status_code == 404


def test_it_answers_ok_to_a_logged_in_user(ceiling_on, alice_client, django_assert_max_num_queries):
    # Session and user: the floor every logged-in view pays.
    with django_assert_max_num_queries(2):
        response = alice_client.get("/bench/ceiling")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_it_sends_anonymous_users_to_log_in(ceiling_on, client):
    response = client.get("/bench/ceiling")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_refuses_post(ceiling_on, alice_client):
    assert alice_client.post("/bench/ceiling").status_code == 405
