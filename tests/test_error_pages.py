"""Error pages 400/403/404/500 with DEBUG off: the app's look, the right status, nothing leaked."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from taskmanager import urls as project_urls

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "s3cr3t-internal-detail"


def bad_request(request):
    raise SuspiciousOperation(SECRET_DETAIL)


def forbidden(request):
    raise PermissionDenied(SECRET_DETAIL)


def not_found(request):
    raise Http404(SECRET_DETAIL)


def crash(request):
    raise RuntimeError(SECRET_DETAIL)


# The project's routes and handlers plus views that fail on purpose.
urlpatterns = [
    path("boom/400/", bad_request),
    path("boom/403/", forbidden),
    path("boom/404/", not_found),
    path("boom/500/", crash),
    *project_urls.urlpatterns,
]
handler500 = getattr(project_urls, "handler500", "django.views.defaults.server_error")


@pytest.fixture
def boom_client(client, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


def assert_app_error_page(response, status, heading):
    page = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<h1 class="h3 my-3">{heading}</h1>' in page
    assert "taskmanager</a>" in page  # the app's header, not Django's bare page
    assert "bootstrap" in page
    assert 'href="/"' in page
    for leak in (SECRET_DETAIL, "Traceback", "SECRET_KEY", "DATABASES", "settings.py", "Django"):
        assert leak not in page
    # Error pages are pages like any other: the same security headers.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_it_shows_the_400_page_for_a_suspicious_request(boom_client):
    assert_app_error_page(boom_client.get("/boom/400/"), 400, "Bad request")


def test_it_shows_the_400_page_for_a_host_not_allowed(boom_client, settings):
    settings.ALLOWED_HOSTS = ["tasks.example.com"]
    response = boom_client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert_app_error_page(response, 400, "Bad request")
    assert "evil.example" not in response.content.decode()


def test_it_shows_the_403_page_for_a_forbidden_action(boom_client):
    assert_app_error_page(boom_client.get("/boom/403/"), 403, "Forbidden")


def test_it_shows_an_expired_form_page_for_a_csrf_failure(client, alice):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    response = csrf_client.post("/task/new/", {"title": "no token"})
    assert_app_error_page(response, 403, "This form has expired")
    assert "reload the page" in response.content.decode()


def test_it_shows_the_404_page_for_an_unknown_url(boom_client):
    response = boom_client.get(f"/no/such/page/{SECRET_DETAIL}/")
    assert_app_error_page(response, 404, "Not found")


def test_it_shows_the_404_page_without_the_exception_message(boom_client):
    assert_app_error_page(boom_client.get("/boom/404/"), 404, "Not found")


def test_it_shows_the_404_page_for_another_users_task(client, alice, bob, make_task):
    task = make_task(bob, title="Bob's private task")
    client.force_login(alice)
    response = client.get(f"/task/{task.pk}/")
    assert_app_error_page(response, 404, "Not found")
    assert "Bob's private task" not in response.content.decode()


def test_it_shows_the_500_page_for_a_crash(boom_client):
    response = boom_client.get("/boom/500/")
    assert_app_error_page(response, 500, "Something went wrong")
    assert "Nothing you entered was lost" in response.content.decode()


def test_it_logs_the_crash_for_the_operators(boom_client, caplog):
    boom_client.get("/boom/500/")
    # The details go to the log (stdout in the container), not to the visitor.
    assert any(SECRET_DETAIL in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
