"""Unpaid at the deadline: expired, seat back in the pool at once, applicant told — once."""

import datetime as dt
from typing import Any

import time_machine
from django.core import mail

from loket.booking.models import Booking, BookingStatus, Slot
from loket.booking.services import booking_cancel, booking_expire
from loket.booking.tests.conftest import make_office
from loket.payments.models import Payment, PaymentStatus
from loket.payments.services import payments_expire_overdue
from loket.payments.tasks import payment_deadlines
from loket.payments.tests.conftest import NOW, applicant, book, messages


def test_unpaid_booking_expires_at_its_deadline_and_frees_the_seat(
    office: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        booking = book(applicant(1))
    deadline = booking.payment.deadline
    with time_machine.travel(deadline - dt.timedelta(seconds=1), tick=False):
        assert payment_deadlines()["expired"] == 0
    assert Slot.objects.get(start="08:00").booked == 1
    with time_machine.travel(deadline, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert payment_deadlines()["expired"] == 1
    booking.refresh_from_db()
    assert (booking.status, booking.seat_released) == (BookingStatus.EXPIRED, True)
    assert Payment.objects.get(booking=booking).status == PaymentStatus.EXPIRED
    assert Slot.objects.get(start="08:00").booked == 0  # at once, no cancel delay
    assert messages(booking, "expired") == 1
    assert any("batal otomatis" in m.subject for m in mail.outbox)


def test_worker_down_for_hours_catches_up_on_every_overdue_booking(db: None) -> None:
    make_office(capacity=30)
    with time_machine.travel(NOW, tick=False):
        overdue = [book(applicant(i)) for i in range(25)]
        paid = book(applicant(99))
    Payment.objects.filter(booking=paid).update(status=PaymentStatus.PAID)
    Booking.objects.filter(pk=paid.pk).update(status=BookingStatus.CONFIRMED)
    assert Slot.objects.get(start="08:00").booked == 26

    # The worker comes back three hours later: every missed minute at once, in small batches.
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        assert payments_expire_overdue(batch_size=7) == 25
        assert payments_expire_overdue(batch_size=7) == 0  # idempotent
        assert payment_deadlines() == {"expired": 0, "reminded": 0}  # and no stale reminders

    # Each seat was given back exactly once: the paid booking still holds the only seat taken.
    assert Slot.objects.get(start="08:00").booked == 1
    assert Booking.objects.filter(status=BookingStatus.EXPIRED, seat_released=True).count() == 25
    assert [messages(b, "expired") for b in overdue] == [1] * 25
    assert messages(paid, "expired") == 0


def test_expiring_twice_frees_the_seat_once(office: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        first, second = book(applicant(1)), book(applicant(2))
    assert booking_expire(booking_id=first.pk) is True
    assert booking_expire(booking_id=first.pk) is False
    assert Slot.objects.get(start="08:00").booked == 1  # second's seat is untouched
    assert messages(first, "expired") == 1
    assert second.status == BookingStatus.AWAITING_PAYMENT


def test_a_cancelled_unpaid_booking_is_not_expired_again(office: Any, settings: Any) -> None:
    settings.LOKET_CANCEL_RELEASE_MINUTES = 0
    user = applicant(1)
    with time_machine.travel(NOW, tick=False):
        booking = book(user)
        booking_cancel(user=user, code=booking.code)
        settings.LOKET_PAYMENT_REQUIRED = False
        book(applicant(2))  # a confirmed neighbour: a second free would show as 0
    assert Slot.objects.get(start="08:00").booked == 1
    with time_machine.travel(NOW + dt.timedelta(hours=3), tick=False):
        payment_deadlines()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Payment.objects.get(booking=booking).status == PaymentStatus.EXPIRED  # the bill is closed too
    assert Slot.objects.get(start="08:00").booked == 1  # not freed a second time
    assert messages(booking, "expired") == 0
