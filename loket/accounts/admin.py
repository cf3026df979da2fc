"""Accounts in the admin. Search is by name or email only: an admin search puts its terms in
the URL, and a NIK never goes in a URL."""

from django.contrib import admin
from django.http import HttpRequest

from loket.accounts.models import Person, User


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
    list_display = ["email", "full_name", "phone", "is_verified", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    exclude = ["password", "user_permissions"]
    readonly_fields = ["last_login", "date_joined", "email_verified_at"]
    filter_horizontal = ["groups"]
    inlines = [PersonInline]

    @admin.display(boolean=True, description=User._meta.get_field("email_verified_at").verbose_name)
    def is_verified(self, obj: User) -> bool:
        return obj.is_verified
