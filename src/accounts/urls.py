from django.contrib.auth import views as auth_views
from django.urls import path

from . import forms, views

# Unnamespaced, so Django's own auth views and templates find "login", "password_change", ...
#
# No password reset by email: sign-up asks for no email address, so a reset link would have
# nowhere to go (Django's reset view answers "sent" and sends nothing). A forgotten password is
# reset by an administrator (`manage.py changepassword <name>`); docs/deploy.md says so. Add an
# email field and these routes together, with EMAIL_* settings, if self-service reset is wanted.
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=forms.LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("settings/", views.account_settings, name="account_settings"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", views.password_change, name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
