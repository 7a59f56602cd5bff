"""Secrets in URLs kept out of the logs: the calendar feed's token (`/feeds/<token>.ics`, the
feed's only key) and the address-confirmation link's signed token.

One mask, used by gunicorn's access log (GunicornLogger, named in gunicorn.conf.py) and by
Django's own log lines (MaskSecrets, settings.LOGGING: a 404 for a feed whose filter is gone is
logged with its path). nginx masks the same way in compose/nginx/snippets/taskmanager-http.conf.
"""

from __future__ import annotations

import logging
import re

from gunicorn.glogging import Logger

MASK = "<token>"
_SECRETS = re.compile(r"(/feeds/)[^/\s?\"]+(\.ics)|(/reminders/confirm/)[^/\s?\"]+")


def mask(text: str) -> str:
    """`text` with every secret URL token replaced by <token>."""
    if "/feeds/" not in text and "/reminders/confirm/" not in text:
        return text
    return _SECRETS.sub(lambda m: f"{m[1]}{MASK}{m[2]}" if m[1] else f"{m[3]}{MASK}", text)


class GunicornLogger(Logger):
    """gunicorn's logger with the request line, path, query and referrer masked."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms


class MaskSecrets(logging.Filter):
    """A logging filter masking secret URL tokens in a record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
