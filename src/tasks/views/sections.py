"""A project's sections (/projects/<pk>/sections/): add, rename, reorder and delete them (with
Undo), in place with htmx and as plain POST/redirect/GET without JavaScript. The writes are
tasks.services.sections'; the board shows the sections as columns and list groups."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .. import services
from ..http import HtmxRequest
from ..models import SECTION_NAME_MAX, Section
from ..models.access import access_for
from ..services import sections as section_services
from .common import UNPROCESSABLE, atomic_post

PAGE = "tasks/sections.html"


class SectionForm(forms.Form):
    name = forms.CharField(
        label="Section name",
        max_length=SECTION_NAME_MAX,
        strip=True,
        error_messages={
            "required": "Give the section a name.",
            "max_length": "Keep the name to %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    version = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].replace("\x00", "").strip()
        if not name:
            raise forms.ValidationError("Give the section a name.")
        return name


def _project(request: HtmxRequest, pk: int):
    project = access_for(request.user).projects.get(pk)
    if project is None:
        raise Http404("No such project")
    return project


def _page(request: HtmxRequest, pk: int, form=None, status: int = 200, errors=None):
    project = _project(request, pk)
    context = {
        "project": project,
        "sections": section_services.sections_of(request.user, pk),
        "can_edit": access_for(request.user).can_edit(pk),
        "form": form or SectionForm(),
        "errors": errors or {},
    }
    template = f"{PAGE}#section-list-changed" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _done(request: HtmxRequest, pk: int):
    if request.htmx:
        return _page(request, pk)
    return redirect("tasks:sections", pk=pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def section_list(request: HtmxRequest, pk: int):
    """The project's sections; a POST adds one at the end."""
    if request.method != "POST":
        return _page(request, pk)
    form = SectionForm(request.POST)
    if not form.is_valid():
        return _page(request, pk, form, UNPROCESSABLE)
    name = form.cleaned_data["name"]
    try:
        services.create_section(request.user, pk, name)
    except services.NameTaken:
        form.add_error("name", "This project already has a section with this name.")
        return _page(request, pk, form, UNPROCESSABLE)
    messages.success(request, f"Added the section “{name}”")
    return _done(request, pk)


def _section(request: HtmxRequest, pk: int) -> Section:
    section = Section.objects.visible_to(request.user).filter(pk=pk).first()
    if section is None:
        raise Http404("No such section")
    return section


@login_required
@require_POST
@atomic_post
def section_rename(request: HtmxRequest, pk: int):
    section = _section(request, pk)
    form = SectionForm(request.POST)
    if not form.is_valid() or form.cleaned_data.get("version") is None:
        error = " ".join(form.errors.get("name", [])) or "Reload the page and try again."
        return _page(request, section.project_id, status=UNPROCESSABLE, errors={pk: error})
    name = form.cleaned_data["name"]
    try:
        services.rename_section(request.user, pk, form.cleaned_data["version"], name)
    except services.NameTaken:
        error = "This project already has a section with this name."
        return _page(request, section.project_id, status=UNPROCESSABLE, errors={pk: error})
    except services.Stale:
        messages.warning(request, "The section changed meanwhile; here it is as it is now.")
        return _done(request, section.project_id)
    messages.success(request, f"Renamed the section to “{name}”")
    return _done(request, section.project_id)


@login_required
@require_POST
@atomic_post
def section_move(request: HtmxRequest, pk: int):
    section = _section(request, pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("dir", ""))
    if step is None:
        return _page(request, section.project_id, status=UNPROCESSABLE)
    if services.move_section(request.user, pk, step):
        place = "earlier" if step < 0 else "later"
        messages.success(request, f"Moved the section “{section.name}” {place}")
    else:
        messages.info(request, f"“{section.name}” is already {'first' if step < 0 else 'last'}.")
    return _done(request, section.project_id)


@login_required
@require_POST
@atomic_post
def section_delete(request: HtmxRequest, pk: int):
    section = _section(request, pk)
    _, moved = services.delete_section(request.user, pk)
    tasks = f"; its {moved} task{'s' if moved != 1 else ''} are in no section" if moved else ""
    messages.success(
        request, f"Deleted the section “{section.name}”{tasks}", extra_tags=f"undo-section-{pk}"
    )
    return _done(request, section.project_id)


@login_required
@require_POST
@atomic_post
def section_restore(request: HtmxRequest, pk: int):
    section = services.restore_section(request.user, pk)
    if section is None:
        messages.info(request, "Nothing to undo.")
        project = Section.objects.filter(pk=pk).values_list("project_id", flat=True).first()
        if project is None or project not in access_for(request.user).projects:
            raise Http404("No such section")
        return _done(request, project)
    messages.success(request, f"Brought back the section “{section.name}”")
    return _done(request, section.project_id)
