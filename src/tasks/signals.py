"""Every user has an Inbox from the start: the sidebar and the forms can rely on it."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Project


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tasks-create-inbox")
def create_inbox(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Project.inbox_for(instance)
