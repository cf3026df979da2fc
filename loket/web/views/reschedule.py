"""Moving a booking to another day or window of the same office (booking_reschedule decides)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from loket.booking import services
from loket.booking.models import Booking, BookingStatus
from loket.booking.selectors import Seats, booking_of
from loket.core import datefmt
from loket.core.errors import DomainError
from loket.core.forms import add_domain_error
from loket.core.idempotency import form_once
from loket.web.calendar import booking_calendar
from loket.web.forms import RescheduleForm
from loket.web.views.booking_flow import day_or_404, full_page
from loket.web.views.profile import _user

# Bookings that may still move (the service decides for good; this only spares a useless calendar).
MOVABLE = (BookingStatus.AWAITING_PAYMENT, BookingStatus.CONFIRMED)


def _own(request: HttpRequest, code: str) -> Booking:
    booking = booking_of(_user(request), code)
    if booking is None:  # someone else's code answers like an unknown one
        raise Http404
    return booking


def _window_url(booking: Booking, day: dt.date) -> str:
    return reverse("web:reschedule_window", args=[booking.code, day.isoformat()])


def _label(seats: Seats, zone: str) -> str:
    times = f"{datefmt.clock_range(seats.start, seats.end)} {zone}"
    if seats.remaining:
        return _("%(times)s · Sisa kuota: %(seats)d") % {"times": times, "seats": seats.remaining}
    return _("%(times)s · penuh") % {"times": times}


@login_required
def reschedule(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1: the office's calendar; an open day leads to its windows."""
    booking = _own(request, code)
    if booking.status not in MOVABLE:
        messages.error(request, _("Pemesanan ini tidak aktif lagi."))
        return redirect("web:proof", code=booking.code)
    calendar = booking_calendar(booking.office, href=lambda day: _window_url(booking, day))
    return render(request, "web/reschedule_date.html", {"booking": booking, "cal": calendar})


@login_required
@require_http_methods(["GET", "POST"])
@form_once(wrap=False)  # the seat's lock stays as short as booking_reschedule makes it
def reschedule_window(request: HttpRequest, code: str, date: str) -> HttpResponse:
    """Step 2: pick a window of that day and confirm; refusals are the service's, shown beside the form."""
    booking = _own(request, code)
    office = booking.office
    plan = day_or_404(office, date)

    def full(message: str) -> HttpResponse:
        back = reverse("web:reschedule", args=[booking.code])
        return full_page(
            request,
            office,
            message,
            day_href=lambda day: _window_url(booking, day),
            back_href=back,
            other_offices=False,
        )

    if not plan.open:
        return full(plan.reason or "")
    windows = [(f"{w.start:%H:%M}", _label(w, office.zone_abbreviation)) for w in plan.windows]
    form = RescheduleForm(request.POST or None, windows=windows)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.booking_reschedule(
                    user=_user(request), code=booking.code, date=plan.date, start=form.cleaned_data["start"]
                )
            except DomainError as error:
                if error.code == "window_full":
                    return full(error.message)
                add_domain_error(form, error)
                status = error.status
            else:
                messages.success(request, _("Jadwal pemesanan %(code)s diubah.") % {"code": booking.code})
                return redirect("web:proof", code=booking.code)
    context = {"booking": booking, "plan": plan, "form": form}
    return render(request, "web/reschedule_window.html", context, status=status)
