"""The supervisor's live dashboard (selectors): the office now, and every office at once.

Built only when its fingerprint changed (loket/onsite/live.py): a poll that finds nothing
new answers 304 without any of this. Names appear only on an office's own dashboard
(its supervisors see them at the counters anyway); the national view carries counts.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from loket.booking.models import Booking, BookingStatus
from loket.offices.models import Office
from loket.onsite.models import Counter, Stage, Ticket, TicketStatus
from loket.walkin.selectors import walkin_room

AT_COUNTER = [TicketStatus.CALLED, TicketStatus.SERVING]
# Bookings that count as expected at the office today (a cancelled or expired one is not).
EXPECTED = [BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]


class CounterState:
    CLOSED = "closed"
    BREAK = "break"
    CALLED = "called"
    SERVING = "serving"
    IDLE = "idle"


@dataclass(frozen=True)
class StageNow:
    stage: str
    label: str
    waiting: int
    longest_minutes: int | None  # None: nobody waits


@dataclass(frozen=True)
class CounterNow:
    number: int
    state: str
    stages: list[str]
    ticket: str = ""
    name: str = ""
    minutes: int | None = None  # how long in this state (serving, called, on break)


@dataclass(frozen=True)
class NoShowToday:
    ticket_id: int
    ticket: str
    name: str
    stage: str
    at: dt.datetime | None


@dataclass(frozen=True)
class OfficeNow:
    office: Office
    now: dt.datetime
    stages: list[StageNow]
    counters: list[CounterNow]
    served: int
    no_shows: int
    arrived_booked: int
    arrived_walk_in: int
    bookings_due: int  # bookings of windows that have started by now
    bookings_today: int
    walkin_left: int
    no_show_tickets: list[NoShowToday]

    @property
    def waiting(self) -> int:
        return sum(s.waiting for s in self.stages)

    @property
    def longest_minutes(self) -> int | None:
        waits = [s.longest_minutes for s in self.stages if s.longest_minutes is not None]
        return max(waits) if waits else None


def _minutes(since: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if since is None else max(int((now - since).total_seconds() // 60), 0)


def _stages(office: Office, day: dt.date, now: dt.datetime) -> list[StageNow]:
    rows = {
        row["stage"]: row
        for row in Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING)
        .order_by()
        .values("stage")
        .annotate(n=Count("pk"), oldest=Min("queued_at"))
    }
    result = []
    for stage in Stage:
        row = rows.get(stage.value, {})
        result.append(
            StageNow(
                stage=stage.value,
                label=str(stage.label),
                waiting=row.get("n", 0),
                longest_minutes=_minutes(row.get("oldest"), now),
            )
        )
    return result


def _counter_now(counter: Counter, ticket: Ticket | None, now: dt.datetime) -> CounterNow:
    stages = [str(Stage(s).label) for s in counter.stages if s in Stage.values]
    if not counter.active:
        return CounterNow(number=counter.number, state=CounterState.CLOSED, stages=stages)
    if ticket is not None:
        state = CounterState.SERVING if ticket.status == TicketStatus.SERVING else CounterState.CALLED
        return CounterNow(
            number=counter.number,
            state=state,
            stages=stages,
            ticket=ticket.display,
            name=ticket.name,
            minutes=_minutes(ticket.called_at, now),
        )
    if counter.on_break_since is not None:
        return CounterNow(
            number=counter.number,
            state=CounterState.BREAK,
            stages=stages,
            minutes=_minutes(counter.on_break_since, now),
        )
    return CounterNow(number=counter.number, state=CounterState.IDLE, stages=stages)


def _counters(office: Office, day: dt.date, now: dt.datetime) -> list[CounterNow]:
    at_counter = {
        t.counter_id: t
        for t in Ticket.objects.filter(office=office, day=day, status__in=AT_COUNTER, counter__isnull=False).only(
            "letter", "number", "status", "name", "called_at", "counter_id"
        )
    }
    return [_counter_now(c, at_counter.get(c.pk), now) for c in Counter.objects.filter(office=office)]


def office_now(office: Office) -> OfficeNow:
    """Everything the office's dashboard shows (about ten queries)."""
    now = timezone.now()
    day = office.local_today()
    today = Ticket.objects.filter(office=office, day=day)
    counts = today.aggregate(
        served=Count("pk", filter=Q(status=TicketStatus.DONE)),
        no_shows=Count("pk", filter=Q(status=TicketStatus.NO_SHOW)),
        booked=Count("pk", filter=Q(walk_in=False)),
        walk_in=Count("pk", filter=Q(walk_in=True)),
    )
    bookings = Booking.objects.filter(
        office=office, slot__date=day, status__in=EXPECTED, pool_day__isnull=True
    ).aggregate(due=Count("pk", filter=Q(slot__starts_at__lte=now)), all=Count("pk"))
    no_show_tickets = [
        NoShowToday(ticket_id=t.pk, ticket=t.display, name=t.name, stage=t.get_stage_display(), at=t.finished_at)
        for t in today.filter(status=TicketStatus.NO_SHOW).order_by("-finished_at", "-pk")[:20]
    ]
    return OfficeNow(
        office=office,
        now=now,
        stages=_stages(office, day, now),
        counters=_counters(office, day, now),
        served=counts["served"],
        no_shows=counts["no_shows"],
        arrived_booked=counts["booked"],
        arrived_walk_in=counts["walk_in"],
        bookings_due=bookings["due"],
        bookings_today=bookings["all"],
        walkin_left=walkin_room(office, day, outage=False).pool_left,
        no_show_tickets=no_show_tickets,
    )


@dataclass(frozen=True)
class OfficeLine:
    """One office on the national view: counts only."""

    office: Office
    waiting: int
    longest_minutes: int | None
    counters_open: int
    counters_busy: int
    counters_on_break: int
    served: int
    no_shows: int


def national_now() -> list[OfficeLine]:
    """Every office now, each on its own local day (four queries, whatever the number of offices)."""
    now = timezone.now()
    offices = list(Office.objects.order_by("name"))
    days = {o.pk: o.local_today() for o in offices}
    tickets: dict[int, dict[str, object]] = {}
    rows = (
        Ticket.objects.filter(day__in=set(days.values()))
        .order_by()
        .values("office_id", "day", "status")
        .annotate(n=Count("pk"), oldest=Min("queued_at"))
    )
    for row in rows:
        if row["day"] != days.get(row["office_id"]):
            continue
        tickets.setdefault(row["office_id"], {})[row["status"]] = row
    busy = dict(
        Ticket.objects.filter(status__in=AT_COUNTER, counter__isnull=False, day__in=set(days.values()))
        .order_by()
        .values_list("office_id")
        .annotate(n=Count("pk"))
        .values_list("office_id", "n")
    )
    counters: dict[int, list[int]] = {}
    for office_id, break_since in Counter.objects.filter(active=True).values_list("office_id", "on_break_since"):
        counts = counters.setdefault(office_id, [0, 0])
        counts[0] += 1
        counts[1] += break_since is not None
    lines = []
    for office in offices:
        mine = tickets.get(office.pk, {})
        waiting_row = mine.get(TicketStatus.WAITING.value)

        def n(status: str, of: dict[str, object] = mine) -> int:
            row = of.get(status)
            return int(row["n"]) if isinstance(row, dict) else 0

        oldest = waiting_row["oldest"] if isinstance(waiting_row, dict) else None
        open_, on_break = counters.get(office.pk, [0, 0])
        lines.append(
            OfficeLine(
                office=office,
                waiting=n(TicketStatus.WAITING),
                longest_minutes=_minutes(oldest if isinstance(oldest, dt.datetime) else None, now),
                counters_open=open_,
                counters_busy=busy.get(office.pk, 0),
                counters_on_break=on_break,
                served=n(TicketStatus.DONE),
                no_shows=n(TicketStatus.NO_SHOW),
            )
        )
    return lines
