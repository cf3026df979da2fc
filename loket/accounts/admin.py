"""Accounts in the admin. Search is by name or email only: an admin search puts its terms in
the URL, and a NIK never goes in a URL."""

from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from loket.accounts.models import Person, StaffRole, User
from loket.accounts.staff_auth import may_sign_in_as_staff, staff_enrolment_open
from loket.core.ratelimit import client_ip


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["relation", "full_name", "nik", "birth_date", "sex", "nik_flags"]
    readonly_fields = ["nik", "nik_flags"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # people are added by their account holder, with the NIK checks


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "phone", "email_verified", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions"]
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]
    filter_horizontal = ["groups"]
    inlines = [PersonInline]
    actions = ["open_authenticator_enrolment"]

    @admin.action(description=gettext_lazy("Buka pendaftaran autentikator (yang lama tidak berlaku lagi)"))
    def open_authenticator_enrolment(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        by = request.user
        assert isinstance(by, User)
        staff = [user for user in queryset if may_sign_in_as_staff(user)]
        for user in staff:
            staff_enrolment_open(user=user, by=by, ip=client_ip(request))
        self.message_user(
            request,
            gettext("Pendaftaran autentikator dibuka untuk %(n)d akun petugas; berlaku %(h)d jam.")
            % {"n": len(staff), "h": settings.LOKET_STAFF_ENROL_HOURS},
        )

    @admin.display(boolean=True, description=User._meta.get_field("email_verified_at").verbose_name)
    def email_verified(self, obj: User) -> bool:
        return obj.has_verified_email


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "office", "created_at"]
    list_filter = ["role", "office"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]
