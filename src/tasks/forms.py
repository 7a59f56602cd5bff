from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from .models import Priority, Status, Task


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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

    def __init__(self, *args, submit_label: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
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
    """The row's inline editor: everything but the description, which it leaves untouched."""

    class Meta(TaskForm.Meta):
        fields = ["title", "priority", "status", "due_date"]

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        # Ids unique per row, so labels and error links never collide with another row's.
        kwargs.setdefault("auto_id", f"task-{instance.pk}-%s" if instance else "id_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )


class VersionForm(forms.Form):
    """The version a form was opened on; a save over a newer one is a conflict."""

    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)

