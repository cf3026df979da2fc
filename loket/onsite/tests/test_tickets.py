"""Queue numbers: per office, per local day, per letter; the letter follows service, stage and priority."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from loket.accounts.models import Person
from loket.booking.models import BookingStatus
from loket.offices.models import Office
from loket.onsite.models import EventKind, Priority, Stage, Ticket, TicketSequence
from loket.onsite.services.tickets import ticket_issue, ticket_number_claim
from loket.onsite.tests.queue_helpers import NOW, TODAY, booked


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_numbers_run_per_letter_and_restart_each_day(office_a: Office) -> None:
    assert [ticket_number_claim(office=office_a, day=TODAY, letter="A") for _ in range(3)] == [1, 2, 3]
    assert ticket_number_claim(office=office_a, day=TODAY, letter="P") == 1
    assert ticket_number_claim(office=office_a, day=TODAY + dt.timedelta(days=1), letter="A") == 1
    assert TicketSequence.objects.get(office=office_a, day=TODAY, letter="A").last == 3


def test_each_office_counts_its_own_numbers(office_a: Office, office_b: Office) -> None:
    first_a = ticket_issue(office=office_a, by=None, booking=booked(office_a))
    first_b = ticket_issue(office=office_b, by=None, booking=booked(office_b))
    second_a = ticket_issue(office=office_a, by=None, booking=booked(office_a))
    assert (first_a.display, first_b.display, second_a.display) == ("A001", "A001", "A002")


def test_letter_follows_service_priority_and_pickup(office_a: Office) -> None:
    new = ticket_issue(office=office_a, by=None, booking=booked(office_a))
    replacement = ticket_issue(office=office_a, by=None, booking=booked(office_a, service="replacement"))
    priority = ticket_issue(office=office_a, by=None, booking=booked(office_a), priority=Priority.PREGNANT)
    pickup_person = booked(office_a, status=BookingStatus.COMPLETED).person
    pickup = ticket_issue(office=office_a, by=None, person=pickup_person, stage=Stage.PICKUP)
    assert [t.display for t in (new, replacement, priority, pickup)] == ["A001", "B001", "P001", "C001"]
    assert pickup.booking is None and pickup.stage == Stage.PICKUP


def test_a_booked_ticket_checks_the_booking_in_and_keeps_its_appointment(office_a: Office) -> None:
    booking = booked(office_a, start=dt.time(9))
    ticket = ticket_issue(office=office_a, by=None, booking=booking)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert ticket.appointment_at == booking.slot.starts_at
    assert ticket.day == TODAY and ticket.queued_at == ticket.arrived_at
    assert ticket.events.get().kind == EventKind.ISSUED


def test_a_walk_in_without_booking_gets_a_priority_number(office_a: Office) -> None:
    person = Person.objects.create(
        relation="self", full_name="Siti Aminah", nik="3174014101500001", birth_date=dt.date(1950, 1, 1), sex="F"
    )
    ticket = ticket_issue(office=office_a, by=None, person=person, priority=Priority.ELDERLY, walk_in=True)
    assert ticket.display == "P001" and ticket.walk_in and ticket.booking is None and ticket.name == "Siti Aminah"


def test_the_same_booking_never_gets_two_tickets(office_a: Office) -> None:
    booking = booked(office_a)
    ticket_issue(office=office_a, by=None, booking=booking)
    with pytest.raises(Exception, match="sudah check-in"):
        ticket_issue(office=office_a, by=None, booking=booking)
    assert Ticket.objects.count() == 1


def test_another_offices_booking_is_refused(office_a: Office, office_b: Office) -> None:
    with pytest.raises(Exception, match="bukan untuk kantor ini"):
        ticket_issue(office=office_b, by=None, booking=booked(office_a))
    assert not Ticket.objects.exists()
