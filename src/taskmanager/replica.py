"""Heavy reads from a read replica, with read-your-writes (settings: DATABASE_REPLICA_URL).

Nothing is guessed: a view opts in with `@reads_from_replica()` (the calendar feed) or
`@reads_from_replica(when=...)` (the board, only when it searches), and only its GET and HEAD
requests read from the replica. Everything else, every write, and every request from a browser
that wrote in the last DATABASE_REPLICA_STICKY_SECONDS reads from the primary: a person never
sees their own change missing because the standby has not replayed it yet.

A replica that cannot be reached is not an error: the view runs again on the primary (it is a
GET, so running it twice changes nothing), and this process leaves the replica alone for a few
seconds before trying it again.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest

REPLICA = "replica"
# Set on the response to every write (any method but GET/HEAD/OPTIONS/TRACE): when the browser
# last wrote, in seconds since the epoch. Not secret and not signed: forging it can only send
# one's own reads to the primary, which any POST does too.
WROTE_COOKIE = "tm_wrote"
# After the replica failed, this process reads from the primary for this long.
RETRY_AFTER_SECONDS = 5.0

logger = logging.getLogger(__name__)
_reading_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "reading_replica", default=False
)
_replica_down_until = 0.0


class ReplicaRouter:
    """Reads go to the replica inside a view that opted in; everything else to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading_replica.get() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, wherever they were read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # a hot standby is read-only; it replays the primary's schema


def configured() -> bool:
    return REPLICA in settings.DATABASES


def wrote_recently(request: HttpRequest, now: float | None = None) -> bool:
    """Did this browser write within DATABASE_REPLICA_STICKY_SECONDS?"""
    try:
        wrote_at = float(request.COOKIES.get(WROTE_COOKIE, ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    return now - wrote_at < settings.DATABASE_REPLICA_STICKY_SECONDS


def _replica_reachable() -> bool:
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except (OperationalError, InterfaceError) as error:
        _replica_failed(error)
        return False
    return True


def _replica_failed(error: Exception) -> None:
    global _replica_down_until
    _replica_down_until = time.monotonic() + RETRY_AFTER_SECONDS
    logger.warning("Read replica unavailable, reading from the primary: %s", error)
    # Drop the broken connection so the next try opens a new one.
    connections[REPLICA].close()


def reads_from_replica(when: Callable[[HttpRequest], bool] | None = None):
    """Decorate a read-only view whose GET/HEAD requests may read from the replica.

    `when(request)`, if given, narrows it further (e.g. only searches). The replica is skipped
    when none is configured, when the browser wrote recently, or when it is unreachable.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or not configured()
                or (when is not None and not when(request))
                or wrote_recently(request)
                or not _replica_reachable()
            ):
                return view(request, *args, **kwargs)
            token = _reading_replica.set(True)
            try:
                return view(request, *args, **kwargs)
            except (OperationalError, InterfaceError) as error:
                # The replica (or the primary: then the second run fails the same way and the
                # error page says so) broke mid-request.
                _replica_failed(error)
            finally:
                _reading_replica.reset(token)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class ReadYourWritesMiddleware:
    """Stamp the browser's last write, so its next reads skip the replica for a few seconds."""

    def __init__(self, get_response):
        if not settings.DATABASE_REPLICA_URL:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response.set_cookie(
                WROTE_COOKIE,
                f"{time.time():.3f}",
                max_age=settings.DATABASE_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
