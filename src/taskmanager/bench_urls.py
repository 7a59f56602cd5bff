"""Routes for the benchmark harness (bench/) only: included when settings.BENCH_CEILING is on."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_safe


@login_required
@require_safe
def bench_ceiling(request):
    """The cheapest logged-in page: the ceiling bench/ compares the real views against.

    The same middleware stack as every page with next to no view, so the gap to a real view is
    what the view itself costs.
    """
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling", bench_ceiling, name="bench-ceiling"),
]
