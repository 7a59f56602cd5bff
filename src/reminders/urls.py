from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("task/<int:pk>/reminders/", views.task_reminders, name="task"),
    path("reminders/<int:reminder_id>/delete/", views.reminder_delete, name="delete"),
    path("reminders/settings/", views.reminder_settings, name="settings"),
    path(
        "reminders/settings/confirm-email/",
        views.confirm_email_again,
        name="confirm_email_again",
    ),
    path("reminders/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="read"),
    path("notifications/read-all/", views.notifications_read_all, name="read_all"),
]
