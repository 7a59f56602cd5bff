"""The kanban layout of the board (?layout=board) and moving a task: to another column, up or
down, or next to another card (drag and drop, the keyboard, the no-JavaScript buttons)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from .. import kanban, services
from ..filters import BoardView
from ..forms import TaskForm
from ..http import HtmxRequest, page_query, wants_fragment
from ..models import Status, Task, TaskCount, ordering
from .common import (
    BOARD,
    CONFLICT,
    atomic_post,
    back_to_board,
    board_context,
    counts,
    kanban_context,
    undo_tag,
)

KANBAN = "tasks/kanban.html"


def kanban_board(request: HtmxRequest, view: BoardView, page: dict):
    """GET in the kanban layout: the page, the columns (a filter change), or one column's
    next cards (scrolling to its end)."""
    column = request.GET.get("column")
    if wants_fragment(request) and column in Status.values:
        col = kanban.more(request.user, view, column, request.GET.get("after"))
        context = {"column": col, "filters": view, "params": view.as_params()}
        response = render(request, f"{KANBAN}#more-cards", context)
    else:
        # The columns' totals; a page's status counts may be a saved view's own (its nav).
        nav = page.get("nav")
        task_counts = counts(request, nav) if nav is not None else TaskCount.for_user(request.user)
        context = kanban_context(request, view, task_counts=task_counts) | page
        if wants_fragment(request):
            response = render(request, f"{BOARD}#list-read", context)
        else:
            context |= {"counts": task_counts, "form": TaskForm()}
            response = render(request, BOARD, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


class MoveForm(forms.Form):
    """Where to: a column (status) and a neighbour (after/before a card), or a step up/down."""

    status = forms.ChoiceField(choices=Status.choices, required=False)
    after = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    dir = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("status", "dir", "after", "before")):
            raise forms.ValidationError("Say where to: a column, a neighbour or up/down.")
        return data


@login_required
@require_POST
@atomic_post
def task_move(request: HtmxRequest, pk: int):
    form = MoveForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        return HttpResponseBadRequest(f"Bad move ({errors})", content_type="text/plain")
    data = form.cleaned_data
    view = BoardView.on_screen(request)
    try:
        done = services.move_task(
            request.user,
            pk,
            view,
            status=data["status"] or None,
            after=data["after"],
            before=data["before"],
            direction=data["dir"] or None,
        )
    except ordering.AnchorMoved:
        return _conflict(request, view)
    if not done.moved:
        messages.info(request, f"“{done.task.title}” is already at the {done.edge}.")
        return _answer(request, view, done.task, moved=False)
    # Undo puts it back where it was, while nobody moved or changed it since.
    back = undo_tag(
        pk,
        "move",
        version=done.task.version,
        status=done.from_status,
        position=done.from_position,
    )
    return _answer(
        request,
        view,
        done.task,
        moved=True,
        changed_column=done.changed_column,
        was=done.was,
        undo=back,
    )


def _answer(
    request: HtmxRequest,
    view: BoardView,
    task: Task,
    moved: bool,
    changed_column: bool = False,
    was: tuple | None = None,
    undo: str = "",
):
    """The answer to a move: the card (and the counts when it changed columns), announced,
    with an Undo (`undo`: its message tag)."""
    task_counts = counts(request)
    position, total = kanban.place_in_column(request.user, view, task, task_counts)
    capped = view.active and total > kanban.COUNT_CAP
    of = f"more than {kanban.COUNT_CAP}" if capped else total
    said = f"Moved “{task.title}” to {task.get_status_display()}, position {position} of {of}"
    if moved:
        messages.success(request, said, extra_tags=undo)
    if not request.htmx:
        return back_to_board(request)
    if not view.is_kanban:
        # The list in the Manual sort: the list itself, re-read (a row moved within it).
        on_screen = page_query(request)
        context = board_context(request, view, on_screen) | {"counts": task_counts}
        response = render(request, f"{BOARD}#list-changed", context)
        return reswap(retarget(response, "#task-list"), "outerHTML")
    context = {
        "task": task,
        "counts": task_counts,
        "filters": view,
        "said": said if moved else "",
        # A reorder within a column changes no count: only the card and the toast go back.
        "column_counts": _column_counts(request, view, task_counts) if changed_column else [],
        "changed_column": changed_column,
        "capped": view.active,
        "cap": kanban.COUNT_CAP,
        # Within a column the card shows what it showed: kanban_extras reuses it (its version
        # aside) instead of rendering it again.
        "reordered_from": was if moved and not changed_column else None,
    }
    return render(request, f"{KANBAN}#moved", context)


def _column_counts(request: HtmxRequest, view: BoardView, task_counts: dict) -> list[tuple]:
    if not view.active:
        return [(s, task_counts.get(s, 0)) for s, _ in kanban.COLUMNS]
    totals = kanban.capped_counts(request.user, view)
    return [(s, totals[s]) for s, _ in kanban.COLUMNS]


def _conflict(request: HtmxRequest, view: BoardView):
    messages.warning(request, "The board changed meanwhile; here it is as it is now. Try again.")
    if not request.htmx:
        return back_to_board(request)
    on_screen = page_query(request)
    context = board_context(request, view, on_screen) | {"counts": counts(request)}
    response = render(request, f"{BOARD}#list-changed", context, status=CONFLICT)
    return reswap(retarget(response, "#task-list"), "outerHTML")
