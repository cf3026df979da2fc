"""Releases in the admin: the offices' release rules (changed only through the audited service),
and the waiting rooms with their entries (read only: the worker and the staff page change them).

Entries show the account and the public reference, never the ticket or the pass id: those are
bearer secrets of their owner (the waiting page, the booking).
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from loket.accounts.models import User
from loket.accounts.roles import is_national_admin
from loket.audit.services import request_ip
from loket.release.models import Entry, ReleaseRule, Room
from loket.release.services import HORIZON_MAX, release_rule_set


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ReleaseRuleForm(forms.ModelForm):
    horizon_days = forms.IntegerField(label=_("Hari ke depan"), min_value=1, max_value=HORIZON_MAX)

    class Meta:
        model = ReleaseRule
        fields = ["release_time", "horizon_days"]


@admin.register(ReleaseRule)
class ReleaseRuleAdmin(admin.ModelAdmin):
    """Only the national administrator (or a superuser) changes a rule, as on the staff page."""

    form = ReleaseRuleForm
    list_display = ["code", "name", "release_time", "horizon_days", "opened_through"]
    search_fields = ["code", "name", "city"]
    readonly_fields = ["code", "name", "opened_through"]
    fields = ["code", "name", "release_time", "horizon_days", "opened_through"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # offices are added in the Office admin

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        user = request.user
        return isinstance(user, User) and (user.is_superuser or is_national_admin(user))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_change_permission(request, obj) or super().has_view_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ReleaseRule, form: Any, change: bool) -> None:
        # Through the service: the audit log's release.rule (before/after), the office cache.
        assert isinstance(request.user, User)
        release_rule_set(
            by=request.user,
            office=obj,
            release_time=form.cleaned_data["release_time"],
            horizon_days=form.cleaned_data["horizon_days"],
            ip=request_ip(request),
        )


@admin.register(Room)
class RoomAdmin(ReadOnly):
    list_display = ["office", "date", "state", "opens_at", "shuffled_at", "closed_at", "people", "draw"]
    list_filter = ["state", "office"]
    date_hierarchy = "date"
    exclude = ["seed"]  # published on the draw page once the release is over
    readonly_fields = ["office", "date", "opens_at", "join_from", "state", "shuffled_at", "closed_at", "draw"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Room]:
        return super().get_queryset(request).select_related("office").annotate(people=Count("entries"))

    @admin.display(description=_("orang"), ordering="people")
    def people(self, room: Room) -> int:
        return getattr(room, "people", 0)

    @admin.display(description=_("hasil undian"))
    def draw(self, room: Room) -> str:
        url = reverse("web:release_draw", args=[room.office.code, room.date.isoformat()])
        return format_html('<a href="{}">{}</a>', url, _("halaman publik"))


@admin.register(Entry)
class EntryAdmin(ReadOnly):
    list_display = ["room", "ref", "rank", "account", "joined_at", "admitted_at", "pass_expires_at", "client_ip"]
    list_filter = ["room__office", "room__date"]
    search_fields = ["ref"]
    readonly_fields = ["room", "ref", "rank", "account", "joined_at", "client_ip", "admitted_at", "pass_expires_at"]
    fields = tuple(readonly_fields)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Entry]:
        return super().get_queryset(request).select_related("room", "room__office", "account")
