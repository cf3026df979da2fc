from django.contrib import admin

from loket.booking.models import Booking, Slot


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["office", "date", "start", "end", "booked", "capacity"]
    list_filter = ["office", "date"]
    readonly_fields = ["booked"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["code", "office", "slot", "person_name", "status", "created_at"]
    list_filter = ["status", "office"]
    search_fields = ["code"]
    readonly_fields = [f.name for f in Booking._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
