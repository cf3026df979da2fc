"""A new booking awaits payment: a bill with a billing code, the fee, a deadline, and a message."""

import datetime as dt
from typing import Any

import time_machine
from django.core import mail

from loket.booking.models import BookingStatus, Slot
from loket.core.datefmt import grouped
from loket.notify.models import Message
from loket.offices.models import Office
from loket.payments.models import PaymentStatus
from loket.payments.tasks import payment_deadlines
from loket.payments.tests.conftest import NOW, applicant, book, messages


def test_new_booking_awaits_payment_with_a_bill(office: Office, django_capture_on_commit_callbacks: Any) -> None:
    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        booking = book(applicant(1), passport_type="electronic")
    payment = booking.payment
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert len(payment.billing_code) == 15 and payment.billing_code.isdigit()
    assert (payment.amount, payment.status) == (650_000, PaymentStatus.PENDING)
    assert payment.deadline == NOW + dt.timedelta(minutes=120)
    assert Slot.objects.get(start="08:00").booked == 1  # the seat is held while unpaid
    assert (messages(booking, "payment_due"), messages(booking, "confirmed")) == (1, 0)
    [sent] = mail.outbox
    assert grouped(payment.billing_code) in sent.body
    assert "Rp650.000" in sent.body and "Selasa, 1 Desember 2026, pukul 09.30 WIB" in sent.body


def test_deadline_never_runs_past_the_start_of_the_window(office: Office) -> None:
    with time_machine.travel(NOW, tick=False):  # 07:30 WIB; the 09:00 window starts in 90 minutes
        booking = book(applicant(1), day=dt.date(2026, 12, 1), start=dt.time(9))
    assert booking.payment.deadline == dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


def test_billing_codes_differ(office: Office) -> None:
    with time_machine.travel(NOW, tick=False):
        codes = {book(applicant(i)).payment.billing_code for i in range(2)}
    assert len(codes) == 2


def test_one_reminder_half_an_hour_before_the_deadline(office: Office) -> None:
    with time_machine.travel(NOW, tick=False):
        booking = book(applicant(1))
    deadline = booking.payment.deadline
    with time_machine.travel(deadline - dt.timedelta(minutes=31), tick=False):
        assert payment_deadlines() == {"expired": 0, "reminded": 0}
    with time_machine.travel(deadline - dt.timedelta(minutes=30), tick=False):
        assert payment_deadlines() == {"expired": 0, "reminded": 1}
    with time_machine.travel(deadline - dt.timedelta(minutes=29), tick=False):
        assert payment_deadlines() == {"expired": 0, "reminded": 0}  # sent once
    assert messages(booking, "payment_reminder") == 1
    reminder = Message.objects.get(event_key__startswith=f"booking:{booking.pk}:payment_reminder:")
    assert grouped(booking.payment.billing_code) in reminder.body


def test_no_reminder_when_the_deadline_is_too_close_for_one(office: Office, settings: Any) -> None:
    settings.LOKET_PAYMENT_DEADLINE_MINUTES = 20
    with time_machine.travel(NOW, tick=False):
        booking = book(applicant(1))
    assert booking.payment.remind_at is None
    with time_machine.travel(NOW + dt.timedelta(minutes=19), tick=False):
        assert payment_deadlines()["reminded"] == 0
