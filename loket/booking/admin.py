from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from loket.accounts.models import User
from loket.audit.services import audit_record, request_ip
from loket.booking.models import Booking, ClassDay, ClassQuota, Slot


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["office", "date", "start", "end", "booked", "capacity"]
    list_filter = ["office", "date"]
    readonly_fields = ["booked"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["code", "office", "slot", "person_name", "quota_class", "status", "created_at"]
    list_filter = ["status", "quota_class", "office"]
    search_fields = ["code"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ClassQuota)
class ClassQuotaAdmin(admin.ModelAdmin):
    """Priority and express places per office and weekday; every change goes to the audit log too."""

    list_display = ["office", "quota_class", "weekday", "capacity", "bookable_online"]
    list_filter = ["quota_class", "bookable_online", "office"]
    ordering = ["office", "quota_class", "weekday"]

    def save_model(self, request: HttpRequest, obj: ClassQuota, form: Any, change: bool) -> None:
        before = {}
        if change:
            old = ClassQuota.objects.filter(pk=obj.pk).first()
            before = _quota_fields(old) if old else {}
        super().save_model(request, obj, form, change)
        _audit(request, obj, "admin.class_quota_change" if change else "admin.class_quota_add", before, obj)

    def delete_model(self, request: HttpRequest, obj: ClassQuota) -> None:
        _audit(request, obj, "admin.class_quota_delete", _quota_fields(obj), None)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClassQuota]) -> None:
        for obj in queryset:
            _audit(request, obj, "admin.class_quota_delete", _quota_fields(obj), None)
        super().delete_queryset(request, queryset)


def _quota_fields(quota: ClassQuota) -> dict[str, Any]:
    return {
        "quota_class": quota.quota_class,
        "weekday": quota.weekday,
        "capacity": quota.capacity,
        "bookable_online": quota.bookable_online,
    }


def _audit(
    request: HttpRequest, quota: ClassQuota, action: str, before: dict[str, Any], after: ClassQuota | None
) -> None:
    assert isinstance(request.user, User)
    audit_record(
        actor=request.user,
        action=action,
        office=quota.office,
        target_type="class_quota",
        target_id=quota.pk or "",
        before=before,
        after=_quota_fields(after) if after else {},
        ip=request_ip(request),
    )


@admin.register(ClassDay)
class ClassDayAdmin(admin.ModelAdmin):
    list_display = ["office", "quota_class", "date", "used", "capacity"]
    list_filter = ["quota_class", "office"]
    date_hierarchy = "date"
    readonly_fields = ["used"]
