"""An email backend whose SMTP server refuses the connection (test_reminder_delivery.py)."""

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server down (test)")
