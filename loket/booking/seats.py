"""Seats: the window-day counters and the only code that changes them.

Every seat is claimed the same way: one conditional UPDATE (`booked < capacity`) inside the
caller's short transaction. Two requests for the last seat both run the UPDATE; the
database lets exactly one of them change the row, and the CHECK constraint
`booked <= capacity` stands behind it.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking.models import Booking, BookingStatus, Slot
from loket.booking.selectors import day_check
from loket.core.errors import DomainError
from loket.offices.models import ArrivalWindow, Office


def slot_for(office: Office, day: dt.date, start: dt.time) -> Slot:
    """The seat counter of a bookable window on `day`; DomainError (422) when it is not bookable.

    The same rules as the availability calendar (day_check), but only the one window is
    read: this runs on every booking request of a rush.
    """
    now_local = office.local_now()
    closed = day_check(office, day, now_local=now_local)
    if closed:
        code, reason = closed
        raise DomainError(code, reason, field="date")
    unknown = DomainError(
        "unknown_window", _("Tidak ada jendela kedatangan yang dapat dipesan pada jam ini."), field="start"
    )
    if day == now_local.date() and start <= now_local.time():
        raise unknown  # the window has started
    slot = Slot.objects.filter(office=office, date=day, start=start).first()
    if slot is not None:
        return slot
    window = ArrivalWindow.objects.filter(office=office, weekday=day.weekday(), start=start).first()
    if window is None:
        raise unknown
    slot, _created = Slot.objects.get_or_create(
        office=office,
        date=day,
        start=start,
        defaults={
            "end": window.end,
            "capacity": window.capacity,
            "starts_at": timezone.make_aware(dt.datetime.combine(day, start), office.zone),
        },
    )
    return slot


def claim_seat(slot: Slot) -> bool:
    """Take one seat of `slot` inside the caller's transaction. False when the window is full."""
    if getattr(settings, "LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS", False):
        # Test settings only: the read-then-write race the guard exists to prevent.
        current = Slot.objects.get(pk=slot.pk)
        if current.booked >= current.capacity:
            return False
        time.sleep(0.05)
        Slot.objects.filter(pk=slot.pk).update(booked=current.booked + 1)
        return True
    return Slot.objects.filter(pk=slot.pk, booked__lt=F("capacity")).update(booked=F("booked") + 1) == 1


class WindowFull(Exception):
    """Raised inside the seat transaction to roll it back; turned into a 409 outside it."""


def claim_or_roll_back(slot: Slot) -> None:
    if not claim_seat(slot):
        raise WindowFull


def free_seat(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def release_one(booking_id: int) -> bool:
    """Give a cancelled or expired booking's seat back, exactly once."""
    booking = Booking.objects.filter(pk=booking_id).only("slot_id").first()
    if booking is None:
        return False
    if Booking.objects.filter(pk=booking_id, seat_released=False).update(seat_released=True) != 1:
        return False
    free_seat(booking.slot_id)
    return True


def seats_release_due(*, now: dt.datetime | None = None, slot: Slot | None = None) -> int:
    """Return the seats of cancellations whose delay has passed. Run by the worker every minute."""
    now = now or timezone.now()
    due = Booking.objects.filter(status=BookingStatus.CANCELLED, seat_released=False, seat_release_at__lte=now)
    if slot is not None:
        due = due.filter(slot=slot)
    released = 0
    for booking_id in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            released += release_one(booking_id)
    return released
