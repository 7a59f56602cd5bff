from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url


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
            redirect = HttpResponse("Your session has ended; please log in again.", status=401)
            redirect["HX-Redirect"] = f"{login_url}?{urlencode({'next': next_url})}"
            return redirect
        return response
