"""The live supervisor dashboard: one office (its supervisors), every office (the national administrator).

Each page renders its live part itself and works by reloading; live.js polls the part's
URL every 1.5 seconds with If-None-Match, and a 304 costs the fingerprint's queries only.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from loket.accounts.models import StaffRoleKind
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import national_view, officer_view
from loket.onsite.live import live_fingerprint, national_fingerprint
from loket.onsite.services.calls import ticket_no_show_undo
from loket.onsite.views.desk import client_ip, error_status, id_param, staff_user
from loket.onsite.views.live import live_response
from loket.reports.dashboard import national_now, office_now

SUPERVISOR = StaffRoleKind.SUPERVISOR


def _office_context(office: Office) -> dict[str, object]:
    return {"office": office, "dash": office_now(office)}


@officer_view(SUPERVISOR, action="dashboard.read")
@require_GET
def office_dashboard(request: HttpRequest, office: Office) -> HttpResponse:
    context = {**_office_context(office), "live_etag": live_fingerprint(office, "dashboard")}
    return render(request, "reports/dashboard.html", context)


@officer_view(SUPERVISOR, action="dashboard.read")
@require_GET
def office_dashboard_live(request: HttpRequest, office: Office) -> HttpResponse:
    return live_response(
        request,
        live_fingerprint(office, "dashboard"),
        lambda: render(request, "reports/live/dashboard.html", _office_context(office)),
    )


@officer_view(SUPERVISOR, action="ticket.no_show_undo")
def no_show_undo(request: HttpRequest, office: Office) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    ticket_id = id_param(request.POST.get("ticket", "")[:20])
    try:
        if ticket_id is None:
            raise DomainError("invalid", _("Pilih tiket yang tidak hadir."), field="ticket", status=400)
        ticket = ticket_no_show_undo(office=office, ticket_id=ticket_id, by=staff_user(request), ip=client_ip(request))
    except DomainError as error:
        messages.error(request, error.message)
        context = {**_office_context(office), "live_etag": live_fingerprint(office, "dashboard")}
        return render(request, "reports/dashboard.html", context, status=error_status(error))
    messages.success(request, _("Tidak hadir %(t)s dibatalkan; tiket menunggu lagi.") % {"t": ticket.display})
    return redirect("onsite:dashboard", office.code)


def _national_context() -> dict[str, object]:
    return {"lines": national_now()}


@national_view(action="dashboard.read", target_type="dashboard")
@require_GET
def national_dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request, "reports/dashboard_national.html", {**_national_context(), "live_etag": national_fingerprint()}
    )


@national_view(action="dashboard.read", target_type="dashboard")
@require_GET
def national_dashboard_live(request: HttpRequest) -> HttpResponse:
    return live_response(
        request,
        national_fingerprint(),
        lambda: render(request, "reports/live/dashboard_national.html", _national_context()),
    )
