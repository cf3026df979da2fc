"""A planned day (quota per window, counters per stage and hour) run many times through the simulation.

Each replication draws who comes (show-up per window), when (the window's start plus the
fitted lateness), the walk-ins and pickups of each hour (Poisson), who is a priority visitor
and every service time; the figures are then pooled over the replications.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from loket.planner.model import CLASSES, EXPRESS, PICKUP_ROUTE, PRIORITY, VISIT_ROUTE, OfficeModel
from loket.planner.simulate import Recall, Staffing, Visit, Visitor, simulate_day
from loket.reports.stats import percentile

EARLIEST = 60.0  # minutes before a window a booked person can check in (QueuePolicy default)


@dataclass(frozen=True)
class Window:
    start: dt.time
    end: dt.time
    quota: int

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}"


@dataclass(frozen=True)
class Places:
    """A day's places of one quota class (priority, express), taken at the office on the day.

    Priority people are called before everyone else; express people must come before the
    office's express arrival cut-off (`until`). Both queue from the window under way when they
    come, as the walk-in desk gives them (loket/walkin).
    """

    quota_class: str
    quota: int
    until: dt.time | None = None


def places_for(quotas: dict[str, int], express_until: dt.time) -> tuple[Places, ...]:
    """A day's class places from the places per class; a class with none is left out."""
    return tuple(Places(c, quotas[c], express_until if c == EXPRESS else None) for c in CLASSES if quotas.get(c))


@dataclass(frozen=True)
class Plan:
    windows: tuple[Window, ...]
    staffing: Staffing
    fill: float = 1.0  # share of each window's quota that is booked
    classes: tuple[Places, ...] = ()


@dataclass
class Hour:
    hour: int
    arrivals: float = 0.0  # mean per day
    wait_p50: float | None = None
    wait_p90: float | None = None
    queue: float = 0.0  # people in queues, mean over the hour
    utilisation: dict[str, float | None] = field(default_factory=dict)  # per stage, 0..1
    counters: dict[str, int] = field(default_factory=dict)


@dataclass
class Prediction:
    hours: list[Hour]
    wait_p50: float | None
    wait_p90: float | None
    group_p90: dict[str, float | None]  # per window label, "walkin", "pickup"
    waiting_at_closing: float  # mean people still in a queue when the last planned hour ends
    overtime: float  # mean minutes the counters serve after it
    visitors: float  # mean people per day
    no_shows: float
    replications: int
    # The typical single day: the median over the replications of each day's own median and p90
    # (what one measured day is compared with; the pooled figures above weigh busy days more).
    day_p50: float | None = None
    day_p90: float | None = None
    # How much one day moves by chance alone: the 10th and 90th percentile over the replications.
    day_p50_range: tuple[float, float] | None = None
    day_p90_range: tuple[float, float] | None = None


def minutes_of(at: dt.time) -> float:
    return at.hour * 60 + at.minute + at.second / 60


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: fine for the few dozen people an hour brings."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def person(
    model: OfficeModel,
    rng: random.Random,
    *,
    arrival: float,
    route: tuple[str, ...],
    appointment: float | None,
    group: str,
    priority: bool | None = None,
) -> Visitor:
    """One visitor with everything random about him drawn: priority (unless known), service minutes,
    absence at each call."""
    absence = []
    for _stage in route:
        absent = rng.random() < model.absent_share
        absence.append(0 if not absent else (2 if rng.random() < model.no_show_share else 1))
    return Visitor(
        arrival=arrival,
        route=route,
        priority=(group != "pickup" and rng.random() < model.priority_share) if priority is None else priority,
        appointment=appointment,
        group=group,
        service=tuple(model.service[stage].sample(rng) for stage in route),
        absence=tuple(absence),
    )


class Draws:
    """The random people of a model, drawn once per replication and reused by every plan tried.

    Each window and each stream of walk-ins has its own random stream (seeded by the replication
    and the window), and a window's seats are drawn one after another: the first 30 seats of a
    window are the same people whether it has 30 or 40 seats. So a search that tries many quotas
    or counter plans draws every person once and compares the plans on the same people (common
    random numbers), and a bigger quota only adds people.
    """

    def __init__(self, model: OfficeModel) -> None:
        self.model = model
        self._seats: dict[tuple[int, dt.time, dt.time], tuple[random.Random, list[Visitor | None]]] = {}
        self._unbooked: dict[int, list[Visitor]] = {}
        self._places: dict[tuple[int, str, dt.time | None, tuple[float, ...]], tuple[random.Random, list[Visitor]]] = {}

    def people(self, plan: Plan, seed: int) -> list[Visitor]:
        """One day's people under `plan`: who came of each window's booked seats, the people taking
        the day's class places, walk-ins and pickups."""
        people = [v for w in plan.windows for v in self._window(seed, w, round(w.quota * plan.fill)) if v is not None]
        for places in plan.classes:
            taken = round(places.quota * self.model.class_use.get(places.quota_class, 1.0))
            people += self._class(seed, places, plan.windows, taken)
        if seed not in self._unbooked:
            self._unbooked[seed] = self._walk_ins(seed)
        return people + self._unbooked[seed]

    def _class(self, seed: int, places: Places, windows: tuple[Window, ...], taken: int) -> list[Visitor]:
        starts = tuple(sorted(minutes_of(w.start) for w in windows))
        key = (seed, places.quota_class, places.until, starts)
        if key not in self._places:
            self._places[key] = (random.Random(f"{seed}-{places.quota_class}"), [])
        rng, drawn = self._places[key]
        until = None if places.until is None else minutes_of(places.until)
        hours = self.model.class_arrival_hours(places.quota_class, until)
        choices, weights = list(hours), list(hours.values())
        while len(drawn) < taken:
            hour = rng.choices(choices, weights)[0]
            arrival = hour * 60 + rng.random() * (60 if until is None else min(60.0, until - hour * 60))
            # The desk books them into the window under way (the first one before it opens).
            under_way = max((s for s in starts if s <= arrival), default=starts[0] if starts else None)
            drawn.append(person(self.model, rng, arrival=arrival, route=VISIT_ROUTE, appointment=under_way,
                                group=places.quota_class, priority=True if places.quota_class == PRIORITY else None))  # fmt: skip
        return drawn[:taken]

    def _window(self, seed: int, window: Window, seats: int) -> list[Visitor | None]:
        key = (seed, window.start, window.end)
        if key not in self._seats:
            self._seats[key] = (random.Random(f"{seed}-{window.label}"), [])
        rng, drawn = self._seats[key]
        model, start, end, label = self.model, minutes_of(window.start), minutes_of(window.end), window.label
        show, (mean, sd) = model.show_for(window.start), model.offset_for(window.start)
        while len(drawn) < seats:
            came, offset = rng.random() < show, rng.gauss(mean, sd)
            visitor = person(model, rng, arrival=start + min(max(offset, -EARLIEST), end - start), route=VISIT_ROUTE,
                             appointment=start, group=label)  # fmt: skip
            drawn.append(visitor if came else None)
        return drawn[:seats]

    def _walk_ins(self, seed: int) -> list[Visitor]:
        people = []
        for rates, route, group in (
            (self.model.walkins_per_hour, VISIT_ROUTE, "walkin"),
            (self.model.pickups_per_hour, PICKUP_ROUTE, "pickup"),
        ):
            rng = random.Random(f"{seed}-{group}")
            for hour, mean in sorted(rates.items()):
                for _n in range(poisson(rng, mean)):
                    arrival = hour * 60 + rng.random() * 60
                    people.append(person(self.model, rng, arrival=arrival, route=route, appointment=None, group=group))
        return people


def visitors_for(model: OfficeModel, plan: Plan, seed: int) -> list[Visitor]:
    """One day's people, drawn from the model (see Draws)."""
    return Draws(model).people(plan, seed)


def replication_seed(seed: int, n: int) -> int:
    return seed * 1_000_003 + n


def simulate_days(
    model: OfficeModel, plan: Plan, *, replications: int, seed: int = 1, draws: Draws | None = None
) -> list[list[Visit]]:
    draws = draws or Draws(model)
    recall = Recall(gap=model.recall_gap)
    return [
        simulate_day(draws.people(plan, replication_seed(seed, n)), plan.staffing, recall) for n in range(replications)
    ]


def run(
    model: OfficeModel, plan: Plan, *, replications: int = 100, seed: int = 1, draws: Draws | None = None
) -> Prediction:
    return summarise(simulate_days(model, plan, replications=replications, seed=seed, draws=draws), plan.staffing)


def day_end(day: list[Visit], staffing: Staffing) -> float:
    """When the day's last service ends (the plan's closing time at the earliest): a queue never
    left counts up to it."""
    return max([staffing.close, *(e for visit in day for e in visit.ended)])


def summarise(days: list[list[Visit]], staffing: Staffing) -> Prediction:
    """Pool the replications: per hour of arrival the waits, per hour the queues and the counters' use."""
    reps = len(days) or 1
    close = staffing.close
    first = min([staffing.first_hour] + [int(v.visitor.arrival // 60) for day in days for v in day])
    last = max([int(close // 60)] + [int(v.visitor.arrival // 60) + 1 for day in days for v in day])
    hours = {h: Hour(hour=h) for h in range(first, last)}
    waits: dict[int, list[float]] = {h: [] for h in hours}
    busy: dict[tuple[int, str], float] = {}
    groups: dict[str, list[float]] = {}
    all_waits: list[float] = []
    waiting_at_closing = overtime = no_shows = 0.0
    opens = staffing.opens
    day_p50: list[float] = []
    day_p90: list[float] = []
    for day in days:
        day_waits: list[float] = []
        ended = day_end(day, staffing)
        overtime += ended - close
        for visit in day:
            hour = int(visit.visitor.arrival // 60)
            hours[hour].arrivals += 1 / reps
            wait = visit.wait(ended, opens)
            waits[hour].append(wait)
            groups.setdefault(visit.visitor.group, []).append(wait)
            all_waits.append(wait)
            day_waits.append(wait)
            no_shows += visit.outcome == "no_show"
            route = visit.visitor.route
            for i, queued in enumerate(visit.queued):
                called = visit.called[i] if i < len(visit.called) else None
                _spread(hours, queued, called if called is not None else ended, 1 / (60 * reps))
                if queued <= close and (called is None or called > close):
                    waiting_at_closing += 1
                if called is not None and i < len(visit.ended):
                    _busy(busy, route[i], called, visit.ended[i])
        if day_waits:
            day_p50.append(percentile(day_waits, 0.5) or 0.0)
            day_p90.append(percentile(day_waits, 0.9) or 0.0)
    for h, row in hours.items():
        row.wait_p50, row.wait_p90 = percentile(waits[h], 0.5), percentile(waits[h], 0.9)
        for stage in staffing.counters:
            open_ = staffing.open_at(stage, h * 60 + 1) if h * 60 < close else 0
            row.counters[stage] = open_
            used = busy.get((h, stage), 0.0) / reps
            row.utilisation[stage] = min(used / (open_ * 60), 1.0) if open_ else None
    return Prediction(
        hours=[hours[h] for h in sorted(hours)],
        wait_p50=percentile(all_waits, 0.5),
        wait_p90=percentile(all_waits, 0.9),
        group_p90={group: percentile(values, 0.9) for group, values in sorted(groups.items())},
        waiting_at_closing=waiting_at_closing / reps,
        overtime=overtime / reps,
        visitors=sum(len(day) for day in days) / reps,
        no_shows=no_shows / reps,
        replications=len(days),
        day_p50=percentile(day_p50, 0.5),
        day_p90=percentile(day_p90, 0.5),
        day_p50_range=_spread_of(day_p50),
        day_p90_range=_spread_of(day_p90),
    )


def _spread_of(values: list[float]) -> tuple[float, float] | None:
    low, high = percentile(values, 0.1), percentile(values, 0.9)
    return None if low is None or high is None else (low, high)


def _spread(hours: dict[int, Hour], begin: float, end: float, weight: float) -> None:
    """Add the minutes of [begin, end) falling into each hour, times `weight`, to that hour's queue."""
    hour = int(begin // 60)
    while begin < end and hour in hours:
        upto = min(end, (hour + 1) * 60)
        hours[hour].queue += (upto - begin) * weight
        begin, hour = upto, hour + 1


def _busy(busy: dict[tuple[int, str], float], stage: str, begin: float, end: float) -> None:
    hour = int(begin // 60)
    while begin < end:
        upto = min(end, (hour + 1) * 60)
        busy[(hour, stage)] = busy.get((hour, stage), 0.0) + (upto - begin)
        begin, hour = upto, hour + 1
