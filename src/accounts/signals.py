"""Django signals: login throttling records, and each user's profile, time zone and date format."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import dateformats, throttle, timezones
from .models import Profile


@receiver(user_login_failed, dispatch_uid="accounts-record-login-failure")
def record_login_failure(sender, credentials, request=None, **kwargs):
    # A refused (locked) attempt checked no password: recording it would extend the lock.
    if request is None or getattr(request, "login_locked_out", False):
        return
    if throttle.record_failure(request, credentials.get("username")):
        request.login_locked_out = True  # the attempt that reaches the limit gets the page


@receiver(user_logged_in, dispatch_uid="accounts-remember-login-device")
def remember_login_device(sender, request, user, **kwargs):
    if request is not None:
        request.login_succeeded_as = user.get_username()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="accounts-create-profile")
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(user_logged_in, dispatch_uid="accounts-use-time-zone")
def use_time_zone(sender, request, user, **kwargs):
    """At login (and sign-up) take the zone the browser reported, else the one on file."""
    if request is None or not hasattr(request, "session"):
        return
    reported = request.POST.get("timezone") if request.method == "POST" else None
    if timezones.is_valid(reported):
        timezones.set_for_user(request, user, reported)
    else:
        request.session[timezones.SESSION_KEY] = timezones.of_user(user)


@receiver(user_logged_in, dispatch_uid="accounts-use-date-format")
def use_date_format(sender, request, user, **kwargs):
    """At login (and sign-up) take the format on file, else the browser's language's."""
    if request is not None and hasattr(request, "session"):
        dateformats.remember_at_login(request, user)
