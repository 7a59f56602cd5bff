import sys
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError, connection, transaction
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from .forms import InlineTaskForm, SignupForm, TaskForm, VersionForm
from .http import HtmxRequest, page_query, wants_fragment
from .models import Due, Priority, Sort, Status, Task, TaskCount, TaskFilters
from .pagination import paginate

BOARD = "tasks/board.html"
UNPROCESSABLE = 422  # a form with errors, re-rendered in place
CONFLICT = 409  # saved elsewhere since the form was opened


def atomic_post(view):
    """Run a POST in one transaction, so an answer of 503 always means "nothing was saved".

    In autocommit a create is committed at once; if the database then goes away before the
    answer is rendered (the counts query), the person sees "unavailable" for a task that was
    saved, and trying again duplicates it. GETs stay outside: on SQLite a transaction takes the
    write lock.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "POST":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            return view(request, *args, **kwargs)

    return wrapper


def _counts(request: HtmxRequest) -> dict[str, int]:
    # Trigger-maintained counters: an aggregate over a 100,000-task user cost ~20 ms per page.
    return TaskCount.for_user(request.user)


def _board_context(request: HtmxRequest, filters: TaskFilters, query=None) -> dict:
    """The list for `filters`, on the page named by the cursors in `query` (default: GET)."""
    query = request.GET if query is None else query
    tasks = Task.objects.for_user(request.user).filtered(filters)
    page = paginate(
        tasks,
        filters.sort,
        query.get("after"),
        query.get("before"),
        settings.TASKS_PAGE_SIZE,
    )
    return {"filters": filters, "page": page, "params": filters.as_params()}


def _filter_choices() -> dict:
    return {
        "status_choices": Status.choices,
        "priority_choices": Priority.choices,
        "due_choices": Due.choices,
        "sort_choices": Sort.choices,
    }


def _back_to_board(request: HtmxRequest):
    """Post/redirect/get back to the board, keeping the filters the person came from."""
    target = request.POST.get("next", "")
    if target.startswith("/?") or target == "/":
        return redirect(target)
    return redirect("tasks:board")


@login_required
@require_GET
def board(request: HtmxRequest):
    filters = TaskFilters.from_querydict(request.GET)
    context = _board_context(request, filters)
    if wants_fragment(request):
        response = render(request, f"{BOARD}#list-read", context)
    else:
        context |= {"counts": _counts(request), "form": TaskForm(), **_filter_choices()}
        response = render(request, BOARD, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post
def task_create(request: HtmxRequest):
    if request.method == "GET":
        return render(request, "tasks/task_form.html", {"form": TaskForm(submit_label="Add task")})
    form = TaskForm(request.POST, submit_label="Add task")
    if not form.is_valid():
        if request.htmx:
            response = render(request, f"{BOARD}#quick-add", {"form": form}, status=UNPROCESSABLE)
            return reswap(retarget(response, "#quick-add"), "outerHTML")
        return render(request, "tasks/task_form.html", {"form": form}, status=UNPROCESSABLE)
    task = form.save(commit=False)
    task.user = request.user
    task.save()
    messages.success(request, "Task added")
    if request.htmx:
        context = {"task": task, "counts": _counts(request), "form": TaskForm()}
        return render(request, f"{BOARD}#row-added", context)
    return _back_to_board(request)


@login_required
@require_GET
def task_detail(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    if request.htmx:
        return render(request, f"{BOARD}#task-row", {"task": task})
    return render(request, "tasks/task_detail.html", {"task": task})


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post
def task_edit(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    form_class = InlineTaskForm if request.htmx else TaskForm
    inline = f"{BOARD}#task-edit-form"
    template = inline if request.htmx else "tasks/task_form.html"
    if request.method == "GET":
        return render(request, template, {"form": form_class(instance=task), "task": task})

    version = VersionForm(request.POST)
    form = form_class(request.POST, instance=task)
    if not version.is_valid() or not form.is_valid():
        if not version.is_valid():
            form.add_error(None, "This form is out of date; reload the page and try again.")
        return render(request, template, {"form": form, "task": task}, status=UNPROCESSABLE)

    if not form.instance.save_if_current(version.cleaned_data["version"], form.Meta.fields):
        current = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
        context = {"form": form_class(instance=current), "task": current, "conflict": True}
        return render(request, template, context, status=CONFLICT)

    messages.success(request, "Task updated")
    if request.htmx:
        return render(request, f"{BOARD}#row-changed", {"task": task, "counts": _counts(request)})
    return _back_to_board(request)


@login_required
@require_POST
@atomic_post
def task_toggle(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    task.toggle_completed()
    done = "completed" if task.is_completed else "marked not completed"
    messages.success(request, f"Task {done}")
    if not request.htmx:
        return _back_to_board(request)
    # Under a filter the task may no longer belong in the list on screen: then it leaves it.
    filters = TaskFilters.from_querydict(page_query(request))
    still_listed = (
        not filters.active
        or Task.objects.for_user(request.user).filtered(filters).filter(pk=task.pk).exists()
    )
    fragment = "row-changed" if still_listed else "row-removed"
    return render(request, f"{BOARD}#{fragment}", {"task": task, "counts": _counts(request)})


@login_required
@require_http_methods(["GET", "POST"])
@atomic_post
def task_delete(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    if request.method == "GET":
        return render(request, "tasks/task_confirm_delete.html", {"task": task})
    task.soft_delete()
    messages.success(request, "Task deleted", extra_tags=f"undo undo-{task.pk}")
    if request.htmx:
        return render(request, f"{BOARD}#row-removed", {"task": task, "counts": _counts(request)})
    return _back_to_board(request)


@login_required
@require_POST
@atomic_post
def task_restore(request: HtmxRequest, pk: int):
    # Deleted tasks are still the owner's until purged; restoring twice is harmless.
    task = get_object_or_404(Task.objects.filter(user=request.user), pk=pk)
    if task.deleted_at is not None:
        task.restore()
    messages.success(request, "Task restored")
    if not request.htmx:
        return _back_to_board(request)
    # Re-render the list the person is looking at, so the task is back in its own place.
    on_screen = page_query(request)
    filters = TaskFilters.from_querydict(on_screen)
    context = _board_context(request, filters, on_screen) | {"counts": _counts(request)}
    response = render(request, f"{BOARD}#list-changed", context)
    # The keyboard lands on the task that came back, once the list has settled.
    trigger_client_event(response, "focus-task", {"id": task.pk}, after="settle")
    return reswap(retarget(response, "#task-list"), "outerHTML")


@require_http_methods(["GET", "POST"])
def signup(request: HtmxRequest):
    if request.user.is_authenticated:
        return redirect("tasks:board")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("tasks:board")
        return render(request, "registration/signup.html", {"form": form}, status=UNPROCESSABLE)
    return render(request, "registration/signup.html", {"form": form})


@login_required
@require_GET
def bench_ceiling(request: HtmxRequest):
    """The cheapest logged-in page: the ceiling bench/ compares the real views against.

    Routed only when settings.BENCH_CEILING is on (see taskmanager/urls.py).
    """
    return HttpResponse("ok", content_type="text/plain")


def healthz(request):
    """Liveness and database check for Docker and load balancers: tiny, no auth, no session."""
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
