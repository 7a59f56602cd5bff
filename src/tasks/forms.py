from __future__ import annotations

import datetime as dt
import re
import secrets

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import RegexValidator

from .models import Priority, Status, Task
from .tagging import TagNamesField

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
EDITABLE = ["title", "description", "priority", "status", "due_date", "tag_names"]


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
        super().__init__(attrs=attrs, format="%Y-%m-%d")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # A browser blanks a date input whose value is no ISO date, so what was typed (and
        # refused) would vanish: show it in a text field instead, where it can be corrected.
        if isinstance(value, str) and value and not _is_iso_date(value):
            context["widget"]["type"] = "text"
            context["widget"]["attrs"].setdefault("placeholder", "YYYY-MM-DD")
        return context


class TaskForm(forms.ModelForm):
    """All fields of a task: the full-page create/edit form and the quick-add field.

    Priority and status may be left out (quick add sends only a title); they then keep the
    model's defaults rather than failing validation.
    """

    class Meta:
        model = Task
        fields = ["title", "description", "priority", "status", "due_date"]
        widgets = {
            "due_date": DateInput(),
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
        }

    idempotency_key = IdempotencyKeyField()
    tag_names = TagNamesField()

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
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
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", submit_label))

    def clean_priority(self):
        return self.cleaned_data.get("priority") or (
            self.instance.priority if self.instance.pk else Priority.MEDIUM
        )

    def clean_status(self):
        return self.cleaned_data.get("status") or (
            self.instance.status if self.instance.pk else Status.PENDING
        )


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
        """The original values, or None when the form sent none (or garbled ones)."""
        # Tags may be missing (a form from before they existed): the others are needed.
        sent = [name for name in EDITABLE if self.add_prefix(name) in self.data]
        if set(EDITABLE) - set(sent) - {"tag_names"}:
            return None
        if not self.is_valid():
            return None
        return {name: self.cleaned_data[name] for name in sent}


def original_of(task: Task) -> OriginalValuesForm:
    return OriginalValuesForm.of(task)


def display(task: Task, name: str) -> str:
    """A field's value as the person reads it (labels, not stored codes)."""
    value = getattr(task, name)
    if name in ("priority", "status"):
        return getattr(task, f"get_{name}_display")()
    if name == "due_date":
        return value.strftime("%a %-d %b %Y") if value else "No date"
    if name == "tag_names":
        return ", ".join(f"#{tag}" for tag in value) if value else "No tags"
    return value or "(empty)"
