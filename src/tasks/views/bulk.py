"""Bulk actions: one POST applies one action to the selected tasks (or to every task the view
matches), answers htmx with the list and the counts, and offers Undo for exactly that batch."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import date as date_filter
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import reswap, retarget

from .. import dates, services
from ..filters import BoardView, safe_next
from ..forms import TaskForm
from ..http import HtmxRequest, page_query, parse_number
from ..models import (
    MAX_SELECTED,
    TAG_NAME_MAX,
    BulkAction,
    BulkRequest,
    BulkResult,
    Priority,
    Project,
    Status,
    Task,
)
from ..text import clean_line
from .common import BOARD, UNPROCESSABLE, atomic_post, back_to_board, board_context, counts


def _selection(value: str) -> tuple[int, int] | None:
    """ "<id>:<version>", as a row's checkbox sends it."""
    pk, _, version = value.partition(":")
    pk, version = parse_number(pk), parse_number(version, digits=9)
    if pk is None or version is None:
        return None
    return pk, version


class BulkForm(forms.Form):
    """The toolbar's form. `action` is the button pressed; without JavaScript the action select
    (`apply`) says it. The tasks are the checked rows (`task`: "id:version"), or, with
    `scope=matching`, every task the view (`view`, the board's URL: path and query) matches."""

    action = forms.ChoiceField(choices=[("", "Choose an action"), *BulkAction.choices])
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("matching", "matching")])
    view = forms.CharField(required=False, max_length=1000)
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    due_date = forms.DateField(label="Due date", required=False, validators=[dates.validate_day])
    project = forms.CharField(required=False, max_length=200)
    tag = forms.CharField(required=False, max_length=TAG_NAME_MAX)

    def __init__(self, user, data: QueryDict):
        data = data.copy()
        if not data.get("action"):
            # The select's options carry a priority or a status: "priority:high".
            action, _, value = data.get("apply", "").partition(":")
            data["action"] = action
            if action in (BulkAction.PRIORITY, BulkAction.STATUS) and value:
                data[action] = value
        data.setdefault("scope", "selected")
        super().__init__(data)
        self.user = user
        self.selected = [_selection(v) for v in data.getlist("task")]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if cleaned.get("scope") == "selected":
            if not self.selected:
                raise forms.ValidationError("Select at least one task.")
            if None in self.selected or len(self.selected) > MAX_SELECTED:
                raise forms.ValidationError("This selection is not valid; reload the page.")
        needs = {
            BulkAction.PRIORITY: ("priority", "Choose a priority."),
            BulkAction.STATUS: ("status", "Choose a status."),
            BulkAction.MOVE: ("project", "Choose a project."),
            BulkAction.ADD_TAG: ("tag", "Enter a tag."),
            BulkAction.REMOVE_TAG: ("tag", "Enter a tag."),
        }
        if action in needs:
            name, error = needs[action]
            value = clean_line(cleaned.get(name) or "").lstrip("#")
            if not value:
                self.add_error(name, error)
            cleaned[name] = value
        if action == BulkAction.MOVE and cleaned.get("project"):
            cleaned["project_obj"] = self._project(cleaned["project"])
        return cleaned

    def _project(self, value: str) -> Project | None:
        """One of the user's projects not in the trash, by id or by name (any case). Another
        user's project id answers as a missing one."""
        mine = Project.objects.visible_to(self.user)
        pk = parse_number(value)
        project = mine.filter(pk=pk).first() if pk is not None else None
        project = project or mine.filter(name__iexact=value).first()
        if project is None:
            self.add_error("project", "No such project.")
        return project

    def request(self) -> BulkRequest:
        data = self.cleaned_data
        view = None
        if data["scope"] == "matching":
            view = BoardView.at_url(data["view"])
        return BulkRequest(
            action=data["action"],
            selected=tuple(self.selected) if view is None else (),
            view=view,
            priority=data.get("priority") or "",
            status=data.get("status") or "",
            due_date=data.get("due_date"),
            project=data.get("project_obj"),
            tag_name=data.get("tag") or "",
        )


def _tasks(n: int) -> str:
    return f"{n} task{'' if n == 1 else 's'}"


def done_words(result: BulkResult) -> str:
    """ "12 tasks completed": what the batch did, in the toast's words."""
    batch, n = result.batch, _tasks(result.changed)
    value = batch.value
    match batch.action:
        case BulkAction.COMPLETE:
            return f"{n} completed"
        case BulkAction.REOPEN:
            return f"{n} reopened"
        case BulkAction.PRIORITY:
            return f"{n} set to {Priority(value).label} priority"
        case BulkAction.STATUS:
            return f"{n} set to {Status(value).label}"
        case BulkAction.DUE:
            if not value:
                return f"Due date cleared on {n}"
            return f"{n} due {date_filter(batch_date(value), 'D j M Y')}"
        case BulkAction.TODAY:
            return f"{n} rescheduled to today"
        case BulkAction.MOVE:
            return f"{n} moved to {value}"
        case BulkAction.ADD_TAG:
            return f"Tag “{value}” added to {n}"
        case BulkAction.REMOVE_TAG:
            return f"Tag “{value}” removed from {n}"
    return f"{n} deleted"


def batch_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _left_alone(n: int, since: str) -> str:
    if not n:
        return ""
    verb = "was" if n == 1 else "were"
    return f"; {_tasks(n)} changed {since} {verb} left alone"


def _answer(request: HtmxRequest, result: BulkResult | None = None):
    """The list on screen (fragment) in its scope, filters and sort, with the counts, the
    sidebar counts of the projects the batch touched and the toast; or back to the view."""
    if not request.htmx:
        return back_to_board(request)
    on_screen = page_query(request)
    context = board_context(request, BoardView.on_screen(request), on_screen)
    touched = sorted(result.projects) if result is not None else []
    context |= {"counts": counts(request), "touched": touched}
    response = render(request, f"{BOARD}#list-changed", context)
    return reswap(retarget(response, "#task-list"), "outerHTML")


def _invalid(request: HtmxRequest, form: BulkForm):
    errors = [str(e) for e in form.non_field_errors()]
    errors += [
        f"{form.fields[name].label or name.capitalize()}: {' '.join(errs)}"
        for name, errs in form.errors.items()
        if name != "__all__"
    ]
    messages.error(request, " ".join(errors) or "This action could not be applied.")
    if request.htmx:
        response = render(request, f"{BOARD}#toasts-only", {}, status=UNPROCESSABLE)
        return reswap(response, "none")
    # The board again, saying why, with a 422: the person's view is kept (next).
    target = safe_next(request.POST.get("next", ""))
    view = BoardView.at_url(target)
    context = board_context(request, view, QueryDict(target.partition("?")[2]))
    context |= {"counts": counts(request), "form": TaskForm()}
    return render(request, BOARD, context, status=UNPROCESSABLE)


@login_required
@require_POST
@atomic_post
def bulk_action(request: HtmxRequest):
    form = BulkForm(request.user, request.POST)
    if not form.is_valid():
        return _invalid(request, form)
    result = services.apply_bulk(request.user, form.request())
    left = _left_alone(result.conflicts, "elsewhere")
    if result.batch is None:
        messages.info(request, f"No tasks changed{left}.")
    else:
        undo = f"bulk-undo bulk-undo-{result.batch.pk}"
        messages.success(request, f"{done_words(result)}{left}.", extra_tags=undo)
    return _answer(request, result)


@login_required
@require_POST
@atomic_post
def bulk_undo(request: HtmxRequest, batch: int):
    result = services.undo_bulk(request.user, batch)
    if result is None:
        # Another user's batch answers like one that does not exist, or was undone already.
        messages.info(request, "Nothing to undo.")
    else:
        left = _left_alone(result.conflicts, "since")
        messages.success(request, f"Undone: {_tasks(result.changed)} put back{left}.")
    return _answer(request, result)


@login_required
@require_safe
def bulk_matching(request: HtmxRequest):
    """How many tasks the view (`view`: the board's URL; else the query itself, from an older
    page) matches, for the "Select all N matching" button (asked only when a person selects a
    whole page, so the board itself counts nothing)."""
    url = request.GET.get("view")
    view = BoardView.at_url(url) if url is not None else BoardView.from_query(request.GET)
    n = Task.objects.visible_to(request.user).filtered(view).count()
    return HttpResponse(f"Select all {n} matching", content_type="text/plain; charset=utf-8")


@login_required
@require_safe
def bulk_projects(request: HtmxRequest):
    """The names "Move to project" offers (a datalist filled by bulk.js when the field is first
    focused, so the board itself reads no projects), one per line, as the sidebar orders them."""
    projects = Project.objects.visible_to(request.user).active()
    names = "\n".join(projects.values_list("name", flat=True))
    return HttpResponse(names, content_type="text/plain; charset=utf-8")
