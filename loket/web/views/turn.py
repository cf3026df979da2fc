"""'Your turn is near' on the applicant's own proof page: once checked in, how many people are
before him, and which counter to go to when called. The proof page includes the part; live.js
polls it (light: an ETag of what it says, 304 while nothing changed), and without JavaScript
the proof page refreshes itself while the ticket is open."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import render
from django.utils.http import quote_etag
from django.utils.translation import get_language

from loket.booking.models import BookingStatus
from loket.booking.selectors import booking_of
from loket.onsite.queue import Turn, booking_turn
from loket.web.views.profile import _user

POLL_MS = 5000  # the proof page's poll: a person in the waiting room, not an officer at a counter


def turn_of(booking_id: int, status: str) -> Turn | None:
    """Only a checked-in booking has a ticket to follow."""
    return booking_turn(booking_id) if status == BookingStatus.CHECKED_IN else None


def turn_etag(turn: Turn | None) -> str:
    """What the part says (and in which language): the poll answers 304 while it stays the same."""
    return quote_etag(f"{turn.key if turn else '-'}|{get_language()}")


@login_required
def proof_turn(request: HttpRequest, code: str) -> HttpResponse:
    booking = booking_of(_user(request), code)
    if booking is None:  # someone else's code answers like an unknown one
        raise Http404
    turn = turn_of(booking.pk, booking.status)
    etag = turn_etag(turn)
    if request.headers.get("If-None-Match", "").removeprefix("W/") == etag:
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = render(request, "web/_turn.html", {"turn": turn})
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response
