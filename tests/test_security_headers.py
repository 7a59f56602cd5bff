"""Security headers and cookies on every kind of response, and the settings production derives."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import HTMX, PASSWORD
from tests.html import find

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parent.parent

BASIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_basic_headers(response):
    for name, value in BASIC_HEADERS.items():
        assert response[name] == value, name


@pytest.fixture
def pages(client, alice, make_task):
    """(name, response) for the anonymous and logged-in pages and an htmx fragment."""
    task = make_task(alice, title="Write report")
    anonymous = [
        ("login", client.get(reverse("login"))),
        ("signup", client.get("/accounts/signup/")),
    ]
    client.force_login(alice)
    return [
        *anonymous,
        ("board", client.get("/")),
        ("detail", client.get(f"/task/{task.pk}/")),
        ("edit form", client.get(f"/task/{task.pk}/edit/")),
        ("fragment", client.get("/", **HTMX)),
        ("404", client.get("/no/such/page/")),
    ]


def test_it_sends_the_basic_security_headers_on_every_page(pages):
    for name, response in pages:
        assert response.status_code in (200, 404), name
        assert_basic_headers(response)


def test_it_sends_the_strict_content_security_policy(pages):
    for _name, response in pages:
        csp = csp_directives(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["form-action"] == ["'self'"]
        assert csp["base-uri"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        # 'self' plus, when the response has scripts, that response's nonce; nothing else.
        assert csp["script-src"][0] == "'self'"
        assert len(csp["script-src"]) <= 2
        for source in csp["script-src"][1:]:
            assert re.fullmatch(r"'nonce-[\w+/=-]{16,}'", source)
        policy = response["Content-Security-Policy"]
        assert "unsafe-inline" not in policy
        assert "unsafe-eval" not in policy
        assert "*" not in policy


def test_it_gives_every_script_the_nonce_of_its_own_response(client, alice):
    client.force_login(alice)
    first, second = client.get("/"), client.get("/")
    nonce = csp_directives(first)["script-src"][1][len("'nonce-") : -1]
    assert nonce != csp_directives(second)["script-src"][1][len("'nonce-") : -1]
    scripts = re.findall(r"<script\b[^>]*>", first.content.decode())
    assert scripts
    for tag in scripts:
        assert f'nonce="{nonce}"' in tag
        assert "src=" in tag  # no inline script bodies: behaviour lives in static/js
    assert " style=" not in first.content.decode()


def test_it_configures_htmx_to_need_nothing_unsafe(client, alice):
    client.force_login(alice)
    page = client.get("/").content.decode()
    config = json.loads(find(page, "meta", name="htmx-config")["content"])
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["selfRequestsOnly"] is True
    assert "hx-on" not in page


def test_it_sets_safe_cookie_attributes(client, alice):
    login = client.get(reverse("login"))
    csrf = login.cookies["csrftoken"]
    assert csrf["samesite"] == "Lax"
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_it_sends_hsts_and_secure_cookies_over_https(client, alice, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True

    plain = client.get(reverse("login"))
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/accounts/login/"
    assert "Strict-Transport-Security" not in plain  # HSTS is only meaningful over HTTPS

    login = client.get(reverse("login"), secure=True)
    assert login.status_code == 200
    assert login["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert login.cookies["csrftoken"]["secure"] is True
    assert_basic_headers(login)
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, secure=True
    )
    assert response.cookies["sessionid"]["secure"] is True


def settings_for(env: dict[str, str]) -> dict:
    """Security settings as the settings module derives them from this environment."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps({k: getattr(settings, k, None) for k in ["
        "'DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS',"
        "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE',"
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'CSRF_COOKIE_SAMESITE',"
        "'SECURE_PROXY_SSL_HEADER', 'TRUSTED_PROXY_COUNT']}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DJANGO_"))}
    base |= {
        "DJANGO_SETTINGS_MODULE": "taskmanager.settings",
        "PYTHONPATH": str(PROJECT / "src"),
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-for-settings-test-0123456789",
    }
    base.pop("BEHIND_PROXY", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code],
        env=base | env,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_turns_on_https_protections_in_production_by_default():
    prod = settings_for({"DEBUG": "0"})
    assert prod["DEBUG"] is False
    assert prod["SECURE_SSL_REDIRECT"] is True
    assert prod["SECURE_HSTS_SECONDS"] == 31536000
    assert prod["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert prod["SECURE_HSTS_PRELOAD"] is True
    assert prod["SESSION_COOKIE_SECURE"] is True
    assert prod["CSRF_COOKIE_SECURE"] is True
    assert prod["SESSION_COOKIE_HTTPONLY"] is True
    assert prod["SESSION_COOKIE_SAMESITE"] == prod["CSRF_COOKIE_SAMESITE"] == "Lax"


def test_it_trusts_the_proxys_https_header_only_when_told():
    assert settings_for({"DEBUG": "0"})["SECURE_PROXY_SSL_HEADER"] is None
    behind = settings_for({"DEBUG": "0", "BEHIND_PROXY": "1", "TRUSTED_PROXY_COUNT": "1"})
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert behind["TRUSTED_PROXY_COUNT"] == 1


def test_it_can_be_told_it_is_on_plain_http():
    # scripts/prod-local on loopback: no redirect, no HSTS, cookies usable over http://.
    local = settings_for({"DEBUG": "0", "SECURE_HTTPS": "0"})
    assert local["SECURE_SSL_REDIRECT"] is False
    assert local["SECURE_HSTS_SECONDS"] == 0
    assert local["SESSION_COOKIE_SECURE"] is False
    assert local["SESSION_COOKIE_HTTPONLY"] is True
