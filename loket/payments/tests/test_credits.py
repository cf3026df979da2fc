"""A paid fee is never lost silently: cancelled, it becomes a credit the next booking uses."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.booking.events import events_process
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import BookingRequest, booking_cancel, booking_create
from loket.core import datefmt
from loket.notify.models import Message
from loket.offices.models import Office
from loket.payments.credits import credit_terms, credits_of
from loket.payments.models import FeeCredit, Payment, PaymentStatus
from loket.payments.tests.conftest import DAY, NOW, applicant, book, post, report, signed


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def holder(office: Office) -> User:
    return applicant(1)


def pay(api: Client, booking: Booking) -> None:
    body = report(booking)
    assert post(api, body, signed(body)).status_code == 200


def test_cancelling_a_paid_booking_keeps_the_fee_as_a_credit_and_the_mail_says_so(
    api: Client, holder: User, settings: Any
) -> None:
    settings.LOKET_FEE_CREDIT_DAYS = 30
    booking = book(holder)
    pay(api, booking)
    booking_cancel(user=holder, code=booking.code)
    credit = FeeCredit.objects.get(source=booking)
    assert (credit.amount, credit.service, credit.passport_type) == (350_000, "new", "regular")
    assert credit.valid_until == NOW + dt.timedelta(days=30)
    assert credit.person_id == booking.person_id
    # One cancellation mail, and it tells where the fee stands.
    (message,) = Message.objects.filter(event_key__startswith=f"booking:{booking.pk}:cancelled:")
    assert "Rp350.000" in message.body and "kredit" in message.body
    assert "Kamis, 31 Desember 2026" in message.body


def subjects(booking: Booking) -> list[str]:
    return [m.subject for m in Message.objects.filter(event_key__startswith=f"booking:{booking.pk}:").order_by("pk")]


def test_the_next_booking_uses_the_credit_and_is_confirmed_without_a_bill(api: Client, holder: User) -> None:
    first = book(holder)
    pay(api, first)
    booking_cancel(user=holder, code=first.code)
    second = book(holder, start=dt.time(9))
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED
    assert not Payment.objects.filter(booking=second).exists()
    assert FeeCredit.objects.get(source=first).used_by_id == second.pk
    assert not credits_of(holder).exists()


@pytest.mark.parametrize("same_batch", [False, True], ids=["granted-before", "granted-in-the-same-batch"])
def test_the_worker_pays_the_next_booking_with_the_credit(
    api: Client, holder: User, settings: Any, same_batch: bool
) -> None:
    """The worker's way: the credit of a cancelled paid booking pays the person's next booking,
    whether it was granted before that booking's event was loaded, or by an event taken in the
    same batch (loaded before the credit existed)."""
    first = book(holder)
    pay(api, first)
    settings.LOKET_BOOKING_EVENTS_INLINE = False
    booking_cancel(user=holder, code=first.code)
    if not same_batch:
        events_process()
        assert FeeCredit.objects.get(source=first).used_by_id is None
    second = book(holder, start=dt.time(9))
    assert events_process() >= 1
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED
    assert not Payment.objects.filter(booking=second).exists()
    assert FeeCredit.objects.get(source=first).used_by_id == second.pk


def test_a_credit_fits_only_the_same_service_and_passport_type(api: Client, holder: User) -> None:
    first = book(holder)
    pay(api, first)
    booking_cancel(user=holder, code=first.code)
    electronic = book(holder, passport_type="electronic")
    electronic.refresh_from_db()
    assert electronic.status == BookingStatus.AWAITING_PAYMENT
    assert Payment.objects.get(booking=electronic).amount == 650_000
    assert credits_of(holder).count() == 1  # still there for a regular passport


def test_a_credit_lapses_after_its_period(api: Client, holder: User, settings: Any) -> None:
    settings.LOKET_FEE_CREDIT_DAYS = 10
    first = book(holder)
    pay(api, first)
    booking_cancel(user=holder, code=first.code)
    with time_machine.travel(NOW + dt.timedelta(days=11), tick=False):
        later = book(holder, day=DAY + dt.timedelta(days=11))
        later.refresh_from_db()
        assert later.status == BookingStatus.AWAITING_PAYMENT
        assert Payment.objects.filter(booking=later).exists()


def test_cancelling_a_booking_paid_by_credit_passes_the_credit_on_without_extending_it(
    api: Client, holder: User
) -> None:
    first = book(holder)
    pay(api, first)
    booking_cancel(user=holder, code=first.code)
    until = FeeCredit.objects.get(source=first).valid_until
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        second = book(holder, day=DAY + dt.timedelta(days=3))
        booking_cancel(user=holder, code=second.code)
    again = FeeCredit.objects.get(source=second)
    assert (again.amount, again.valid_until, again.used_by) == (350_000, until, None)


def test_an_unpaid_cancelled_booking_gives_no_credit_and_the_plain_mail(holder: User) -> None:
    booking = book(holder)
    assert credit_terms(booking) is None
    booking_cancel(user=holder, code=booking.code)
    assert not FeeCredit.objects.exists()
    assert subjects(booking)[-1] == f"Pemesanan {datefmt.grouped(booking.code)} dibatalkan"


def test_a_payment_arriving_after_the_cancellation_becomes_a_credit(api: Client, holder: User) -> None:
    booking = book(holder)
    booking_cancel(user=holder, code=booking.code)
    pay(api, booking)
    assert Payment.objects.get(booking=booking).status == PaymentStatus.PAID
    assert FeeCredit.objects.get(source=booking).amount == 350_000
    assert subjects(booking)[-1] == f"Biaya pemesanan {datefmt.grouped(booking.code)} disimpan sebagai kredit"


def test_a_replayed_cancellation_event_grants_one_credit(api: Client, holder: User) -> None:
    from loket.payments.credits import credit_grant

    booking = book(holder)
    pay(api, booking)
    booking_cancel(user=holder, code=booking.code)
    assert credit_grant(booking=booking) == FeeCredit.objects.get(source=booking)
    assert FeeCredit.objects.count() == 1


def test_the_credit_goes_with_its_person_not_the_account(api: Client, holder: User) -> None:
    """A household member's booking does not use the holder's credit."""
    from loket.accounts.models import Relation, Sex
    from loket.accounts.services import household_add

    first = book(holder)
    pay(api, first)
    booking_cancel(user=holder, code=first.code)
    child = household_add(
        user=holder,
        full_name="Anak",
        nik="3174014506150001",
        birth_date=dt.date(2015, 6, 5),
        sex=Sex.FEMALE,
        relation=Relation.CHILD,
    )
    booking, _created = booking_create(
        user=holder,
        request=BookingRequest(
            office="TST", date=DAY, start=dt.time(9), service="new", passport_type="regular", member=child.pk
        ),
    )
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT
    assert FeeCredit.objects.get(source=first).used_by is None
