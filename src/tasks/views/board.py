"""The board: the list under the person's filters, as a page or as the list fragment."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from ..filters import BoardView
from ..forms import TaskForm
from ..http import HtmxRequest, wants_fragment
from .common import BOARD, board_context, counts
from .kanban import kanban_board


@login_required
@require_safe
def board(request: HtmxRequest):
    view = BoardView.from_query(request.GET)
    if view.is_kanban:
        return kanban_board(request, view)
    context = board_context(request, view)
    if wants_fragment(request):
        response = render(request, f"{BOARD}#list-read", context)
    else:
        context |= {"counts": counts(request), "form": TaskForm()}
        response = render(request, BOARD, context)
    # The same URL answers with a fragment or a page: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
