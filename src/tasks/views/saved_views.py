"""Saved views: a named board URL (scope + search + filters + sort). Save from the board, then
rename, reorder and delete on the Saved views page, in place with htmx and as plain forms
(post/redirect/get). Every write is a compare-and-swap on `version` or runs under row locks."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from .. import services
from ..filters import BoardView, Scope, read_path
from ..http import HtmxRequest, page_location
from ..models import VIEW_NAME_MAX, Navigation, SavedView
from ..models.access import access_for
from ..text import clean_line
from .common import CONFLICT, UNPROCESSABLE, atomic_post

PAGE = "tasks/saved_views.html"
URL_MAX = SavedView._meta.get_field("url").max_length


class NameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=VIEW_NAME_MAX, strip=True)

    def clean_name(self) -> str:
        name = clean_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Give the view a name.")
        return name


class SaveForm(NameForm):
    url = forms.CharField(label="View", max_length=2000)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_url(self) -> str:
        """The board URL to save, normalized (known filters only, no page cursor). Anything
        that is not a board path on this site, or another user's project, is refused."""
        raw = self.cleaned_data["url"]
        try:
            parts = urlsplit(raw)
        except ValueError:
            parts = None
        if parts is None or parts.scheme or parts.netloc or "\x00" in raw or "\\" in raw:
            raise forms.ValidationError("Only a view of this board can be saved.")
        scope = read_path(parts.path)
        if scope is None:
            raise forms.ValidationError("Only a view of this board can be saved.")
        view = BoardView.from_location(parts.path, QueryDict(parts.query))
        if scope[0] == Scope.PROJECT and scope[1] not in access_for(self.user).projects:
            raise forms.ValidationError("Only a view of this board can be saved.")
        if len(view.url) > URL_MAX:
            raise forms.ValidationError("This view's search is too long to save.")
        return view.url


class VersionForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class MoveForm(VersionForm):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class RenameForm(NameForm, VersionForm):
    pass


NAME_TAKEN = "You already have a view with this name."


def _mine(request: HtmxRequest):
    return SavedView.objects.visible_to(request.user)


def _page(request: HtmxRequest, status: int = 200, **extra):
    """The Saved views page, or its list fragment for htmx."""
    errors = extra.pop("errors", {})
    # The rows themselves (not the sidebar's Navigation): each form carries its view's version.
    views = _mine(request).order_by("position", "id")
    rows = [{"view": v, "errors": errors.get(v.pk)} for v in views]
    moves = [("up", "up", "arrow-up"), ("down", "down", "arrow-down")]
    context = {"rows": rows, "filters": None, "moves": moves} | extra
    template = f"{PAGE}#view-list" if request.htmx else PAGE
    return render(request, template, context, status=status)


def _done(request: HtmxRequest, text: str):
    messages.success(request, text)
    if request.htmx:
        return _page(request)
    return redirect("tasks:saved_views")


@login_required
@require_safe
def saved_views(request: HtmxRequest):
    return _page(request)


@login_required
@require_POST
@atomic_post
def saved_view_create(request: HtmxRequest):
    """Save the board URL on screen under a name (the board's "Save view" form)."""
    data = request.POST.copy()
    if request.htmx and request.htmx.current_url:
        # The page's URL as it is now: filters applied in place have moved it on since the
        # form was rendered (its hidden field holds the URL it was rendered at).
        path, query = page_location(request)
        data["url"] = f"{path}?{query.urlencode()}" if query else path
    form = SaveForm(data, user=request.user)
    if form.is_valid():
        name, url = form.cleaned_data["name"], form.cleaned_data["url"]
        try:
            services.save_view(request.user, name, url)
        except services.NameTaken:
            form.add_error("name", NAME_TAKEN)
    if not form.is_valid():
        if request.htmx:
            return render(
                request, "tasks/views_bar.html#save-form", {"save_form": form}, status=422
            )
        return _page(request, UNPROCESSABLE, save_form=form)
    messages.success(request, f"Saved the view “{name}”")
    if request.htmx:
        nav = Navigation.for_user(request.user)
        view = BoardView.from_location(*_split(url))
        context = {"nav": nav, "filters": view, "save_form": None, "saved": True}
        return render(request, "tasks/views_bar.html#saved", context)
    return redirect(url)


def _split(url: str) -> tuple[str, QueryDict]:
    parts = urlsplit(url)
    return parts.path, QueryDict(parts.query)


def _conflict(request: HtmxRequest, view: SavedView):
    messages.error(request, f"“{view.name}” was changed elsewhere; here it is as it is now.")
    return _page(request, CONFLICT)


@login_required
@require_POST
@atomic_post
def saved_view_rename(request: HtmxRequest, pk: int):
    view = get_object_or_404(_mine(request), pk=pk)
    form = RenameForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            services.rename_view(request.user, pk, form.cleaned_data["version"], name)
        except services.Stale as stale:
            return _conflict(request, stale.current)
        except services.NameTaken:
            form.add_error("name", NAME_TAKEN)
        else:
            return _done(request, f"Renamed to “{name}”")
    return _page(request, UNPROCESSABLE, errors={view.pk: form.errors})


@login_required
@require_POST
@atomic_post
def saved_view_move(request: HtmxRequest, pk: int):
    """Swap a view with its neighbour above or below."""
    view = get_object_or_404(_mine(request), pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _page(request, UNPROCESSABLE, errors={pk: form.errors})
    direction = form.cleaned_data["direction"]
    try:
        services.move_view(request.user, pk, form.cleaned_data["version"], direction)
    except services.Stale as stale:
        return _conflict(request, stale.current)
    return _done(request, f"Moved “{view.name}” {direction}")


@login_required
@require_POST
@atomic_post
def saved_view_delete(request: HtmxRequest, pk: int):
    view = get_object_or_404(_mine(request), pk=pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return _page(request, UNPROCESSABLE, errors={pk: form.errors})
    try:
        services.delete_view(request.user, pk, form.cleaned_data["version"])
    except services.Stale as stale:
        return _conflict(request, stale.current)
    return _done(request, f"Deleted the view “{view.name}”")


@login_required
@require_safe
def search_syntax(request: HtmxRequest):
    """The search syntax as a page of its own (the board also has it in a dialog, key h)."""
    return render(request, "tasks/search_help.html")
