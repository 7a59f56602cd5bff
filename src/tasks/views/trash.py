"""Undo and the Trash: bring deleted tasks back, newest first, or delete them forever."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget, trigger_client_event

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
        task.restore()  # a compare-and-swap: restoring twice is harmless
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
    # Deleted tasks are still the owner's until purged.
    task = get_object_or_404(Task.objects.filter(user=request.user), pk=pk)
    return restored(request, task)


@login_required
@require_POST
@atomic_post
def trash_undo(request: HtmxRequest):
    """`z` and the board's undo: bring back the most recently deleted task, one per press."""
    in_trash = (
        Task.objects.deleted_for_user(request.user)
        .select_related("project")
        .select_for_update(of=("self",))
    )
    task = in_trash.last_deleted()
    if task is not None and task.project.deleted_at == task.deleted_at:
        # The last delete was a project's: undo brings back the project with its tasks.
        task.project.restore()
        return restored(request, task, f"Restored “{task.project.name}” and its tasks")
    return restored(request, task)


@login_required
@require_safe
def trash(request: HtmxRequest):
    in_trash = Task.objects.deleted_for_user(request.user).order_by("-deleted_at", "-id")
    # The trash is small (purged after TASKS_PURGE_AFTER_HOURS), so numbered pages with a
    # count are cheap here; get_page() turns a garbled or too-high ?page= into a real page.
    page = Paginator(in_trash, settings.TASKS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, TRASH, {"page": page, "tasks": page.object_list})


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
