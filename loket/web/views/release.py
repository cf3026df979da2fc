"""The waiting room's pages: join a release, wait (the page updates itself), go book when admitted."""

import datetime as dt
import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from loket.audit.services import request_ip
from loket.core.errors import DomainError
from loket.release.answer import poll_answer
from loket.release.draw import PROCEDURE, draw_of
from loket.release.models import Entry
from loket.release.room import join_window, room_join
from loket.release.waiting import waiting_status
from loket.web.views.booking_flow import office_or_404, verified_required
from loket.web.views.profile import _user


def _day(date: str) -> dt.date:
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None


@verified_required
@require_http_methods(["GET", "POST"])
def room(request: HttpRequest, office: str, date: str) -> HttpResponse:
    place, day = office_or_404(office), _day(date)
    user = _user(request)
    mine = Entry.objects.filter(room__office=place, room__date=day, account=user).first()
    if mine is not None:
        return redirect("web:waiting", ticket=mine.ticket)
    if request.method == "POST":
        try:
            proof = request.POST.get("altcha", "")[:2000] or None
            entry, _created = room_join(user=user, office=place, day=day, proof=proof, ip=request_ip(request))
        except DomainError as error:
            messages.error(request, error.message)
            return redirect(request.path)
        return redirect("web:waiting", ticket=entry.ticket)
    join_from, opens_at = join_window(place, day)
    context = {
        "office": place,
        "day": day,
        "join_from": join_from,
        "opens_at": opens_at,
        "challenge": reverse("api-v1:release_challenge", kwargs={"code": place.code, "date": day.isoformat()}),
        "text_number": settings.LOKET_TEXT_NUMBER,
    }
    return render(request, "web/release_room.html", context)


@require_GET
def draw(request: HttpRequest, office: str, date: str) -> HttpResponse:
    """The published draw of one office release (public): commitment, then seed and order."""
    place, day = office_or_404(office), _day(date)
    found = draw_of(place, day)
    if found is None:
        raise Http404
    api_url = reverse("api-v1:release_draw", kwargs={"code": place.code, "date": day.isoformat()})
    context = {"office": place, "draw": found, "procedure": PROCEDURE, "api_url": api_url}
    return render(request, "web/release_draw.html", context)


TICKET = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _own_entry(request: HttpRequest, ticket: str) -> Entry:
    if not TICKET.fullmatch(ticket):
        raise Http404
    entry = Entry.objects.select_related("room", "room__office").filter(ticket=ticket).first()
    if entry is None or entry.account_id != request.user.pk:
        raise Http404
    return entry


@login_required
@require_GET
def waiting(request: HttpRequest, ticket: str) -> HttpResponse:
    entry = _own_entry(request, ticket)
    context = {
        "entry": entry,
        "office": entry.room.office,
        "room": entry.room,
        "status": waiting_status(entry),
        "refresh_s": settings.LOKET_RELEASE_REFRESH_SECONDS,
    }
    return render(request, "web/release_waiting.html", context)


@login_required
@require_GET
def waiting_poll(request: HttpRequest, ticket: str) -> HttpResponse:
    """The page's light poll: a few hundred bytes from the shared cache, 304 when unchanged."""
    if not TICKET.fullmatch(ticket):
        raise Http404
    answer = poll_answer(ticket)
    if answer is None or answer.owner_id != request.user.pk:
        raise Http404
    if answer.etag in request.headers.get("If-None-Match", ""):
        response: HttpResponse = HttpResponseNotModified()
    else:
        response = HttpResponse(answer.body, content_type="application/json")
    response["ETag"] = answer.etag
    response["Cache-Control"] = "private, no-cache"
    return response
