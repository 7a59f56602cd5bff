from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget, trigger_client_event

from .filters import BoardView, safe_next
from .forms import (
    EDITABLE,
    InlineTaskForm,
    OriginalValuesForm,
    TaskForm,
    VersionForm,
    display,
    original_of,
)
from .http import HtmxRequest, page_query, wants_fragment
from .models import Sort, Task, TaskCount
from .pagination import paginate

BOARD = "tasks/board.html"
TRASH = "tasks/trash.html"
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


def _board_context(request: HtmxRequest, view: BoardView, query=None) -> dict:
    """The list for `view`, on the page named by the cursors in `query` (default: GET)."""
    query = request.GET if query is None else query
    tasks = Task.objects.for_user(request.user).filtered(view)
    page = paginate(
        tasks,
        view.sort,
        query.get("after"),
        query.get("before"),
        settings.TASKS_PAGE_SIZE,
    )
    return {"filters": view, "page": page, "params": view.as_params()}


def _back_to_board(request: HtmxRequest):
    """Post/redirect/get back to the board, keeping the filters the person came from."""
    return redirect(safe_next(request.POST.get("next", "")))


@login_required
@require_safe
def board(request: HtmxRequest):
    context = _board_context(request, BoardView.from_query(request.GET))
    if wants_fragment(request):
        response = render(request, f"{BOARD}#list-read", context)
    else:
        context |= {"counts": _counts(request), "form": TaskForm()}
        response = render(request, BOARD, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _listed(request: HtmxRequest, view: BoardView, task: Task) -> bool:
    """Whether `task` belongs in the list `view` shows: the one rule for every write."""
    if not view.active:  # every live task of the person's is on the unfiltered board
        return True
    return Task.objects.for_user(request.user).filtered(view).filter(pk=task.pk).exists()


def _left_view(request: HtmxRequest, text: str) -> None:
    """Say why a task is not (or no longer) on screen, with a link to show everything."""
    messages.info(request, f"{text} — not shown under these filters.", extra_tags="show-all")


def _answer_write(request: HtmxRequest, task: Task, done: str, created: bool = False):
    """A create, edit or toggle: the task shows where it belongs in the view on screen, or, when
    it does not match that view, leaves it (and the toast says so). Plain POSTs go back there."""
    view = BoardView.on_screen(request)
    listed = _listed(request, view, task)
    if listed:
        messages.success(request, done)
    else:
        _left_view(request, f"{done}: “{task.title}”")
    if not request.htmx:
        return _back_to_board(request)
    context = {"task": task, "counts": _counts(request), "filters": view}
    on_screen = page_query(request)
    if created:
        board_path = f"/?{on_screen.urlencode()}" if on_screen else "/"
        context |= {"form": TaskForm(), "fresh_quick_add": True, "board_path": board_path}
    if not listed:
        return render(request, f"{BOARD}#row-removed", context)
    newest_first = view.sort == Sort.NEWEST and not (
        on_screen.get("after") or on_screen.get("before")
    )
    if created and not newest_first:
        # Where a new task belongs depends on the sort and the page: re-render the list.
        # (Newest first on the first page it is the top row, which quick add inserts itself.)
        context |= _board_context(request, view, on_screen)
        response = render(request, f"{BOARD}#list-changed", context)
        return reswap(retarget(response, "#task-list"), "outerHTML")
    return render(request, f"{BOARD}#row-changed", context)


def _next_for_form(request: HtmxRequest) -> str:
    """The board view a full-page form returns to: its `next` (query or field), else the page
    the person came from when that was the board, else the board."""
    target = request.POST.get("next") or request.GET.get("next")
    if not target:
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.netloc == request.get_host() and referer.path == "/":
            target = f"/?{referer.query}" if referer.query else "/"
    return safe_next(target or "/")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_create(request: HtmxRequest):
    template = "tasks/task_form.html"
    context = {"next": _next_for_form(request)}
    if request.method != "POST":
        return render(request, template, context | {"form": TaskForm(submit_label="Add task")})
    form = TaskForm(request.POST, submit_label="Add task")
    if not form.is_valid():
        if request.htmx:
            response = render(request, f"{BOARD}#quick-add", {"form": form}, status=UNPROCESSABLE)
            return reswap(retarget(response, "#quick-add"), "outerHTML")
        return render(request, template, context | {"form": form}, status=UNPROCESSABLE)
    task = form.save(commit=False)
    task.user = request.user
    task = task.save_once(form.cleaned_data.get("idempotency_key") or None)
    return _answer_write(request, task, "Task added", created=True)


@login_required
@require_safe
def task_detail(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    if request.htmx:
        return render(request, f"{BOARD}#task-row", {"task": task})
    return render(request, "tasks/task_detail.html", {"task": task})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_edit(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    form_class = InlineTaskForm if request.htmx else TaskForm
    template = f"{BOARD}#task-edit-form" if request.htmx else "tasks/task_form.html"
    context = {"task": task, "next": _next_for_form(request)}
    if request.method != "POST":
        form = form_class(instance=task)
        return render(request, template, context | {"form": form, "original": original_of(task)})

    version = VersionForm(request.POST)
    original = OriginalValuesForm(request.POST, auto_id=False)
    form = form_class(request.POST, instance=task)
    if not version.is_valid() or not form.is_valid():
        if not version.is_valid():
            form.add_error(None, "This form is out of date; reload the page and try again.")
        context |= {"form": form, "original": original}
        return render(request, template, context, status=UNPROCESSABLE)

    mine = {name: form.cleaned_data[name] for name in EDITABLE if name in form.fields}
    try:
        edit = Task.objects.for_user(request.user).edit(
            pk, version.cleaned_data["version"], mine, original.values()
        )
    except Task.DoesNotExist:
        raise Http404 from None
    if not edit.saved:
        # Keep what the person typed; show what changed elsewhere, field by field. The form
        # now stands on the current version, so saving again keeps the typed values.
        # Their values where the person changed nothing, so saving again overwrites only
        # what the person typed.
        typed = {name: mine[name] for name in edit.changed}
        context |= {
            "form": form_class(instance=edit.task, initial=typed),
            "task": edit.task,
            "original": original_of(edit.task),
            "conflict": True,
            "elsewhere": [
                (form.fields[name].label if name in form.fields else name, display(edit.task, name))
                for name in EDITABLE
                if name in edit.elsewhere
            ],
        }
        return render(request, template, context, status=CONFLICT)
    done = "Task updated" + (" (merged with a change made elsewhere)" if edit.merged else "")
    return _answer_write(request, edit.task, done)


@login_required
@require_POST
@atomic_post
def task_toggle(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    if not task.toggle_completed():
        raise Http404("This task was deleted meanwhile.")
    done = "completed" if task.is_completed else "marked not completed"
    return _answer_write(request, task, f"Task {done}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_delete(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.for_user(request.user), pk=pk)
    if request.method != "POST":
        context = {"task": task, "next": _next_for_form(request)}
        return render(request, "tasks/task_confirm_delete.html", context)
    task.soft_delete()
    messages.success(request, f"Deleted “{task.title}”", extra_tags=f"undo undo-{task.pk}")
    if request.htmx:
        context = {
            "task": task,
            "counts": _counts(request),
            "filters": BoardView.on_screen(request),
        }
        return render(request, f"{BOARD}#row-removed", context)
    return _back_to_board(request)


def _restored(request: HtmxRequest, task: Task | None):
    """The answer to an undo: the task back in its place in the list on screen."""
    if task is None:
        messages.info(request, "Nothing to undo.")
    else:
        task.restore()  # a compare-and-swap: restoring twice is harmless
        messages.success(request, "Task restored")
    if not request.htmx:
        return _back_to_board(request)
    if task is None:
        return reswap(render(request, f"{BOARD}#toasts-only", {}), "none")
    # Re-render the list the person is looking at, so the task is back in its own place.
    on_screen = page_query(request)
    context = _board_context(request, BoardView.from_query(on_screen), on_screen)
    response = render(request, f"{BOARD}#list-changed", context | {"counts": _counts(request)})
    # The keyboard lands on the task that came back, once the list has settled.
    trigger_client_event(response, "focus-task", {"id": task.pk}, after="settle")
    return reswap(retarget(response, "#task-list"), "outerHTML")


@login_required
@require_POST
@atomic_post
def task_restore(request: HtmxRequest, pk: int):
    # Deleted tasks are still the owner's until purged.
    task = get_object_or_404(Task.objects.filter(user=request.user), pk=pk)
    return _restored(request, task)


@login_required
@require_POST
@atomic_post
def trash_undo(request: HtmxRequest):
    """`z` and the board's undo: bring back the most recently deleted task, one per press."""
    in_trash = Task.objects.deleted_for_user(request.user).select_for_update()
    return _restored(request, in_trash.last_deleted())


@login_required
@require_safe
def trash(request: HtmxRequest):
    tasks = Task.objects.deleted_for_user(request.user).order_by("-deleted_at", "-id")
    return render(request, TRASH, {"tasks": tasks[: settings.TASKS_PAGE_SIZE * 4]})


@login_required
@require_POST
@atomic_post
def trash_restore(request: HtmxRequest, pk: int):
    # Locked, so a "Delete forever" racing this waits and then finds nothing left to delete.
    in_trash = Task.objects.deleted_for_user(request.user).select_for_update()
    task = get_object_or_404(in_trash, pk=pk)
    task.restore()
    messages.success(request, f"Restored “{task.title}”")
    if request.htmx:
        return render(request, f"{TRASH}#trash-row-removed", {"task": task})
    return redirect("tasks:trash")


@login_required
@require_POST
@atomic_post
def trash_purge(request: HtmxRequest, pk: int):
    """Delete forever: only a task still in the trash, at the version the page showed."""
    in_trash = Task.objects.deleted_for_user(request.user)
    task = get_object_or_404(in_trash.select_for_update(), pk=pk)
    version = VersionForm(request.POST)
    expected = version.cleaned_data["version"] if version.is_valid() else None
    deleted, _ = in_trash.filter(pk=pk, version=expected).delete()
    if not deleted:
        messages.warning(request, f"“{task.title}” changed since this page was loaded; check it.")
        if request.htmx:
            context = {"task": task}
            return render(request, f"{TRASH}#trash-row", context, status=CONFLICT)
        return redirect("tasks:trash")
    messages.success(request, f"Deleted “{task.title}” forever")
    if request.htmx:
        return render(request, f"{TRASH}#trash-row-removed", {"task": task})
    return redirect("tasks:trash")
