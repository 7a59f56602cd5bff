"""Feed tokens never reach a log in full (issue 22, item 31): gunicorn's access log, Django's
own log lines, and nginx's access log all mask them."""

import logging
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from taskmanager.logs import GunicornLogger, MaskSecrets, mask

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "Zq3x_-9AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"GET /feeds/{TOKEN}.ics HTTP/1.1", "GET /feeds/<token>.ics HTTP/1.1"),
        (f"/feeds/{TOKEN}.ics?x=1", "/feeds/<token>.ics?x=1"),
        (
            f"https://tasks.example.com/feeds/{TOKEN}.ics",
            "https://tasks.example.com/feeds/<token>.ics",
        ),
        (
            "GET /reminders/confirm/eyJ1Ijo:1abc:xyz/ HTTP/1.1",
            "GET /reminders/confirm/<token>/ HTTP/1.1",
        ),
        ("GET /feeds/ HTTP/1.1", "GET /feeds/ HTTP/1.1"),  # the feed's page has no token
        ("GET /task/7/ HTTP/1.1", "GET /task/7/ HTTP/1.1"),
    ],
)
def test_it_masks_secret_tokens_in_urls(text, expected):
    assert mask(text) == expected


def test_gunicorns_access_log_masks_the_token(monkeypatch, caplog):
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["logger_class"] == "taskmanager.logs.GunicornLogger"
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf["access_log_format"])
    logger = GunicornLogger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/feeds/{TOKEN}.ics",
        "PATH_INFO": f"/feeds/{TOKEN}.ics",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_REFERER": f"https://tasks.example.com/feeds/{TOKEN}.ics",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    lines = []
    monkeypatch.setattr(logger.access_log, "info", lambda fmt, atoms: lines.append(fmt % atoms))
    logger.access(response, request, environ, SimpleNamespace(seconds=0, microseconds=1500))
    (line,) = lines
    assert TOKEN not in line
    assert '"GET /feeds/<token>.ics HTTP/1.1" 200' in line


def test_djangos_log_lines_mask_the_token(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert console["filters"] == ["mask_secrets"]
    assert settings.LOGGING["filters"]["mask_secrets"]["()"] == "taskmanager.logs.MaskSecrets"
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", (f"/feeds/{TOKEN}.ics",), None
    )
    assert MaskSecrets().filter(record)
    assert record.getMessage() == "Not Found: /feeds/<token>.ics"


NGINX = ROOT / "compose" / "nginx"


def test_nginx_logs_the_request_line_masked_in_every_server():
    http = (NGINX / "snippets" / "taskmanager-http.conf").read_text()
    assert re.search(r"map \$request \$taskmanager_request\b", http)
    log_format = re.search(r"log_format taskmanager (.*?);", http, re.S)[1]
    assert "$taskmanager_request" in log_format and '"$request"' not in log_format
    for template in NGINX.glob("*/default.conf.template"):
        text = template.read_text()
        servers = text.count("server {")
        inherited = text.count("include /etc/nginx/snippets/taskmanager-locations.conf;")
        own = text.count("access_log /var/log/nginx/access.log taskmanager;")
        assert own + inherited == servers, template
    locations = (NGINX / "snippets" / "taskmanager-locations.conf").read_text()
    assert "access_log /var/log/nginx/access.log taskmanager;" in locations
