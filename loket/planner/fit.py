"""Fitting the office model from its records: bookings, tickets and their events.

Nothing new is typed in: show-up per window from the bookings whose outcome is known,
arrival lateness from each ticket's arrival against its appointment, walk-ins and pickups
per hour from tickets without a booking, the priority share, per stage a log-normal
service time from the start of each service to its end, and recall / no-show behaviour from
the calls. A group of figures with too little history at the office comes from every office
together (national), and without that from the built-in values; the model says which.
"""

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from loket.booking.models import Booking, BookingStatus, ClassDay, QuotaClass
from loket.offices.models import Office
from loket.planner.model import BUILT_IN_MODEL, NATIONAL, OFFICE, OfficeModel, ServiceTime
from loket.planner.records import TicketRow, ticket_rows

HISTORY_DAYS = 56  # eight weeks before the planned day
MIN_OUTCOMES = 30  # booked people whose coming or not is known
MIN_WINDOW_OUTCOMES = 20  # for a window's own show-up rate
MIN_DAYS = 5  # open days with tickets, for walk-ins per hour
MIN_SERVICES = 30  # timed services per stage
MIN_CALLS = 30  # first calls, for the recall behaviour

OUTCOME_KNOWN = [BookingStatus.CHECKED_IN, BookingStatus.COMPLETED, BookingStatus.NO_SHOW]


@dataclass
class Observed:
    """Raw counts and samples from the records of one office (or of every office)."""

    outcomes: dict[dt.time, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # came, not
    offsets: dict[dt.time, list[float]] = field(default_factory=lambda: defaultdict(list))  # per window start
    days: set[tuple[int, dt.date]] = field(default_factory=set)
    walkins: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    pickups: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    visits: int = 0
    priority: int = 0
    services: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    first_calls: int = 0
    absent: int = 0
    absent_no_show: int = 0
    gaps: list[float] = field(default_factory=list)
    class_arrivals: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    class_taken: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # per day: used / places

    @property
    def outcome_total(self) -> int:
        return sum(came + not_ for came, not_ in self.outcomes.values())


def observe(office: Office | None, start: dt.date, end: dt.date) -> Observed:
    """What the records of `office` (every office: None) between `start` and `end` show."""
    seen = Observed()
    # Booked people only: a place taken at the desk (a class place, a walk-in pool seat) always came.
    bookings = Booking.objects.filter(
        slot__date__range=(start, end), status__in=OUTCOME_KNOWN, quota_class=QuotaClass.REGULAR, pool_day=None
    )
    if office is not None:
        bookings = bookings.filter(office=office)
    for window, status, ticket in bookings.values_list("slot__start", "status", "ticket"):
        came = ticket is not None or status != BookingStatus.NO_SHOW
        seen.outcomes[window][0 if came else 1] += 1
    days = ClassDay.objects.filter(date__range=(start, end), capacity__gt=0)
    if office is not None:
        days = days.filter(office=office)
    for quota_class, used, capacity in days.values_list("quota_class", "used", "capacity"):
        seen.class_taken[quota_class].append(min(used / capacity, 1.0))
    zones = {pk: ZoneInfo(tz) for pk, tz in Office.objects.values_list("pk", "timezone")}
    for row in ticket_rows(start=start, end=end, office_ids=None if office is None else [office.pk]):
        _observe_ticket(seen, row, zones[row.office_id])
    return seen


def _observe_ticket(seen: Observed, row: TicketRow, zone: ZoneInfo) -> None:
    seen.days.add((row.office_id, row.day))
    hour = row.arrived_at.astimezone(zone).hour
    if row.is_pickup:
        seen.pickups[hour] += 1
    elif row.quota_class:  # a class place: its own arrivals, apart from the walk-ins and their priority share
        seen.class_arrivals[row.quota_class][hour] += 1
    else:
        seen.visits += 1
        seen.priority += bool(row.priority)
        if row.is_walk_in:
            seen.walkins[hour] += 1
        elif row.appointment_at is not None:
            window = row.appointment_at.astimezone(zone).time()
            seen.offsets[window].append((row.arrived_at - row.appointment_at).total_seconds() / 60)
    for segment in row.segments:
        minutes = segment.service
        if minutes is not None and minutes > 0:
            seen.services[segment.stage].append(minutes)
        if segment.first_call is None:
            continue
        seen.first_calls += 1
        if segment.recalls:
            seen.absent += 1
            seen.absent_no_show += segment.no_show
            if segment.last_call is not None:
                seen.gaps.append((segment.last_call - segment.first_call).total_seconds() / 60 / segment.recalls)


def _arrivals(seen: Observed, model: OfficeModel, source: str) -> OfficeModel:
    came = sum(c for c, _n in seen.outcomes.values())
    window_show = {
        start: c / (c + n)
        for start, (c, n) in seen.outcomes.items()
        if c + n >= MIN_WINDOW_OUTCOMES and source == OFFICE
    }
    offsets = [o for window in seen.offsets.values() for o in window] or [model.offset_mean]
    window_offset = {
        start: (statistics.fmean(o), statistics.pstdev(o))
        for start, o in seen.offsets.items()
        if len(o) >= MIN_WINDOW_OUTCOMES and source == OFFICE
    }
    return replace(
        model,
        show_rate=came / seen.outcome_total,
        window_show=window_show,
        window_offset=window_offset,
        offset_mean=statistics.fmean(offsets),
        offset_sd=statistics.pstdev(offsets) if len(offsets) > 1 else model.offset_sd,
        sources={**model.sources, "arrivals": source},
    )


def _walk_ins(seen: Observed, model: OfficeModel, source: str) -> OfficeModel:
    days = len(seen.days)
    return replace(
        model,
        walkins_per_hour={hour: n / days for hour, n in sorted(seen.walkins.items())},
        pickups_per_hour={hour: n / days for hour, n in sorted(seen.pickups.items())},
        priority_share=seen.priority / seen.visits if seen.visits else model.priority_share,
        class_hours={
            quota_class: {hour: n / sum(hours.values()) for hour, n in sorted(hours.items())}
            for quota_class, hours in seen.class_arrivals.items()
        },
        class_use={quota_class: statistics.fmean(taken) for quota_class, taken in seen.class_taken.items()},
        sources={**model.sources, "walk_ins": source},
    )


def lognormal_fit(minutes: list[float]) -> ServiceTime:
    logs = [math.log(m) for m in minutes]
    return ServiceTime(mu=statistics.fmean(logs), sigma=statistics.pstdev(logs), samples=len(logs))


def _service(seen: Observed, model: OfficeModel, source: str) -> OfficeModel:
    service = dict(model.service)
    for stage, minutes in seen.services.items():
        if len(minutes) >= MIN_SERVICES:
            service[stage] = lognormal_fit(minutes)
    absent = seen.absent / seen.first_calls if seen.first_calls else model.absent_share
    return replace(
        model,
        service=service,
        absent_share=absent,
        no_show_share=seen.absent_no_show / seen.absent if seen.absent else model.no_show_share,
        recall_gap=statistics.fmean(seen.gaps) if seen.gaps else model.recall_gap,
        sources={**model.sources, "service": source},
    )


def _enough(seen: Observed) -> dict[str, bool]:
    return {
        "arrivals": seen.outcome_total >= MIN_OUTCOMES,
        "walk_ins": len(seen.days) >= MIN_DAYS,
        "service": seen.first_calls >= MIN_CALLS and any(len(m) >= MIN_SERVICES for m in seen.services.values()),
    }


FITTERS = {"arrivals": _arrivals, "walk_ins": _walk_ins, "service": _service}


def office_model(office: Office, day: dt.date, *, history_days: int = HISTORY_DAYS) -> OfficeModel:
    """The model for planning `day`, fitted from the `history_days` before it."""
    start, end = day - dt.timedelta(days=history_days), day - dt.timedelta(days=1)
    own = observe(office, start, end)
    model = replace(BUILT_IN_MODEL, days=len(own.days))
    national: Observed | None = None
    for group, enough in _enough(own).items():
        if enough:
            model = FITTERS[group](own, model, OFFICE)
            continue
        national = national or observe(None, start, end)
        if _enough(national)[group]:
            model = FITTERS[group](national, model, NATIONAL)
    return model
