"""/healthz: the probe Docker, compose and load balancers call. No auth, one query, tiny JSON."""

import json

import pytest
from django.db import OperationalError

import taskmanager.views

pytestmark = pytest.mark.django_db


def test_it_answers_ok_with_tiny_json(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok"}
    assert len(response.content) < 64


def test_it_needs_no_login_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"


def test_it_answers_head_requests(client):
    assert client.head("/healthz").status_code == 200


def test_it_answers_a_probe_whose_host_is_not_allowed(client, settings):
    # A load balancer probes the instance's private address, which is not in ALLOWED_HOSTS.
    settings.ALLOWED_HOSTS = ["tasks.example.com"]
    assert client.get("/", HTTP_HOST="10.0.3.7").status_code == 400
    assert client.get("/healthz", HTTP_HOST="10.0.3.7").status_code == 200


def test_it_answers_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_it_reports_503_when_the_database_is_unreachable(client, monkeypatch):
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(taskmanager.views, "connection", DownConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["status"] == "error"
    # Says what is wrong without leaking the driver's message (hosts, users).
    assert "refused" not in response.content.decode()


def test_it_sends_the_security_headers_every_other_response_has(client, settings):
    from tests.test_security_headers import BASIC_HEADERS, csp_directives

    settings.ALLOWED_HOSTS = ["tasks.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    for response in (
        client.get("/healthz", HTTP_HOST="10.0.3.7"),  # a load balancer's probe
        client.get("/healthz", secure=True, HTTP_HOST="tasks.example.com"),
    ):
        assert response.status_code == 200
        for name, value in BASIC_HEADERS.items():
            assert response[name] == value, name
        assert csp_directives(response)["default-src"] == ["'self'"]
        assert response["Cache-Control"] == "no-store"
    assert response["Strict-Transport-Security"].startswith("max-age=")


def test_its_liveness_probe_answers_without_the_database(
    client, monkeypatch, django_assert_num_queries
):
    # Kubernetes restarts a pod whose liveness probe fails: a database outage must not restart
    # every node (they recover by themselves once it is back); readiness takes them out.
    class DownConnection:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr(taskmanager.views, "connection", DownConnection())
    with django_assert_num_queries(0):
        response = client.get("/healthz?probe=live")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert client.get("/healthz").status_code == 503
