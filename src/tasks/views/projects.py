"""Projects: the manage page (/projects/) and each change to a project, in place with htmx and as
plain POST/redirect/GET without JavaScript; and moving a task into a project (`m`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from .. import services
from ..filters import BoardView
from ..forms import VersionForm
from ..http import HtmxRequest
from ..models import PROJECT_NAME_MAX, Colour, Project, Task, TaskCount
from ..models.access import access_for
from ..text import clean_line
from .common import (
    BOARD,
    CONFLICT,
    UNPROCESSABLE,
    answer_write,
    atomic_post,
    counts,
    undo_tag,
)

PAGE = "tasks/projects.html"
BAD_REQUEST = 400


class ProjectForm(forms.Form):
    """A project's name and colour. The name is unique per person ignoring case; the view
    checks that against the database (and the unique constraint settles a race)."""

    name = forms.CharField(
        label="Name",
        max_length=PROJECT_NAME_MAX,
        strip=True,
        error_messages={
            "required": "Give the project a name.",
            "max_length": "Keep the name to %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    colour = forms.ChoiceField(
        label="Colour", choices=Colour.choices, initial=Colour.GREY, required=False
    )

    def __init__(self, *args, user=None, project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.project = project
        self.fields["name"].widget.attrs |= {"autocomplete": "off", "class": "form-control"}
        self.fields["colour"].widget.attrs["class"] = "form-select"

    def clean_name(self) -> str:
        name = clean_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Give the project a name.")
        owner = self.project.user_id if self.project is not None else self.user.pk
        taken = Project.objects.filter(user_id=owner, deleted_at__isnull=True, name__iexact=name)
        if self.project is not None:
            taken = taken.exclude(pk=self.project.pk)
        if taken.exists():
            raise forms.ValidationError("You already have a project with this name.")
        return name

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"] or Colour.GREY

    def name_taken(self) -> None:
        self.add_error("name", "You already have a project with this name.")


def _projects(request: HtmxRequest) -> dict:
    projects = list(Project.objects.visible_to(request.user))
    counts = TaskCount.for_user(request.user)
    for project in projects:
        project.open_tasks = counts["open_by_project"].get(project.pk, 0)
    return {
        "inbox": next((p for p in projects if p.is_inbox), None),
        # The Inbox stays first and out of the reorderable list (forloop.first/last are ends).
        "active": [p for p in projects if not p.archived and not p.is_inbox],
        "archived": [p for p in projects if p.archived],
        "counts": counts,
    }


def _answer(request: HtmxRequest, status: int = 200, **context):
    """A change's answer: the whole list (order, archive and counts may all have moved) for
    htmx, with the toasts out of band; a redirect to the manage page for a plain POST."""
    if not request.htmx and status < 400:
        return redirect("tasks:projects")
    context = _projects(request) | {"create_form": ProjectForm(user=request.user)} | context
    # A refused plain POST shows the page with its message (and the refusal's status).
    if not request.htmx:
        return render(request, PAGE, context, status=status)
    # Whatever the form aimed at (a row being edited, the create form), the list is replaced.
    response = render(request, f"{PAGE}#list-changed", context, status=status)
    return reswap(retarget(response, "#project-list"), "outerHTML")


def _owned(request: HtmxRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user), pk=pk)


@login_required
@require_safe
def project_list(request: HtmxRequest):
    context = _projects(request) | {"create_form": ProjectForm(user=request.user)}
    return render(request, PAGE, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def project_create(request: HtmxRequest):
    if request.method != "POST":
        return render(
            request, f"{PAGE}#create-page", {"create_form": ProjectForm(user=request.user)}
        )
    form = ProjectForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            project = services.create_project(
                request.user, form.cleaned_data["name"], form.cleaned_data["colour"]
            )
        except services.NameTaken:  # the same name, created a moment ago in another tab
            form.name_taken()
        else:
            messages.success(request, f"Created “{project.name}”")
            return _answer(request)
    if request.htmx:  # the form with its errors, in place of the form (not the list)
        response = render(
            request, f"{PAGE}#create-form", {"create_form": form}, status=UNPROCESSABLE
        )
        return reswap(retarget(response, "#project-create"), "outerHTML")
    return render(request, f"{PAGE}#create-page", {"create_form": form}, status=UNPROCESSABLE)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def project_edit(request: HtmxRequest, pk: int):
    """Rename and recolour, a compare-and-swap on the version the form was opened at."""
    project = _owned(request, pk)
    template = f"{PAGE}#project-edit" if request.htmx else f"{PAGE}#edit-page"
    if request.method != "POST":
        form = ProjectForm(initial={"name": project.name, "colour": project.colour})
        return render(request, template, {"project": project, "form": form})
    form = ProjectForm(request.POST, user=request.user, project=project)
    version = VersionForm(request.POST)
    context = {"project": project, "form": form}
    if not version.is_valid():
        form.is_valid()
        form.add_error(None, "This form is out of date; reload the page and try again.")
        return render(request, template, context, status=UNPROCESSABLE)
    if not form.is_valid():
        return render(request, template, context, status=UNPROCESSABLE)
    try:
        project = services.edit_project(
            request.user,
            pk,
            version.cleaned_data["version"],
            name=form.cleaned_data["name"],
            colour=form.cleaned_data["colour"],
        )
    except ValueError:
        # The Inbox keeps its name: it is where new tasks land, and "Inbox" is what the
        # sidebar, `g i` and the README call it. Its colour may change.
        form.add_error("name", "The Inbox cannot be renamed.")
        return render(request, template, context, status=UNPROCESSABLE)
    except services.NameTaken:
        form.name_taken()
        return render(request, template, context, status=UNPROCESSABLE)
    except services.Stale as stale:
        current = stale.current
        context = {
            "project": current,
            "form": ProjectForm(initial={"name": current.name, "colour": current.colour}),
            "conflict": f"This project was changed elsewhere; it is now “{current.name}” "
            f"({current.get_colour_display()}). Check and save again.",
        }
        return render(request, template, context, status=CONFLICT)
    messages.success(request, f"Saved “{project.name}”")
    return _answer(request)


@login_required
@require_POST
@atomic_post
def project_archive(request: HtmxRequest, pk: int):
    """Archive (archived=1) or bring back (archived=0), at the version the page showed."""
    project = _owned(request, pk)
    version = VersionForm(request.POST)
    archived = request.POST.get("archived") == "1"
    if project.is_inbox:
        messages.error(request, "The Inbox cannot be archived.")
        return _answer(request, status=BAD_REQUEST)
    if not version.is_valid():
        messages.error(request, "This form is out of date; reload the page and try again.")
        return _answer(request, status=UNPROCESSABLE)
    try:
        services.archive_project(request.user, pk, version.cleaned_data["version"], archived)
    except services.Stale:
        messages.warning(request, f"“{project.name}” changed elsewhere; here it is as it is now.")
        return _answer(request, status=CONFLICT)
    messages.success(request, f"{'Archived' if archived else 'Unarchived'} “{project.name}”")
    return _answer(request)


@login_required
@require_POST
@atomic_post
def project_move(request: HtmxRequest, pk: int):
    """One place up or down (direction=up|down), under a lock on the person's projects."""
    _owned(request, pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        messages.error(request, "Move a project up or down.")
        return _answer(request, status=UNPROCESSABLE)
    services.move_project(request.user, pk, step)
    return _answer(request, moved=pk, direction=request.POST["direction"])


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def project_delete(request: HtmxRequest, pk: int):
    """GET asks first (how many tasks go with it); POST moves the project and its tasks to the
    trash in one stamp, with an Undo that brings back exactly those."""
    project = _owned(request, pk)
    if project.is_inbox:
        messages.error(request, "The Inbox cannot be deleted.")
        if request.method != "POST":
            return redirect("tasks:projects")
        return _answer(request, status=BAD_REQUEST)
    if request.method != "POST":
        tasks = Task.objects.visible_to(request.user).filter(project=project).count()
        template = f"{PAGE}#confirm-delete" if request.htmx else f"{PAGE}#confirm-page"
        return render(request, template, {"project": project, "task_count": tasks})
    project, trashed = services.delete_project(request.user, pk)
    if trashed is not None:
        plural = "" if trashed == 1 else "s"
        messages.success(
            request,
            f"Deleted “{project.name}” and its {trashed} task{plural}",
            extra_tags=f"undo-project-{project.pk}",
        )
    return _answer(request)


@login_required
@require_POST
@atomic_post
def project_restore(request: HtmxRequest, pk: int):
    """Undo a project's delete: it and the tasks deleted with it come back."""
    # Any of the person's projects: undoing twice (or a live one) is "nothing to undo".
    project, restored = services.restore_project(request.user, pk)
    if restored is None:
        messages.info(request, "Nothing to undo.")
    else:
        messages.success(request, f"Restored “{project.name}” and {restored} task(s)")
    return _answer(request)


@login_required
@require_POST
@atomic_post
def task_set_project(request: HtmxRequest, pk: int):
    """`m`: put a task into another of the person's projects, at the version the row showed.
    The target is locked while the task moves, so a project deleted meanwhile is refused and
    a delete that follows takes the task with it."""
    task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
    version = VersionForm(request.POST)
    try:
        target_pk = int(request.POST.get("project", ""))
    except ValueError:
        target_pk = None
    if not version.is_valid():
        if access_for(request.user).can_edit(target_pk):
            messages.error(request, "This row is out of date; reload the page and try again.")
        else:
            messages.error(request, "Choose one of your projects.")
        return _move_refused(request, task, UNPROCESSABLE)
    try:
        moved = services.set_task_project(
            request.user, pk, version.cleaned_data["version"], target_pk
        )
    except services.NoSuchProject:
        messages.error(request, "Choose one of your projects.")
        return _move_refused(request, task, UNPROCESSABLE)
    if moved is None:
        task = get_object_or_404(Task.objects.visible_to(request.user), pk=pk)
        messages.warning(request, f"“{task.title}” changed elsewhere; here it is as it is now.")
        return _move_refused(request, task, CONFLICT)
    task = moved
    target = task.project
    # Undo moves it back, while nobody changed it since (set_task_project's compare-and-swap).
    back = undo_tag(task.pk, "project", version=task.version, project=task.moved_from)
    return answer_write(request, task, f"Moved “{task.title}” to {target.name}", tags=back)


def _move_refused(request: HtmxRequest, task: Task, status: int):
    if not request.htmx:
        return redirect(BoardView.on_screen(request).url)
    context = {"task": task, "counts": counts(request), "filters": BoardView.on_screen(request)}
    return render(request, f"{BOARD}#row-changed", context, status=status)
