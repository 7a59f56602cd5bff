from django.contrib import admin

from .models import Task


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
