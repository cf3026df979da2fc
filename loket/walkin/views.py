"""Staff pages: walk-in registration, outage mode (office and national) and day close."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import StaffRoleKind, User
from loket.audit.services import audit_record, request_ip
from loket.booking.classes import class_places
from loket.booking.models import Booking, QuotaClass
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.offices.selectors import outage_for, outage_open
from loket.onsite.access import national_view, officer_view
from loket.onsite.models import Ticket
from loket.payments.selectors import payment_lines
from loket.walkin.dayclose import day_close
from loket.walkin.forms import OutageForm, WalkinForm
from loket.walkin.outage import outage_end, outage_start
from loket.walkin.selectors import (
    day_closes_recent,
    day_outlook,
    outages_recent,
    walkin_day_refusal,
    walkin_next_day,
    walkin_room,
)
from loket.walkin.services import WalkinRequest, walkin_register, walkin_ticket_issue

SUPERVISOR = StaffRoleKind.SUPERVISOR
CHECKIN = StaffRoleKind.CHECKIN


def _officer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # officer_view let only staff through
    return request.user


def _show_error(form: WalkinForm | OutageForm, error: DomainError) -> None:
    """Next to the field it names; the hidden day field's errors go above the form."""
    visible = error.field in form.fields and not form.fields[error.field].widget.is_hidden
    form.add_error(error.field if visible else None, error.message)


@officer_view(CHECKIN, SUPERVISOR, action="walkin.open")
@require_http_methods(["GET", "POST"])
def walkin_new(request: HttpRequest, office: Office) -> HttpResponse:
    form = WalkinForm(request.POST or None)
    today = office.local_today()
    outage = outage_for(office)
    room = walkin_room(office, today, outage=outage is not None)
    # Said before anything is typed: today is closed (or has no walk-in seat left), and the
    # next day with room is offered; the form then books that day.
    classes = class_places(office, today)
    closed_today = walkin_day_refusal(office, today) or (
        _("kuota walk-in hari ini sudah habis") if not room.total and not any(p.remaining for p in classes) else None
    )
    context: dict[str, object] = {
        "office": office,
        "form": form,
        "room": room,
        "classes": classes,
        "outage": outage,
        "closed_today": closed_today,
        "offer": walkin_next_day(office, after=today) if closed_today else None,
    }
    if request.method != "POST" or not form.is_valid():
        return render(request, "walkin/walkin_new.html", context, status=422 if form.is_bound else 200)
    data = form.cleaned_data
    walkin = WalkinRequest.from_form(
        data,
        quota_class=data["quota_class"],
        priority_reason=data["priority"] if data["quota_class"] == QuotaClass.PRIORITY else "",
    )
    day = data["day"] or today
    try:
        booking = walkin_register(
            officer=_officer(request), office=office, request=walkin, day=day, ip=request_ip(request)
        )
    except DomainError as error:
        _show_error(form, error)
        next_day = error.extra.get("next_day")
        if isinstance(next_day, str):
            context["offer"] = dt.date.fromisoformat(next_day)
        return render(request, "walkin/walkin_new.html", context, status=error.status)
    if booking.slot.date == today:
        walkin_ticket_issue(booking=booking, officer=_officer(request), priority=data["priority"])
    return redirect("onsite:walkin_done", office=office.code, code=booking.code)


@officer_view(CHECKIN, SUPERVISOR, action="walkin.view")
def walkin_done(request: HttpRequest, office: Office, code: str) -> HttpResponse:
    booking = (
        Booking.objects.filter(office=office, code=code.upper(), walkin__isnull=False)
        .select_related("slot", "person", "payment")
        .first()
    )
    if booking is None:
        raise Http404
    audit_record(
        actor=_officer(request),
        action="walkin.view",
        office=office,
        target_type="booking",
        target_id=booking.code,
        ip=request_ip(request),
    )
    context = {
        "office": office,
        "booking": booking,
        "payment": getattr(booking, "payment", None),
        "bill_lines": payment_lines(booking.payment) if hasattr(booking, "payment") else [],
        "today": booking.slot.date == office.local_today(),
        "ticket": Ticket.objects.filter(booking=booking).first(),
    }
    return render(request, "walkin/walkin_done.html", context)


def _outage_page(request: HttpRequest, office: Office | None) -> HttpResponse:
    form = OutageForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "off":
                outage_end(by=_officer(request), office=office, ip=request_ip(request))
                messages.success(request, _("Mode gangguan dimatikan; pemesanan online berjalan lagi."))
            else:
                outage_start(
                    by=_officer(request), office=office, reason=form.cleaned_data["reason"], ip=request_ip(request)
                )
                messages.success(request, _("Mode gangguan aktif; pemesanan online ditangguhkan."))
        except DomainError as error:
            _show_error(form, error)
            status = error.status
        else:
            return redirect(request.path)
    context = {
        "office": office,
        "form": form,
        "current": outage_open(office=office),
        "national": outage_open(office=None) if office else None,
        "history": outages_recent(office=office),
    }
    return render(request, "walkin/outage.html", context, status=status)


@officer_view(SUPERVISOR, action="outage.open")
@require_http_methods(["GET", "POST"])
def outage_office(request: HttpRequest, office: Office) -> HttpResponse:
    return _outage_page(request, office)


@national_view(action="outage.national.open", target_type="outage")
@require_http_methods(["GET", "POST"])
def outage_national(request: HttpRequest) -> HttpResponse:
    return _outage_page(request, None)


@officer_view(SUPERVISOR, action="day.close.open")
@require_http_methods(["GET", "POST"])
def day_close_page(request: HttpRequest, office: Office) -> HttpResponse:
    today = office.local_today()
    if request.method == "POST":
        try:
            record = day_close(office=office, day=today, by=_officer(request), ip=request_ip(request))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        if record is None:
            messages.info(request, _("Hari ini sudah ditutup sebelumnya."))
        else:
            messages.success(
                request,
                _("Hari ditutup: %(no_shows)d tidak hadir, %(expired)d kedaluwarsa, %(tickets)d tiket ditutup.")
                % {"no_shows": record.no_shows, "expired": record.expired, "tickets": record.tickets_closed},
            )
        return redirect(request.path)
    context = {"office": office, "outlook": day_outlook(office, today), "history": day_closes_recent(office)}
    return render(request, "walkin/day_close.html", context)
