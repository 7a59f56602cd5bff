"""The rendered task list (the board's `#task-list` section), cached under the list versions of
the projects the person sees: a read whose list is cached runs no page query and renders no row.

A cached list is served only when nothing it shows can have changed:
- the ListVersion of every project the person sees (bumped with every change of a project's
  tasks, links and tags and of the project itself, by anyone, in the same commit; read with
  the person's Access before the page, so a list stored under versions v is never older than
  v). So a change one member makes renews every member's cached lists;
- the full URL (scope, filters, sort, page cursors; it is also the forms' `next`);
- the day and the time zone ("today", "overdue", day headings), and the next moment a timed
  task on the page turns overdue (`valid_until`);
- the browser's CSRF secret (the list's forms carry a token for the session's cookie);
- the template's markup and this module's LIST_CACHE_VERSION.

Inside a transaction the version may lag this transaction's own writes (PostgreSQL bumps it at
commit), so there the cache is neither read nor written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import astuple, dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS, connection, router
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from .forms import new_idempotency_key
from .models import Task, today
from .models.access import access_for
from .templatetags.tasks_extras import ROW_CACHE_SECONDS, page_cache

# Bump when the list's HTML changes through Python rather than the template.
LIST_CACHE_VERSION = 2


def versions(user) -> str:
    """The key part that follows the lists' data: the versions of the person's projects."""
    return access_for(user).versions_key


def from_replica() -> bool:
    """Whether this request reads its lists from a read replica (taskmanager.replica): the
    versions come from the primary with the person's Access, and a replica that is behind would
    put an older list under them, so such lists are neither read from nor kept in the cache."""
    return router.db_for_read(Task) != DEFAULT_DB_ALIAS


@dataclass
class CachedPage:
    """What the page says about the list besides the list itself: the title ("later page")
    and the announcement ("25 tasks on this page") read these, as they read a TaskPage."""

    count: int
    has_other_pages: bool
    prev_cursor: str | None

    @property
    def tasks(self) -> range:
        # Only the number of tasks is read outside the list (`page.tasks|length`).
        return range(self.count)


@dataclass
class CachedList:
    html: SafeString
    page: CachedPage
    valid_until: dt.datetime | None


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


@cache
def templates_version() -> str:
    """A hash of every template the list can include (all of the project's: cheaper to keep
    right than a list of includes), read once per process."""
    digest = hashlib.blake2b(digest_size=8)
    dirs = [Path(__file__).parent / "templates", *map(Path, settings.TEMPLATES[0]["DIRS"])]
    for directory in dirs:
        for path in sorted(directory.rglob("*.html")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def key_for(request, version: str | None) -> str | None:
    if version is None or connection.in_atomic_block or from_replica():
        return None
    get_token(request)  # the secret the list's tokens are for: the key names it
    secret = request.META.get("CSRF_COOKIE") or ""
    return (
        f"task-list:{LIST_CACHE_VERSION}:{templates_version()}:{settings.TASKS_PAGE_SIZE}:"
        f"{request.user.pk}:{version}:{today()}:{timezone.get_current_timezone_name()}:"
        f"{_digest(request.get_full_path())}:{_digest(secret)}"
    )


def get(key: str | None) -> CachedList | None:
    if key is None:
        return None
    entry = page_cache().get(key)
    if entry is None:
        return None
    html, count, has_other_pages, prev_cursor, valid_until = entry
    if valid_until is not None and timezone.now() >= valid_until:
        return None
    page = CachedPage(count, has_other_pages, prev_cursor)
    return CachedList(SafeString(html), page, valid_until)


def render(request, template: str, context: dict, key: str | None) -> CachedList:
    """Render the list partial and keep it under `key` (none: not cached)."""
    page = context["page"]
    html = SafeString(render_to_string(template, context, request))
    cached = CachedList(
        html=html,
        page=CachedPage(len(page.tasks), page.has_other_pages, page.prev_cursor),
        valid_until=_turns_overdue(page.tasks),
    )
    if key is not None:
        # Plain values, not these classes: a cache shared across a deploy never unpickles an
        # object of a changed class.
        entry = (str(html), *astuple(cached.page), cached.valid_until)
        page_cache().set(key, entry, ROW_CACHE_SECONDS)
    return cached


def _turns_overdue(tasks) -> dt.datetime | None:
    """The first moment a task on the page turns overdue later today (due at a time)."""
    now = timezone.localtime()
    moments = [
        task.due_at
        for task in tasks
        if task.due_date == now.date()
        and task.due_time is not None
        and not task.is_completed
        and task.due_at >= now
    ]
    return min(moments) if moments else None


# --- the whole board page -------------------------------------------------------------------
# The page around the list (sidebar, counts, filter bar, quick add, dialogs) depends on the same
# things as the list plus the sidebar's rows (Navigation.key) and the username; the counts move
# only with the user's tasks, so with the list version. Two values differ on every request and
# are put back into a stored page: the CSP nonce and the quick-add form's idempotency key.
NONCE_MARK = "\x00csp-nonce\x00"
IDEMPOTENCY_MARK = "\x00idempotency-key\x00"


def page_key(request, nav, list_key: str | None) -> str | None:
    """None (not cached) outside the list cache's conditions, and while flash messages wait:
    the page shows them as toasts once."""
    if list_key is None or nav is None or len(messages.get_messages(request)):
        return None
    return f"board-page:{list_key}:{nav.key}:{_digest(request.user.get_username())}"


def cached_page(request, key: str | None) -> HttpResponse | None:
    entry = page_cache().get(key) if key is not None else None
    if entry is None:
        return None
    html, valid_until = entry
    if valid_until is not None and timezone.now() >= valid_until:
        return None
    html = html.replace(NONCE_MARK, str(get_nonce(request))).replace(
        IDEMPOTENCY_MARK, new_idempotency_key()
    )
    return HttpResponse(html)


def store_page(request, key, response, form, valid_until) -> None:
    """Keep the page just rendered, with its nonce and idempotency key marked for replacing."""
    if key is None or response.status_code != 200 or form.is_bound:
        return
    html = response.content.decode()
    nonce = get_nonce(request)
    idempotency = form.initial.get("idempotency_key")
    if not nonce or not idempotency or str(nonce) not in html or idempotency not in html:
        return
    html = html.replace(str(nonce), NONCE_MARK).replace(idempotency, IDEMPOTENCY_MARK)
    page_cache().set(key, (html, valid_until), ROW_CACHE_SECONDS)
