"""The signed-in applicant's bookings: the list, cancelling, and the proof."""

from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.booking import services
from loket.booking.codes import qr_payload
from loket.booking.selectors import booking_of, bookings_of
from loket.core.errors import DomainError
from loket.dossier.models import CheckState
from loket.dossier.selectors import application_of, required_documents
from loket.web.views.profile import _user


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    return render(request, "web/bookings.html", {"bookings": bookings_of(_user(request))})


@login_required
@require_POST
def cancel(request: HttpRequest) -> HttpResponse:
    try:
        booking = services.booking_cancel(user=_user(request), code=request.POST.get("code", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pemesanan %(code)s dibatalkan.") % {"code": booking.code})
    return redirect("web:bookings")


@login_required
def proof(request: HttpRequest, code: str) -> HttpResponse:
    """The booking proof to show at the office: code, QR, person, place, time, documents, payment."""
    user = _user(request)
    booking = booking_of(user, code)
    if booking is None:  # someone else's code answers like an unknown one
        raise Http404
    application = application_of(user, booking.code)
    office = booking.office
    address = ", ".join(part for part in (office.address, office.city, office.province) if part)
    # The SVG is segno's drawing of our own signed payload; segno escapes the title text.
    qr = segno.make(qr_payload(booking.code), error="m").svg_inline(scale=4, title=_("Kode QR pemesanan"))
    context = {
        "booking": booking,
        "payment": getattr(booking, "payment", None),
        "qr": mark_safe(qr),  # noqa: S308 - generated from our own code, see above
        "address": address,
        "map_url": f"https://www.openstreetmap.org/search?query={quote(address)}",
        "documents": required_documents(application) if application else [],
        "application": application,
        "timeline": application.timeline.order_by("at", "pk") if application else [],
        "identity_check": _identity_check_as_shown(application.identity_check) if application else "",
    }
    return render(request, "web/proof.html", context)


def _identity_check_as_shown(state: str) -> str:
    """The Dukcapil check as the applicant sees it: a mismatch is not explained here, the counter checks."""
    if state in (CheckState.MISMATCH, CheckState.UNAVAILABLE):
        return str(CheckState.UNAVAILABLE.label)
    return str(CheckState(state).label)
