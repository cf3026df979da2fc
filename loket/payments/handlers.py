"""The PNBP bill follows the booking: opened when a seat is booked, with its message; a paid fee
follows a booking that ends without a visit as a credit (connected in PaymentsConfig.ready())."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import receiver

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.booking.events import annotate_with, batch_memo, booking_event
from loket.booking.models import Booking, BookingEvent, EventKind
from loket.booking.selectors import booking_message_context
from loket.booking.services import booking_confirm_paid
from loket.notify.events import notify
from loket.payments.adjustments import payment_class_adjust
from loket.payments.billing import payment_class_change, payment_context, payment_open
from loket.payments.credits import credit_grant, credit_tell, credit_use, credits_usable
from loket.payments.models import FeeCredit, Payment, PaymentStatus

# Loaded with every event (the statement that locks them): has its booking a bill, or a credit
# that paid it, yet? Has its person a credit this booking could use?
BILLED = "payments_billed"
CREDITED = "payments_credited"
CREDIT_USABLE = "payments_credit_usable"
# In the batch's memo: the people granted a credit by an earlier event of the same batch (its
# events were loaded before that credit existed).
GRANTED = "payments_credit_granted"


def _bills_of(booking_id: Any) -> QuerySet[Payment]:
    """A booking's bill (a booking id, or OuterRef to one)."""
    return Payment.objects.filter(booking_id=booking_id)


def _credits_used_by(booking_id: Any) -> QuerySet[FeeCredit]:
    """The credit that paid a booking (a booking id, or OuterRef to one)."""
    return FeeCredit.objects.filter(used_by_id=booking_id)


def load_settled() -> None:
    """Called from PaymentsConfig.ready()."""
    booking_id = OuterRef("booking_id")
    annotate_with(
        **{
            BILLED: Exists(_bills_of(booking_id)),
            CREDITED: Exists(_credits_used_by(booking_id)),
            CREDIT_USABLE: _credit_usable,  # built at each load: "usable" as of the load's time
        }
    )


def _credit_usable() -> Exists:
    """Has the event's person a credit its booking could use now (as credit_use would find it)?"""
    usable = credits_usable(
        person_id=OuterRef("booking__person_id"),
        service=OuterRef("booking__service"),
        passport_type=OuterRef("booking__passport_type"),
    )
    return Exists(usable)


def _settled(event: BookingEvent) -> bool:
    """Has the event's booking a bill, or a credit that paid it? From what the event was loaded
    with, or asked (an event not loaded by the worker's loader)."""
    billed, credited = getattr(event, BILLED, None), getattr(event, CREDITED, None)
    if billed is None or credited is None:
        return _bills_of(event.booking_id).exists() or _credits_used_by(event.booking_id).exists()
    return bool(billed or credited)


def _may_use_credit(event: BookingEvent) -> bool:
    """Could the event's person have a credit for this booking? False only when the event was
    loaded knowing there was none and no earlier event of this batch granted one since: most
    bookings, which then skip the look-up. credit_use decides, under its own claim."""
    usable = getattr(event, CREDIT_USABLE, None)
    return usable is None or usable or event.booking.person_id in batch_memo().get(GRANTED, ())


def _granted(booking: Booking) -> None:
    """Remember for the rest of the batch that the booking's person now has a credit."""
    batch_memo().setdefault(GRANTED, set()).add(booking.person_id)


@receiver(booking_event)
def booking_event_bill(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    if event.kind != EventKind.BOOKED or not settings.LOKET_PAYMENT_REQUIRED:
        return
    booking = event.booking
    if _settled(event):
        return  # opened (or paid with a credit) already: a replayed event changes nothing
    deadline = event.data.get("payment_deadline")
    # A walk-in (a deadline set at the desk) pays on paper; an online booking may use a credit.
    if deadline is None and _may_use_credit(event) and credit_use(booking=booking) is not None:
        booking_confirm_paid(booking_id=booking.pk)  # its "confirmed" message follows from that event
        return
    payment = payment_open(
        booking=booking,
        deadline=dt.datetime.fromisoformat(deadline) if deadline else None,
        memo=batch_memo(),  # the fee in force, read once a batch of events
    )
    if event.data.get("quiet"):
        return  # a walk-in gets the bill on paper at the desk
    notify(
        event="payment_due",
        user=booking.booked_by,
        key=f"booking:{booking.pk}:payment_due",
        context={**booking_message_context(booking), **payment_context(payment)},
    )


@receiver(booking_event)
def booking_event_credit(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    """A cancelled paid booking: its fee becomes a credit, and the cancellation message says so
    (notify leaves the cancellation of a paid booking to us). Paid too late for a seat: a credit too."""
    booking = event.booking
    if event.kind == EventKind.CANCELLED and event.data.get("fee_settled") and settings.LOKET_PAYMENT_REQUIRED:
        credit = credit_grant(booking=booking)
        if credit is not None:
            _granted(booking)
        message = "booking_cancelled_credit" if credit else "booking_cancelled"
        credit_tell(booking=booking, credit=credit, message=message, suffix="cancelled")
    elif event.kind == EventKind.PAID_NEEDS_REBOOKING:
        credit = credit_grant(booking=booking)
        if credit is not None:
            _granted(booking)
            credit_tell(booking=booking, credit=credit, message="fee_credit", suffix="credit")


@receiver(booking_event)
def booking_event_bill_class(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    """A class change at the counter changes the bill's lines (the express fee in or out); a
    bill paid already is adjusted instead (adjustments.py), and the adjustment audited."""
    if event.kind != EventKind.CLASS_CHANGED:
        return
    payment = Payment.objects.filter(booking=event.booking).select_related("booking__office").first()
    if payment is None:
        return
    raw = event.data.get("payment_deadline")
    deadline = dt.datetime.fromisoformat(raw) if raw else None
    if payment.status != PaymentStatus.PAID:
        payment_class_change(payment=payment, deadline=deadline)
        return
    adjusted = payment_class_adjust(payment=payment, deadline=deadline)
    by = User.objects.filter(pk=event.data.get("by")).first()
    if adjusted is not None and by is not None:
        audit_record(
            actor=by,
            action="payment.adjustment",
            office=payment.booking.office,
            target_type="booking",
            target_id=payment.booking.code,
            after={
                "kind": adjusted.kind,
                "item": adjusted.item,
                "amount": adjusted.amount,
                "status": adjusted.status,
                "billing_code": adjusted.billing_code or "",
            },
        )
