"""The reminder the day before the visit.

"Tomorrow" is the office's local tomorrow: at 23:30 WIB it is already the next day in
Jayapura (WIT), so each time zone is looked at on its own. The job runs every 15 minutes
and, from LOKET_VISIT_REMINDER_HOUR local time on, reminds every confirmed booking of the
next local day that has not been reminded yet; the event key (booking and visit date) makes
a second run a no-op and gives a rescheduled booking a fresh reminder for its new date.
"""

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.conf import settings

from loket.booking.models import Booking, BookingStatus
from loket.booking.selectors import booking_message_context
from loket.notify.events import notify
from loket.notify.models import Channel, Message
from loket.offices.calendar import holiday_name
from loket.offices.models import TIMEZONES, Closure

CHUNK = 500  # bookings per query; keeps the IN (...) lists well under SQLite's parameter limit


def visit_reminder_key(booking: Booking) -> str:
    return f"booking:{booking.pk}:visit_reminder:{booking.slot.date.isoformat()}"


def bookings_to_remind(*, now: dt.datetime) -> Iterable[Booking]:
    """Confirmed bookings whose visit is tomorrow in their office's zone, once that zone reached the hour."""
    for zone, _label in TIMEZONES:
        local = now.astimezone(ZoneInfo(zone))
        if local.hour < settings.LOKET_VISIT_REMINDER_HOUR:
            continue
        tomorrow = local.date() + dt.timedelta(days=1)
        closures = Closure.objects.filter(date=tomorrow)
        if holiday_name(tomorrow) or closures.filter(office__isnull=True).exists():
            continue  # closed everywhere: the people booked were told so (loket/booking/closures.py)
        due = (
            Booking.objects.filter(status=BookingStatus.CONFIRMED, office__timezone=zone, slot__date=tomorrow)
            .exclude(office__in=closures.filter(office__isnull=False).values("office"))  # closed there
            .select_related("slot", "office", "booked_by")
            .order_by("pk")
        )
        yield from _not_reminded(due)


def _not_reminded(bookings: Iterable[Booking]) -> Iterable[Booking]:
    batch: list[Booking] = []
    for booking in bookings:
        batch.append(booking)
        if len(batch) == CHUNK:
            yield from _drop_reminded(batch)
            batch = []
    yield from _drop_reminded(batch)


def _drop_reminded(batch: list[Booking]) -> list[Booking]:
    keys = [f"{visit_reminder_key(b)}:{channel}" for b in batch for channel in Channel.values]
    sent = Message.objects.filter(event_key__in=keys).values_list("event_key", flat=True)
    done = {key.rpartition(":")[0] for key in sent if key}
    return [b for b in batch if visit_reminder_key(b) not in done]


def visit_reminders_send(*, now: dt.datetime) -> int:
    """Queue the visit reminders that are due; returns how many bookings were reminded."""
    reminded = 0
    for booking in bookings_to_remind(now=now):
        notify(
            event="visit_reminder",
            user=booking.booked_by,
            key=visit_reminder_key(booking),
            context=booking_message_context(booking),
        )
        reminded += 1
    return reminded
