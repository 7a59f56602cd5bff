from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tasks.http import HtmxRequest

from . import backends, dateformats, throttle, timezones
from .forms import SettingsForm, SignupForm

UNPROCESSABLE = 422  # a form with errors, re-rendered in place


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HtmxRequest):
    if request.user.is_authenticated:
        return redirect("tasks:board")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend=backends.PATH)
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("tasks:board")
        return render(request, "registration/signup.html", {"form": form}, status=UNPROCESSABLE)
    return render(request, "registration/signup.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change, with guesses at the current password throttled like logins.

    Otherwise anyone holding a logged-in session (a borrowed laptop) could guess the password
    here without limit, then change it or reuse it elsewhere.
    """

    def post(self, request, *args, **kwargs):
        if throttle.is_locked(request, request.user.get_username()):
            return throttle.lockout_response(request)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        wrong = form.has_error("old_password", "password_incorrect")
        if wrong and throttle.record_failure(self.request, self.request.user.get_username()):
            return throttle.lockout_response(self.request)
        return super().form_invalid(form)


password_change = PasswordChangeView.as_view()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request: HtmxRequest):
    if request.method != "POST":
        initial = {
            "timezone": timezones.of_user(request.user),
            "date_format": dateformats.of_request(request),
        }
        form = SettingsForm(initial=initial)
        return render(request, "registration/settings.html", {"form": form})
    form = SettingsForm(request.POST)
    if not form.is_valid():
        return render(request, "registration/settings.html", {"form": form}, status=UNPROCESSABLE)
    timezones.set_for_user(request, request.user, form.cleaned_data["timezone"])
    if form.cleaned_data["date_format"]:
        dateformats.set_for_user(request, request.user, form.cleaned_data["date_format"])
    messages.success(request, "Settings saved")
    return redirect("account_settings")
