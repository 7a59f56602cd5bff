"""What the task views share: the templates, the transaction wrapper, the board's context,
and the one rule for answering a write under the view on screen."""

from functools import wraps
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect, render
from django_htmx.http import reswap, retarget

from .. import kanban
from ..filters import BoardView, Scope, read_path, safe_next
from ..forms import TaskForm
from ..http import HtmxRequest, page_location
from ..listing import list_extras, section_groups, status_counts
from ..models import Navigation, Sort, Task, TaskCount
from ..models.access import access_for
from ..pagination import TaskPage, paginate

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


def counts(request: HtmxRequest, nav=None) -> dict:
    """The status counts over the person's projects (trigger-kept, read with their Access),
    and, under "view", a saved view's own when one is on screen (listing.status_counts)."""
    totals = TaskCount.for_user(request.user)
    own = status_counts(request.user, BoardView.on_screen(request), nav)
    return totals if own is None else totals | {"view": own}


def board_context(request: HtmxRequest, view: BoardView, query=None, nav=None) -> dict:
    """The list for `view`, on the page named by the cursors in `query` (default: GET).
    `nav` (the sidebar's Navigation, when the page has one) spares a query for the search's
    project names."""
    if view.is_kanban:
        return kanban_context(request, view, query)
    query = request.GET if query is None else query
    groups = section_groups(request.user, view, settings.TASKS_PAGE_SIZE)
    if groups is not None:
        # A project with sections: a heading per section, each with its first tasks.
        tasks = [task for group in groups for task in group.tasks]
        page = TaskPage(tasks=tasks, next_cursor=None, prev_cursor=None)
        context = {"filters": view, "page": page, "params": view.as_params()}
        context |= list_extras(request, view, page, query, nav)
        return context | {"section_groups": groups}
    # The project and the tag names in the same query: each row shows its chips (no query
    # per row).
    tasks = (
        Task.objects.visible_to(request.user)
        .filtered(view)
        .select_related("project")
        .with_tag_names()
    )
    page = paginate(
        tasks,
        view.sort,
        query.get("after"),
        query.get("before"),
        settings.TASKS_PAGE_SIZE,
    )
    context = {"filters": view, "page": page, "params": view.as_params()}
    return context | list_extras(request, view, page, query, nav)


def kanban_context(request: HtmxRequest, view: BoardView, query=None, task_counts=None) -> dict:
    """The board's context in the kanban layout (common.board_context's counterpart)."""
    query = request.GET if query is None else query
    task_counts = counts(request) if task_counts is None else task_counts
    column = query.get("column")
    sections = kanban.board_sections(view)
    cols = kanban.columns(
        request.user, view, task_counts, column, query.get("after"), sections=sections
    )
    cards = [task for col in cols for task in col.tasks]
    # list-summary and view-title read a page; the board's is every card on screen.
    page = SimpleNamespace(
        tasks=cards, has_other_pages=any(c.next_cursor for c in cols), prev_cursor=None
    )
    return {
        "filters": view,
        "params": view.as_params(),
        "columns": cols,
        "page": page,
        "by_section": sections is not None,
    }


def back_to_board(request: HtmxRequest):
    """Post/redirect/get back to the board, keeping the filters the person came from."""
    return redirect(safe_next(request.POST.get("next", "")))


def is_listed(request: HtmxRequest, view: BoardView, task: Task) -> bool:
    """Whether `task` belongs in the list `view` shows: the one rule for every write."""
    if not view.active:  # every live task of the person's not archived away is on the board
        return task.project_id not in access_for(request.user).archived_ids
    return Task.objects.visible_to(request.user).filtered(view).filter(pk=task.pk).exists()


def left_view(request: HtmxRequest, text: str, tags: str = "") -> None:
    """Say why a task is not (or no longer) on screen, with a link to show everything."""
    text = f"{text} — not shown under these filters."
    messages.info(request, text, extra_tags=f"show-all {tags}".strip())


def answer_write(
    request: HtmxRequest,
    task: Task,
    done: str,
    created: bool = False,
    tags: str = "",
    sidebar: bool = False,
):
    """A create, edit or toggle: the task shows where it belongs in the view on screen, or, when
    it does not match that view, leaves it (and the toast says so). Plain POSTs go back there.
    `tags`: extra message tags (a repeating task's completion carries its undo). `sidebar`: the
    write made a project or tag, so the sidebar's lists come along (sidebar_counts.html)."""
    view = BoardView.on_screen(request)
    listed = is_listed(request, view, task)
    if listed:
        messages.success(request, done, extra_tags=tags)
    else:  # named, so the toast says which task left
        named = done if f"“{task.title}”" in done else f"{done}: “{task.title}”"
        left_view(request, named, tags)
    if not request.htmx:
        return back_to_board(request)
    context = {"task": task, "counts": counts(request), "filters": view}
    if sidebar:
        context |= {"nav": Navigation.for_user(request.user), "sidebar_oob": True}
    path, on_screen = page_location(request)
    if created:
        context |= {
            "form": TaskForm(),
            "fresh_quick_add": True,
            "board_path": board_path(path, on_screen),
        }
    if not listed and not view.by_day:
        return render(request, f"{BOARD}#row-removed", context)
    # A project's list may be grouped by section: a new task goes under its section's heading.
    newest_first = (
        view.sort == Sort.NEWEST
        and not (on_screen.get("after") or on_screen.get("before"))
        and view.scope != Scope.PROJECT
    )
    # Under day headings a task whose due date changed belongs under another heading (and one
    # that left may leave an empty heading): re-render the list. On the kanban board a new or
    # toggled card changes columns: the columns are re-read.
    if (created and not newest_first) or view.by_day or view.is_kanban:
        # Where a new task belongs depends on the sort and the page: re-render the list.
        # (Newest first on the first page it is the top row, which quick add inserts itself.)
        # On the kanban board a new or toggled card changes columns: the columns are re-read.
        context |= board_context(request, view, on_screen)
        response = render(request, f"{BOARD}#list-changed", context)
        return reswap(retarget(response, "#task-list"), "outerHTML")
    return render(request, f"{BOARD}#row-changed", context)


def board_path(path: str, on_screen: QueryDict) -> str:
    """The board URL on screen (`page_location`), for forms an htmx answer re-renders (their
    `next`, "More fields…"): the endpoint's own path would lose the person's view."""
    path = path if read_path(path) is not None else "/"
    return f"{path}?{on_screen.urlencode()}" if on_screen else path


def next_for_form(request: HtmxRequest) -> str:
    """The board view a full-page form returns to: its `next` (query or field), else the page
    the person came from when that was the board, else the board."""
    target = request.POST.get("next") or request.GET.get("next")
    if not target:
        referer = urlsplit(request.headers.get("Referer", ""))
        if referer.netloc == request.get_host() and read_path(referer.path) is not None:
            target = f"{referer.path}?{referer.query}" if referer.query else referer.path
    return safe_next(target or "/")


def undo_tag(pk: int, kind: str, **values) -> str:
    """The message tag of a toast whose Undo posts these values to the task's undo
    (views/undo.py; partials/toasts.html renders the form): `undo-task:pk=3&kind=toggle&...`."""
    fields = {"pk": pk, "kind": kind} | {k: "" if v is None else v for k, v in values.items()}
    return "undo-task:" + urlencode(fields)
