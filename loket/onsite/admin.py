from django.contrib import admin

from loket.onsite.models import Counter, QueuePolicy


@admin.register(QueuePolicy)
class QueuePolicyAdmin(admin.ModelAdmin):
    list_display = ["office", "checkin_early_minutes", "late_after_minutes"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["office", "number", "stages", "active"]
    list_filter = ["office"]
