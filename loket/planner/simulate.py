"""The discrete-event simulation of one office day (SimPy).

People arrive (booked people around their window, walk-ins, pickups), join the queue of
their first stage, and are called by the counters open for that stage in that hour, in the
order "Call next" uses (loket/onsite/queue.py): priority visitors first, then the appointment
time (a walk-in counts from arrival), then the first arrival. A person moved to the next stage
keeps his first arrival, as a transferred ticket does. A called person may be absent: the
counter calls again after a gap, and after `calls` calls marks a no-show.

Everything random about a person (service minutes, absence) is drawn before the run and
carried by the Visitor, so the run itself is deterministic: two plans compared on the same
people differ by the plan only (common random numbers).

Counters open per hour: a counter whose hour ends finishes the person it serves and stops
calling. After the last planned hour the counters of that hour keep serving until every queue
is empty (the office serves everyone inside); the people still in a queue at that moment are
"waiting at closing". Times are minutes after the office's local midnight.
"""

import heapq
import itertools
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

import simpy


@dataclass(frozen=True, slots=True)
class Visitor:
    arrival: float
    route: tuple[str, ...]
    priority: bool = False
    appointment: float | None = None  # window start; None: a walk-in, ordered by arrival
    group: str = ""  # the window ("08:00"), "walkin" or "pickup"
    service: tuple[float, ...] = ()  # minutes at each stage of the route
    absence: tuple[int, ...] = ()  # per stage: 0 there when called, 1 comes at the second call, 2 never comes


@dataclass(frozen=True)
class Recall:
    gap: float = 1.0  # minutes between two calls of the same person
    calls: int = 3  # calls before a no-show


@dataclass(frozen=True)
class Staffing:
    """Counters open per stage and hour: counters[stage][i] is the number open in hour first_hour + i."""

    first_hour: int
    counters: dict[str, tuple[int, ...]]

    @property
    def hours(self) -> int:
        return max((len(c) for c in self.counters.values()), default=0)

    @property
    def opens(self) -> float:
        """The first minute a counter is open."""
        hours = [i for plan in self.counters.values() for i, n in enumerate(plan) if n]
        return float((self.first_hour + min(hours, default=0)) * 60)

    @property
    def close(self) -> float:
        return float((self.first_hour + self.hours) * 60)

    def open_at(self, stage: str, minute: float) -> int:
        plan = self.counters.get(stage, ())
        index = int(minute // 60) - self.first_hour
        if index < 0 or not plan:
            return 0
        return plan[min(index, len(plan) - 1)]  # after closing: the last hour's counters stay

    def next_open(self, stage: str, counter: int, minute: float) -> float | None:
        """The start of the next hour in which this counter is open, None when it never opens again."""
        plan = self.counters.get(stage, ())
        start = max(int(minute // 60) + 1, self.first_hour)
        for hour in range(start, self.first_hour + len(plan)):
            if counter < plan[hour - self.first_hour]:
                return float(hour * 60)
        return None


@dataclass(slots=True)
class Visit:
    """What happened to one visitor: per stage reached, when queued, called, started and finished."""

    visitor: Visitor
    queued: list[float] = field(default_factory=list)
    called: list[float] = field(default_factory=list)
    started: list[float] = field(default_factory=list)
    ended: list[float] = field(default_factory=list)
    counters: list[int] = field(default_factory=list)
    recalls: list[int] = field(default_factory=list)
    outcome: str = "waiting"  # done, no_show, or waiting (never called: no counter for the stage)

    def wait(self, until: float, opens: float = 0.0) -> float:
        """Minutes spent in queues over all stages, counted from the opening for someone who came
        before it (no plan can serve him earlier); a queue never left counts up to `until`."""
        total, called = 0.0, self.called
        for i, queued in enumerate(self.queued):  # a plain loop: a search calls this for every person of every day
            end = called[i] if i < len(called) else until
            begin = queued if queued > opens else opens
            if end > begin:
                total += end - begin
        return total


def simulate_day(visitors: Sequence[Visitor], staffing: Staffing, recall: Recall | None = None) -> list[Visit]:
    """One replication of the day; the visits in arrival order."""
    recall = recall or Recall()
    env = simpy.Environment()
    queues: dict[str, list[tuple[Any, ...]]] = {stage: [] for stage in staffing.counters}
    idle: dict[str, list[tuple[int, simpy.Event]]] = {stage: [] for stage in staffing.counters}
    order = itertools.count()
    visits = [Visit(v) for v in sorted(visitors, key=lambda v: v.arrival)]
    open_at = staffing.open_at

    def enqueue(visit: Visit, stage: str) -> None:
        now = env.now
        visit.queued.append(now)
        v = visit.visitor
        if stage not in queues:  # a stage nobody serves: the person waits all day
            return
        first = v.appointment if v.appointment is not None else v.arrival
        heapq.heappush(queues[stage], (not v.priority, first, v.arrival, next(order), visit))
        waiting = idle[stage]
        while waiting:
            number, woken = waiting.pop()
            woken.succeed()
            if number < open_at(stage, now):
                break  # a closed counter woken goes back to sleep; wake another one

    def counter(stage: str, number: int) -> Generator[simpy.Event, Any, None]:
        queue, sleeping = queues[stage], idle[stage]
        gap, calls = recall.gap, recall.calls
        plan, first, last = staffing.counters[stage], staffing.first_hour, len(staffing.counters[stage]) - 1
        while True:
            now = env.now
            hour = int(now // 60) - first  # open_at, inlined: the hottest line of a search
            if hour < 0 or number >= plan[min(hour, last)]:
                opens = staffing.next_open(stage, number, now)
                if opens is None:
                    return
                yield env.timeout(opens - now)
                continue
            if not queue:
                woken = env.event()
                sleeping.append((number, woken))
                yield woken
                continue
            visit: Visit = heapq.heappop(queue)[-1]
            visit.called.append(now)
            visit.counters.append(number)
            step = len(visit.ended)
            absence = visit.visitor.absence[step] if visit.visitor.absence else 0
            if absence == 2:
                yield env.timeout(gap * calls)
                visit.recalls.append(calls - 1)
                visit.ended.append(env.now)
                visit.outcome = "no_show"
                continue
            if absence == 1:
                yield env.timeout(gap)
            visit.recalls.append(absence)
            visit.started.append(env.now)
            yield env.timeout(max(visit.visitor.service[step], 0.05))
            visit.ended.append(env.now)
            route = visit.visitor.route
            if len(visit.ended) < len(route):
                enqueue(visit, route[len(visit.ended)])
            else:
                visit.outcome = "done"

    def arrivals() -> Generator[simpy.Event, Any, None]:
        for visit in visits:
            if visit.visitor.arrival > env.now:
                yield env.timeout(visit.visitor.arrival - env.now)
            enqueue(visit, visit.visitor.route[0])

    env.process(arrivals())
    for stage, plan in staffing.counters.items():
        for number in range(max(plan, default=0)):
            env.process(counter(stage, number))
    env.run()
    return visits
