"""The kanban layout of the board (?layout=board) and moving a task: to another column, up or
down, or next to another card (drag and drop, the keyboard, the no-JavaScript buttons)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods
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
    next_for_form,
    undo_tag,
)

KANBAN = "tasks/kanban.html"


def kanban_board(request: HtmxRequest, view: BoardView, page: dict):
    """GET in the kanban layout: the page, the columns (a filter change), or one column's
    next cards (scrolling to its end)."""
    column = request.GET.get("column")
    col = None
    if wants_fragment(request) and column:
        sections = kanban.board_sections(view)
        col = kanban.more(request.user, view, column, request.GET.get("after"), sections)
    if col is not None:
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
    """Where to: a column (a status, or a section of the project on screen: its id or "none")
    and a neighbour (after/before a card), or a step up/down."""

    status = forms.ChoiceField(choices=Status.choices, required=False)
    section = forms.RegexField(regex=r"^(none|[1-9][0-9]{0,17})$", required=False)
    after = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    before = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    dir = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")], required=False)
    # The Move… form's place in the column (the manual order's top or bottom).
    at = forms.ChoiceField(choices=[("top", "Top"), ("bottom", "Bottom")], required=False)

    def clean(self):
        data = super().clean()
        if not any(data.get(name) for name in ("status", "section", "dir", "after", "before")):
            raise forms.ValidationError("Say where to: a column, a neighbour or up/down.")
        return data

    def section_value(self):
        """The section asked for: its id, None for no section, ordering.KEEP when not asked."""
        value = self.cleaned_data.get("section")
        if not value:
            return ordering.KEEP
        return None if value == kanban.NO_SECTION else int(value)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_move(request: HtmxRequest, pk: int):
    if request.method != "POST":
        return move_form(request, pk)
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
            section=form.section_value(),
            at=data["at"] or None,
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
    sections = kanban.board_sections(view) if view.is_kanban else None
    position, total, label = kanban.place_in_column(request.user, view, task, task_counts, sections)
    capped = total > kanban.COUNT_CAP and (view.active or sections is not None)
    of = f"more than {kanban.COUNT_CAP}" if capped else total
    said = f"Moved “{task.title}” to {label}, position {position} of {of}"
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
        "column_counts": (
            _column_counts(request, view, task_counts, sections) if changed_column else []
        ),
        "changed_column": changed_column,
        "capped": view.active or sections is not None,
        "cap": kanban.COUNT_CAP,
        # Within a column the card shows what it showed: kanban_extras reuses it (its version
        # aside) instead of rendering it again.
        "reordered_from": was if moved and not changed_column else None,
    }
    return render(request, f"{KANBAN}#moved", context)


def _column_counts(
    request: HtmxRequest, view: BoardView, task_counts: dict, sections=None
) -> list[tuple]:
    if not view.active and sections is None:
        return [(s, task_counts.get(s, 0)) for s, _ in kanban.COLUMNS]
    specs = kanban.column_specs(sections)
    totals = kanban.capped_counts(request.user, view, specs)
    return [(spec.key, totals[spec.key]) for spec in specs]


def _conflict(request: HtmxRequest, view: BoardView):
    messages.warning(request, "The board changed meanwhile; here it is as it is now. Try again.")
    if not request.htmx:
        return back_to_board(request)
    on_screen = page_query(request)
    context = board_context(request, view, on_screen) | {"counts": counts(request)}
    response = render(request, f"{BOARD}#list-changed", context, status=CONFLICT)
    return reswap(retarget(response, "#task-list"), "outerHTML")


def move_form(request: HtmxRequest, pk: int):
    """The Move… page (a card's menu, without JavaScript): the columns of the board the person
    came from (its statuses, or its project's sections) and the place in the column."""
    task = services.common.visible_task(request.user, pk)
    back = next_for_form(request)
    path, _, query = back.partition("?")
    view = BoardView.from_location(path, QueryDict(query))
    sections = kanban.board_sections(view)
    current = kanban.column_of(task, sections)
    context = {
        "task": task,
        "next": back,
        "columns": kanban.column_specs(sections),
        "current": current.key,
        "field": current.field,
        "manual": view.is_manual,
    }
    return render(request, "tasks/move_form.html", context)
