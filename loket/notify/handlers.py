"""What notify does when the apps below it announce something: it tells the person.

Connected in NotifyConfig.ready(). Every message has an outbox key, so a replayed event
queues nothing new.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.dispatch import receiver

from loket.accounts.models import User
from loket.accounts.signals import account_message
from loket.booking.events import booking_event
from loket.booking.models import Booking, BookingEvent, EventKind
from loket.booking.selectors import booking_message_context
from loket.core import datefmt
from loket.notify.events import notify


@receiver(account_message)
def account_message_queue(
    sender: type[User], *, event: str, user: User, key: str, context: dict[str, Any], **kwargs: Any
) -> None:
    notify(event=event, user=user, key=key, context=context)


# Booking event -> (message, outbox key suffix). "booked" is told by payments (the bill) when a fee is due.
MESSAGES = {
    EventKind.CANCELLED: ("booking_cancelled", "cancelled"),
    EventKind.EXPIRED: ("booking_expired", "expired"),
    # The same key as a confirmation at booking time: one "confirmed" message per booking.
    EventKind.CONFIRMED: ("booking_confirmed", "confirmed"),
    EventKind.PAID_NEEDS_REBOOKING: ("paid_needs_rebooking", "paid_needs_rebooking"),
}


def moved_to(booking: Booking, data: dict[str, Any]) -> Any:
    """The appointment of a reschedule event, written in the reader's language when rendered."""
    day, start = dt.date.fromisoformat(data["date"]), dt.time.fromisoformat(data["start"])
    zone = booking.office.zone_abbreviation
    if "end" in data:
        return datefmt.deferred(datefmt.window, day, start, dt.time.fromisoformat(data["end"]), zone)
    return datefmt.deferred(datefmt.local_datetime, day, start, zone)  # events recorded before "end" was


@receiver(booking_event)
def booking_event_tell(sender: type[BookingEvent], *, event: BookingEvent, **kwargs: Any) -> None:
    booking = event.booking
    if event.data.get("quiet") or event.kind == EventKind.CLASS_CHANGED:
        return  # a class is changed at the counter, with the person in front of the officer
    if event.kind == EventKind.CANCELLED and event.data.get("fee_settled") and settings.LOKET_PAYMENT_REQUIRED:
        return  # payments tells: the fee paid becomes a credit, and its message says where it stands
    context = booking_message_context(booking)
    if event.kind == EventKind.BOOKED:
        if settings.LOKET_PAYMENT_REQUIRED:
            return  # the bill's message (payment_due) is the confirmation of the booking
        message, suffix = "booking_confirmed", "confirmed"
    elif event.kind == EventKind.RESCHEDULED:
        # The appointment the booking moved to in this event, not a later one.
        context.update(when=moved_to(booking, event.data))
        message, suffix = "booking_rescheduled", f"rescheduled:{event.data['count']}"
        if "from_closed_day" in event.data:  # a free move off a closed day keeps the count
            suffix += f":from-closed:{event.data['from_closed_day']}"
    elif event.kind == EventKind.DAY_CLOSED:
        day = dt.date.fromisoformat(event.data["date"])
        context.update(
            date=datefmt.deferred(datefmt.long_date, day), reason=event.data["reason"], code_sms=booking.code
        )
        message, suffix = "day_closed", f"closed:{day.isoformat()}"
    else:
        message, suffix = MESSAGES[EventKind(event.kind)]
    notify(event=message, user=booking.booked_by, key=f"booking:{booking.pk}:{suffix}", context=context)
