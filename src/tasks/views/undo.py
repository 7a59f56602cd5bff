"""Undo for one task's change, from its toast: a completion or reopening, a board move, a move to
another project, a skip or a postpone. Each puts back what the toast's form says the task was,
through a service that writes only while the task is still as the change left it (its version:
a compare-and-swap), so an Undo never overwrites a later change."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from .. import services
from ..filters import BoardView
from ..http import HtmxRequest, page_location
from ..models import Status
from ..models.ordering import MAX_RANK, MIN_RANK
from ..services.common import editable_task
from .common import BOARD, UNPROCESSABLE, atomic_post, back_to_board, board_context, counts

# What each kind puts back (besides the version it compares).
NEEDS = {
    "toggle": ("status",),
    "move": ("status", "position"),
    "project": ("project",),
    "due": (),  # the due date and time, either of which may be empty
}


class UndoForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in NEEDS])
    version = forms.IntegerField(min_value=2, max_value=2**31 - 1)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    position = forms.IntegerField(min_value=MIN_RANK, max_value=MAX_RANK, required=False)
    project = forms.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    due_date = forms.DateField(required=False)
    due_time = forms.TimeField(required=False)

    def clean(self):
        data = super().clean()
        for name in NEEDS.get(data.get("kind"), ()):
            if data.get(name) in (None, ""):
                self.add_error(name, "This undo is incomplete.")
        return data


def _undo(request: HtmxRequest, pk: int, data: dict):
    """The service call for the form's kind: the task as it is now, None when it changed
    since (nothing was undone)."""
    user, version = request.user, data["version"]
    match data["kind"]:
        case "toggle":
            return services.undo_toggle(user, pk, version, data["status"])
        case "move":
            return services.undo_move(user, pk, version, data["status"], data["position"])
        case "project":
            try:
                return services.set_task_project(user, pk, version, data["project"])
            except services.NoSuchProject:
                return None
    return services.undo_reschedule(user, pk, version, data["due_date"], data["due_time"])


def back_from(request: HtmxRequest, pk: int):
    """A plain POST goes back where it came from: the task's page, or the board's view."""
    task_page = reverse("tasks:detail", args=[pk])
    if request.POST.get("next") == task_page:
        return redirect(task_page)
    return back_to_board(request)


@login_required
@require_POST
@atomic_post
def task_undo(request: HtmxRequest, pk: int):
    # Someone else's task answers 404 like a missing one, whatever the form says.
    editable_task(request.user, pk)
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, "This undo could not be read; reload the page.")
        if not request.htmx:
            return back_from(request, pk)
        return reswap(render(request, f"{BOARD}#toasts-only", {}, status=UNPROCESSABLE), "none")
    task = _undo(request, pk, form.cleaned_data)
    if task is None:
        messages.warning(request, "Not undone: the task changed since.")
        if not request.htmx:
            return back_from(request, pk)
        return reswap(render(request, f"{BOARD}#toasts-only", {}), "none")
    messages.success(request, f"Undone: “{task.title}” is back as it was")
    if not request.htmx:
        return back_from(request, pk)
    # Back as it was, it may belong in the list on screen again (or no longer): the list is
    # re-read, in its scope, filters and sort, and focus returns to the task.
    path, on_screen = page_location(request)
    view = BoardView.from_location(path, on_screen)
    context = board_context(request, view, on_screen) | {"counts": counts(request)}
    response = render(request, f"{BOARD}#list-changed", context)
    trigger_client_event(response, "focus-task", {"id": task.pk}, after="settle")
    return reswap(retarget(response, "#task-list"), "outerHTML")
