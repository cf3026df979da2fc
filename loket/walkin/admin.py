"""Read-only views of walk-in pools, outages and day closes: they change only through the staff pages
(outage mode publishes and ends its notice, seats are counted in seats.py)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from loket.booking.models import WalkinDay
from loket.offices.models import Outage
from loket.walkin.models import DayClose


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WalkinDay)
class WalkinDayAdmin(ReadOnly):
    list_display = ["office", "date", "percent", "capacity", "used"]
    list_filter = ["office"]


@admin.register(Outage)
class OutageAdmin(ReadOnly):
    list_display = ["scope", "reason", "started_at", "started_by", "ended_at", "ended_by"]


@admin.register(DayClose)
class DayCloseAdmin(ReadOnly):
    list_display = ["office", "date", "closed_at", "closed_by", "no_shows", "expired", "tickets_closed"]
    list_filter = ["office"]
