"""Smoke test of the production stack without Docker: scripts/prod-local over real HTTP.

Starts gunicorn with gunicorn.conf.py and production settings (DEBUG off, a fresh SECRET_KEY,
collectstatic, SECURE_HTTPS=1 behind a proxy) on a free loopback port, talks to it the way
nginx or a load balancer would (X-Forwarded-Proto: https), and always stops it. Uses
PostgreSQL when DATABASE_URL names one (a throwaway <name>_smoke database), else SQLite.
"""

import json
import os
import re
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

from devtools.http import csrf_token, request
from devtools.processes import (
    ServerError,
    drop_database,
    free_port,
    production_env,
    start,
    stop_process_group,
    wait_healthy,
)

PROJECT = Path(__file__).resolve().parent.parent
DEMO_USER, DEMO_PASSWORD = "demo", "smoke-test-demo-password-4d1f"
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
START_TIMEOUT = 240  # seconds: migrate + collectstatic (brotli) on a busy 2-core machine
ONE_YEAR = 365 * 24 * 3600


def smoke_database_url(tmp_path: Path) -> str:
    """A throwaway <name>_smoke database next to DATABASE_URL's PostgreSQL one, else SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return parts._replace(path=f"{parts.path}_smoke").geturl()
    return f"sqlite:///{tmp_path / 'smoke.sqlite3'}"


class Server:
    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log

    def request(self, method, path, body=None, headers=None, proxy=True, timeout=20):
        sent = (PROXY if proxy else {}) | (headers or {})
        return request(self.port, method, path, body, sent, timeout, https=False)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod-smoke")
    port = free_port(9400, 9499)
    database_url = smoke_database_url(tmp)
    log = tmp / "server.log"
    # scripts/prod-local itself creates the database, migrates and collects the static files.
    env = production_env(
        database_url,
        PORT=str(port),
        WEB_CONCURRENCY="2",
        DEMO_USERNAME=DEMO_USER,
        DEMO_PASSWORD=DEMO_PASSWORD,
        TMPDIR=str(tmp),
    )
    del env["ALLOWED_HOSTS"]  # the script's own default
    process = start([str(PROJECT / "scripts" / "prod-local")], env, log)
    try:
        try:
            wait_healthy(process, port, log, START_TIMEOUT)
        except ServerError as error:
            pytest.fail(f"scripts/prod-local {error}")
        yield Server(port, log)
    finally:
        stop_process_group(process, grace=40)
        drop_database(database_url)
    # Graceful shutdown: SIGTERM ends gunicorn cleanly and the temporary STATIC_ROOT is gone.
    assert process.returncode == 0, log.read_text()[-3000:]
    assert "Shutting down: Master" in log.read_text()
    assert not list(tmp.glob("taskmanager-static.*"))


def cookies_of(response) -> dict[str, str]:
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


@pytest.fixture(scope="module")
def login(server):
    """Log the demo user in through the real login form: (response, cookies)."""
    login = server.get("/accounts/login/")
    cookies = cookies_of(login)
    token = csrf_token(login.body)
    origin = f"https://127.0.0.1:{server.port}"
    response = server.request(
        "POST",
        "/accounts/login/",
        body=urlencode(
            {"username": DEMO_USER, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
        ),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Origin": origin,
            "Referer": f"{origin}/accounts/login/",
        },
    )
    assert response.status == 302, response.body[:500]
    assert response.header("Location") == "/"
    return response, cookies | cookies_of(response)


@pytest.fixture(scope="module")
def session(login) -> dict[str, str]:
    return login[1]


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


def assert_security_headers(response):
    h = response.header
    assert h("Strict-Transport-Security") == "max-age=31536000; includeSubDomains; preload"
    assert h("X-Content-Type-Options") == "nosniff"
    assert h("Referrer-Policy") == "same-origin"
    assert h("Cross-Origin-Opener-Policy") == "same-origin"
    assert h("Cross-Origin-Resource-Policy") == "same-origin"
    assert h("X-Frame-Options") == "DENY"
    csp = h("Content-Security-Policy")
    for directive in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ):
        assert directive in csp
    # A page with scripts names its nonce; one without (an error page) allows only 'self'.
    assert re.search(r"script-src 'self'( 'nonce-[\w+/=-]+')?;", csp)
    assert "unsafe" not in csp


def test_it_answers_the_health_check(server):
    response = server.get("/healthz", proxy=False, headers={"Host": "10.0.0.12:9000"})
    assert response.status == 200
    assert json.loads(response.body) == {"status": "ok"}


def test_it_redirects_plain_http_to_https(server):
    response = server.get("/accounts/login/", proxy=False)
    assert response.status == 301
    assert response.header("Location") == f"https://127.0.0.1:{server.port}/accounts/login/"


def test_it_serves_the_login_page_with_every_security_header(server):
    response = server.get("/accounts/login/")
    assert response.status == 200
    assert b"Log in" in response.body
    assert_security_headers(response)
    csrf = SimpleCookie(response.header("Set-Cookie"))["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"


def test_it_sets_a_secure_httponly_session_cookie(login):
    response, _ = login
    jar = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie"):
        jar.load(header)
    session = jar["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


def test_it_serves_the_board_to_a_logged_in_user(server, session):
    response = server.get("/", headers=cookie_header(session))
    assert response.status == 200
    assert b"Finish the Q3 report" in response.body  # a seeded demo task (seed_demo)
    assert_security_headers(response)
    assert "'nonce-" in response.header("Content-Security-Policy")
    htmx = cookie_header(session) | {"HX-Request": "true"}
    fragment = server.get("/?status=pending", headers=htmx)
    assert fragment.status == 200
    assert b"<html" not in fragment.body
    assert server.get("/task/new/", headers=cookie_header(session)).status == 200


def test_it_sends_anonymous_visitors_to_the_login_page(server):
    response = server.get("/")
    assert response.status == 302
    assert response.header("Location").startswith("/accounts/login/")


def test_it_shows_the_apps_404_page(server, session):
    response = server.get("/no/such/page/", headers=cookie_header(session))
    assert response.status == 404
    assert b"Not found" in response.body
    assert b"Traceback" not in response.body
    assert_security_headers(response)


def test_it_serves_static_files_compressed_with_far_future_cache_headers(server, session):
    page = server.get("/", headers=cookie_header(session)).body.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page)
    assert len(assets) >= 4
    for url in assets:
        # Hashed names, so they can be cached forever and still change with each release.
        assert re.search(r"\.[0-9a-f]{12}\.(css|js)$", url), url
        plain = server.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.status == 200
        assert plain.header("Content-Encoding") is None
        for encoding in ("br", "gzip"):
            response = server.get(url, headers={"Accept-Encoding": encoding})
            assert response.status == 200, url
            assert response.header("Content-Encoding") == encoding, url
            assert len(response.body) < len(plain.body), url
            cache = response.header("Cache-Control")
            max_age = int(re.search(r"max-age=(\d+)", cache)[1])
            assert max_age >= ONE_YEAR
            assert "immutable" in cache and "public" in cache
            assert "Accept-Encoding" in response.header("Vary")
            assert response.header("Cross-Origin-Resource-Policy") == "same-origin"


def test_it_writes_an_access_log_line_per_request_to_stdout(server):
    server.get("/healthz?from=access-log-test")
    deadline = time.monotonic() + 10
    while "GET /healthz?from=access-log-test" not in server.log.read_text():
        assert time.monotonic() < deadline, "no access log line"
        time.sleep(0.2)
    line = next(line for line in server.log.read_text().splitlines() if "access-log-test" in line)
    assert '"203.0.113.5"' in line  # the client address as forwarded by the proxy
    assert " 200 " in line


def test_check_deploy_reports_no_warnings_with_production_settings(tmp_path):
    env = production_env(
        f"sqlite:///{tmp_path / 'check.sqlite3'}",
        ALLOWED_HOSTS="tasks.example.com",
        SECRET_KEY="kL9" + "x7Qp2-vR8sT4wY6zA1bC3dE5fG7hJ9mN0oP2qR4sT6uV8wX0yZ2aB4cD6eF8gH",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_passes_the_images_health_check_command(server):
    # The Dockerfile's HEALTHCHECK, run as Docker would, against this server.
    text = re.sub(r"\\\n", " ", (PROJECT / "Dockerfile").read_text())
    line = next(line for line in text.splitlines() if line.startswith("HEALTHCHECK"))
    command = json.loads(line[line.index("CMD") + 3 :])
    assert command[0] == "python"
    result = subprocess.run(  # noqa: S603 - the image's own command
        [sys.executable, *command[1:]],
        env={"PORT": str(server.port), "PATH": os.environ.get("PATH", "")},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
