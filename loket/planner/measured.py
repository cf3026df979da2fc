"""Measured office days, read back from the tickets: who came when, which counters worked, the waits.

Counters per stage and hour are read from the calls: a counter counts as open for a stage
from the hour of its first call of that stage to the hour the stage's last service ended (the
records have no "counter closed"; a counter idle because nobody waited was still there). A wait
counts from arrival (from the first call of the day for someone who came before the office
opened) to the first call, summed over the stages reached, as the planner predicts it. Tickets
never called are left out.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from loket.offices.models import Office
from loket.planner.model import PICKUP_ROUTE, VISIT_ROUTE
from loket.planner.records import TicketRow, ticket_rows
from loket.planner.simulate import Staffing
from loket.reports.stats import percentile


@dataclass(frozen=True)
class Arrival:
    arrival: float  # minutes after local midnight
    route: tuple[str, ...]
    priority: bool
    appointment: float | None
    group: str


@dataclass
class MeasuredDay:
    day: dt.date
    arrivals: list[Arrival]
    staffing: Staffing
    waits: dict[int, list[float]]  # per hour of arrival

    @property
    def all_waits(self) -> list[float]:
        return [w for hour in self.waits.values() for w in hour]

    @property
    def wait_p50(self) -> float | None:
        return percentile(self.all_waits, 0.5)

    @property
    def wait_p90(self) -> float | None:
        return percentile(self.all_waits, 0.9)


def _minutes(at: dt.datetime, midnight: dt.datetime) -> float:
    return (at - midnight).total_seconds() / 60


def measured_days(office: Office, days: list[dt.date]) -> list[MeasuredDay]:
    """The measured days among `days` that had tickets, in the order asked."""
    result = []
    for day in days:
        rows = ticket_rows(start=day, end=day, office_ids=[office.pk])
        if rows:
            result.append(_day(office, day, rows))
    return result


def _day(office: Office, day: dt.date, rows: list[TicketRow]) -> MeasuredDay:
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)
    # A counter is open for a stage from the hour of its first call to the hour its last service
    # ends: an idle hour in between (nobody waiting) still had the counter there.
    spans: dict[tuple[str, int], tuple[int, int]] = {}
    for row in rows:
        for segment in row.segments:
            if segment.first_call is None or segment.counter_id is None:
                continue
            begin = int(_minutes(segment.first_call, midnight) // 60)
            end = int(_minutes(segment.ended or segment.first_call, midnight) // 60)
            key = (segment.stage, segment.counter_id)
            first, last = spans.get(key, (begin, end))
            spans[key] = (min(first, begin), max(last, end))
    # Nor does a counter leave when the queue runs dry before the end of the day: it is counted until
    # the stage's last service ends (reading it as closed made a replayed day whose last people came
    # out slower than the real ones find fewer counters, or none, than the office had).
    stage_end: dict[str, int] = defaultdict(int)
    for (stage, _counter), (_first, last) in spans.items():
        stage_end[stage] = max(stage_end[stage], last)
    open_: dict[tuple[str, int], set[int]] = defaultdict(set)
    for (stage, counter), (first, _last) in spans.items():
        for hour in range(first, stage_end[stage] + 1):
            open_[(stage, hour)].add(counter)
    hours = [hour for _stage, hour in open_]
    first = min(hours, default=8)
    span = range(first, max(hours, default=first) + 1)
    stages = sorted({stage for stage, _hour in open_})
    staffing = Staffing(first, {s: tuple(len(open_.get((s, h), ())) for h in span) for s in stages})
    opens = staffing.opens
    arrivals: list[Arrival] = []
    waits: dict[int, list[float]] = defaultdict(list)
    for row in rows:
        arrived = _minutes(row.arrived_at, midnight)
        appointment = None if row.appointment_at is None else _minutes(row.appointment_at, midnight)
        if row.is_pickup:
            group = "pickup"
        elif row.quota_class:
            group = row.quota_class
        elif row.appointment_at is None:
            group = "walkin"
        else:
            group = f"{row.appointment_at.astimezone(office.zone):%H:%M}"
        route = PICKUP_ROUTE if row.is_pickup else VISIT_ROUTE
        arrivals.append(Arrival(arrived, route, bool(row.priority), appointment, group))
        wait = 0.0
        for segment in row.segments:
            if segment.first_call is not None:
                wait += _minutes(segment.first_call, midnight) - max(_minutes(segment.queued, midnight), opens)
        if row.segments and row.segments[0].first_call is not None:
            waits[int(arrived // 60)].append(max(wait, 0.0))
    return MeasuredDay(day=day, arrivals=arrivals, staffing=staffing, waits=dict(waits))
