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
    path("search/syntax/", views.search_syntax, name="search_help"),
    path("views/", views.saved_views, name="saved_views"),
    path("views/new/", views.saved_view_create, name="saved_view_create"),
    path("views/<int:pk>/rename/", views.saved_view_rename, name="saved_view_rename"),
    path("views/<int:pk>/move/", views.saved_view_move, name="saved_view_move"),
    path("views/<int:pk>/delete/", views.saved_view_delete, name="saved_view_delete"),
    path("task/parse/", views.task_parse, name="parse"),
    path(
        "task/<int:pk>/completions/<int:completion_id>/undo/",
        views.completion_undo,
        name="completion_undo",
    ),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/archive/", views.project_archive, name="project_archive"),
    path("projects/<int:pk>/move/", views.project_move, name="project_move"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project_delete"),
    path("projects/<int:pk>/restore/", views.project_restore, name="project_restore"),
    path("task/<int:pk>/move/", views.task_move, name="move"),
    path("task/<int:pk>/project/", views.task_set_project, name="set_project"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/suggest/", views.tag_suggest, name="tag_suggest"),
    path("tags/<int:pk>/rename/", views.tag_rename, name="tag_rename"),
    path("tags/<int:pk>/merge/", views.tag_merge, name="tag_merge"),
    path("tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
]
