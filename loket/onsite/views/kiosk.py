"""The self-service kiosk: a device logged in by a check-in officer, where a booked person scans
the QR (or types the code) and gets a ticket; anything unusual sends them to the desk."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from loket.accounts.models import StaffRoleKind
from loket.core.errors import DomainError
from loket.core.headers import camera_allowed
from loket.offices.models import Office
from loket.onsite.access import officer_view
from loket.onsite.kiosk_lock import kiosk_lock, kiosk_locked_office, kiosk_may_show, kiosk_remember
from loket.onsite.lookup import booking_at_office, checkin_case, kiosk_class_context
from loket.onsite.models import Ticket
from loket.onsite.policy import queue_policy_for
from loket.onsite.queue import ticket_estimate
from loket.onsite.services.checkin import kiosk_issue
from loket.onsite.views.desk import client_ip, error_status, id_param, staff_user

KIOSK_SECONDS = 20  # how long a ticket stays on screen before the kiosk is ready for the next person


@camera_allowed  # scan.js reads the QR code with the device camera
@officer_view(StaffRoleKind.CHECKIN, StaffRoleKind.SUPERVISOR, action="kiosk.open")
def kiosk(request: HttpRequest, office: Office) -> HttpResponse:
    locked = kiosk_locked_office(request) == office.code
    context: dict[str, object] = {
        "office": office,
        "seconds": KIOSK_SECONDS,
        "locked": locked,
        # The walk-in button (loket/walkin/kiosk.py), when the office allows it.
        "walkin": queue_policy_for(office).kiosk_walkin,
    }
    if context["walkin"]:
        context.update(kiosk_class_context(office))
    if request.method == "POST" and request.POST.get("action") == "lock" and not locked:
        kiosk_lock(request, office=office, by=staff_user(request))
        return redirect("onsite:kiosk", office.code)
    if request.method == "POST":
        try:
            user = staff_user(request)
            booking = booking_at_office(
                office=office, raw=request.POST.get("code", "")[:200], user=user, ip=client_ip(request), action="kiosk"
            )
            ticket = kiosk_issue(case=checkin_case(booking), by=user, ip=client_ip(request))
            kiosk_remember(request, ticket.pk)
            return redirect(f"{reverse('onsite:kiosk', args=[office.code])}?tiket={ticket.pk}")
        except DomainError as error:
            context["error"] = error
            return render(request, "onsite/kiosk.html", context, status=error_status(error))
    ticket_id = id_param(request.GET.get("tiket", ""))
    # A locked kiosk shows only the ticket it has just issued, never another person's by its id.
    shown = None
    if ticket_id is not None and kiosk_may_show(request, ticket_id):
        shown = Ticket.objects.filter(pk=ticket_id, office=office).first()
    if shown is not None:
        context["estimate"] = ticket_estimate(shown)
        context["first_name"] = shown.name.split(" ")[0]
    return render(request, "onsite/kiosk.html", context)
