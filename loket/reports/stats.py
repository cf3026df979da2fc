"""What happened at an office, day by day, for the people who plan its quota and counters.

Everything is counted from the records the system keeps anyway (bookings, walk-ins, tickets
and their events); nothing is stored twice. A day is the office's local day. The figures
carry no personal data: counts, shares and minutes.

- quota: the seats of the day's arrival windows (0 when the office is closed), as set now;
- booked: bookings for that day that hold or held a seat of its arrival windows (not cancelled,
  not expired): the regular ones, walk-ins included, and the class places booked online in a
  window (each also holds that window's seat, so it counts here and in its class);
- per class (priority, express): the day's places of the class (its ClassDay once used, else the
  weekday's ClassQuota; 0 when closed) and the bookings on them that hold or held a place;
- arrived: bookings checked in or completed; no-show: booked people who never came (or did
  not answer their calls); the show-up rate is arrived / (arrived + no-show), so a day still
  in progress is not counted against anyone;
- wait: from arrival (ticket issued) to the first call; visit: from arrival to the last
  counter finishing; both in minutes, over the day's tickets that got that far.
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Min, Q, Sum

from loket.booking.classes import class_places_between
from loket.booking.models import PLACE_CLASSES, Booking, BookingStatus, QuotaClass
from loket.offices.calendar import closures_between
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.models import EventKind, Ticket, TicketEvent, TicketStatus
from loket.walkin.models import WalkinBooking

MAX_DAYS = 92  # a quarter: enough to compare weekdays, small enough to read in one page

SEAT_HOLDING = [
    BookingStatus.AWAITING_PAYMENT,
    BookingStatus.CONFIRMED,
    BookingStatus.CHECKED_IN,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
]
ARRIVED = [BookingStatus.CHECKED_IN, BookingStatus.COMPLETED]


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (0 < share ≤ 1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rate(part: int, whole: int) -> float | None:
    """part / whole in per cent, one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


COUNTS = (
    "quota",
    "booked",
    "walk_ins",
    "cancelled",
    "expired",
    "arrived",
    "no_shows",
    "tickets",
    "served",
    "priority_quota",
    "priority",
    "express_quota",
    "express",
)


@dataclass
class Figures:
    """The counts of one day, one weekday or one office, and the times behind its medians."""

    quota: int = 0
    booked: int = 0
    walk_ins: int = 0
    cancelled: int = 0
    expired: int = 0
    arrived: int = 0
    no_shows: int = 0
    tickets: int = 0
    served: int = 0
    priority_quota: int = 0
    priority: int = 0
    express_quota: int = 0
    express: int = 0
    waits: list[float] = field(default_factory=list, repr=False)
    visits: list[float] = field(default_factory=list, repr=False)

    def add(self, other: "Figures") -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.waits.extend(other.waits)
        self.visits.extend(other.visits)

    @property
    def fill_rate(self) -> float | None:
        return rate(self.booked, self.quota)

    @property
    def show_rate(self) -> float | None:
        return rate(self.arrived, self.arrived + self.no_shows)

    @property
    def wait_median(self) -> float | None:
        return percentile(self.waits, 0.5)

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.waits, 0.9)

    @property
    def visit_median(self) -> float | None:
        return percentile(self.visits, 0.5)


@dataclass
class Day(Figures):
    day: dt.date = dt.date.min
    closed: str = ""  # why the office was closed (a holiday, an announced closure), or ""


@dataclass
class Report:
    office: Office
    start: dt.date
    end: dt.date
    days: list[Day]
    total: Figures
    weekdays: list[tuple[int, int, Figures]]  # (weekday 0=Monday, open days, figures summed)


def _minutes(later: dt.datetime, earlier: dt.datetime) -> float:
    return round((later - earlier).total_seconds() / 60, 1)


def office_report(office: Office, start: dt.date, end: dt.date) -> Report:
    """Day by day from `start` to `end` (both included, local days), with totals and weekdays."""
    days = {start + dt.timedelta(days=n): Day(day=start + dt.timedelta(days=n)) for n in range((end - start).days + 1)}
    capacity = defaultdict(int)
    for weekday, seats in (
        ArrivalWindow.objects.filter(office=office).values_list("weekday").annotate(seats=Sum("capacity")).order_by()
    ):
        capacity[weekday] = seats
    closed = closures_between(office, start, end)
    for day, row in days.items():
        row.closed = closed.get(day, "")
        row.quota = 0 if row.closed else capacity[day.weekday()]
    for day, places in class_places_between(office, start, len(days)).items():
        for place in places:
            setattr(days[day], f"{place.quota_class}_quota", place.capacity)

    bookings = (
        Booking.objects.filter(office=office, slot__date__range=(start, end))
        .values_list("slot__date", "status", "quota_class", "class_online")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, status, quota_class, online, n in bookings:
        row = days[day]
        if status in SEAT_HOLDING:
            if quota_class in PLACE_CLASSES:
                setattr(row, quota_class, getattr(row, quota_class) + n)
            if quota_class not in PLACE_CLASSES or online:
                row.booked += n
        if status in ARRIVED:
            row.arrived += n
        elif status == BookingStatus.NO_SHOW:
            row.no_shows += n
        elif status == BookingStatus.CANCELLED:
            row.cancelled += n
        elif status == BookingStatus.EXPIRED:
            row.expired += n
    walk_ins = (
        WalkinBooking.objects.filter(booking__office=office, booking__slot__date__range=(start, end))
        .filter(booking__status__in=SEAT_HOLDING, booking__quota_class=QuotaClass.REGULAR)
        .values_list("booking__slot__date")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for day, n in walk_ins:
        days[day].walk_ins += n

    first_calls = dict(
        TicketEvent.objects.filter(office=office, kind=EventKind.CALLED, ticket__day__range=(start, end))
        .values_list("ticket_id")
        .annotate(first=Min("at"))
        .order_by()
    )
    tickets = Ticket.objects.filter(office=office, day__range=(start, end)).values_list(
        "pk", "day", "status", "arrived_at", "finished_at"
    )
    for pk, day, status, arrived_at, finished_at in tickets:
        row = days[day]
        row.tickets += 1
        if pk in first_calls:
            row.waits.append(_minutes(first_calls[pk], arrived_at))
        if status == TicketStatus.DONE:
            row.served += 1
            if finished_at:
                row.visits.append(_minutes(finished_at, arrived_at))

    ordered = [days[day] for day in sorted(days)]
    return Report(office=office, start=start, end=end, days=ordered, total=_sum(ordered), weekdays=_weekdays(ordered))


def _sum(rows: Iterable[Figures]) -> Figures:
    total = Figures()
    for row in rows:
        total.add(row)
    return total


def _weekdays(rows: list[Day]) -> list[tuple[int, int, Figures]]:
    """Open days summed per weekday, Monday first: which days fill up, which are not shown up for."""
    by_weekday: dict[int, list[Day]] = defaultdict(list)
    for row in rows:
        if row.quota:
            by_weekday[row.day.weekday()].append(row)
    return [(weekday, len(rows_), _sum(rows_)) for weekday, rows_ in sorted(by_weekday.items())]


@dataclass
class OfficeLine(Figures):
    office: Office | None = None


def national_report(start: dt.date, end: dt.date) -> list[OfficeLine]:
    """Every office's totals over the days (counts and rates; the times are on each office's page)."""
    offices = list(Office.objects.order_by("code"))
    lines = {office.pk: OfficeLine(office=office) for office in offices}
    capacity: dict[tuple[int, int], int] = dict(
        ((office_id, weekday), seats)
        for office_id, weekday, seats in ArrivalWindow.objects.values_list("office_id", "weekday")
        .annotate(seats=Sum("capacity"))
        .order_by()
    )
    span = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    for office in offices:  # one query per office: this page is read now and then, by one administrator
        closed = closures_between(office, start, end)
        lines[office.pk].quota = sum(capacity.get((office.pk, day.weekday()), 0) for day in span if day not in closed)
        for places in class_places_between(office, start, len(span)).values():
            for place in places:
                name = f"{place.quota_class}_quota"
                setattr(lines[office.pk], name, getattr(lines[office.pk], name) + place.capacity)
    counts = (
        Booking.objects.filter(slot__date__range=(start, end))
        .values_list("office_id")
        .annotate(
            booked=Count(
                "pk", filter=Q(status__in=SEAT_HOLDING) & (Q(quota_class=QuotaClass.REGULAR) | Q(class_online=True))
            ),
            priority=Count("pk", filter=Q(status__in=SEAT_HOLDING, quota_class=QuotaClass.PRIORITY)),
            express=Count("pk", filter=Q(status__in=SEAT_HOLDING, quota_class=QuotaClass.EXPRESS)),
            arrived=Count("pk", filter=Q(status__in=ARRIVED)),
            no_shows=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)),
            cancelled=Count("pk", filter=Q(status=BookingStatus.CANCELLED)),
            expired=Count("pk", filter=Q(status=BookingStatus.EXPIRED)),
        )
        .order_by()
    )
    for office_id, booked, priority, express, arrived, no_shows, cancelled, expired in counts:
        line = lines[office_id]
        line.priority, line.express = priority, express
        line.booked, line.arrived, line.no_shows, line.cancelled, line.expired = (
            booked,
            arrived,
            no_shows,
            cancelled,
            expired,
        )
    for office_id, n in (
        WalkinBooking.objects.filter(
            booking__slot__date__range=(start, end),
            booking__status__in=SEAT_HOLDING,
            booking__quota_class=QuotaClass.REGULAR,
        )
        .values_list("booking__office_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        lines[office_id].walk_ins = n
    for office_id, n, served in (
        Ticket.objects.filter(day__range=(start, end))
        .values_list("office_id")
        .annotate(n=Count("pk"), served=Count("pk", filter=Q(status=TicketStatus.DONE)))
        .order_by()
    ):
        lines[office_id].tickets, lines[office_id].served = n, served
    return [lines[office.pk] for office in offices]
