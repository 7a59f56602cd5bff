from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("accounts/", include("accounts.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("feeds/", include("feeds.urls")),
    path("", include("reminders.urls")),
    path("", include("tasks.urls")),
]

if settings.BENCH_CEILING:
    # Benchmark harness only (bench/), never in production.
    urlpatterns.insert(0, path("", include("taskmanager.bench_urls")))

# Never reads the body, so a body Django cannot parse gets a 400, not a second error.
handler400 = "taskmanager.views.bad_request"
# A database outage answers 503 with the error page (see taskmanager.views.server_error).
handler500 = "taskmanager.views.server_error"
