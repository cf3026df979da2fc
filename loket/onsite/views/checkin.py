"""The check-in desk: scan or type the booking, see the person and the flags, issue the ticket."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from loket.accounts.models import StaffRoleKind
from loket.core.errors import DomainError
from loket.core.headers import camera_allowed
from loket.offices.models import Office
from loket.onsite.access import officer_view, roles_at
from loket.onsite.live import live_fingerprint
from loket.onsite.lookup import CheckinCase, booking_at_office, checkin_case
from loket.onsite.models import LateDecision, LateDecisionStatus, Priority, Stage, Ticket
from loket.onsite.policy import queue_policy_for
from loket.onsite.queue import new_ticket_estimate, ticket_estimate, waiting_tickets
from loket.onsite.services.checkin import (
    checkin_issue,
    checkin_view_record,
    late_decision_ask,
    late_decision_decide,
)
from loket.onsite.views.desk import client_ip, error_status, id_param, staff_user
from loket.onsite.views.live import live_response

DESK_ROLES = (StaffRoleKind.CHECKIN, StaffRoleKind.SUPERVISOR)


def _page(
    request: HttpRequest,
    office: Office,
    *,
    case: CheckinCase | None = None,
    error: DomainError | None = None,
    code: str = "",
    status: int = 200,
) -> HttpResponse:
    issued = None
    ticket_id = id_param(request.GET.get("tiket", ""))
    if ticket_id:
        ticket = Ticket.objects.filter(pk=ticket_id, office=office).first()
        issued = ticket_estimate(ticket) if ticket else None
    context = {
        "office": office,
        "case": case,
        "error": error,
        "code": code,
        "issued": issued,
        "priorities": Priority.choices,
        "live_etag": live_fingerprint(office),
        **_live_context(request, office),
    }
    return render(request, "onsite/checkin.html", context, status=status)


def _live_context(request: HttpRequest, office: Office) -> dict[str, object]:
    """The desk's live part: the queue now, late arrivals waiting for a supervisor, today's last tickets."""
    user = staff_user(request)
    return {
        "office": office,
        "is_supervisor": StaffRoleKind.SUPERVISOR in roles_at(user, office),
        "pending": LateDecision.objects.filter(office=office, status=LateDecisionStatus.PENDING).select_related(
            "booking"
        ),
        "waiting_now": waiting_tickets(office, [Stage.VERIFICATION]).count(),
        "wait_estimate": new_ticket_estimate(office, Stage.VERIFICATION),
        "recent": Ticket.objects.filter(office=office, day=office.local_today()).order_by("-arrived_at", "-pk")[:8],
    }


@officer_view(*DESK_ROLES, action="checkin.open")
def checkin_live(request: HttpRequest, office: Office) -> HttpResponse:
    """The desk's live part, polled by live.js (304 while nothing changed)."""
    return live_response(
        request,
        live_fingerprint(office),
        lambda: render(request, "onsite/live/checkin.html", _live_context(request, office)),
    )


def _case(request: HttpRequest, office: Office, raw: str) -> CheckinCase:
    booking = booking_at_office(
        office=office, raw=raw, user=staff_user(request), ip=client_ip(request), action="checkin"
    )
    return checkin_case(booking)


@camera_allowed  # scan.js reads the QR code with the device camera
@officer_view(*DESK_ROLES, action="checkin.open")
def checkin(request: HttpRequest, office: Office) -> HttpResponse:
    if request.method != "POST":
        return _page(request, office)
    raw = request.POST.get("code", "")[:200]
    action = request.POST.get("action", "lookup")
    user = staff_user(request)
    case = None
    try:
        case = _case(request, office, raw)
        if action == "lookup":
            checkin_view_record(case=case, by=user, ip=client_ip(request))
            return _page(request, office, case=case, code=case.booking.code)
        ktp = request.POST.get("ktp") == "on"
        priority = request.POST.get("priority", "")[:20]
        if action == "issue":
            ticket = checkin_issue(
                case=case,
                by=user,
                ktp_confirmed=ktp,
                priority=priority,
                ip=client_ip(request),
                notify=request.POST.get("notify", "")[:20],
            )
            messages.success(request, _("Tiket %(ticket)s diterbitkan.") % {"ticket": ticket.display})
            return redirect(f"{reverse('onsite:checkin', args=[office.code])}?tiket={ticket.pk}")
        if action in ("late_ask", "late_approve"):
            decision = late_decision_ask(
                case=case, by=user, ktp_confirmed=ktp, priority=priority, ip=client_ip(request)
            )
            if action == "late_ask":
                messages.info(request, _("Keputusan supervisor diminta untuk %(code)s.") % {"code": case.booking.code})
                return redirect("onsite:checkin", office.code)
            return _decide(request, office, decision.pk, approve=True)
        raise DomainError("invalid", _("Tindakan tidak dikenal."), field="action", status=400)
    except DomainError as error:
        return _page(request, office, case=case, error=error, code=raw.strip()[:40], status=error_status(error))


def _decide(request: HttpRequest, office: Office, decision_id: int, *, approve: bool) -> HttpResponse:
    _decision, ticket = late_decision_decide(
        office=office, decision_id=decision_id, by=staff_user(request), approve=approve, ip=client_ip(request)
    )
    if ticket is None:
        messages.info(request, _("Keterlambatan ditolak; pemohon perlu memesan jadwal baru."))
        return redirect("onsite:checkin", office.code)
    messages.success(request, _("Keterlambatan disetujui. Tiket %(ticket)s diterbitkan.") % {"ticket": ticket.display})
    return redirect(f"{reverse('onsite:checkin', args=[office.code])}?tiket={ticket.pk}")


@officer_view(StaffRoleKind.SUPERVISOR, action="checkin.decide")
def decide(request: HttpRequest, office: Office, decision: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("onsite:checkin", office.code)
    try:
        return _decide(request, office, decision, approve=request.POST.get("approve") == "1")
    except DomainError as error:
        return _page(request, office, error=error, status=error_status(error))


@officer_view(*DESK_ROLES, StaffRoleKind.COUNTER, action="ticket.slip")
def slip(request: HttpRequest, office: Office, ticket: int) -> HttpResponse:
    """The ticket slip for a 58 or 80 mm thermal printer (?lebar=58|80, else the office's setting)."""
    found = get_object_or_404(Ticket, pk=ticket, office=office)
    width = request.GET.get("lebar", "")
    policy_width = queue_policy_for(office).slip_width_mm
    context = {
        "office": office,
        "ticket": found,
        "estimate": ticket_estimate(found),
        "width": int(width) if width in ("58", "80") else policy_width,
        "autoprint": request.GET.get("cetak") == "1",
    }
    return render(request, "onsite/slip.html", context)
