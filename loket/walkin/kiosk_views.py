"""The kiosk's walk-in button and the counter's form for the person behind a kiosk walk-in number."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import StaffRoleKind, User
from loket.audit.services import request_ip
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.onsite.access import officer_view
from loket.onsite.kiosk_lock import kiosk_remember
from loket.onsite.lookup import kiosk_class_context
from loket.onsite.models import Ticket
from loket.walkin.forms import KioskDataForm
from loket.walkin.kiosk import kiosk_ticket_attach, kiosk_walkin_issue, kiosk_walkin_refusal
from loket.walkin.services import WalkinRequest

KIOSK_SECONDS = 20  # how long a refusal stays on the kiosk before it is ready for the next person


def _officer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # officer_view let only staff through
    return request.user


@officer_view(StaffRoleKind.CHECKIN, StaffRoleKind.SUPERVISOR, action="kiosk.open")
@require_http_methods(["GET", "POST"])
def kiosk_walkin(request: HttpRequest, office: Office) -> HttpResponse:
    """POST: take a walk-in number (then the kiosk shows it and prints the slip); GET: whether one can be had now."""
    if request.method == "POST":
        try:
            ticket = kiosk_walkin_issue(
                office=office,
                by=_officer(request),
                service=request.POST.get("service", "")[:20],
                ip=request_ip(request),
                quota_class=request.POST.get("quota_class", "regular")[:10],
                priority_reason=request.POST.get("priority_reason", "")[:12],
            )
        except DomainError as error:
            context = {"office": office, "error": error, "seconds": KIOSK_SECONDS}
            return render(request, "walkin/kiosk_walkin.html", context, status=error.status)
        kiosk_remember(request, ticket.pk)
        return redirect(f"{reverse('onsite:kiosk', args=[office.code])}?tiket={ticket.pk}")
    refusal = kiosk_walkin_refusal(office)
    context = {"office": office, "error": refusal, "seconds": KIOSK_SECONDS, **kiosk_class_context(office)}
    # An empty walk-in pool leaves the priority and express places, which have their own quota.
    context["class_buttons"] = bool(context["kiosk_classes"]) and (refusal is None or refusal.code == "walkin_full")
    return render(request, "walkin/kiosk_walkin.html", context, status=refusal.status if refusal else 200)


def _back(office: Office, ticket: Ticket) -> HttpResponse:
    if ticket.counter is not None:
        return redirect("onsite:counter", office.code, ticket.counter.number)
    return redirect("onsite:counters", office.code)


@officer_view(StaffRoleKind.COUNTER, StaffRoleKind.CHECKIN, StaffRoleKind.SUPERVISOR, action="walkin.kiosk_data.open")
@require_http_methods(["GET", "POST"])
def ticket_data(request: HttpRequest, office: Office, ticket: int) -> HttpResponse:
    """The person behind a kiosk walk-in number ("data belum diisi"), taken at the first counter."""
    shown = get_object_or_404(Ticket.objects.select_related("counter"), pk=ticket, office=office)
    if not shown.needs_data:
        messages.info(request, _("Data pemohon tiket %(t)s sudah diisi.") % {"t": shown.display})
        return _back(office, shown)
    initial = {"service": "replacement" if shown.letter == "B" else "new"}
    form = KioskDataForm(request.POST or None, initial=initial)
    context = {"office": office, "ticket": shown, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "walkin/ticket_data.html", context, status=422 if form.is_bound else 200)
    data = form.cleaned_data
    person = WalkinRequest.from_form(data)
    try:
        booking = kiosk_ticket_attach(
            officer=_officer(request), office=office, ticket_id=shown.pk, request=person, ip=request_ip(request)
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return render(request, "walkin/ticket_data.html", context, status=error.status)
    messages.success(
        request,
        _("Data %(t)s disimpan: pemesanan walk-in %(code)s.") % {"t": shown.display, "code": booking.code},
    )
    return _back(office, shown)
