"""The quick-add field's form: a TaskForm whose title is read by the quick-add parser.

The board's quick-add form says it is one with a hidden `quick` field (templates
tasks/quickadd_chips.html); the full-page form and the inline editor keep their explicit fields.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from . import recurrence
from .forms import TaskForm
from .models import Navigation, Task
from .quickadd import Parsed, parse_for

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
        text = self.cleaned_data["title"]
        self._nav = Navigation.for_user(self.user)
        self.parsed = parse_for(self.user, text, self._nav)
        if not self.parsed.title:
            raise forms.ValidationError(
                "Give the task a title: the words left after the date, priority, tags and "
                "project (write \\tomorrow to keep a word as text)."
            )
        if len(self.parsed.title) > Task._meta.get_field("title").max_length:
            raise forms.ValidationError("Keep the title to 200 characters.")
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
        if commit:
            raise ValueError("Quick add's task is saved by services.create_task.")
        return task

    @property
    def project_name(self) -> str | None:
        """The project the words name (`+Home`), found or created by the service."""
        return self.parsed.project.name if self.parsed and self.parsed.project else None

    @property
    def tag_names(self) -> tuple[str, ...]:
        """The tags the words name (`#home`), the first spelling of each."""
        wanted = {name.lower(): name for name in self.parsed.tags} if self.parsed else {}
        return tuple(wanted.values())
