"""The signed-in applicant's bookings: the list, cancelling, and the proof (page and PDF)."""

from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.booking import services
from loket.booking.closures import day_closed_reason
from loket.booking.models import Booking, BookingStatus
from loket.booking.selectors import booking_of, bookings_of
from loket.core import datefmt
from loket.core.errors import DomainError
from loket.core.idempotency import form_once
from loket.payments.channels import payment_channels
from loket.payments.credits import credit_terms, credits_of
from loket.web.proof import Proof, proof_of
from loket.web.proof_pdf import proof_filename, proof_pdf
from loket.web.views.profile import _user
from loket.web.views.turn import POLL_MS, turn_etag, turn_of


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    bookings = list(bookings_of(_user(request)))
    for booking in bookings:  # a day the office closed after it was booked: said on its card
        booking.day_closed = day_closed_reason(booking)  # type: ignore[attr-defined]
    # A bill the events worker is still preparing: the page reloads itself until it is there.
    preparing = any(b.status == BookingStatus.AWAITING_PAYMENT and not hasattr(b, "payment") for b in bookings)
    context = {
        "bookings": bookings,
        "preparing": preparing,
        "credits": list(credits_of(_user(request))),
        **_paying(bookings),
    }
    return render(request, "web/bookings.html", context)


def _paying(bookings: list[Booking]) -> dict[str, Any]:
    """Where to pay, when some booking waits for its payment (the channels are read only then)."""
    if not any(b.status == BookingStatus.AWAITING_PAYMENT for b in bookings):
        return {"channels": [], "simulator": False}
    return {"channels": payment_channels((get_language() or "id")[:2]), "simulator": settings.LOKET_PAYMENT_SIMULATOR}


@login_required
def payment_state(request: HttpRequest, code: str) -> JsonResponse:
    """A light poll for the pages that wait for a payment (app.js): the booking's and its bill's state."""
    booking = booking_of(_user(request), code)
    if booking is None:
        raise Http404
    payment = getattr(booking, "payment", None)
    state = {"booking": booking.status, "payment": payment.status if payment else None}
    response = JsonResponse(state)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def cancel_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """Before a cancel: what happens to the fee (kept as a credit when paid) and the seat, and
    rescheduling offered first. Its form posts to `cancel`."""
    booking = booking_of(_user(request), code)
    if booking is None:
        raise Http404
    if not booking.is_active or booking.status == BookingStatus.CHECKED_IN:
        messages.error(request, _("Pemesanan ini tidak aktif lagi."))
        return redirect("web:proof", code=booking.code)
    today = booking.office.local_today()
    context = {
        "booking": booking,
        "payment": getattr(booking, "payment", None),
        "terms": credit_terms(booking),
        "payment_required": settings.LOKET_PAYMENT_REQUIRED,
        "can_reschedule": (booking.reschedule_count < settings.LOKET_RESCHEDULE_MAX and booking.slot.date > today)
        or day_closed_reason(booking) is not None,
    }
    return render(request, "web/cancel_confirm.html", context)


@login_required
@require_POST
@form_once()
def cancel(request: HttpRequest) -> HttpResponse:
    try:
        booking = services.booking_cancel(user=_user(request), code=request.POST.get("code", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pemesanan %(code)s dibatalkan.") % {"code": datefmt.grouped(booking.code)})
    return redirect("web:bookings")


def _proof(request: HttpRequest, code: str) -> Proof:
    proof = proof_of(_user(request), code)
    if proof is None:  # someone else's code answers like an unknown one
        raise Http404
    return proof


@login_required
def proof(request: HttpRequest, code: str) -> HttpResponse:
    """The booking proof to show at the office: code, QR, person, place, time, documents, payment."""
    facts = _proof(request, code)
    booking = facts.booking
    # segno draws our own signed payload and escapes the title text.
    qr = facts.qr().svg_inline(scale=4, title=_("Kode QR"))
    context = {
        "booking": booking,
        "payment": getattr(booking, "payment", None),
        **_paying([booking]),
        "qr": mark_safe(qr),  # noqa: S308 - generated from our own code, see above
        "address": facts.address,
        "map_url": f"https://www.openstreetmap.org/search?query={quote(facts.address)}",
        "documents": facts.documents,
        "application": facts.application,
        "timeline": facts.timeline(),
        "identity_check": facts.identity_check(),
        "turn_poll_ms": POLL_MS,
        "day_closed": day_closed_reason(booking),
    }
    context["turn"] = turn = turn_of(booking.pk, booking.status)
    context["turn_etag"] = turn_etag(turn)
    return render(request, "web/proof.html", context)


@login_required
def proof_download(request: HttpRequest, code: str) -> HttpResponse:
    """The same proof as a PDF, downloaded (never shown inline), only by its owner."""
    facts = _proof(request, code)
    response = HttpResponse(proof_pdf(facts), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{proof_filename(facts.booking)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
