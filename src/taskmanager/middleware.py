"""Project-wide middleware: health probes and the headers Django has no setting for."""

from django.conf import settings
from django.utils.cache import patch_cache_control

from .views import bad_request, healthz


class HealthCheckMiddleware:
    """Answer GET/HEAD /healthz before host validation.

    Docker's HEALTHCHECK calls 127.0.0.1 and a load balancer calls the instance's private
    address, over plain HTTP: neither Host is in ALLOWED_HOSTS and neither request is HTTPS, so
    further down the stack both would get a 400 (or, without SECURE_REDIRECT_EXEMPT, a 301)
    instead of the database check. It sits inside the middleware that add the security headers
    (settings.MIDDLEWARE), so its answer carries them like every other response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz" and request.method in ("GET", "HEAD"):
            response = healthz(request)
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)


class CrossOriginResourcePolicyMiddleware:
    """Send Cross-Origin-Resource-Policy (SECURE_CROSS_ORIGIN_RESOURCE_POLICY) on every response.

    Django sets COOP but not CORP; with it other origins cannot embed our pages, scripts or
    images (Spectre-style cross-origin reads).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "SECURE_CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.policy)
        return response


class FormCharsetMiddleware:
    """Refuse a form body declared in any charset but UTF-8 with a 400, before anything reads it.

    Django reads application/x-www-form-urlencoded as UTF-8 only and raises BadRequest for any
    other declared charset (latin-1, utf-16, even the alias "utf8") from the first read of
    request.POST, which is the CSRF check or the login throttle, not a view. Answering here gives
    every route one clear 400, whoever would have read the body first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.content_type == "application/x-www-form-urlencoded"
            and request.encoding is not None
            and request.encoding.lower() != "utf-8"
        ):
            return bad_request(request)
        return self.get_response(request)


class SessionCookieGuardMiddleware:
    """Forget a session cookie no session store could have issued before SessionMiddleware
    looks it up, and tell the browser to drop it.

    A key with a NUL byte reached the database: PostgreSQL refuses NUL in text, so every page
    of that browser answered 500 (DataError). Django's own database store does not check
    either, so the guard is here, whatever the backend. Keys are printable ASCII in every
    store Django has (database ones: 32 lowercase letters and digits; signed cookies: base64
    and colons).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.name = settings.SESSION_COOKIE_NAME

    def __call__(self, request):
        value = request.COOKIES.get(self.name)
        forged = value is not None and not (value.isascii() and value.isprintable())
        if forged:
            del request.COOKIES[self.name]
        response = self.get_response(request)
        if forged and self.name not in response.cookies:
            response.delete_cookie(
                self.name,
                path=settings.SESSION_COOKIE_PATH,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        return response


class PrivatePagesMiddleware:
    """Logged-in pages are `Cache-Control: private, no-store` unless the view says otherwise.

    They show one person's tasks: no shared cache (a proxy) may keep them, and after logging out
    the browser's back button must not bring them back from its own cache. Static files are
    answered by WhiteNoise further out and never reach this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
