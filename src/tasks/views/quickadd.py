"""Quick add's preview: the chips under the field, rendered here so preview and save agree."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import dateformats

from ..http import HtmxRequest
from ..quickadd_form import QuickAddForm
from .common import next_for_form

# Longer than a title may be (200) with its tokens, short enough to bound the parse time.
MAX_TEXT = 1000
CHIPS = "tasks/quickadd_chips.html#chips"


@login_required
@require_safe
def task_parse(request: HtmxRequest):
    text = request.GET.get("title", "")[:MAX_TEXT]
    order = dateformats.of_request(request)
    form = QuickAddForm({"title": text}, user=request.user, date_order=order)
    if text.strip():
        form.is_valid()  # parses; a new project's confirmation shows as on submit
    else:
        form = QuickAddForm(user=request.user)
    if request.htmx:
        return render(request, CHIPS, {"parsed": form.parsed, "summary_oob": True})
    # Without JavaScript: a page with the quick-add form holding the text and what it recognized.
    next_url = next_for_form(request)
    context = {"form": form, "board_path": next_url, "next": next_url}
    return render(request, "tasks/quickadd.html", context)
