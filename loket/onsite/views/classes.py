"""The counter's page for the class of a visit: change it, or check a declared priority reason."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import StaffRoleKind
from loket.booking.models import PriorityReason, QuotaClass
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import officer_view
from loket.onsite.models import Ticket
from loket.onsite.services.classes import ticket_class_change, ticket_declaration_check
from loket.onsite.views.desk import client_ip, error_status, staff_user
from loket.payments.adjustments import adjustments_of
from loket.payments.selectors import payment_lines

ROLES = (StaffRoleKind.COUNTER, StaffRoleKind.SUPERVISOR)


@officer_view(*ROLES, action="ticket.class.open")
@require_http_methods(["GET", "POST"])
def ticket_class(request: HttpRequest, office: Office, ticket: int) -> HttpResponse:
    found = get_object_or_404(
        Ticket.objects.select_related("booking__person", "booking__payment", "booking__office", "booking__slot"),
        pk=ticket,
        office=office,
        day=office.local_today(),
    )
    status = 200
    if request.method == "POST":
        try:
            _act(request, found)
        except DomainError as error:
            messages.error(request, error.message)
            status = error_status(error)
        else:
            return redirect(request.path)
        found.refresh_from_db()
    booking = found.booking
    payment = getattr(booking, "payment", None) if booking else None
    context = {
        "office": office,
        "ticket": found,
        "booking": booking,
        "payment": payment,
        "bill_lines": payment_lines(payment) if payment else [],
        "adjustments": list(adjustments_of(payment)) if payment else [],
        "classes": QuotaClass.choices,
        "reasons": PriorityReason.choices,
    }
    return render(request, "onsite/ticket_class.html", context, status=status)


def _act(request: HttpRequest, ticket: Ticket) -> None:
    by, ip, note = staff_user(request), client_ip(request), request.POST.get("note", "")[:200]
    if request.POST.get("action") == "declaration":
        correct = request.POST.get("correct")
        if correct not in ("yes", "no"):
            raise DomainError("required", _("Pilih apakah pernyataan itu benar."), field="correct")
        ticket_declaration_check(
            ticket=ticket, correct=correct == "yes", decision=request.POST.get("decision", ""), by=by, note=note, ip=ip
        )
        messages.success(request, _("Pemeriksaan pernyataan dicatat."))
        return
    quota_class = request.POST.get("quota_class", "")
    if quota_class not in QuotaClass.values:
        raise DomainError("invalid", _("Pilih kelas kuota."), field="quota_class")
    ticket_class_change(
        ticket=ticket,
        quota_class=quota_class,
        priority_reason=request.POST.get("priority_reason", "")[:12],
        by=by,
        note=note,
        ip=ip,
    )
    messages.success(request, _("Kelas diubah menjadi %(cls)s.") % {"cls": QuotaClass(quota_class).label})
