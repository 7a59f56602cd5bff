"""Login throttling's record keeping, from Django's own login signals."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import throttle


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
