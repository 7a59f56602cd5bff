from __future__ import annotations

import datetime as dt
import re
import secrets

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.core.validators import RegexValidator
from django.db import transaction
from django.db.models import Q

from . import dates, recurrence
from .models import Priority, Project, RepeatFrom, Status, Task, today
from .tagging import TagNamesField
from .text import clean_line

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_iso_date(text: str) -> bool:
    """Whether a date input can show `text` (YYYY-MM-DD and a real day)."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return bool(ISO_DATE.fullmatch(text))


# The fields a person edits, compared one by one when two edits of a task meet (TaskQuerySet.edit).
# Tags (tag_names: a sorted tuple of names) are part of the edit, saved in its transaction.
EDITABLE = [
    "title",
    "description",
    "priority",
    "status",
    "due_date",
    "due_time",
    "recurrence",
    "repeat_from",
    "project",
    "tag_names",
]
# The recurrence presets (RecurrenceFields); they build the task's RRULE, `recurrence`.
REPEAT_FIELDS = [
    "repeat",
    "repeat_interval",
    "repeat_days",
    "repeat_monthly",
    "repeat_ends",
    "repeat_until",
    "repeat_count",
]
# Fields an older or smaller form may not send: left out, they keep the task's value.
OPTIONAL = {"due_time", "recurrence", "repeat_from", "project", "tag_names"}


class ProjectChoiceField(forms.ModelChoiceField):
    """A task's project: the person's own projects only (another user's id is "not one of
    the choices", never saved)."""

    def label_from_instance(self, obj) -> str:
        return obj.name


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(16)


class IdempotencyKeyField(forms.CharField):
    """The create form's random token: the same form submitted twice creates one task."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=64, **kwargs)
        self.validators.append(
            RegexValidator(r"^[A-Za-z0-9_-]+\Z", "This form is damaged; reload the page.")
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # The browser's date picker offers only the dates a task may have (tasks.dates).
        bounds = {"min": dates.EARLIEST.isoformat(), "max": dates.LATEST.isoformat()}
        super().__init__(attrs=bounds | (attrs or {}), format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # A browser blanks a date input whose value is no ISO date, so what was typed (and
        # refused) would vanish: show it in a text field instead, where it can be corrected.
        if isinstance(value, str) and value and not _is_iso_date(value):
            context["widget"]["type"] = "text"
            context["widget"]["attrs"].setdefault("placeholder", "YYYY-MM-DD")
        return context


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class TaskForm(forms.ModelForm):
    """All fields of a task: the full-page create/edit form and the quick-add field.

    Priority and status may be left out (quick add sends only a title); they then keep the
    model's defaults rather than failing validation.
    """

    class Meta:
        model = Task
        fields = [name for name in EDITABLE if name != "tag_names"]  # tags: a form field
        field_classes = {"project": ProjectChoiceField}
        labels = {"due_time": "Due time", "repeat_from": "Repeat from"}
        help_texts = {"due_time": "Optional; in your time zone. Leave empty for all day."}
        widgets = {
            "due_date": DateInput(),
            "due_time": TimeInput(),
            # Built from the preset fields (clean); the hidden copy only keeps a rule the
            # presets cannot show ("keep").
            "recurrence": forms.HiddenInput(),
            "repeat_from": forms.RadioSelect(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "title": {
                "required": "Give the task a title.",
                "max_length": (
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "due_date": {"invalid": "Enter a real date, like 2026-12-31."},
            "due_time": {"invalid": "Enter a time, like 09:30."},
        }

    idempotency_key = IdempotencyKeyField()
    repeat = forms.ChoiceField(
        label="Repeat",
        required=False,
        choices=[
            ("", "Does not repeat"),
            ("daily", "Daily, or every N days"),
            ("weekdays", "Every weekday (Monday to Friday)"),
            ("weekly", "Weekly, or every N weeks, on chosen days"),
            ("monthly", "Monthly, or every N months"),
            ("yearly", "Yearly"),
        ],
    )
    repeat_interval = forms.IntegerField(
        label="Every N days, weeks or months",
        required=False,
        min_value=1,
        max_value=999,
        initial=1,
        help_text="1 for every day, week or month; 2 for every other one, and so on.",
    )
    repeat_days = forms.MultipleChoiceField(
        label="On these days (weekly)",
        required=False,
        choices=list(zip(recurrence.DAYS, recurrence.DAY_NAMES, strict=True)),
        widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: the due date's weekday.",
    )
    repeat_monthly = forms.ChoiceField(
        label="Monthly on",
        required=False,
        initial="day",
        choices=[
            ("day", "The due date's day of the month (skips months without it, like the 31st)"),
            ("weekday", "The due date's weekday of the month (like the 2nd Thursday)"),
            ("last", "The last day of the month"),
        ],
        widget=forms.RadioSelect,
    )
    repeat_ends = forms.ChoiceField(
        label="Ends",
        required=False,
        initial="never",
        choices=[("never", "Never"), ("on", "On a date"), ("after", "After a number of times")],
        widget=forms.RadioSelect,
    )
    repeat_until = forms.DateField(
        label="End date",
        required=False,
        widget=DateInput(),
        validators=[dates.validate_day],
        error_messages={"invalid": "Enter a real date, like 2026-12-31."},
    )
    repeat_count = forms.IntegerField(
        label="Number of times", required=False, min_value=1, max_value=9999
    )
    tag_names = TagNamesField()

    def __init__(self, *args, submit_label: str = "Save", user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_projects(user)
        # A form without a tags field (quick add, a page loaded before tags existed) leaves
        # the task's tags alone rather than removing them.
        if self.is_bound and self.add_prefix("tag_names") not in self.data:
            del self.fields["tag_names"]
        elif self.instance.pk and "tag_names" not in self.initial:
            self.initial["tag_names"] = self.instance.tag_names
        if self.instance.pk:
            del self.fields["idempotency_key"]  # only creating can be repeated by accident
        elif not self.is_bound:
            self.initial["idempotency_key"] = new_idempotency_key()
        self.fields["priority"].required = False
        self.fields["status"].required = False
        self.fields["due_date"].error_messages["invalid"] = "Enter a real date, like 2026-12-31."
        self.fields["due_date"].validators.append(dates.validate_day)
        if self.is_bound:
            # A form from before these fields existed (a page loaded before a deploy, quick
            # add's title-only post) sends none of them: that leaves them alone, not emptied.
            if "due_time" not in self.data:
                del self.fields["due_time"]
            if "repeat" not in self.data:
                for name in ["recurrence", "repeat_from", *REPEAT_FIELDS]:
                    del self.fields[name]
        if "repeat" not in self.fields:
            return self._finish(submit_label)
        self.fields["recurrence"].required = False
        self.fields["repeat_from"].required = False
        self.fields["repeat_from"].choices = RepeatFrom.choices
        self._open_on_rule()
        self._finish(submit_label)

    def _finish(self, submit_label: str) -> None:
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", submit_label))
        if "repeat" in self.fields:
            self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        """The fields in their order, the repeat controls in a "Repeat" disclosure (<details>,
        so it works without JavaScript) where they were: open when the task repeats (or the
        form says it does), "Repeat from" right after "Repeat"."""
        group = [n for n in ["repeat", "repeat_from", *REPEAT_FIELDS[1:]] if n in self.fields]
        repeats = bool(self["repeat"].value())
        details = Div(*group, template="tasks/repeat_details.html", open=repeats)
        items: list = []
        for name in self.fields:
            if name not in group:
                items.append(name)
            elif details not in items:  # where the first of them was
                items.append(details)
        return Layout(*items)

    def _limit_projects(self, user) -> None:
        """The project select: the owner's active projects plus the task's current one. With
        no owner known (the board's quick-add form renders the title alone) there is none, and
        a new task goes to the project on screen or the Inbox."""
        owner = self.instance.user_id if self.instance.pk else getattr(user, "pk", None)
        if owner is None:
            del self.fields["project"]
            return
        field = self.fields["project"]
        current = Q(pk=self.instance.project_id) if self.instance.pk else Q(pk__in=[])
        field.queryset = Project.objects.filter(
            Q(archived=False) | current, user_id=owner, deleted_at__isnull=True
        )
        field.required = False
        field.empty_label = None if self.instance.pk else "Inbox (or the project on screen)"
        field.error_messages["invalid_choice"] = "Choose one of your projects."
        # Left out of a request (quick add, an editor opened before projects existed), the
        # project stays as it is.
        if self.is_bound and "project" not in self.data:
            del self.fields["project"]

    def clean_project(self):
        project = self.cleaned_data.get("project")
        if project is None:
            return self.instance.project if self.instance.pk else None
        if transaction.get_connection().in_atomic_block:
            # Lock the project: a delete running now either finished (then it is gone, say so)
            # or waits for this save, and then trashes the task with its project.
            live = Project.objects.select_for_update().filter(pk=project.pk, deleted_at=None)
            if not live.exists():
                raise forms.ValidationError("That project was just deleted; choose another.")
        return project

    def clean_title(self) -> str:
        # One line: a line break in a title would break the reminder email's Subject.
        title = clean_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(self.fields["title"].error_messages["required"])
        return title

    def clean_priority(self):
        return self.cleaned_data.get("priority") or (
            self.instance.priority if self.instance.pk else Priority.NONE
        )

    def clean_status(self):
        return self.cleaned_data.get("status") or (
            self.instance.status if self.instance.pk else Status.PENDING
        )

    def clean_repeat_from(self):
        return self.cleaned_data.get("repeat_from") or RepeatFrom.DUE

    def _open_on_rule(self) -> None:
        """The presets show the task's rule; one they cannot rebuild is offered as "keep"."""
        if "repeat" not in self.fields or self.is_bound:
            if self.is_bound and "repeat" in self.fields:
                self._offer_keep(self.data.get("recurrence", ""))
            return
        rule = self.instance.recurrence if self.instance.pk else ""
        if not rule:
            return
        choices = recurrence.preset_of(rule)
        anchor = self.instance.due_date
        rebuilt = (
            recurrence.build(
                choices["repeat"],
                interval=choices["interval"],
                days=choices["days"],
                monthly=choices["monthly"],
                anchor=anchor,
                ends=choices["ends"],
                until=choices["until"],
                count=choices["count"],
            )
            if choices["repeat"]
            else ""
        )
        if rebuilt != rule:
            self._offer_keep(rule)
            self.initial["repeat"] = "keep"
            return
        self.initial |= {
            "repeat": choices["repeat"],
            "repeat_interval": choices["interval"],
            "repeat_days": choices["days"],
            "repeat_monthly": choices["monthly"],
            "repeat_ends": choices["ends"],
            "repeat_until": choices["until"],
            "repeat_count": choices["count"],
        }

    def _offer_keep(self, rule: str) -> None:
        if rule and recurrence.is_valid(rule):
            keep = ("keep", f"Keep: {recurrence.describe(rule)}")
            self.fields["repeat"].choices = [*self.fields["repeat"].choices, keep]

    def clean(self):
        cleaned = super().clean()
        if "repeat" not in self.fields:
            return cleaned
        preset = cleaned.get("repeat") or ""
        if preset == "keep":
            rule = self.data.get("recurrence", "")
            cleaned["recurrence"] = rule if recurrence.is_valid(rule) else ""
            return self._check_rule(cleaned)
        ends = cleaned.get("repeat_ends") or "never"
        if preset and ends == "on" and not cleaned.get("repeat_until"):
            self.add_error("repeat_until", "Choose the date the repeats end on.")
        if preset and ends == "after" and not cleaned.get("repeat_count"):
            self.add_error("repeat_count", "Say how many times it repeats.")
        due = cleaned.get("due_date")
        until = cleaned.get("repeat_until")
        if preset and ends == "on" and due and until and until < due:
            self.add_error("repeat_until", "The end date is before the due date.")
        if self.errors:
            return cleaned
        rule = recurrence.build(
            preset,
            interval=cleaned.get("repeat_interval") or 1,
            days=cleaned.get("repeat_days") or [],
            monthly=cleaned.get("repeat_monthly") or "day",
            anchor=due,
            ends=ends,
            until=until,
            count=cleaned.get("repeat_count"),
        )
        cleaned["recurrence"] = rule
        return self._check_rule(cleaned)

    def _check_rule(self, cleaned: dict) -> dict:
        """Refuse a rule with no date in the ten years from its start (recurrence.check);
        give a repeating task without a date its first occurrence from today."""
        rule, due = cleaned.get("recurrence"), cleaned.get("due_date")
        if not rule:
            return cleaned
        problem = recurrence.check(rule, due or today())
        if problem:
            self.add_error("repeat", problem)
        elif due is None:
            # A repeating task needs a date to repeat from: its first occurrence from today.
            cleaned["due_date"] = recurrence.first_on_or_after(rule, today())
        return cleaned


class InlineTaskForm(TaskForm):
    """The row's inline editor: every field, the description in a small growing textarea."""

    class Meta(TaskForm.Meta):
        widgets = TaskForm.Meta.widgets | {"description": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        # Ids unique per row, so labels and error links never collide with another row's.
        kwargs.setdefault("auto_id", f"task-{instance.pk}-%s" if instance else "id_%s")
        super().__init__(*args, **kwargs)
        # An editor opened before it had a description field (a page loaded before a deploy)
        # sends none: that leaves the description alone rather than emptying it.
        if self.is_bound and "description" not in self.data:
            del self.fields["description"]
        # The row's editor is one line: the due time, yes; the repeat presets live on the
        # full-page form ("More fields"), and leaving them out here leaves the rule alone.
        for name in ["recurrence", "repeat_from", *REPEAT_FIELDS]:
            self.fields.pop(name, None)
        # The description last, so Save and Cancel follow it in every width (on a phone they
        # came before it) and the tab order is the order on screen.
        self.order_fields([name for name in self.fields if name != "description"])
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )


class VersionForm(forms.Form):
    """The version a form was opened on; a save over a newer one is a conflict."""

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)


class OriginalValuesForm(forms.Form):
    """The values an edit form was opened on (hidden `original-<field>` inputs).

    With them a save that meets a newer version can tell which fields the person changed and
    which were changed elsewhere, and merge the two when they touched different fields.
    """

    prefix = "original"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in EDITABLE:
            if name == "tag_names":
                field = TagNamesField()
            else:
                field = Task._meta.get_field(name).formfield(required=False)
            field.widget = forms.HiddenInput()
            self.fields[name] = field

    @classmethod
    def of(cls, task: Task) -> OriginalValuesForm:
        return cls(initial={name: getattr(task, name) for name in EDITABLE}, auto_id=False)

    def values(self) -> dict | None:
        """The original values, or None when the form sent none (or garbled ones). An
        OPTIONAL field the form did not send is left out."""
        sent = [name for name in EDITABLE if self.add_prefix(name) in self.data]
        if not set(EDITABLE) - OPTIONAL <= set(sent):
            return None
        for name in EDITABLE[5:]:
            if self.add_prefix(name) not in self.data:
                del self.fields[name]
        if not self.is_valid():
            return None
        return {name: self.cleaned_data[name] for name in sent}


def original_of(task: Task) -> OriginalValuesForm:
    return OriginalValuesForm.of(task)


def display(task: Task, name: str) -> str:
    """A field's value as the person reads it (labels, not stored codes)."""
    value = getattr(task, name)
    if name in ("priority", "status", "repeat_from"):
        return getattr(task, f"get_{name}_display")()
    if name == "due_date":
        return value.strftime("%a %-d %b %Y") if value else "No date"
    if name == "due_time":
        return value.strftime("%H:%M") if value else "All day"
    if name == "recurrence":
        return recurrence.words_for(task) or "Does not repeat"
    if name == "project":
        return value.name
    if name == "tag_names":
        return ", ".join(f"#{tag}" for tag in value) if value else "No tags"
    return value or "(empty)"
