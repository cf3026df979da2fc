"""Booking in steps, one page each and no JavaScript: office, date, window, details, confirm."""

import datetime as dt
import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.accounts.selectors import household_of
from loket.booking.selectors import DayPlan, day_plans, next_available_cached
from loket.booking.services import BookingRequest, booking_create
from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.web.forms import BookingDetailsForm, OfficeSearchForm, add_domain_error
from loket.web.selectors import OfficeResult, offices_matching
from loket.web.views.profile import _user

View = Callable[..., HttpResponse]
MAX_DAYS = 31


def verified_required(view: View) -> View:
    """Signed in with a verified email: only a verified account may book."""

    @wraps(view)
    def check(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not _user(request).is_verified:
            messages.error(request, _("Verifikasi email Anda sebelum memesan."))
            return redirect("web:verify")
        return view(request, *args, **kwargs)

    return login_required(check)


def _office(code: str) -> Office:
    office = Office.objects.filter(code__iexact=code).first()
    if office is None:
        raise Http404
    return office


def _day(office: Office, date: str) -> DayPlan:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError as error:
        raise Http404 from error
    return day_plans(office, day, 1)[0]


def _alternatives(office: Office) -> list[OfficeResult]:
    """Other offices of the same province with their next day with room."""
    if not office.province:
        return []
    others = Office.objects.filter(province=office.province, online_booking=True).exclude(pk=office.pk)[:5]
    return [OfficeResult(other, next_available_cached(other), []) for other in others]


def _full(request: HttpRequest, office: Office, message: str) -> HttpResponse:
    context = {
        "office": office,
        "message": message,
        "next_available": next_available_cached(office),
        "alternatives": _alternatives(office),
    }
    return render(request, "web/book_full.html", context, status=409)


@verified_required
def offices(request: HttpRequest) -> HttpResponse:
    search = OfficeSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    found = offices_matching(query, language=get_language() or "id")
    return render(request, "web/book_office.html", {"search": search, "query": query, "offices": found})


@verified_required
def dates(request: HttpRequest, office: str) -> HttpResponse:
    place = _office(office)
    today = place.local_now().date()
    plans = day_plans(place, today, min(place.horizon_days + 1, MAX_DAYS))
    return render(request, "web/book_date.html", {"office": place, "plans": plans})


@verified_required
def windows(request: HttpRequest, office: str, date: str) -> HttpResponse:
    place = _office(office)
    plan = _day(place, date)
    if not plan.open:
        return _full(request, place, plan.reason or "")
    if not plan.has_room:
        return _full(request, place, _("Semua jendela kedatangan pada hari ini sudah penuh."))
    return render(request, "web/book_window.html", {"office": place, "plan": plan})


def _people(request: HttpRequest) -> list[tuple[str, str]]:
    members = [(str(p.pk), p.full_name) for p in household_of(_user(request))]
    return [("", _("Saya sendiri")), *members]


@verified_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, office: str, date: str, start: str) -> HttpResponse:
    place = _office(office)
    plan = _day(place, date)
    try:
        time = dt.time.fromisoformat(start)
    except ValueError as error:
        raise Http404 from error
    form = BookingDetailsForm(request.POST or None, people=_people(request))
    context = {"office": place, "plan": plan, "start": time, "form": form}
    if request.method != "POST" or not form.is_valid():
        return render(request, "web/book_details.html", context)
    data = form.cleaned_data
    if "confirm" not in request.POST:
        context["key"] = secrets.token_urlsafe(16)
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
    )
    try:
        booking, _created = booking_create(
            user=_user(request), request=booking_request, idempotency_key=request.POST.get("key", "")[:100] or None
        )
    except DomainError as error:
        if error.code == "window_full":
            return _full(request, place, error.message)
        add_domain_error(form, error)
        return render(request, "web/book_details.html", context)
    messages.success(request, _("Pemesanan berhasil."))
    return redirect("web:proof", code=booking.code)
