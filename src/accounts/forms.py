from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from . import timezones
from .models import DateFormat


def focus_first_error(form: forms.Form) -> None:
    """After a failed submit, autofocus the first invalid field instead of the first field."""
    if not form.errors:
        return
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
    first = next((name for name in form.fields if name in form.errors), None)
    if first is not None:
        form.fields[first].widget.attrs["autofocus"] = True


class SignupForm(UserCreationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Sign up"))

    def validate_password_for_user(self, user, **kwargs):
        # "Too short", "too common": they describe the password, so they go under the Password
        # field, not its confirmation. A mismatch is the confirmation's own error and checked
        # first; a person fixes that before the strength matters.
        if not self.has_error("password2"):
            super().validate_password_for_user(user, password_field_name="password1")  # noqa: S106

    def full_clean(self):
        super().full_clean()
        focus_first_error(self)


class LoginForm(AuthenticationForm):
    """Django's login form; after a failed login the page's alert takes the focus, not a field."""

    def full_clean(self):
        super().full_clean()
        if self.errors:
            self.fields["username"].widget.attrs.pop("autofocus", None)


class SettingsForm(forms.Form):
    timezone = forms.ChoiceField(
        label="Time zone",
        help_text='What "today" and "overdue" mean for your tasks, and how times are shown.',
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )

    # Not required: a form from before it existed (or another client) keeps the one on file.
    date_format = forms.ChoiceField(
        label="Dates",
        choices=DateFormat.choices,
        required=False,
        help_text="How quick add reads a date written in numbers, like 12/24 or 24.12.",
        error_messages={"invalid_choice": "Choose how dates are written from the list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezones.choices()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", "Save settings"))
