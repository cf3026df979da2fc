"""The PNBP bill follows the booking: opened when a seat is booked, with its message
(connected in PaymentsConfig.ready())."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from loket.booking.events import booking_event
from loket.booking.models import BookingEvent, EventKind
from loket.booking.selectors import booking_message_context
from loket.notify.events import notify
from loket.payments.billing import payment_class_change, payment_context, payment_open
from loket.payments.models import Payment


@receiver(booking_event)
def booking_event_bill(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    if event.kind != EventKind.BOOKED or not settings.LOKET_PAYMENT_REQUIRED:
        return
    booking = event.booking
    if Payment.objects.filter(booking=booking).exists():
        return  # opened already: a replayed event changes nothing
    deadline = event.data.get("payment_deadline")
    payment = payment_open(booking=booking, deadline=dt.datetime.fromisoformat(deadline) if deadline else None)
    if event.data.get("quiet"):
        return  # a walk-in gets the bill on paper at the desk
    notify(
        event="payment_due",
        user=booking.booked_by,
        key=f"booking:{booking.pk}:payment_due",
        context={**booking_message_context(booking), **payment_context(payment)},
    )


@receiver(booking_event)
def booking_event_bill_class(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    """A class change at the counter changes the bill's lines (the express fee in or out)."""
    if event.kind != EventKind.CLASS_CHANGED:
        return
    payment = Payment.objects.filter(booking=event.booking).select_related("booking__office").first()
    if payment is None:
        return
    deadline = event.data.get("payment_deadline")
    payment_class_change(payment=payment, deadline=dt.datetime.fromisoformat(deadline) if deadline else None)
