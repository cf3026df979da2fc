"""'Your turn is near' on the applicant's proof page: people before him once checked in, the counter
when called; a light poll (ETag, 304, under 1 KB), the owner only, a refresh without script only
while a ticket is open."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from loket.accounts.models import StaffRoleKind, User
from loket.booking.models import Booking, BookingStatus
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office
from loket.onsite.models import Stage
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import make_officer
from loket.onsite.tests.queue_helpers import NOW, booked, counter


@pytest.fixture
def office_a(db: None) -> Office:
    return make_office("OFA", capacity=5)


@pytest.fixture
def counter_officer_a(office_a: Office) -> User:
    return make_officer(email="loket.a@imigrasi.go.id", office=office_a, role=StaffRoleKind.COUNTER)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def owner_client(booking: Booking) -> Client:
    client = Client()
    client.force_login(booking.booked_by)
    return client


def urls(booking: Booking) -> tuple[str, str]:
    return f"/pemesanan/{booking.code}/", f"/pemesanan/{booking.code}/antrean/"


def test_before_check_in_the_proof_shows_no_turn_and_does_not_refresh(office_a: Office, clock: Any) -> None:
    booking = booked(office_a)
    proof, poll = urls(booking)
    page = owner_client(booking).get(proof).content.decode()
    assert 'id="turn"' not in page and 'http-equiv="refresh"' not in page and "live.js" not in page
    assert owner_client(booking).get(poll).content.strip() == b""


def test_checked_in_the_proof_counts_the_people_before_and_names_the_counter_when_called(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    ahead = [ticket_issue(office=office_a, by=None, booking=booked(office_a)) for _ in range(2)]
    booking = booked(office_a)
    ticket_issue(office=office_a, by=None, booking=booking)
    proof, poll = urls(booking)
    client = owner_client(booking)
    page = client.get(proof).content.decode()
    assert "2 orang lagi sebelum Anda" in page
    assert f'data-live-url="{poll}"' in page and "onsite/live.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page  # without script, only while the ticket is open
    first = client.get(poll)
    assert first.status_code == 200 and len(first.content) <= 1024
    assert "2 orang lagi sebelum Anda" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        same = client.get(poll, headers={"If-None-Match": first["ETag"]})
    assert same.status_code == 304 and same.content == b""
    assert len(queries) <= 6, [q["sql"] for q in queries]
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    one_left = client.get(poll, headers={"If-None-Match": first["ETag"]})
    assert one_left.status_code == 200 and "1 orang lagi sebelum Anda" in one_left.content.decode()
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    assert "Anda berikutnya" in client.get(poll).content.decode()
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    assert "Silakan menuju loket 1" in client.get(poll).content.decode()
    assert "Silakan menuju loket 1" in client.get(proof).content.decode()
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    assert len(ahead) == 2
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    done = client.get(proof).content.decode()
    assert 'id="turn"' not in done and 'http-equiv="refresh"' not in done


def test_a_ticket_sent_to_a_named_counter_says_which(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    desk = counter(office_a, 1)
    counter(office_a, 4, Stage.PHOTO_INTERVIEW)
    booking = booked(office_a)
    ticket_issue(office=office_a, by=None, booking=booking)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    calls.ticket_transfer(counter=desk, by=counter_officer_a, to_counter=4)
    text = owner_client(booking).get(urls(booking)[1]).content.decode()
    assert "Anda berikutnya di loket 4" in text


def test_only_the_owner_may_poll(office_a: Office, clock: Any) -> None:
    booking = booked(office_a)
    ticket_issue(office=office_a, by=None, booking=booking)
    stranger = owner_client(booked(office_a))
    assert stranger.get(urls(booking)[1]).status_code == 404
    anonymous = Client().get(urls(booking)[1])
    assert anonymous.status_code == 302 and "/masuk" in anonymous["Location"]


@pytest.fixture
def back_to_indonesian() -> Iterator[None]:
    """The English request leaves English active in this thread: the tests after it read Indonesian."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_part_speaks_english_too(
    office_a: Office, counter_officer_a: User, clock: Any, back_to_indonesian: None
) -> None:
    desk = counter(office_a, 1)
    booking = booked(office_a)
    ticket_issue(office=office_a, by=None, booking=booking)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    client = owner_client(booking)
    indonesian = client.get(urls(booking)[1])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(urls(booking)[1], headers={"If-None-Match": indonesian["ETag"]})
    assert english.status_code == 200 and "Please go to counter 1" in english.content.decode()
