"""The kanban layout of the board (?layout=board) and moving a task: to another column, up or
down, or next to another card (drag and drop, the keyboard, the no-JavaScript buttons)."""

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from .. import kanban
from ..filters import BoardView
from ..forms import TaskForm
from ..http import HtmxRequest, page_query, wants_fragment
from ..models import Status, Task, TaskCount, ordering
from .common import BOARD, CONFLICT, back_to_board, board_context, counts

KANBAN = "tasks/kanban.html"


def kanban_context(request: HtmxRequest, view: BoardView, query=None, task_counts=None) -> dict:
    """The board's context in the kanban layout (common.board_context's counterpart)."""
    query = request.GET if query is None else query
    task_counts = counts(request) if task_counts is None else task_counts
    column = query.get("column")
    cols = kanban.columns(request.user, view, task_counts, column, query.get("after"))
    cards = [task for col in cols for task in col.tasks]
    # list-summary and view-title read a page; the board's is every card on screen.
    page = SimpleNamespace(
        tasks=cards, has_other_pages=any(c.next_cursor for c in cols), prev_cursor=None
    )
    return {"filters": view, "params": view.as_params(), "columns": cols, "page": page}


def kanban_board(request: HtmxRequest, view: BoardView, page: dict):
    """GET in the kanban layout: the page, the columns (a filter change), or one column's
    next cards (scrolling to its end)."""
    column = request.GET.get("column")
    if wants_fragment(request) and column in Status.values:
        col = kanban.more(request.user, view, column, request.GET.get("after"))
        context = {"column": col, "filters": view, "params": view.as_params()}
        response = render(request, f"{KANBAN}#more-cards", context)
    else:
        task_counts = counts(request)
        context = kanban_context(request, view, task_counts=task_counts) | page
        if wants_fragment(request):
            response = render(request, f"{BOARD}#list-read", context)
        else:
            context |= {"counts": task_counts, "form": TaskForm()}
            response = render(request, BOARD, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def card_tasks(user):
    """The user's tasks with what a card shows (project name and colour, tag names)."""
    return kanban.board_tasks(user, BoardView()).with_tag_names()


# card_tasks(user).filter(pk=pk) compiled once per process and database: building it cost more
# CPU than the rest of a move's statements together (3.7 ms of ~16). Compiled with these two
# sentinels for the user and the task, which the reading swaps for the real ones.
_CARD_USER, _CARD_PK = -(2**31) + 7, -(2**31) + 11
_card_sql: dict[str, tuple[str, tuple]] = {}


def read_card(user, pk: int) -> Task:
    """The user's task `pk` with what its card shows, or Http404."""
    key = connection.alias + connection.vendor
    if key not in _card_sql:
        probe = get_user_model()(pk=_CARD_USER)
        probe._state.adding = False
        sql, params = card_tasks(probe).filter(pk=_CARD_PK).query.sql_with_params()
        if params.count(_CARD_USER) != 1 or params.count(_CARD_PK) != 1:
            raise ImproperlyConfigured("read_card: the card query's parameters changed shape.")
        _card_sql[key] = (sql, params)
    sql, params = _card_sql[key]
    swap = {_CARD_USER: user.pk, _CARD_PK: pk}
    rows = list(Task.objects.raw(sql, [swap.get(p, p) for p in params]))
    if not rows:
        raise Http404("No such task.")
    return rows[0]


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
def task_move(request: HtmxRequest, pk: int):
    form = MoveForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        return HttpResponseBadRequest(f"Bad move ({errors})", content_type="text/plain")
    data = form.cleaned_data
    view = BoardView.on_screen(request)
    anchor = data["after"] if data["after"] is not None else data["before"]
    if (
        anchor is not None
        and not data["dir"]
        and view.is_kanban
        and not view.active
        and ordering.can_move_next_to_card()
    ):
        # The common move (a card dropped or moved next to another on the whole board) in one
        # database call, its own transaction: nothing is read after it commits.
        done = ordering.move_next_to_card(
            request.user.pk, pk, data["status"] or None, anchor, data["after"] is not None
        )
        if done.outcome == "moved":
            task, place = done.task, (done.above + 1, done.column_total)
            changed = task.status != done.was_status
            # Within a column no count changes and the answer shows none: nothing to read.
            task_counts = TaskCount.summarize(done.count_rows) if changed else {}
            return _answer(request, view, task, True, changed, done.was, task_counts, place)
        if done.outcome in ("no task", "gone"):
            raise Http404("No such task." if done.outcome == "no task" else "That task is gone.")
        if done.outcome == "conflict":
            return _conflict(request, view)
        # "no room": nothing was written; the move below rebalances.
    with transaction.atomic():
        return _move(request, pk, data, view)


def _move(request: HtmxRequest, pk: int, data: dict, view: BoardView):
    # The user's move lock first, then the task read once, under it, with what its card shows
    # (project, tags): the move and the answer both use this row, nothing reads it again.
    ordering.lock_user_moves(request.user.pk)
    task = read_card(request.user, pk)
    # The list (Manual sort) mixes statuses: a move there reorders and keeps the status.
    status = data["status"] if view.is_kanban and data["status"] else task.status
    anchor = {"after": data["after"], "before": data["before"]}
    if data["dir"]:
        visible = Task.objects.for_user(request.user).filtered(view)
        if view.is_kanban:
            visible = visible.filter(status=task.status)
        anchor = ordering.step(visible, task, -1 if data["dir"] == "up" else 1)
        status = task.status
        if anchor is None:
            edge = "top" if data["dir"] == "up" else "bottom"
            messages.info(request, f"“{task.title}” is already at the {edge}.")
            return _answer(request, view, task, moved=False)
    column = None  # the target column is read only for a move to its top (no anchor)
    if anchor.get("after") is None and anchor.get("before") is None:
        column = Task.objects.for_user(request.user).filtered(view).filter(status=status)
    changed_column = status != task.status  # before the move, which updates `task` in place
    was = (task.version, task.updated_at)
    try:
        ordering.move(
            task,
            status,
            column,
            after=anchor.get("after"),
            before=anchor.get("before"),
            anchor_in_column=view.is_kanban,
            locked=True,
        )
    except ordering.AnchorMoved:
        return _conflict(request, view)
    except Task.DoesNotExist:
        raise Http404("That task is gone.") from None
    return _answer(request, view, task, moved=True, changed_column=changed_column, was=was)


def _answer(
    request: HtmxRequest,
    view: BoardView,
    task: Task,
    moved: bool,
    changed_column: bool = False,
    was: tuple | None = None,
    task_counts: dict | None = None,
    place: tuple[int, int] | None = None,
):
    """The answer to a move. `task_counts` and `place` (position, column total), when the move
    read them already, spare reading them again (`task_counts` may be empty when the card
    stayed in its column: the answer shows counts only when it changed columns)."""
    task_counts = counts(request) if task_counts is None else task_counts
    if place is None:
        place = kanban.place_in_column(request.user, view, task, task_counts)
    position, total = place
    capped = view.active and total > kanban.COUNT_CAP
    of = f"more than {kanban.COUNT_CAP}" if capped else total
    said = f"Moved “{task.title}” to {task.get_status_display()}, position {position} of {of}"
    if moved:
        messages.success(request, said)
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
