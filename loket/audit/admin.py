"""The audit log in the admin: readable by whoever may view it, editable by nobody."""

from django.contrib import admin
from django.http import HttpRequest

from loket.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "office", "target_type", "target_id", "allowed", "ip"]
    list_filter = ["action", "allowed", "office"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
