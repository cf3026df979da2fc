"""A day closed late: the people booked on it are told, and may move for free.

Offices close on days announced late (a power cut, a flood, a day of collective leave set
after the bookings were made). Staff add a Closure (offices.models); this receiver, connected
in BookingConfig.ready, writes a `day_closed` event for every booking still to come on that day,
in the same transaction as the closure, so the message to each person (notify) is as durable as
the closure itself and a replay sends nothing twice. A booking on a closed day may then be
moved even on the day itself, and the move does not count against LOKET_RESCHEDULE_MAX
(booking_reschedule in services.py).
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.booking.events import event_written
from loket.booking.models import Booking, BookingEvent, BookingStatus, EventKind
from loket.core.errors import Conflict, DomainError
from loket.offices.calendar import closure_reason
from loket.offices.models import Closure, Office

# Bookings that still expect the person on their day (a checked-in person is already there).
WAITING = [BookingStatus.AWAITING_PAYMENT, BookingStatus.CONFIRMED]


def day_closed_reason(booking: Booking) -> str | None:
    """Why the office is closed on the day of a booking still to come (a closure or a holiday), or
    None: open, or the booking is not waiting for its day any more."""
    if booking.status not in WAITING:
        return None
    return closure_reason(booking.office, booking.slot.date)


def closure_announce(closure: Closure, *, now: dt.datetime | None = None) -> int:
    """Write a `day_closed` event for each booking waiting on the closed day whose window has not
    ended and that has none for that day yet (the caller's transaction); returns how many."""
    now = now or timezone.now()
    day = closure.date if isinstance(closure.date, dt.date) else dt.date.fromisoformat(str(closure.date))
    if day < now.date() - dt.timedelta(days=1):
        return 0  # a past day recorded afterwards: nobody is still to come
    bookings = Booking.objects.filter(slot__date=day, status__in=WAITING)
    if closure.office_id is not None:
        bookings = bookings.filter(office_id=closure.office_id)
    told = BookingEvent.objects.filter(kind=EventKind.DAY_CLOSED, data__date=day.isoformat())
    # Read whole before writing: the events' reactions may run at once (LOKET_BOOKING_EVENTS_INLINE).
    waiting = list(
        bookings.exclude(pk__in=told.values("booking_id"))
        .order_by("pk")
        .values_list("pk", "slot__end", "office__timezone")
    )
    data = {"date": day.isoformat(), "reason": closure.reason}
    events = [
        BookingEvent(booking_id=booking_id, kind=EventKind.DAY_CLOSED, data=dict(data))
        for booking_id, end, zone in waiting
        if dt.datetime.combine(day, end, tzinfo=ZoneInfo(zone)) > now  # its window is not over
    ]
    # A national closure on a busy day is some 25,000 bookings: an INSERT a thousand events.
    with transaction.atomic():  # all told or none (within the closure's own transaction when there is one)
        for event in BookingEvent.objects.bulk_create(events, batch_size=1000):
            event_written(event)
    return len(events)


# How far ahead a supervisor may close a day (collective leave is set about a year ahead).
CLOSURE_AHEAD_DAYS = 366


def closure_add(*, by: User, office: Office, day: dt.date, reason: str, ip: str | None = None) -> tuple[Closure, int]:
    """Close one day of one office, announced by its supervisor: the people booked on it are told
    (closure_saved below) and the action is audited. Returns the closure and how many bookings of
    the office were told about the day."""
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError(
            "reason_required",
            _("Tulis alasan penutupan: alasan ini dikirim kepada setiap orang yang sudah memesan hari itu."),
            field="reason",
        )
    today = office.local_today()
    if not today <= day <= today + dt.timedelta(days=CLOSURE_AHEAD_DAYS):
        raise DomainError(
            "date_out_of_range",
            _("Pilih hari ini atau hari yang akan datang, paling jauh setahun lagi."),
            field="date",
        )
    closed = closure_reason(office, day)
    if closed:
        raise Conflict(
            "already_closed", _("Kantor sudah tutup pada hari itu: %(reason)s.") % {"reason": closed}, field="date"
        )
    try:
        with transaction.atomic():
            closure = Closure.objects.create(office=office, date=day, reason=reason, created_by=by)
            told = BookingEvent.objects.filter(
                kind=EventKind.DAY_CLOSED, data__date=day.isoformat(), booking__office=office
            ).count()
            audit_record(
                actor=by,
                action="closure.add",
                office=office,
                target_type="office_day",
                target_id=f"{office.code}:{day.isoformat()}",
                after={"date": day.isoformat(), "reason": reason, "told": told},
                ip=ip,
            )
    except IntegrityError:  # another supervisor closed it a moment ago
        raise Conflict("already_closed", _("Hari itu baru saja ditutup oleh petugas lain."), field="date") from None
    return closure, told


def closures_upcoming(office: Office) -> list[tuple[Closure, int]]:
    """The office's closures from today on (its own and nationwide), each with how many of its
    bookings were told about the day."""
    rows = list(
        Closure.objects.filter(date__gte=office.local_today())
        .filter(Q(office=office) | Q(office__isnull=True))
        .order_by("date", F("office").asc(nulls_first=True))
    )
    told = dict(
        BookingEvent.objects.filter(
            kind=EventKind.DAY_CLOSED,
            booking__office=office,
            data__date__in=[row.date.isoformat() for row in rows],
        )
        .values_list("data__date")
        .annotate(n=Count("id"))
        .values_list("data__date", "n")
    )
    return [(row, told.get(row.date.isoformat(), 0)) for row in rows]


CLOSURE_SAVED_UID = "booking-closure-announce"


@receiver(post_save, sender=Closure, dispatch_uid=CLOSURE_SAVED_UID)
def closure_saved(sender: type[Closure], *, instance: Closure, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # loaded from a fixture: nothing happened to anyone
        closure_announce(instance)
