"""The seat, the booking and its event in one PostgreSQL statement (seats.claim_seat_with over
core.db.insert_pair_if), as a booking request runs it outside any transaction: all three or
nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, NotSupportedError, connection
from django.utils import timezone

from loket.accounts.models import Person, User
from loket.booking.models import Booking, BookingEvent, BookingStatus, EventKind, Slot
from loket.booking.seats import claim_seat_with, seat_in_one_statement
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.core.db import insert_pair_if
from loket.core.testing.db import side_connection


def slot_of(capacity: int, booked: int = 0) -> Slot:
    office = make_office("ONE")
    day = open_day_ahead()
    return Slot.objects.create(
        office=office,
        date=day,
        start=dt.time(8),
        end=dt.time(9),
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(8))),
        capacity=capacity,
        booked=booked,
    )


def rows_for(slot: Slot, user: User, code: str = "ABCD2345") -> tuple[Booking, BookingEvent]:
    person = Person.objects.get(account=user)
    booking = Booking(
        code=code,
        person=person,
        booked_by=user,
        office=slot.office,
        slot=slot,
        service="new",
        passport_type="regular",
        status=BookingStatus.AWAITING_PAYMENT,
        person_name=person.full_name,
    )
    return booking, BookingEvent(kind=EventKind.BOOKED, data={"replacement_reason": ""})


def seen_by_another_connection(slot: Slot) -> tuple[int, int, int]:
    """The slot's counter, its bookings and their events, as a second connection sees them
    (committed only)."""
    with side_connection() as other:
        booked = other.execute("SELECT booked FROM booking_slot WHERE id = %s", [slot.pk]).fetchone()
        bookings = other.execute("SELECT count(*) FROM booking_booking WHERE slot_id = %s", [slot.pk]).fetchone()
        events = other.execute(
            "SELECT count(*) FROM booking_bookingevent e JOIN booking_booking b ON b.id = e.booking_id"
            " WHERE b.slot_id = %s",
            [slot.pk],
        ).fetchone()
    assert booked and bookings and events
    return booked[0], bookings[0], events[0]


postgres = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="a data-modifying WITH is PostgreSQL's")


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_free_seat_commits_the_seat_the_booking_and_its_event_at_once(applicant: User) -> None:
    slot = slot_of(capacity=2)
    booking, event = rows_for(slot, applicant)
    assert not connection.in_atomic_block  # as in a booking request: no transaction around it

    assert claim_seat_with(slot, booking, event) is True

    assert (event.booking_id, event.kind) == (booking.pk, EventKind.BOOKED)
    assert Booking.objects.get(pk=booking.pk).code == "ABCD2345"
    assert BookingEvent.objects.get(pk=event.pk).data == {"replacement_reason": ""}
    assert seen_by_another_connection(slot) == (1, 1, 1)  # committed by the statement itself


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_full_window_writes_nothing(applicant: User) -> None:
    slot = slot_of(capacity=1, booked=1)
    booking, event = rows_for(slot, applicant)

    assert claim_seat_with(slot, booking, event) is False

    assert (booking.pk, event.pk) == (None, None)
    assert seen_by_another_connection(slot) == (1, 0, 0)


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_insert_gives_the_seat_back(applicant: User, other_applicant: User) -> None:
    slot = slot_of(capacity=5)
    assert claim_seat_with(slot, *rows_for(slot, applicant, code="SAME2345"))
    clash = rows_for(slot, other_applicant, code="SAME2345")  # the booking code is unique

    with pytest.raises(IntegrityError):
        claim_seat_with(slot, *clash)

    assert seen_by_another_connection(slot) == (1, 1, 1)  # the second seat was never taken


def test_outside_postgresql_the_seat_takes_its_own_transaction(applicant: User) -> None:
    slot = slot_of(capacity=2)
    if connection.vendor == "postgresql":
        assert seat_in_one_statement()
        return
    assert not seat_in_one_statement()
    with pytest.raises(NotSupportedError):
        insert_pair_if("UPDATE booking_slot SET booked = booked", [], *rows_for(slot, applicant), link="booking")


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_control_test_that_races_the_claim_gets_the_old_path(applicant: User, settings: object) -> None:
    settings.LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS = True  # type: ignore[attr-defined]
    assert not seat_in_one_statement()


@postgres
@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_model_saved_by_save_is_refused(applicant: User) -> None:
    slot = slot_of(capacity=2)
    booking, _event = rows_for(slot, applicant)
    with pytest.raises(ValueError, match="saved by save"):
        insert_pair_if("UPDATE booking_slot SET booked = booked", [], booking, applicant, link="booking")
