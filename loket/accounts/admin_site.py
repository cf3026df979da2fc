"""The Django admin behind the staff second factor, and every look at a record audited.

django-otp's OTPAdminSite lets in only a session that passed a TOTP code
(`request.user.is_verified()`); its own login page is replaced by the staff login at
/petugas/masuk/, so there is one way in, with the enrolment of a first device.

The admin shows people's records in full (an applicant's NIK on his account page), so every
admin page of a model that was answered (a list, a record, its history, a deletion, an
autocomplete) is written to the audit log as `admin.view` (GET) or `admin.change` (POST),
with the model, the record's id ("*" for a list), the client address and, for a record with
an office, that office: who looked at whom is kept, as on the staff pages.
"""

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from loket.accounts.models import User
from loket.audit.services import audit_record, request_ip
from loket.offices.models import Office

# The admin's views of one model, by the end of their URL name (ModelAdmin.get_urls).
_MODEL_VIEWS = ("_changelist", "_add", "_change", "_delete", "_history")


class StaffAdminSite(OTPAdminSite):
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(target, login_url="onsite:login")

    def admin_view(self, view: Callable[..., HttpResponseBase], cacheable: bool = False) -> Any:
        guarded = super().admin_view(view, cacheable)

        def audited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = guarded(request, *args, **kwargs)
            if response.status_code < 400 and self.has_permission(request):
                _audit_admin_view(request, kwargs.get("object_id"), self._registry)
            return response

        return update_wrapper(audited, guarded)


def _audit_admin_view(request: HttpRequest, object_id: str | None, registry: dict[type[Model], Any]) -> None:
    match = request.resolver_match
    name = match.url_name if match else None
    user = request.user
    if not isinstance(user, User):
        return
    if name == "autocomplete":
        target_type = f"{request.GET.get('app_label', '')}.{request.GET.get('model_name', '')}"
    elif name and name.endswith(_MODEL_VIEWS):
        model = _model_of(name, registry)
        if model is None:
            return
        target_type = f"{model._meta.app_label}.{model._meta.model_name}"
    else:
        return  # the index, an app's index, the password change: no one's record
    audit_record(
        actor=user,
        action="admin.change" if request.method == "POST" else "admin.view",
        office=_office_of(target_type, object_id),
        target_type=target_type[:30],
        target_id=(object_id or "*")[:40],
        ip=request_ip(request),
    )


def _model_of(url_name: str, registry: dict[type[Model], Any]) -> type[Model] | None:
    """The model of an admin URL name such as "booking_booking_change"."""
    for model in registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if url_name.startswith(prefix) and url_name[len(prefix) - 1 :] in _MODEL_VIEWS:
            return model
    return None


def _office_of(target_type: str, object_id: str | None) -> Office | None:
    """The office of one record with an `office` field (a booking, a counter...), else None."""
    if not object_id:
        return None
    try:
        model = apps.get_model(target_type)
        field = model._meta.get_field("office")
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    if getattr(field, "related_model", None) is not Office:
        return None
    try:
        return Office.objects.filter(pk__in=model._default_manager.filter(pk=object_id).values("office_id")).first()
    except (ValueError, ValidationError):
        return None  # not an id of this model: the admin answered "not found"
