"""Typed requests, and helpers for reading what an htmx request says about the page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, QueryDict
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails
    user: AbstractBaseUser | AnonymousUser


def wants_fragment(request: HtmxRequest) -> bool:
    """A partial update, as opposed to a navigation that needs the whole page.

    Boosted links and htmx's history restore (back button with no cached snapshot) both swap
    the whole body, so they get the full page.
    """
    return (
        bool(request.htmx) and not request.htmx.boosted and not request.htmx.history_restore_request
    )


def page_query(request: HtmxRequest) -> QueryDict:
    """The query string of the page the user is looking at.

    For htmx requests that is the page's URL (HX-Current-URL), not the endpoint's, so a
    mutation can answer in terms of the filters on screen.
    """
    return page_location(request)[1]


def page_location(request: HtmxRequest) -> tuple[str, QueryDict]:
    """The path and query of the page the user is looking at (see page_query)."""
    if request.htmx and request.htmx.current_url:
        return url_location(request.htmx.current_url)
    return request.path, request.GET


def url_location(url: str) -> tuple[str, QueryDict]:
    """The path and query of a page's URL (HX-Current-URL)."""
    try:
        parts = urlsplit(url)
        return parts.path or "/", QueryDict(parts.query)
    except ValueError:  # a header that is no URL ("http://["): no filters, not a 500
        return "/", QueryDict()


_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_number(text: object, digits: int = 18) -> int | None:
    """A number sent as text ("42": an id, a version), or None. ASCII digits only, at most
    `digits` of them: str.isdigit() also says yes to "²", which int() refuses, int() refuses
    more than 4,300 digits, and a database column holds 18 (a 500 each, before)."""
    if not isinstance(text, str) or len(text) > digits or not _NUMBER.fullmatch(text):
        return None
    return int(text)
