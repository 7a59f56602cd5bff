from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tasks import views as task_views

urlpatterns = [
    path("accounts/signup/", task_views.signup, name="signup"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", task_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("tasks.urls")),
]

if settings.BENCH_CEILING:
    # Benchmark harness only (bench/): the same middleware stack with next to no view.
    urlpatterns.insert(0, path("bench/ceiling", task_views.bench_ceiling, name="bench-ceiling"))

# A database outage answers 503 with the error page (see tasks.views.server_error).
handler500 = "tasks.views.server_error"
