"""One task: create, show, edit, complete and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from accounts import dateformats

from .. import services
from ..filters import BoardView, Scope
from ..forms import (
    EDITABLE,
    InlineTaskForm,
    OriginalValuesForm,
    TaskForm,
    VersionForm,
    display,
    original_of,
)
from ..http import HtmxRequest, page_location
from ..models import Task, today
from ..models.access import access_for
from ..quickadd_form import QuickAddForm
from . import recur
from .common import (
    BOARD,
    CONFLICT,
    UNPROCESSABLE,
    answer_write,
    atomic_post,
    back_to_board,
    board_path,
    counts,
    next_for_form,
)
from .reschedule import RescheduleForm

# The lists whose new tasks are dated: they list dated tasks only.
DATED_SCOPES = (Scope.TODAY, Scope.UPCOMING)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_create(request: HtmxRequest):
    template = "tasks/task_form.html"
    context = {"next": next_for_form(request)}
    if request.method != "POST":
        form = TaskForm(submit_label="Add task", user=request.user)
        if BoardView.at_url(context["next"]).scope in DATED_SCOPES:
            form.initial["due_date"] = today()  # opened from Today or Upcoming
        return render(request, template, context | {"form": form})
    # The quick-add field says so (`quick`): its words set the date, priority, tags, project.
    quick = "quick" in request.POST
    on_screen = BoardView.on_screen(request)
    here = on_screen.project if on_screen.scope == Scope.PROJECT else None
    if quick:
        order = dateformats.of_request(request)
        form = QuickAddForm(request.POST, user=request.user, date_order=order, project_id=here)
    else:
        form = TaskForm(request.POST, submit_label="Add task", user=request.user)
    if not form.is_valid():
        if quick and not request.htmx:
            context |= {"form": form, "board_path": context["next"]}
            return render(request, "tasks/quickadd.html", context, status=UNPROCESSABLE)
        if request.htmx:
            context = {"form": form, "board_path": board_path(*page_location(request))}
            response = render(request, f"{BOARD}#quick-add", context, status=UNPROCESSABLE)
            return reswap(retarget(response, "#quick-add"), "outerHTML")
        return render(request, template, context | {"form": form}, status=UNPROCESSABLE)
    task = form.save(commit=False)  # the unsaved task with the form's fields
    # Added on a project's page, a task goes into that project (unless its words say +Other).
    named = form.project_name if quick else None
    if task.project_id is None and named is None and here is not None:
        task.project_id = here
    # Added in Today or Upcoming without a date of its own, it is due today, so it lands in
    # the list it was added to (if the list's other filters let it: else the toast says so).
    if quick and task.due_date is None and on_screen.scope in DATED_SCOPES:
        task.due_date = today()
    sidebar = quick and form.changed_sidebar  # a new project or tag: its sidebar link too
    task = services.create_task(
        request.user,
        task,
        project_name=named,
        tag_names=form.tag_names if quick else form.cleaned_data.get("tag_names"),
        idempotency_key=form.cleaned_data.get("idempotency_key"),
        section_name=form.section_name if quick else None,
    )
    return answer_write(request, task, "Task added", created=True, sidebar=sidebar)


@login_required
@require_safe
def task_detail(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.visible_to(request.user).with_tag_names(), pk=pk)
    if request.htmx:
        return render(request, f"{BOARD}#task-row", {"task": task})
    completions = task.completions.all()[:50] if task.recurrence else []
    context = {"task": task, "completions": completions}
    if access_for(request.user).can_edit(task.project_id) and not task.is_completed:
        # Postpone, and skip a repeating task's occurrence (views/reschedule.py).
        context["reschedule_form"] = RescheduleForm(task=task)
    return render(request, "tasks/task_detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_edit(request: HtmxRequest, pk: int):
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    form_class = InlineTaskForm if request.htmx else TaskForm
    template = f"{BOARD}#task-edit-form" if request.htmx else "tasks/task_form.html"
    context = {"task": task, "next": next_for_form(request)}
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
    edit = services.edit_task(
        request.user, pk, version.cleaned_data["version"], mine, original.values()
    )
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
    return answer_write(request, edit.task, done)


@login_required
@require_POST
@atomic_post
def task_toggle(request: HtmxRequest, pk: int):
    # A repeating task moves on to its next occurrence (views/recur.py says so).
    result = services.toggle_task(request.user, pk, recur.occurrence_of(request.POST))
    return recur.toggled(request, result)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_delete(request: HtmxRequest, pk: int):
    if request.method != "POST":
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
        context = {"task": task, "next": next_for_form(request)}
        return render(request, "tasks/task_confirm_delete.html", context)
    task = services.delete_task(request.user, pk)
    messages.success(request, f"Deleted “{task.title}”", extra_tags=f"undo undo-{task.pk}")
    if request.htmx:
        context = {
            "task": task,
            "counts": counts(request),
            "filters": BoardView.on_screen(request),
        }
        return render(request, f"{BOARD}#row-removed", context)
    return back_to_board(request)
