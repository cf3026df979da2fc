"""Bad input on every staff page never gives a 500, and never loses what was saved.

The walk reads config/urls_staff.py (as the access test does), opens each office page as an
officer holding every role there, finds the names of its form fields in the HTML, and sends
each page junk in every field, by POST and in the query string. Whatever the page answers,
it must be below 500, and no ticket, booking or counter of the office may be gone.
"""

import re

import pytest
from django.test import Client

from loket.accounts.models import User
from loket.booking.models import Booking
from loket.offices.models import Office
from loket.onsite.models import Counter, Stage, Ticket
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import make_officer_with_every_role, staff_client
from loket.onsite.tests.queue_helpers import booked, counter
from loket.onsite.tests.test_office_access import ROUTES, url_for

JUNK = [
    "",
    " ",
    "x" * 5000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "\x00",
    "'; DROP TABLE onsite_ticket; --",
    "<script>alert(1)</script>",
    "２０２６-１２-０１",  # full-width digits
    "2026-02-30",
    "13:99",
    "A" * 17,
    "🙂" * 20,
    "../../etc/passwd",
]
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([^"]+)"')
DONT_TOUCH = {"csrfmiddlewaretoken"}


def fields_of(html: str) -> set[str]:
    return set(FIELD.findall(html)) - DONT_TOUCH


def send_junk(client: Client, url: str, names: set[str]) -> None:
    """Every kind of junk in every field named, by POST and in the query string: never a 500."""
    for junk in JUNK:
        data = {name: junk for name in names}
        posted = client.post(url, data)
        assert posted.status_code < 500, f"POST {url} with {junk[:20]!r} answered {posted.status_code}"
        got = client.get(url, data)
        assert got.status_code < 500, f"GET {url} with {junk[:20]!r} answered {got.status_code}"


def snapshot(office: Office) -> set[tuple[str, int]]:
    return (
        {("ticket", pk) for pk in Ticket.objects.filter(office=office).values_list("pk", flat=True)}
        | {("booking", pk) for pk in Booking.objects.filter(office=office).values_list("pk", flat=True)}
        | {("counter", pk) for pk in Counter.objects.filter(office=office).values_list("pk", flat=True)}
    )


@pytest.fixture
def all_roles_a(office_a: Office) -> User:
    return make_officer_with_every_role(email="semua.a@imigrasi.go.id", office=office_a)


def real_url(route: str, office: Office, ticket: Ticket) -> str:
    """The route with values that exist: counter 1, the ticket, the office."""
    url = url_for(route, office.code)
    if "<shortint:ticket>" in route:
        url = url.replace("/tiket/1/", f"/tiket/{ticket.pk}/")
    return url.replace("/x-1/", "/call_next/")


@pytest.mark.parametrize("route", ROUTES)
def test_junk_in_every_field_of_every_office_page_is_never_a_500(
    route: str, office_a: Office, all_roles_a: User
) -> None:
    counter(office_a, 1)
    counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    ticket = ticket_issue(office=office_a, by=None, booking=booked(office_a))
    booked(office_a)  # someone still to check in
    client: Client = staff_client(all_roles_a)
    url = real_url(route, office_a, ticket)
    page = client.get(url)
    assert page.status_code < 500, f"GET {url} answered {page.status_code}"
    names = fields_of(page.content.decode(errors="replace")) if page.status_code == 200 else set()
    names |= {"code", "action", "ticket", "stages", "active", "priority", "day", "nik", "name", "q", "from", "to"}
    before = snapshot(office_a)
    send_junk(client, url, names)
    # A page may act on what needs no input (call the next ticket), but nothing is ever lost.
    assert before <= snapshot(office_a)


@pytest.mark.parametrize("path", ["/petugas/audit/", "/petugas/outage/"])
def test_junk_on_the_national_pages_is_never_a_500(path: str, national_admin: User) -> None:
    client = staff_client(national_admin)
    page = client.get(path)
    assert page.status_code == 200
    send_junk(
        client, path, fields_of(page.content.decode()) | {"office", "action", "q", "from", "to", "message", "until"}
    )
