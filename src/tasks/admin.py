from django.contrib import admin

from .models import SavedView, Task


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
