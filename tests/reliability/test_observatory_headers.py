"""The production server's headers, graded the way Mozilla's HTTP Observatory grades for A+.

Asserted over real HTTP on gunicorn with production settings behind a TLS proxy (the fixture
sends X-Forwarded-Proto: https as nginx does), header by header; tests/test_security_headers.py
checks the same settings through Django's test client. Observatory's scoring (v2): CSP without
unsafe-inline/unsafe-eval and with default-src, frame-ancestors, base-uri, form-action and
object-src locked down; HSTS of at least six months; nosniff; framing denied; a Referrer-Policy;
Secure + HttpOnly + SameSite cookies; plain HTTP redirected to HTTPS on the same host.
"""

import re
import uuid

import pytest

from tests.reliability.harness import PASSWORD, Session, request

pytestmark = pytest.mark.reliability

SIX_MONTHS = 15768000


@pytest.fixture(scope="module")
def observatory_user(server):
    """A signed-up account; unique, so the fixture can never collide with an earlier run."""
    username = f"observatory-{uuid.uuid4().hex[:8]}"
    Session(server.port).signup(username)
    return username


@pytest.fixture(scope="module")
def responses(server, observatory_user):
    """(name, response) for the login page, the board, an htmx fragment, a 404 and a static file."""
    anonymous = Session(server.port)
    login = anonymous.send("GET", "/accounts/login/")
    user = Session(server.port)
    user.send("GET", "/accounts/login/")
    user.send("POST", "/accounts/login/", {"username": observatory_user, "password": PASSWORD})
    board = user.send("GET", "/")
    css = re.search(rb'href="(/static/css/app\.[0-9a-f]+\.css)"', board.body)[1].decode()
    return {
        "login": login,
        "board": board,
        "fragment": user.send("GET", "/", htmx=True),
        "404": user.send("GET", "/no/such/page/"),
        "static": user.send("GET", css),
    }


def _csp(response) -> dict[str, list[str]]:
    policy = response.header("Content-Security-Policy")
    assert policy, "no Content-Security-Policy"
    return {name: values for name, *values in (p.split() for p in policy.split(";") if p.strip())}


@pytest.mark.parametrize("page_name", ["login", "board", "fragment", "404"])
def test_it_sends_a_strict_content_security_policy(responses, page_name):
    csp = _csp(responses[page_name])
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    for directive, values in csp.items():
        assert "'unsafe-inline'" not in values, directive
        assert "'unsafe-eval'" not in values, directive
        assert "*" not in values and "http:" not in values and "https:" not in values, directive
    assert csp["script-src"][0] == "'self'"
    assert all(v == "'self'" or v.startswith("'nonce-") for v in csp["script-src"])


@pytest.mark.parametrize("page_name", ["login", "board", "fragment", "404", "static"])
def test_it_sends_every_observatory_header(responses, page_name):
    response = responses[page_name]
    hsts = response.header("Strict-Transport-Security")
    max_age = int(re.search(r"max-age=(\d+)", hsts)[1])
    assert max_age >= SIX_MONTHS
    assert "includeSubDomains" in hsts and "preload" in hsts
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Cross-Origin-Resource-Policy") == "same-origin"
    if page_name != "static":  # documents: static files are not framed or navigated to
        # Observatory fails a page that any origin may read; whitenoise's "*" on the public,
        # credential-free static files is not that, and CORP above still limits their use.
        assert response.header("Access-Control-Allow-Origin") is None
        assert response.header("X-Frame-Options") == "DENY"
        assert response.header("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin")
        assert response.header("Cross-Origin-Opener-Policy") == "same-origin"


def test_it_sets_secure_httponly_samesite_cookies(server, observatory_user):
    browser = Session(server.port)
    login_page = browser.send("GET", "/accounts/login/")
    logged_in = browser.send(
        "POST", "/accounts/login/", {"username": observatory_user, "password": PASSWORD}
    )
    assert logged_in.status == 302
    cookies = {}
    for response in (login_page, logged_in):
        for value in response.headers.get_all("Set-Cookie") or []:
            cookies[value.split("=", 1)[0]] = value.lower()
    assert {"csrftoken", "sessionid"} <= set(cookies)
    for name, attributes in cookies.items():
        assert "; secure" in attributes, name
        assert "samesite=lax" in attributes or "samesite=strict" in attributes, name
    assert "; httponly" in cookies["sessionid"]


def test_it_redirects_plain_http_to_https_on_the_same_host(server):
    response = request(
        server.port, "GET", "/accounts/login/", headers={"X-Forwarded-Proto": "http"}
    )
    assert response.status == 301
    assert response.header("Location") == f"https://127.0.0.1:{server.port}/accounts/login/"
