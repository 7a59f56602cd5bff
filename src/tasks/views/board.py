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
from ..models import Navigation, Project
from .common import BOARD, board_context, counts
from .kanban import kanban_board


@login_required
@require_safe
@reads_from_replica(when=lambda request: bool(request.GET.get("q")))  # searches are heavy
def board(request: HtmxRequest, scope: str = Scope.ALL, pk: int | None = None):
    view = BoardView.from_query(request.GET, scope, pk)
    # The list layout's rendered list is cached under the user's ListVersion (listcache),
    # read with the sidebar (a page) or with the project's name (a list read).
    listed = not view.is_kanban
    nav = version = None
    if wants_fragment(request):
        title = Scope.TITLES.get(scope, "")
        if pk is not None:
            # The project's name for the page title; another user's id is a 404 like a missing one.
            if listed:
                version, title = listcache.read_version_and_project(request.user, pk)
            else:
                title = (
                    Project.objects.for_user(request.user)
                    .filter(pk=pk)
                    .values_list("name", flat=True)
                    .first()
                )
            if title is None:
                raise Http404("No such project")
        elif listed:
            version = listcache.read_version(request.user)
        page = {"scope_title": title}
    else:
        # The sidebar's projects, tags and saved views in one query; it also tells whether
        # the project in the URL is the person's (another user's id is a 404 like a missing one).
        nav = Navigation.for_user(request.user)
        version = nav.list_version
        project = nav.project(pk) if pk is not None else None
        if pk is not None and project is None:
            raise Http404("No such project")
        page = {
            "nav": nav,
            "scope_title": project.name if project else Scope.TITLES[scope],
            "project_colour_class": f"project-colour-{project.extra}" if project else "",
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
        context |= {"counts": counts(request), "form": TaskForm()}
        response = render(request, BOARD, context)
        listcache.store_page(request, page_key, response, context["form"], cached.valid_until)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
