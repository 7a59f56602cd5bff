"""The board: the list under the person's filters, as a page or as the list fragment, in any
scope (All, Inbox, Today, Upcoming, a project)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from taskmanager.replica import reads_from_replica

from .. import listcache
from ..filters import BoardView, Scope
from ..forms import TaskForm
from ..http import HtmxRequest, wants_fragment
from ..listing import saved_view_on_screen
from ..models import Navigation
from ..models.access import access_for
from .common import BOARD, board_context, counts
from .kanban import kanban_board


@login_required
@require_safe
@reads_from_replica(when=lambda request: bool(request.GET.get("q")))  # searches are heavy
def board(request: HtmxRequest, scope: str = Scope.ALL, pk: int | None = None):
    view = BoardView.from_query(request.GET, scope, pk)
    # The list layout's rendered list is cached under the list versions of the person's
    # projects (listcache), read with their Access.
    listed = not view.is_kanban
    nav = None
    access = access_for(request.user)
    project = access.projects.get(pk) if pk is not None else None
    # Another person's project id is a 404 like a missing one.
    if pk is not None and project is None:
        raise Http404("No such project")
    version = access.versions_key
    if wants_fragment(request):
        page = {"scope_title": project.name if project else Scope.TITLES.get(scope, "")}
    else:
        # The sidebar: the person's projects (their Access, read above), tags and saved views.
        nav = Navigation.for_user(request.user)
        # A saved view is a list of its own: its name heads it, its link alone is marked.
        saved = saved_view_on_screen(view, nav.views)
        title = project.name if project else Scope.TITLES[scope]
        page = {
            "nav": nav,
            "scope_title": saved.name if saved else title,
            "project_colour_class": f"project-colour-{project.colour}" if project else "",
            "saved_view": saved,
        }
    if not listed:
        return kanban_board(request, view, page)
    context = page | {"filters": view, "params": view.as_params()}
    key = listcache.key_for(request, version)
    page_key = None if wants_fragment(request) else listcache.page_key(request, nav, key)
    response = listcache.cached_page(request, page_key)
    if response is not None:
        patch_vary_headers(response, ["HX-Request"])
        return response
    cached = listcache.get(key)
    if cached is None:
        context |= board_context(request, view, nav=nav)
        cached = listcache.render(request, f"{BOARD}#task-list", context, key)
    context |= {"cached_list": cached.html, "page": cached.page}
    if wants_fragment(request):
        response = render(request, f"{BOARD}#list-read", context)
    else:
        context |= {"counts": counts(request, nav), "form": TaskForm()}
        response = render(request, BOARD, context)
        listcache.store_page(request, page_key, response, context["form"], cached.valid_until)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
