"""Booking in steps, one page each and no JavaScript: office, date, window, details, confirm."""

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.models import Person, Relation
from loket.accounts.selectors import household_of
from loket.booking.classes import class_places
from loket.booking.forms import OnlineBookingForm
from loket.booking.models import Booking, BookingStatus, QuotaClass
from loket.booking.seats import day_gated
from loket.booking.selectors import DayPlan, bookings_of, day_plans, next_available_cached
from loket.booking.services import BookingRequest, booking_create
from loket.core import datefmt
from loket.core.dates import date_in_range
from loket.core.errors import DomainError
from loket.core.forms import add_domain_error
from loket.core.replica import on_replica
from loket.core.requestid import note_error_code
from loket.offices.models import Office
from loket.payments.credits import credits_usable
from loket.payments.models import FeeCredit
from loket.release.draw import draws_recent
from loket.release.selectors import next_release
from loket.release.waiting import pass_for
from loket.web.calendar import booking_calendar
from loket.web.forms import OfficeSearchForm
from loket.web.selectors import OfficeResult, express_fee_in_force, offices_matching
from loket.web.views.profile import _user

View = Callable[..., HttpResponse]


def verified_required(view: View) -> View:
    """Signed in with a verified email: only a verified account may book."""

    @wraps(view)
    def check(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not _user(request).has_verified_email:
            messages.error(request, _("Verifikasi email Anda sebelum memesan."))
            return redirect("web:verify")
        return view(request, *args, **kwargs)

    return login_required(check)


def office_or_404(code: str) -> Office:
    office = Office.objects.filter(code__iexact=code).first()
    if office is None:
        raise Http404
    return office


def day_or_404(office: Office, date: str) -> DayPlan:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as error:
        raise Http404 from error
    if not date_in_range(day):
        raise Http404
    return day_plans(office, day, 1)[0]


def _alternatives(office: Office) -> list[OfficeResult]:
    """Other offices of the same province with their next day with room."""
    if not office.province:
        return []
    others = Office.objects.filter(province=office.province, online_booking=True).exclude(pk=office.pk)[:5]
    return [OfficeResult(other, next_available_cached(other), []) for other in others]


def full_page(
    request: HttpRequest,
    office: Office,
    message: str,
    *,
    day_href: Callable[[dt.date], str],
    back_href: str,
    other_offices: bool,
) -> HttpResponse:
    """409: the day or window is full or closed; the next day with room (and nearby offices, when
    the office may change) are offered. `day_href` is where a day leads in the current flow."""
    nearest = next_available_cached(office)
    context = {
        "office": office,
        "message": message,
        "next_available": nearest,
        "next_href": day_href(nearest) if nearest else "",
        "back_href": back_href,
        "alternatives": _alternatives(office) if other_offices else [],
    }
    return render(request, "web/book_full.html", context, status=409)


def _full(request: HttpRequest, office: Office, message: str) -> HttpResponse:
    return full_page(
        request,
        office,
        message,
        day_href=lambda day: _window_url(office, day),
        back_href=reverse("web:book_date", args=[office.code]),
        other_offices=True,
    )


def _window_url(office: Office, day: dt.date) -> str:
    return reverse("web:book_window", args=[office.code, day.isoformat()])


@verified_required
def offices(request: HttpRequest) -> HttpResponse:
    search = OfficeSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = offices_matching(query, language=get_language() or "id")
    # Told at the first step, not after the fourth: who already has an active booking, with its links.
    active = [
        b for b in bookings_of(_user(request)) if b.status in (BookingStatus.AWAITING_PAYMENT, BookingStatus.CONFIRMED)
    ]
    context = {"search": search, "query": query, "offices": found, "active": active}
    return render(request, "web/book_office.html", context)


@verified_required
def dates(request: HttpRequest, office: str) -> HttpResponse:
    place = office_or_404(office)
    today = on_replica(lambda: day_plans(place, place.local_today(), 1)[0])
    if today.reason_code == "suspended":  # outage mode: one clear message instead of a month of "closed"
        return render(request, "web/book_date.html", {"office": place, "suspended": today.reason})
    calendar = on_replica(lambda: booking_calendar(place, href=lambda day: _window_url(place, day)))
    context = {"office": place, "cal": calendar, "next_release": next_release(place), "draws": draws_recent(place)}
    return render(request, "web/book_date.html", context)


@verified_required
def windows(request: HttpRequest, office: str, date: str) -> HttpResponse:
    place = office_or_404(office)
    plan = on_replica(lambda: day_or_404(place, date))
    if not plan.open:
        return _full(request, place, plan.reason or "")
    if not plan.has_room:
        return _full(request, place, _("Semua jam kedatangan pada hari ini sudah penuh."))
    if day_gated(place, plan.date) and not pass_for(user_id=_user(request).pk, office_id=place.pk, day=plan.date):
        # The day is under release: booked through its waiting room only.
        return redirect("web:release_room", office=place.code, date=plan.date.isoformat())
    return render(request, "web/book_window.html", {"office": place, "plan": plan})


def _book(request: HttpRequest, booking_request: BookingRequest, office: Office) -> Booking:
    """Book; on a day under release, with the pass the waiting room gave this account."""
    user, key = _user(request), request.POST.get("key", "")[:100] or None
    try:
        return booking_create(user=user, request=booking_request, idempotency_key=key)[0]
    except DomainError as error:
        release_pass = None
        if error.code == "pass_required":
            release_pass = pass_for(user_id=user.pk, office_id=office.pk, day=booking_request.date)
        if release_pass is None:
            raise
    return booking_create(user=user, request=booking_request, idempotency_key=key, release_pass=release_pass)[0]


def _window_full_back(request: HttpRequest, office: Office, day: dt.date, start: dt.time) -> HttpResponse:
    messages.info(
        request,
        _(
            "Jam kedatangan %(start)s sudah penuh. Pilih jam lain yang masih ada tempat pada hari ini atau hari berikutnya."
        )
        % {"start": datefmt.clock(start)},
    )
    return redirect("web:book_window", office=office.code, date=day.isoformat())


def _credit_for(request: HttpRequest, data: dict[str, Any]) -> FeeCredit | None:
    """The credit this booking will use (the same person, service and passport type), to say so before confirming."""
    user = _user(request)
    people = Person.objects.filter(account=user)
    person = people.filter(pk=int(data["member"])) if data["member"] else people.filter(relation=Relation.SELF)
    person_id = person.values_list("pk", flat=True).first()
    if person_id is None:
        return None
    return credits_usable(person_id=person_id, service=data["service"], passport_type=data["passport_type"]).first()


def _online_classes(office: Office, day: dt.date, start: dt.time) -> list[tuple[str, str]]:
    """The classes a person may book online in this appointment (express: today, before the
    cut-off), with the places left; a full one stays listed, and the claim says the next day."""
    express_now = day == office.local_today() and start < office.express_arrival_cutoff
    return [
        (p.quota_class, _("%(cls)s — %(n)d tempat tersisa") % {"cls": p.label, "n": p.remaining})
        for p in class_places(office, day, online=True)
        if p.quota_class != QuotaClass.EXPRESS or express_now
    ]


def _people(request: HttpRequest) -> list[tuple[str, str]]:
    members = [(str(p.pk), p.full_name) for p in household_of(_user(request))]
    return [("", _("Saya sendiri")), *members]


@verified_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, office: str, date: str, start: str) -> HttpResponse:
    place = office_or_404(office)
    plan = day_or_404(place, date)
    if not plan.open:
        # Closed, suspended (outage) or not open yet: said as at the window step, never a 404.
        return _full(request, place, plan.reason or "")
    try:
        time = dt.time.fromisoformat(start)
    except ValueError as error:
        raise Http404 from error
    window = next((w for w in plan.windows if w.start == time), None)
    if window is None:
        raise Http404
    if window.remaining <= 0 and "confirm" not in request.POST:
        # A stale link to a window that filled up: back to the window step of that day, which
        # lists the windows with room (or, for a full day, the next days), before any form is filled.
        return _window_full_back(request, place, plan.date, time)
    classes = _online_classes(place, plan.date, time)
    form = OnlineBookingForm(request.POST or None, people=_people(request), classes=classes)
    for name in ("replacement_reason", "old_passport_number"):
        form.fields[name].help_text = ""  # the page's replacement part says it once for both
    appointment = datefmt.window(plan.date, window.start, window.end, place.zone_abbreviation)
    context = {"office": place, "plan": plan, "start": time, "form": form, "appointment": appointment}
    if request.method != "POST" or not form.is_valid():
        return render(request, "web/book_details.html", context)
    data = form.cleaned_data
    if "confirm" not in request.POST:
        context["key"] = secrets.token_urlsafe(16)
        express = data.get("quota_class") == QuotaClass.EXPRESS
        # An express bill has the express fee too: a credit (a passport fee) does not pay it.
        context["credit"] = None if express else _credit_for(request, data)
        context["express_fee"] = express_fee_in_force(on=place.local_today()) if express else None
        return render(request, "web/book_confirm.html", context)
    booking_request = BookingRequest(
        office=place.code,
        date=plan.date,
        start=time,
        service=data["service"],
        passport_type=data["passport_type"],
        member=int(data["member"]) if data["member"] else None,
        replacement_reason=data["replacement_reason"] or None,
        old_passport_number=data["old_passport_number"] or None,
        quota_class=data.get("quota_class") or QuotaClass.REGULAR,
        priority_reason=data.get("priority_reason") or "",
    )
    try:
        booking = _book(request, booking_request, place)
    except DomainError as error:
        note_error_code(request, error.code)  # for the metrics and the request's log line
        if error.code == "pass_required":  # the day is under release: its waiting room first
            messages.info(request, error.message)
            return redirect("web:release_room", office=place.code, date=plan.date.isoformat())
        if error.code == "window_full":
            return _window_full_back(request, place, plan.date, time)
        if error.code == "booking_suspended":  # outage mode (loket/walkin)
            return _full(request, place, error.message)
        add_domain_error(form, error)
        return render(request, "web/book_details.html", context, status=error.status)
    messages.success(request, _("Pemesanan berhasil."))
    return redirect("web:proof", code=booking.code)
