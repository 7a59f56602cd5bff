"""Tags: the tags page (counts, rename, merge, delete) and the task forms' suggestions.

Plain POSTs redirect back to the tags page (PRG); htmx ones answer with the page's list
re-rendered and the toast out of band. Another person's tag is a 404 like a missing one.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from .. import services
from ..http import HtmxRequest
from ..models import Tag
from ..tagging import TagClash, clean_tag_name
from ..text import clean_line
from .common import CONFLICT, UNPROCESSABLE, atomic_post

TAGS = "tasks/tags.html"
SUGGESTIONS = 8


class TagNameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=200, strip=True)

    def clean_name(self) -> str:
        return clean_tag_name(clean_line(self.cleaned_data["name"]))


class MergeForm(forms.Form):
    """Which tag the merged one goes into: one of the person's other tags."""

    into = forms.ModelChoiceField(queryset=Tag.objects.none(), label="Merge into")

    def __init__(self, *args, tag: Tag, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Tag.objects.visible_to(tag.user).exclude(pk=tag.pk)
        self.fields["into"].error_messages["invalid_choice"] = "Pick one of your other tags."


def tags_with_counts(user):
    """The person's tags with their live tasks' count, in one aggregate query."""
    return Tag.objects.visible_to(user).annotate(
        count=Count("tasks", filter=Q(tasks__deleted_at__isnull=True))
    )


def list_answer(request: HtmxRequest, status: int = 200, **context):
    """The tags page, or for htmx its list (with the toasts out of band)."""
    context = {"tags": tags_with_counts(request.user)} | context
    if request.htmx:
        return render(request, f"{TAGS}#tag-list-changed", context, status=status)
    return render(request, TAGS, context, status=status)


def _tag(request: HtmxRequest, pk: int) -> Tag:
    return get_object_or_404(Tag.objects.visible_to(request.user), pk=pk)


@login_required
@require_safe
def tag_list(request: HtmxRequest):
    return list_answer(request)


@login_required
@require_safe
def tag_suggest(request: HtmxRequest):
    """The person's tags starting with (else containing) the typed letters: a listbox for the
    tags field's combobox (htmx), or a page of links that filter by each (plain)."""
    typed = request.GET.get("q", "")[:80].replace("\x00", "").strip().lstrip("#")
    tags = Tag.objects.visible_to(request.user)
    if typed:
        tags = tags.filter(name__icontains=typed)
    # Prefix matches first, then the rest, each alphabetically.
    found = sorted(
        tags[:200].values_list("name", flat=True),
        key=lambda n: (not n.casefold().startswith(typed.casefold()), n.casefold()),
    )[:SUGGESTIONS]
    context = {"suggestions": found, "typed": typed}
    if request.htmx:
        return render(request, f"{TAGS}#suggestions", context)
    return render(request, "tasks/tag_suggest.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def tag_rename(request: HtmxRequest, pk: int):
    tag = _tag(request, pk)
    if request.method != "POST":
        form = TagNameForm(initial={"name": tag.name})
        return render(request, "tasks/tag_form.html", {"tag": tag, "form": form})
    form = TagNameForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            error = " ".join(form.errors["name"])
            return list_answer(request, UNPROCESSABLE, error_for=tag.pk, error=error)
        return render(request, "tasks/tag_form.html", {"tag": tag, "form": form}, status=422)
    try:
        old, tag = services.rename_tag(request.user, pk, form.cleaned_data["name"])
    except TagClash as clash:
        # Another tag has that name: offer to merge into it instead.
        context = {"clash": {"tag": tag, "other": clash.other}}
        if request.htmx:
            return list_answer(request, CONFLICT, **context)
        return render(
            request, "tasks/tag_form.html", context | {"tag": tag, "form": form}, status=409
        )
    messages.success(request, f"Renamed #{old} to #{tag.name}")
    if request.htmx:
        return list_answer(request)
    return redirect("tasks:tags")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def tag_merge(request: HtmxRequest, pk: int):
    tag = _tag(request, pk)
    if request.method != "POST":
        return render(request, "tasks/tag_merge.html", {"tag": tag, "form": MergeForm(tag=tag)})
    form = MergeForm(request.POST, tag=tag)
    if not form.is_valid():
        if request.htmx:
            error = " ".join(form.errors["into"])
            return list_answer(request, UNPROCESSABLE, error_for=tag.pk, error=error)
        return render(request, "tasks/tag_merge.html", {"tag": tag, "form": form}, status=422)
    into = form.cleaned_data["into"]
    tag, moved = services.merge_tags(request.user, pk, into)
    messages.success(
        request, f"Merged #{tag.name} into #{into.name} ({moved} task{'s' * (moved != 1)} moved)"
    )
    if request.htmx:
        return list_answer(request)
    return redirect("tasks:tags")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def tag_delete(request: HtmxRequest, pk: int):
    tag = _tag(request, pk)
    if request.method != "POST":
        count = tags_with_counts(request.user).get(pk=tag.pk).count
        return render(request, "tasks/tag_confirm_delete.html", {"tag": tag, "count": count})
    tag, linked = services.delete_tag(request.user, pk)
    messages.success(
        request, f"Deleted #{tag.name} (removed from {linked} task{'s' * (linked != 1)})"
    )
    if request.htmx:
        return list_answer(request)
    return redirect("tasks:tags")
