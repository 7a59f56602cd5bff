from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tasks.http import HtmxRequest

from .forms import SignupForm

UNPROCESSABLE = 422  # a form with errors, re-rendered in place


@require_http_methods(["GET", "POST"])
def signup(request: HtmxRequest):
    if request.user.is_authenticated:
        return redirect("tasks:board")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Welcome! Your account is ready.")
            return redirect("tasks:board")
        return render(request, "registration/signup.html", {"form": form}, status=UNPROCESSABLE)
    return render(request, "registration/signup.html", {"form": form})
