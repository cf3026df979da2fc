"""The signed-in applicant's bookings: the list, cancelling, and the proof (page and PDF)."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loket.booking import services
from loket.booking.models import BookingStatus
from loket.booking.selectors import bookings_of
from loket.core.errors import DomainError
from loket.core.idempotency import form_once
from loket.web.proof import Proof, proof_of
from loket.web.proof_pdf import proof_pdf
from loket.web.views.profile import _user
from loket.web.views.turn import POLL_MS, turn_etag, turn_of


@login_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    bookings = list(bookings_of(_user(request)))
    # A bill the events worker is still preparing: the page reloads itself until it is there.
    preparing = any(b.status == BookingStatus.AWAITING_PAYMENT and not hasattr(b, "payment") for b in bookings)
    return render(request, "web/bookings.html", {"bookings": bookings, "preparing": preparing})


@login_required
@require_POST
@form_once()
def cancel(request: HttpRequest) -> HttpResponse:
    try:
        booking = services.booking_cancel(user=_user(request), code=request.POST.get("code", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pemesanan %(code)s dibatalkan.") % {"code": booking.code})
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
    qr = facts.qr().svg_inline(scale=4, title=_("Kode QR pemesanan"))
    context = {
        "booking": booking,
        "payment": getattr(booking, "payment", None),
        "qr": mark_safe(qr),  # noqa: S308 - generated from our own code, see above
        "address": facts.address,
        "map_url": f"https://www.openstreetmap.org/search?query={quote(facts.address)}",
        "documents": facts.documents,
        "application": facts.application,
        "timeline": facts.timeline(),
        "identity_check": facts.identity_check(),
        "turn_poll_ms": POLL_MS,
    }
    context["turn"] = turn = turn_of(booking.pk, booking.status)
    context["turn_etag"] = turn_etag(turn)
    return render(request, "web/proof.html", context)


@login_required
def proof_download(request: HttpRequest, code: str) -> HttpResponse:
    """The same proof as a PDF, downloaded (never shown inline), only by its owner."""
    facts = _proof(request, code)
    response = HttpResponse(proof_pdf(facts), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bukti-pemesanan-{facts.booking.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
