from django import forms
from django.contrib.auth import get_user_model

from tasks import dates

from .models import PRESETS, Kind, Reminder, ReminderSettings

CUSTOM = "custom"
WHEN_CHOICES = [(CUSTOM, "At a date and time")] + [(str(m), label) for m, label in PRESETS.items()]


class ReminderForm(forms.Form):
    when = forms.ChoiceField(label="Remind me", choices=WHEN_CHOICES, initial="60")
    remind_at = forms.DateTimeField(
        label="Date and time",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[dates.validate_day],
        help_text="Used with \u201cAt a date and time\u201d; in your time zone.",
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task

    def clean(self):
        data = super().clean()
        when = data.get("when")
        if when == CUSTOM:
            if not data.get("remind_at"):
                self.add_error("remind_at", "Choose the date and time to be reminded at.")
        elif when and self.task.due_date is None:
            self.add_error("when", "This task has no due date: choose a date and time instead.")
        return data

    def reminder(self, user) -> Reminder:
        data = self.cleaned_data
        if data["when"] == CUSTOM:
            # The form's datetime is aware in the active (the person's) zone.
            return Reminder(task=self.task, user=user, kind=Kind.AT, remind_at=data["remind_at"])
        return Reminder(
            task=self.task, user=user, kind=Kind.BEFORE, offset_minutes=int(data["when"])
        )


class ReminderSettingsForm(forms.ModelForm):
    email = forms.EmailField(
        label="Email address",
        required=False,
        help_text="Reminders and the digest are emailed here. Leave empty for in-app only.",
    )
    default_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    late_limit_hours = forms.IntegerField(
        label="Skip reminders more than this many hours late", min_value=1, max_value=24 * 30
    )
    digest_hour = forms.IntegerField(label="Digest at hour (0\u201323)", min_value=0, max_value=23)

    class Meta:
        model = ReminderSettings
        fields = ["default_reminder", "default_time", "late_limit_hours", "digest", "digest_hour"]

    def save_for(self, user) -> None:
        """Write under a row lock on the person's settings row (made if missing)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        ReminderSettings.objects.get_or_create(user=user)
        locked = ReminderSettings.objects.select_for_update().get(user=user)
        for name, value in data.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
        get_user_model().objects.filter(pk=user.pk).update(email=self.cleaned_data["email"])
