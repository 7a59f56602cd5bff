from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# Unnamespaced, so Django's own auth views and templates find "login", "password_change", ...
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("password_change/", views.password_change, name="password_change"),
    path("", include("django.contrib.auth.urls")),
]
