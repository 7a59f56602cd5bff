"""A one-release alias for the sessions logged in under accounts.backends.ModelBackend.

From commit 05fd77e until issue 23, logins recorded this path (a ModelBackend with a
precompiled user lookup) in the session. Django loads a session's user only through a backend
whose path is in AUTHENTICATION_BACKENDS, so the path stays listed, after Django's ModelBackend,
until no live session holds it: nobody is logged out. It logs nobody in (a wrong password is
checked once, by Django's backend), so new sessions record Django's path.

Remove this module and its line in AUTHENTICATION_BACKENDS once `sessions_naming_it()` answers
0 in production (docs/performance.md, "Sessions and the user lookup are Django's").
"""

from django.contrib.auth import BACKEND_SESSION_KEY, backends
from django.contrib.sessions.models import Session
from django.utils import timezone

PATH = "accounts.backends.ModelBackend"


class ModelBackend(backends.ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        return None


def sessions_naming_it() -> int:
    """How many unexpired sessions would be logged out if this alias were removed."""
    live = Session.objects.filter(expire_date__gt=timezone.now())
    return sum(
        1 for session in live.iterator() if session.get_decoded().get(BACKEND_SESSION_KEY) == PATH
    )
