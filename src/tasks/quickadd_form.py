"""The quick-add field's form: a TaskForm whose title is read by the quick-add parser.

The board's quick-add form says it is one with a hidden `quick` field (templates
tasks/quickadd_chips.html); the full-page form and the inline editor keep their explicit fields.
"""

from __future__ import annotations

from django import forms
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from . import dates, recurrence
from .forms import TaskForm
from .models import Navigation, Project, Tag, Task, TaskTag
from .quickadd import Parsed, parse_for
from .text import clean_line

# Token kind (tasks/quickadd.py RULES) -> the Task field its value sets. Recurrence adds its row
# here ("recurrence": "recurrence") next to its rule; tags and project are related rows (below).
TASK_FIELDS = {"due": "due_date", "priority": "priority"}


class QuickAddForm(TaskForm):
    # The person's yes to creating the project a `+Name` names; without it the form asks.
    create_project = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("submit_label", "Add task")
        super().__init__(*args, **kwargs)
        self.user = user
        self.parsed: Parsed | None = None
        self.new_project: str | None = None
        self._nav: Navigation | None = None

    def clean_title(self):
        text = clean_line(self.cleaned_data["title"])
        self._nav = Navigation.for_user(self.user)
        self.parsed = parse_for(self.user, text, self._nav)
        if not self.parsed.title:
            raise forms.ValidationError(
                "Give the task a title: the words left after the date, priority, tags and "
                "project (write \\tomorrow to keep a word as text)."
            )
        if len(self.parsed.title) > Task._meta.get_field("title").max_length:
            raise forms.ValidationError("Keep the title to 200 characters.")
        due = self.parsed.value("due")
        if due is not None and not dates.in_range(due):
            raise forms.ValidationError(dates.OUT_OF_RANGE)
        project = self.parsed.project
        yes = self.data.get(self.add_prefix("create_project"))
        if project is not None and project.new and not self.fields["create_project"].to_python(yes):
            self.new_project = project.name
            raise forms.ValidationError(
                f"“{project.name}” is a new project. Create it, or write \\+{project.name} to "
                "keep the word as text."
            )
        return self.parsed.title

    def save(self, commit=True):
        task = super().save(commit=False)
        parsed = self.parsed
        for kind, name in TASK_FIELDS.items():
            value = parsed.value(kind)
            if value is not None:
                setattr(task, name, value)
        repeat = parsed.value("recurrence")
        if repeat is not None:
            task.recurrence, task.repeat_from = repeat
            if task.due_date is None:  # a repeating task starts on its first occurrence
                task.due_date = recurrence.first_on_or_after(task.recurrence, timezone.localdate())
        if parsed.project is not None:
            task.project = self._project(parsed.project.name)
        elif self._nav.inbox is not None:  # read already: saves Task.save() looking it up
            inbox = self._nav.inbox
            task.project = Project(pk=inbox.id, user=self.user, name=inbox.name, is_inbox=True)
        if commit:
            task.save()
        return task

    def _project(self, name: str) -> Project:
        known = next((p for p in self._nav.projects if p.name.lower() == name.lower()), None)
        if known is not None:
            return Project(pk=known.id, user=self.user, name=known.name)
        position = max((p.position for p in self._nav.projects), default=0) + 1
        try:
            with transaction.atomic():
                return Project.objects.create(user=self.user, name=name, position=position)
        except IntegrityError:  # created meanwhile (another tab): that one
            return Project.objects.for_user(self.user).get(name__iexact=name)

    def save_tags(self, task: Task) -> None:
        """Tag `task` with the parsed tags, creating the person's missing ones (three queries
        at most, however many tags)."""
        wanted = {name.lower(): name for name in self.parsed.tags}
        task.tag_names = tuple(wanted.values())  # so its row needs no query to show them
        if not wanted:
            return
        known = {t.name.lower(): t.id for t in self._nav.tags}
        missing = [name for key, name in wanted.items() if key not in known]
        if missing:
            Tag.objects.bulk_create(
                [Tag(user=self.user, name=name) for name in missing], ignore_conflicts=True
            )
            known |= dict(
                Tag.objects.for_user(self.user)
                .annotate(key=Lower("name"))
                .filter(key__in=[name.lower() for name in missing])
                .values_list("key", "id")
            )
        TaskTag.objects.bulk_create(
            [TaskTag(task=task, tag_id=known[key]) for key in wanted if key in known],
            ignore_conflicts=True,
        )
