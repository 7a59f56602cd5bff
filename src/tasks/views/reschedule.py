"""Rescheduling one task: postpone it to a day, or skip a repeating task's occurrence. From the
row (`t`, or its calendar button: the form opens in the row), the task's page, or a page of its
own without JavaScript. Each answer's toast names the task and offers Undo."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import services
from ..forms import DateInput
from ..http import HtmxRequest
from ..models import Task, today
from ..services.common import editable_task
from . import recur
from .common import CONFLICT, UNPROCESSABLE, answer_write, atomic_post, next_for_form, undo_tag
from .undo import back_from

TEMPLATE = "tasks/reschedule.html"


class RescheduleForm(forms.Form):
    """`action`: the button pressed (Postpone, or Skip this occurrence for a repeating task)."""

    action = forms.ChoiceField(choices=[("postpone", "Postpone"), ("skip", "Skip")])
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    due_date = forms.DateField(
        label="Postpone to",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter a real date, like 2026-12-31."},
    )

    def __init__(self, *args, task: Task, **kwargs):
        kwargs.setdefault("auto_id", f"task-{task.pk}-reschedule-%s")
        super().__init__(*args, **kwargs)
        self.task = task
        if not self.is_bound:
            # A day later than it is due (or than today): the usual postpone, one key away.
            start = max(task.due_date or dt.date.min, today())
            self.initial["due_date"] = start + dt.timedelta(days=1)

    def clean(self):
        data = super().clean()
        if data.get("action") == "postpone" and not data.get("due_date"):
            self.add_error("due_date", "Choose the day to postpone it to.")
        return data


def _form_context(request: HtmxRequest, task: Task, form: RescheduleForm) -> dict:
    return {"task": task, "form": form, "next": next_for_form_or_task(request, task)}


def next_for_form_or_task(request: HtmxRequest, task: Task) -> str:
    """Where the page's form returns: the task's page when it came from there, else the
    board's view (next_for_form)."""
    target = request.POST.get("next") or request.GET.get("next")
    task_page = reverse("tasks:detail", args=[task.pk])
    return task_page if target == task_page else next_for_form(request)


def _words(day: dt.date | None) -> str:
    return recur.next_words(day) if day else "no date"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@atomic_post
def task_reschedule(request: HtmxRequest, pk: int):
    # Only someone who may change the task gets its form (403 for a viewer, 404 for others).
    task = editable_task(request.user, pk, Task.objects.visible_to(request.user).with_tag_names())
    template = f"{TEMPLATE}#row-form" if request.htmx else TEMPLATE
    if request.method != "POST":
        form = RescheduleForm(task=task)
        return render(request, template, _form_context(request, task, form))
    form = RescheduleForm(request.POST, task=task)
    if not form.is_valid():
        context = _form_context(request, task, form)
        return render(request, template, context, status=UNPROCESSABLE)
    data = form.cleaned_data
    if data["action"] == "skip":
        done = services.skip_occurrence(request.user, pk, recur.occurrence_of(request.POST))
    else:
        done = services.postpone(request.user, pk, data["version"], data["due_date"])
    if done is None:  # postponed at a version that moved on
        current = Task.objects.visible_to(request.user).with_tag_names().get(pk=pk)
        messages.warning(request, f"“{current.title}” changed elsewhere; here it is as it is now.")
        context = _form_context(request, current, RescheduleForm(task=current)) | {"stale": True}
        return render(request, template, context, status=CONFLICT)
    task = done.task
    if done.refused:
        return _answer(request, task, f"“{task.title}”: {done.refused}")
    back = undo_tag(
        task.pk, "due", version=task.version, due_date=done.was_date, due_time=done.was_time
    )
    if data["action"] == "skip":
        words = f"Skipped “{task.title}” — next: {_words(task.due_date)}"
    else:
        words = f"Postponed “{task.title}” to {_words(task.due_date)}"
    return _answer(request, task, words, back)


def _answer(request: HtmxRequest, task: Task, words: str, tags: str = ""):
    """The row as it is now in the list on screen (answer_write), or back where the page's
    form came from (the task's page, the board)."""
    if request.htmx:
        return answer_write(request, task, words, tags=tags)
    messages.success(request, words, extra_tags=tags)
    return back_from(request, task.pk)
