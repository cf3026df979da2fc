"""A device locked as the office's self-service kiosk reaches the kiosk and nothing else.

The kiosk runs in the waiting room on a session signed in by a check-in officer. Without a
lock, anyone at that screen could type another address and use the officer's session (the
check-in desk shows people's data). An officer locks the device from the kiosk page; from
then on this session opens only that office's kiosk (and its walk-in button), the slip of the ticket it just issued,
static files and the sign-out; every other address leads back to the kiosk. Only signing out
(which ends the session) lifts the lock; signing in again needs the password and the code.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from loket.accounts.models import User
from loket.audit.services import audit_record, request_ip
from loket.offices.models import Office

OFFICE_KEY = "loket.kiosk_office"
TICKET_KEY = "loket.kiosk_ticket"


def kiosk_locked_office(request: HttpRequest) -> str | None:
    # Without a session cookie there is no lock, and the session store is not read at all
    # (the board's and the API's requests carry none).
    session = getattr(request, "session", None)
    if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None
    return session.get(OFFICE_KEY)


def kiosk_lock(request: HttpRequest, *, office: Office, by: User) -> None:
    request.session[OFFICE_KEY] = office.code
    request.session.pop(TICKET_KEY, None)
    audit_record(
        actor=by,
        action="kiosk.lock",
        office=office,
        target_type="office",
        target_id=office.code,
        ip=request_ip(request),
    )


def kiosk_remember(request: HttpRequest, ticket_id: int) -> None:
    """The ticket a locked kiosk just issued: the only one whose number and slip it may show."""
    if kiosk_locked_office(request):
        request.session[TICKET_KEY] = ticket_id


def kiosk_may_show(request: HttpRequest, ticket_id: int) -> bool:
    return not kiosk_locked_office(request) or request.session.get(TICKET_KEY) == ticket_id


def _allowed(request: HttpRequest, office: str) -> bool:
    path = request.path
    if path.startswith(settings.STATIC_URL) or path == reverse("onsite:logout"):
        return True
    if path in (reverse("onsite:kiosk", args=[office]), reverse("onsite:kiosk_walkin", args=[office])):
        return True
    ticket = request.session.get(TICKET_KEY)
    return ticket is not None and path == reverse("onsite:slip", args=[office, ticket])


class KioskLockMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        office = kiosk_locked_office(request)
        if office and not _allowed(request, office):
            return redirect("onsite:kiosk", office)
        return self.get_response(request)
