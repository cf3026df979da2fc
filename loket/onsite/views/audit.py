"""The audit log pages: a supervisor reads his office's entries, the national administrator everyone's.

Read-only by design: there is no view that edits or deletes an entry (and the table refuses it).
"""

import json
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from loket.accounts.models import StaffRoleKind
from loket.core.dates import BoundedDateField
from loket.core.forms import DATE
from loket.offices.models import Office
from loket.onsite.access import national_view, officer_view
from loket.onsite.audit_log import audit_actions, audit_entries

PAGE_SIZE = 50


class AuditFilter(forms.Form):
    day_from = BoundedDateField(label=_("Dari tanggal"), required=False, widget=DATE)
    day_to = BoundedDateField(label=_("Sampai tanggal"), required=False, widget=DATE)
    action = forms.ChoiceField(label=_("Tindakan"), required=False)

    def __init__(self, *args: object, actions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", _("Semua")), *((a, a) for a in actions)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("day_from"), data.get("day_to")
        if start and end and end < start:
            self.add_error("day_to", _("Tanggal akhir sebelum tanggal awal."))
        return data


@officer_view(StaffRoleKind.SUPERVISOR, action="audit.read")
@require_GET
def office_log(request: HttpRequest, office: Office) -> HttpResponse:
    return _log_page(request, office=office, zone=office.zone)


@national_view(action="audit.read", target_type="audit")
@require_GET
def national_log(request: HttpRequest) -> HttpResponse:
    return _log_page(request, office=None, zone=ZoneInfo(settings.TIME_ZONE))


def _log_page(request: HttpRequest, *, office: Office | None, zone: ZoneInfo) -> HttpResponse:
    form = AuditFilter(request.GET or None, actions=audit_actions(office=office))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_entries(
        office=office,
        zone=zone,
        day_from=filters.get("day_from"),
        day_to=filters.get("day_to"),
        action=filters.get("action", ""),
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"entry": e, "at": e.at.astimezone(zone), "before": _compact(e.before), "after": _compact(e.after)}
        for e in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"office": office, "form": form, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "onsite/audit.html", context)


def _compact(values: object) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else ""
