"""The Django admin behind the staff second factor.

django-otp's OTPAdminSite lets in only a session that passed a TOTP code
(`request.user.is_verified()`); its own login page is replaced by the staff login at
/petugas/masuk/, so there is one way in, with the enrolment of a first device.
"""

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url="onsite:login")
