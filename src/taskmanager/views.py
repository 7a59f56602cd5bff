"""Project-level views: the health probe and the error handlers, which belong to no app."""

import sys

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.template import loader


def healthz(request):
    """Liveness and database check for Docker and load balancers: tiny, no auth, no session.

    `?probe=live` leaves the database out: Kubernetes' liveness probe (deploy/k8s), which
    restarts a pod that fails it. A database outage is for readiness to report; restarting
    every node would not bring PostgreSQL back, and they recover by themselves when it is.
    """
    if request.GET.get("probe") == "live":
        return HttpResponse('{"status":"ok"}', content_type="application/json")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500 page
        return HttpResponse(
            '{"status":"error","database":"unavailable"}',
            status=503,
            content_type="application/json",
        )
    return HttpResponse('{"status":"ok"}', content_type="application/json")


def bad_request(request, exception=None, template_name="400.html"):
    """handler400 that never reads the request body.

    Django's own handler is wrapped in requires_csrf_token, whose check reads request.POST; when
    the 400 came from that very read (a form body in a charset Django refuses), it raised again
    and the answer was a 500. The error page is standalone and needs nothing from the request.
    """
    return HttpResponseBadRequest(loader.render_to_string(template_name))


# Raised when PostgreSQL is down or restarting (connection refused, connection dropped mid-query).
DATABASE_DOWN = (OperationalError, InterfaceError)


def server_error(request, template_name="500.html"):
    """handler500: a database outage is a 503 "try again", not a 500 "we have a bug".

    Django calls this inside its except block for any uncaught exception, from a view or from a
    middleware (the session save runs after the view), so sys.exc_info() still names the cause.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponseServerError(loader.render_to_string(template_name))
