from django.contrib import admin
from django.db.models import Count

from .models import Project, SavedView, Tag, Task


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "status", "priority", "due_date", "created_at", "deleted_at"]
    list_filter = ["status", "priority", "due_date", "created_at", "deleted_at"]
    search_fields = ["title", "description", "user__username"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "updated_at", "completed_at", "deleted_at", "version"]

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL rejects NUL in text parameters (a 500); no stored text can contain one.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def changelist_view(self, request, extra_context=None):
        # Filter values reach SQL as text parameters too (status__exact=%00 was a 500 on
        # PostgreSQL): drop NUL from every query value, as the search term above.
        if any("\x00" in value for _, values in request.GET.lists() for value in values):
            cleaned = request.GET.copy()
            for key, values in request.GET.lists():
                cleaned.setlist(key, [value.replace("\x00", "") for value in values])
            request.GET = cleaned
        return super().changelist_view(request, extra_context)


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "url", "position", "created_at"]
    search_fields = ["name", "url", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at", "version"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "colour", "open_tasks", "archived", "is_inbox", "deleted_at"]
    list_filter = ["archived", "is_inbox", "colour"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["is_inbox", "created_at", "deleted_at", "version"]

    def get_queryset(self, request):
        # Open counts from the trigger-kept counters, in the list's own query (no N+1).
        return super().get_queryset(request).with_open_counts()

    @admin.display(description="Open tasks", ordering="open_tasks")
    def open_tasks(self, project: Project) -> int:
        return project.open_tasks


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Tags, searchable by name or owner, each with its task count: an annotation on the
    changelist's one query (no query per row)."""

    list_display = ["name", "user", "task_count", "created_at"]
    search_fields = ["name", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_task_count=Count("tasks", distinct=True))

    @admin.display(description="Tasks", ordering="_task_count")
    def task_count(self, tag) -> int:
        return tag._task_count

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))
