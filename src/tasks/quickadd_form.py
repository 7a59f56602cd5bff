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
from .text import clean_line

# The Task fields the words set (Parsed's properties of the same name); tags and project are
# related rows (below).
TASK_FIELDS = ("due_date", "due_time", "priority")


class QuickAddForm(TaskForm):
    # The person's yes to creating the project a `+Name` names; without it the form asks.
    create_project = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, user, date_order: str = "dmy", project_id: int | None = None, **kwargs
    ):
        """`date_order`: how the person writes numeric dates (accounts.dateformats);
        `project_id`: the project a task without `+Project` goes into (the one on screen)."""
        kwargs.setdefault("submit_label", "Add task")
        super().__init__(*args, **kwargs)
        self.user = user
        self.date_order = date_order
        self.parsed: Parsed | None = None
        self.new_project: str | None = None
        self.project_id = project_id
        self._nav: Navigation | None = None

    def clean_title(self):
        text = clean_line(self.cleaned_data["title"])
        self._nav = Navigation.for_user(self.user)
        self.parsed = parse_for(self.user, text, self._nav, self.date_order)
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
        self._check_section()
        until = self.parsed.value("until")
        first = self.first_due()
        if until is not None and first is not None and until < first:
            raise forms.ValidationError(
                f"The repeat ends ({until:%a %-d %b %Y}) before its first date "
                f"({first:%a %-d %b %Y}): change the date after “until”."
            )
        return self.parsed.title

    def _check_section(self) -> None:
        """`/Section` must name a section of the project the task goes into."""
        name = self.parsed.section
        if name is None:
            return
        project = self.parsed.project
        nav = self._nav
        if project is not None and project.new:
            raise forms.ValidationError(
                f"“{project.name}” is a new project: it has no sections yet. Add the task "
                f"without /{name}, or write \\/{name} to keep the word as text."
            )
        if project is not None:
            target = next((p for p in nav.projects if p.name == project.name), None)
        elif self.project_id is not None:
            target = nav.project(self.project_id)
        else:
            target = nav.inbox
        sections = nav.sections_of(target.id if target else None)
        if not any(s.name.casefold() == name.casefold() for s in sections):
            where = target.name if target else "the Inbox"
            have = ", ".join(s.name for s in sections) or "none yet"
            raise forms.ValidationError(
                f"“{name}” is not a section of {where} (its sections: {have}). Write "
                f"\\/{name} to keep the word as text."
            )

    @property
    def section_name(self) -> str | None:
        """The section the words name (`/This week`), in the task's project."""
        return self.parsed.section if self.parsed else None

    def first_due(self):
        """The new task's due date: the one the words name, else a repeat's first occurrence
        (from today, or tomorrow when its time has passed today)."""
        parsed = self.parsed
        repeat = parsed.recurrence
        if parsed.due_date is not None or repeat is None:
            return parsed.due_date
        return recurrence.first_on_or_after(repeat[0], parsed.start or timezone.localdate())

    def save(self, commit=True):
        task = super().save(commit=False)
        parsed = self.parsed
        for name in TASK_FIELDS:
            value = getattr(parsed, name)
            if value is not None:
                setattr(task, name, value)
        repeat = parsed.recurrence
        if repeat is not None:
            task.recurrence, task.repeat_from = repeat
            task.due_date = self.first_due()  # a repeating task starts on its first occurrence
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

    @property
    def changed_sidebar(self) -> bool:
        """Whether saving makes a project or tag: the sidebar is then renewed with the answer."""
        if self.parsed is None or self._nav is None:
            return False
        if self.parsed.project is not None and self.parsed.project.new:
            return True
        known = {t.name.casefold() for t in self._nav.tags}
        return any(name.casefold() not in known for name in self.tag_names)
