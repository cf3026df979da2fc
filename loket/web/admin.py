from django.contrib import admin

from loket.web.models import ServiceNotice


@admin.register(ServiceNotice)
class ServiceNoticeAdmin(admin.ModelAdmin):
    list_display = ["text_id", "office", "starts_at", "ends_at"]
    list_filter = ["office"]
    date_hierarchy = "starts_at"
