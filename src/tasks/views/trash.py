"""Undo and the Trash: bring deleted tasks back, newest first, or delete them forever."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget, trigger_client_event

from .. import services
from ..filters import BoardView
from ..forms import VersionForm
from ..http import HtmxRequest, page_location
from ..models import Task
from .common import BOARD, CONFLICT, TRASH, atomic_post, back_to_board, board_context, counts


def restored(request: HtmxRequest, task: Task | None, done: str = "Task restored"):
    """The answer to an undo: the task back in its place in the list on screen."""
    if task is None:
        messages.info(request, "Nothing to undo.")
    else:
        messages.success(request, done)
    if not request.htmx:
        return back_to_board(request)
    if task is None:
        return reswap(render(request, f"{BOARD}#toasts-only", {}), "none")
    # Re-render the list the person is looking at, so the task is back in its own place.
    path, on_screen = page_location(request)
    context = board_context(request, BoardView.from_location(path, on_screen), on_screen)
    response = render(request, f"{BOARD}#list-changed", context | {"counts": counts(request)})
    # The keyboard lands on the task that came back, once the list has settled.
    trigger_client_event(response, "focus-task", {"id": task.pk}, after="settle")
    return reswap(retarget(response, "#task-list"), "outerHTML")


@login_required
@require_POST
@atomic_post
def task_restore(request: HtmxRequest, pk: int):
    # Deleted tasks can be brought back until purged.
    return restored(request, services.restore_task(request.user, pk))


@login_required
@require_POST
@atomic_post
def trash_undo(request: HtmxRequest):
    """`z` and the board's undo: bring back the most recently deleted task, one per press."""
    undone = services.undo_last_delete(request.user)
    if undone.project is not None:
        # The last delete was a project's: undo brought back the project with its tasks.
        done = f"Restored “{undone.project.name}” and its tasks"
        return restored(request, undone.task, done)
    task = undone.task
    return restored(request, task)


@login_required
@require_safe
def trash(request: HtmxRequest):
    in_trash = Task.objects.deleted_visible_to(request.user).order_by("-deleted_at", "-id")
    # The trash is small (purged after TASKS_PURGE_AFTER_HOURS), so numbered pages with a
    # count are cheap here; get_page() turns a garbled or too-high ?page= into a real page.
    page = Paginator(in_trash, settings.TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, TRASH, {"page": page, "tasks": page.object_list})


@login_required
@require_POST
@atomic_post
def trash_restore(request: HtmxRequest, pk: int):
    task = services.restore_from_trash(request.user, pk)
    messages.success(request, f"Restored “{task.title}”")
    if request.htmx:
        return render(request, f"{TRASH}#trash-row-removed", {"task": task})
    return redirect("tasks:trash")


@login_required
@require_POST
@atomic_post
def trash_purge(request: HtmxRequest, pk: int):
    """Delete forever: only a task still in the trash, at the version the page showed."""
    version = VersionForm(request.POST)
    expected = version.cleaned_data["version"] if version.is_valid() else None
    task, deleted = services.purge_task(request.user, pk, expected)
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
