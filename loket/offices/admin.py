from django.contrib import admin
from django.http import HttpRequest

from loket.offices.models import ArrivalWindow, Closure, Office, ServiceNotice


class ArrivalWindowInline(admin.TabularInline):
    model = ArrivalWindow
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "timezone", "online_booking", "horizon_days"]
    list_filter = ["online_booking", "timezone", "kind", "province"]
    search_fields = ["code", "name", "city", "province"]
    inlines = [ArrivalWindowInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Office | None = None) -> list[str]:
        # The release rule of an existing office changes only through its staff page
        # (/petugas/<office>/rilis/), which writes the change to the audit log.
        return ["release_time", "horizon_days", "opened_through"] if obj is not None else ["opened_through"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["date", "office", "reason", "created_by"]
    list_filter = ["office"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Closure, form: object, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ServiceNotice)
class ServiceNoticeAdmin(admin.ModelAdmin):
    list_display = ["text_id", "office", "starts_at", "ends_at"]
    list_filter = ["office"]
    date_hierarchy = "starts_at"
