"""Bad input on every citizen page never gives a 500, signed in or not, and loses nothing saved.

The walk reads loket/web/urls.py, fills each route with values that exist (the booking's
code, the office, the booked day and window, a document) and with values that do not, finds
the page's form fields in its HTML, and sends junk in every field by POST and in the query
string. Every answer must be below 500, and the applicant's booking, household and documents
must still be there.
"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver

from loket.accounts.models import Person, User
from loket.accounts.services import household_add
from loket.accounts.tests.test_services import SARI
from loket.booking.models import Booking, BookingStatus
from loket.dossier.models import Document
from loket.dossier.tests import files
from loket.offices.models import Office
from loket.onsite.tests.test_bad_input_walk import fields_of, send_junk
from loket.web import urls as web_urls
from loket.web.tests.test_bookings import NOW, book
from loket.web.tests.test_documents import media, send

__all__ = ["media"]  # the documents tests' fixture: uploads go to a temporary folder
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
ALWAYS = {"code", "date", "start", "person", "service", "passport_type", "email", "password", "nik", "q", "next"}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        else:
            yield route


ROUTES = list(_walk(web_urls.urlpatterns))


def fill(route: str, values: dict[str, str]) -> str:
    return "/" + PARAMETER.sub(lambda m: values.get(m.group("name"), "X1"), route)


def existing(booking: Booking, document_id: int) -> dict[str, str]:
    slot = booking.slot
    return {
        "office": booking.office.code,
        "code": booking.code,
        "date": slot.date.isoformat(),
        "start": slot.start.strftime("%H:%M"),
        "document_id": str(document_id),
    }


MISSING = {"office": "ZZZ", "code": "ZZZZZZZZ", "date": "2026-13-45", "start": "25:61", "document_id": "999999"}


def test_the_walk_finds_the_citizen_pages() -> None:
    assert "pesan/<str:office>/<str:date>/<str:start>/" in ROUTES
    assert len(ROUTES) >= 25


@pytest.mark.parametrize("route", ROUTES)
def test_junk_in_every_field_of_every_citizen_page_is_never_a_500(route: str, applicant: User, office: Office) -> None:
    booking = book(applicant, office)
    member = household_add(user=applicant, **SARI)
    signed_in, anonymous = Client(), Client()
    signed_in.force_login(applicant)
    send(signed_in, booking.code, files.png())
    document = Document.objects.get()

    # A route without parameters is one URL: walked once per client, not twice.
    urls = dict.fromkeys(fill(route, values) for values in (existing(booking, document.pk), MISSING))
    for client in (signed_in, anonymous):
        for url in urls:
            page = client.get(url)
            assert page.status_code < 500, f"GET {url} answered {page.status_code}"
            html = "" if page.streaming or page.status_code != 200 else page.content.decode(errors="replace")
            send_junk(client, url, fields_of(html) | ALWAYS)

    booking.refresh_from_db()
    assert booking.status in {BookingStatus.AWAITING_PAYMENT, BookingStatus.CONFIRMED}
    assert Person.objects.filter(pk=member.pk).exists()
    assert Document.objects.filter(pk=document.pk).exists() or "hapus" in route  # only its delete page may remove it
