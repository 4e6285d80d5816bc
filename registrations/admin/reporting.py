"""The export log, read-only: who took which data, when, with which filters."""

from django.contrib import admin

from registrations.models import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "event", "via", "filters"]
    list_filter = ["kind", "via", "event"]
    list_select_related = ["user", "event"]
    search_fields = ["user__username", "filters"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
