"""Repeating tasks: the answer to completing one (moved to its next occurrence, "Next: Mon 7
Dec" with Undo) and the undo itself, which puts the task back exactly as it was."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from .. import services
from ..filters import BoardView
from ..http import HtmxRequest, page_location
from ..services import completion
from .common import (
    BOARD,
    answer_write,
    atomic_post,
    back_to_board,
    board_context,
    counts,
    undo_tag,
)


def occurrence_of(post: QueryDict):
    """The due date the row showed when its checkbox was pressed: a date, None (no date), or
    NOT_GIVEN (an older page, or garbled: then no check is made)."""
    if "occurrence" not in post:
        return completion.NOT_GIVEN
    text = post.get("occurrence", "")
    if text == "":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return completion.NOT_GIVEN


def next_words(day: dt.date | None) -> str:
    return f"{day:%a} {day.day} {day:%b}" if day else ""


def toggled(request: HtmxRequest, result: completion.Toggle):
    """The answer to a checkbox press, whatever it did: a toast naming the task, with Undo."""
    task = result.task
    if result.completion is not None:  # a repeating task's occurrence: its own undo
        tags = f"undo-completion-{task.pk}-{result.completion.pk}"
    else:
        tags = undo_tag(task.pk, "toggle", version=task.version, status=result.was)
    if result.outcome == "advanced":
        words = f"“{task.title}” — next: {next_words(task.due_date)}"
        return answer_write(request, task, words, tags=tags)
    if result.outcome == "already":
        words = f" Next: {next_words(task.due_date)}." if task.due_date else ""
        return answer_write(request, task, f"That one was already completed.{words}")
    done = "Completed" if task.is_completed else "Reopened"
    return answer_write(request, task, f"{done} “{task.title}”", tags=tags)


@login_required
@require_POST
@atomic_post
def completion_undo(request: HtmxRequest, pk: int, completion_id: int):
    restored = services.undo_completion(request.user, pk, completion_id)
    if restored is None:
        messages.warning(request, "Not undone: the task changed since it was completed.")
        if not request.htmx:
            return back_to_board(request)
        return reswap(render(request, f"{BOARD}#toasts-only", {}), "none")
    messages.success(request, "Completion undone")
    if not request.htmx:
        return back_to_board(request)
    # The task may have left the view on screen when it moved on (a "today" list): re-render
    # the list, so it is back in its own place either way.
    path, on_screen = page_location(request)
    context = board_context(request, BoardView.from_location(path, on_screen), on_screen)
    response = render(request, f"{BOARD}#list-changed", context | {"counts": counts(request)})
    trigger_client_event(response, "focus-task", {"id": restored.pk}, after="settle")
    return reswap(retarget(response, "#task-list"), "outerHTML")
