from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin with a site that asks for the staff second factor (see admin_site.py)."""

    default_site = "loket.accounts.admin_site.StaffAdminSite"
