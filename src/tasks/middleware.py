from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from .models.access import request_scope


class HtmxLoginRedirectMiddleware:
    """Turn login redirects of htmx requests into a full-page redirect.

    Following a 302 inside htmx would swap the login page into a task row. Instead answer
    401 with HX-Redirect, and send the person back to the page they were on (not the
    fragment endpoint) after logging in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        login_url = resolve_url(settings.LOGIN_URL)
        if htmx and response.status_code == 302 and response["Location"].startswith(login_url):
            try:
                next_url = htmx.current_url_abs_path or "/"
            except ValueError:  # HX-Current-URL is client input and may be no URL at all
                next_url = "/"
            # 401, not htmx's usual 200: the answer is "not logged in", which monitoring and any
            # client that ignores HX-Redirect should see as such.
            redirect = HttpResponseClientRedirect(
                f"{login_url}?{urlencode({'next': next_url})}",
                content="Your session has ended; please log in again.",
            )
            redirect.status_code = 401
            return redirect
        return response


class AccessScopeMiddleware:
    """Each person's Access (the projects they see, their roles, counts and list versions) is
    read at most once per request (tasks.models.access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self.get_response(request)
