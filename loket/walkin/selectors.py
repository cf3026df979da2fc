"""Reads for walk-ins, outage mode and day close.

Outage mode itself is read in loket/offices/selectors.py.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from loket.booking.models import ACTIVE_STATUSES, Booking, BookingStatus, Slot, WalkinDay
from loket.booking.share import walkin_percent, walkin_split
from loket.offices.calendar import closure_reason, closures_between
from loket.offices.models import ArrivalWindow, Office, Outage
from loket.walkin.models import DayClose


def outages_recent(*, office: Office | None, limit: int = 20) -> list[Outage]:
    rows = Outage.objects.select_related("office", "started_by", "ended_by")
    rows = rows.filter(office=office) if office else rows.filter(office__isnull=True)
    return list(rows[:limit])


@dataclass(frozen=True)
class WalkinRoom:
    """Seats a walk-in can still get on one day: the pool, plus the online seats during an outage."""

    date: dt.date
    pool_left: int
    online_left: int

    @property
    def total(self) -> int:
        return self.pool_left + self.online_left


def walkin_day_refusal(office: Office, day: dt.date) -> str | None:
    """Why walk-ins cannot be booked on `day` at all (closed, no service, day closed), else None."""
    if DayClose.objects.filter(office=office, date=day).exists():
        return _("hari layanan ini sudah ditutup")
    if not ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).exists():
        return _("tidak ada layanan pada hari ini")
    return closure_reason(office, day)


def walkin_room(office: Office, day: dt.date, *, outage: bool) -> WalkinRoom:
    """Seats left for walk-ins on `day` (a pool not created yet counts with the share in force)."""
    windows = list(ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).order_by("start"))
    pool = WalkinDay.objects.filter(office=office, date=day).first()
    slots = {s.start: s for s in Slot.objects.filter(office=office, date=day)}
    if pool is not None:
        percent, pool_left = pool.percent, pool.remaining
    else:
        percent = 0 if slots else walkin_percent(office)
        pool_left = sum(walkin_split([w.capacity for w in windows], percent))
    online_left = 0
    if outage:
        reserved = walkin_split([w.capacity for w in windows], percent)
        for window, held_back in zip(windows, reserved, strict=True):
            slot = slots.get(window.start)
            online_left += slot.remaining if slot else window.capacity - held_back
    return WalkinRoom(date=day, pool_left=pool_left, online_left=max(online_left, 0))


def walkin_next_day(office: Office, *, after: dt.date) -> dt.date | None:
    """The first day after `after`, within the booking horizon, open with walk-in pool seats left.

    The same answer as asking walkin_day_refusal and walkin_room day by day, read in five
    queries for the whole horizon instead of up to six a day: the walk-in page asks it on every view
    of a closed or full day.
    """
    first, last = after + dt.timedelta(days=1), after + dt.timedelta(days=office.horizon_days)
    if first > last:
        return None
    day_closed = set(DayClose.objects.filter(office=office, date__range=(first, last)).values_list("date", flat=True))
    capacities: dict[int, list[int]] = {}
    for weekday, capacity in (
        ArrivalWindow.objects.filter(office=office).order_by("start").values_list("weekday", "capacity")
    ):
        capacities.setdefault(weekday, []).append(capacity)
    closed = closures_between(office, first, last)
    pools = {
        date: capacity - used
        for date, capacity, used in WalkinDay.objects.filter(office=office, date__range=(first, last)).values_list(
            "date", "capacity", "used"
        )
    }
    sliced = set(Slot.objects.filter(office=office, date__range=(first, last)).values_list("date", flat=True))
    percent_now = walkin_percent(office)
    day = first
    while day <= last:
        windows = capacities.get(day.weekday())
        if day not in day_closed and windows and day not in closed:
            left = pools[day] if day in pools else sum(walkin_split(windows, 0 if day in sliced else percent_now))
            if left > 0:
                return day
        day += dt.timedelta(days=1)
    return None


def active_booking_of(nik: str) -> Booking | None:
    return Booking.objects.filter(person__nik=nik, status__in=ACTIVE_STATUSES).select_related("office", "slot").first()


@dataclass(frozen=True)
class DayOutlook:
    """What closing the day would do now: the counts a supervisor sees before pressing the button."""

    date: dt.date
    not_checked_in: int
    unpaid: int
    open_tickets: int
    closed: DayClose | None


def day_outlook(office: Office, day: dt.date) -> DayOutlook:
    from loket.onsite.models import OPEN_TICKET_STATUSES, Ticket

    bookings = Booking.objects.filter(office=office, slot__date=day)
    return DayOutlook(
        date=day,
        not_checked_in=bookings.filter(status=BookingStatus.CONFIRMED).count(),
        unpaid=bookings.filter(status=BookingStatus.AWAITING_PAYMENT).count(),
        open_tickets=Ticket.objects.filter(office=office, day=day, status__in=OPEN_TICKET_STATUSES).count(),
        closed=DayClose.objects.filter(office=office, date=day).first(),
    )


def day_closes_recent(office: Office, *, limit: int = 14) -> list[DayClose]:
    return list(DayClose.objects.filter(office=office).select_related("closed_by")[:limit])
