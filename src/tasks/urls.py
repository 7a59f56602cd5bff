from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.board, name="board"),
    path("task/new/", views.task_create, name="create"),
    path("task/<int:pk>/", views.task_detail, name="detail"),
    path("task/<int:pk>/edit/", views.task_edit, name="edit"),
    path("task/<int:pk>/toggle/", views.task_toggle, name="toggle"),
    path("task/<int:pk>/delete/", views.task_delete, name="delete"),
    path("task/<int:pk>/restore/", views.task_restore, name="restore"),
    path("trash/", views.trash, name="trash"),
    path("trash/undo/", views.trash_undo, name="undo_last"),
    path("trash/<int:pk>/restore/", views.trash_restore, name="trash_restore"),
    path("trash/<int:pk>/delete/", views.trash_purge, name="trash_purge"),
    path("tasks/bulk/", views.bulk_action, name="bulk"),
    path("tasks/bulk/matching/", views.bulk_matching, name="bulk_matching"),
    path("tasks/bulk/projects/", views.bulk_projects, name="bulk_projects"),
    path("tasks/bulk/<int:batch>/undo/", views.bulk_undo, name="bulk_undo"),
]
