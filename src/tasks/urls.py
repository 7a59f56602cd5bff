from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.board, name="board"),
    path("inbox/", views.board, {"scope": "inbox"}, name="inbox"),
    path("today/", views.board, {"scope": "today"}, name="today"),
    path("upcoming/", views.board, {"scope": "upcoming"}, name="upcoming"),
    path("projects/<int:pk>/", views.board, {"scope": "project"}, name="project"),
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
    path("tags/", views.tag_list, name="tags"),
    path("tags/suggest/", views.tag_suggest, name="tag_suggest"),
    path("tags/<int:pk>/rename/", views.tag_rename, name="tag_rename"),
    path("tags/<int:pk>/merge/", views.tag_merge, name="tag_merge"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
]
