"""Figures to plan counters and windows with: how long a service takes (per stage, per counter,
per officer), when people arrive (by hour) and in which windows they do not come.

Read from the ticket events the counters write anyway. A service is the time from a call to
the end of that stage at the counter (finished or transferred on); it is credited to the
counter and the officer who ended it. Hours are the office's local hours.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from loket.booking.models import Booking, BookingStatus
from loket.offices.models import Office
from loket.onsite.models import EventKind, Stage, Ticket, TicketEvent
from loket.reports.stats import SEAT_HOLDING, percentile

ENDS = [EventKind.FINISHED, EventKind.TRANSFERRED]


@dataclass(frozen=True)
class ServiceTimes:
    label: str
    services: int
    median: float | None  # minutes
    p90: float | None


@dataclass(frozen=True)
class HourCount:
    hour: int
    count: int
    extra: int = 0  # no-shows among the bookings of that window hour


@dataclass(frozen=True)
class Planning:
    by_stage: list[ServiceTimes]
    by_counter: list[ServiceTimes]
    by_officer: list[ServiceTimes]
    arrivals: list[HourCount]  # tickets issued per local hour
    no_shows: list[HourCount]  # per window start hour: bookings (count) and no-shows (extra)


def _times(label: str, minutes: list[float]) -> ServiceTimes:
    median, p90 = percentile(minutes, 0.5), percentile(minutes, 0.9)
    return ServiceTimes(
        label=label,
        services=len(minutes),
        median=round(median, 1) if median is not None else None,
        p90=round(p90, 1) if p90 is not None else None,
    )


def _services(office: Office, start: dt.date, end: dt.date) -> list[tuple[str, int | None, str, float]]:
    """(stage, counter number, officer name, minutes) of every ended service in the days (one query)."""
    events = (
        TicketEvent.objects.filter(office=office, ticket__day__range=(start, end), kind__in=[EventKind.CALLED, *ENDS])
        .order_by("ticket_id", "at", "pk")
        .values_list("ticket_id", "kind", "stage", "at", "counter__number", "by__full_name")
    )
    called: dict[tuple[int, str], dt.datetime] = {}
    services: list[tuple[str, int | None, str, float]] = []
    for ticket_id, kind, stage, at, counter, officer in events:
        if kind == EventKind.CALLED:
            called[(ticket_id, stage)] = at
            continue
        began = called.pop((ticket_id, stage), None)
        if began is not None and at >= began:
            services.append((stage, counter, officer or "", (at - began).total_seconds() / 60))
    return services


def _by_hour(values: list[int]) -> list[HourCount]:
    counts: dict[int, int] = defaultdict(int)
    for hour in values:
        counts[hour] += 1
    if not counts:
        return []
    return [HourCount(hour=h, count=counts.get(h, 0)) for h in range(min(counts), max(counts) + 1)]


def office_planning(office: Office, start: dt.date, end: dt.date) -> Planning:
    """The planning figures of one office over its local days start..end (three queries)."""
    services = _services(office, start, end)
    stages: dict[str, list[float]] = defaultdict(list)
    counters: dict[int, list[float]] = defaultdict(list)
    officers: dict[str, list[float]] = defaultdict(list)
    for stage, counter, officer, minutes in services:
        stages[stage].append(minutes)
        if counter is not None:
            counters[counter].append(minutes)
        if officer:
            officers[officer].append(minutes)
    arrivals = [
        at.astimezone(office.zone).hour
        for at in Ticket.objects.filter(office=office, day__range=(start, end)).values_list("arrived_at", flat=True)
    ]
    windows = (
        Booking.objects.filter(office=office, slot__date__range=(start, end), status__in=SEAT_HOLDING)
        .values_list("slot__start")
        .annotate(n=Count("pk"), no_shows=Count("pk", filter=Q(status=BookingStatus.NO_SHOW)))
        .order_by("slot__start")
    )
    by_window: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for window_start, n, no_shows in windows:
        by_window[window_start.hour][0] += n
        by_window[window_start.hour][1] += no_shows
    return Planning(
        by_stage=[_times(str(s.label), stages[s.value]) for s in Stage if stages.get(s.value)],
        by_counter=[_times(str(number), counters[number]) for number in sorted(counters)],
        by_officer=[_times(name, officers[name]) for name in sorted(officers)],
        arrivals=_by_hour(arrivals),
        no_shows=[HourCount(hour=h, count=n, extra=x) for h, (n, x) in sorted(by_window.items())],
    )
