"""A small HTTP client for talking to our own server on loopback, as a browser behind a proxy.

No third-party client: the benchmark must run in the runtime .venv (requirements.txt only),
and the reliability tests need full control of each connection (one per request, no retries).
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from urllib.parse import urlencode


def csrf_token(page: bytes) -> str:
    """The CSRF token a form carries, whatever the order of its <input>'s attributes."""
    for tag in re.findall(rb"<input\b[^>]*>", page):
        if re.search(rb'\bname="csrfmiddlewaretoken"', tag):
            return re.search(rb'\bvalue="([^"]*)"', tag)[1].decode()
    raise ValueError("no csrfmiddlewaretoken field on the page")


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict | None = None,
    timeout: float = 15,
    https: bool = True,
) -> Response:
    """One request on its own connection to 127.0.0.1:port.

    With `https`, sent as a TLS-terminating proxy in front of gunicorn would forward it
    (X-Forwarded-Proto: https, a client address in X-Forwarded-For).
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Connection": "close"}
        if https:
            sent |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
        conn.request(method, path, body=body, headers=sent | (headers or {}))
        raw = conn.getresponse()
        return Response(raw.status, raw.headers, raw.read())
    finally:
        conn.close()


class Session:
    """A browser: cookies, the CSRF token, htmx headers."""

    def __init__(self, port: int, https: bool = True):
        self.port = port
        self.https = https
        self.origin = f"{'https' if https else 'http'}://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def send(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        htmx: bool = False,
        timeout: float = 15,
        headers: dict | None = None,
    ) -> Response:
        sent = {"Cookie": self.cookie_header}
        body = None
        if method == "POST":
            body = urlencode(data or {}, doseq=True).encode()
            sent |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
            }
        if htmx:
            sent |= {"HX-Request": "true", "HX-Current-URL": f"{self.origin}/"}
        response = request(
            self.port, method, path, body, sent | (headers or {}), timeout, https=self.https
        )
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def signup(self, username: str, password: str) -> None:
        self.send("GET", "/accounts/signup/")
        response = self.send(
            "POST",
            "/accounts/signup/",
            {"username": username, "password1": password, "password2": password},
        )
        if response.status != 302:
            raise RuntimeError(f"signup failed: {response.status} {response.body[:300]!r}")

    def login(self, username: str, password: str) -> None:
        """Log in through the real form, with the token the form carries."""
        page = self.send("GET", "/accounts/login/")
        token = csrf_token(page.body)
        response = self.send(
            "POST",
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed: {response.status}")
