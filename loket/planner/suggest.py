"""Suggestions: the largest quota per window, or the fewest counters, that keep the p90 wait under a target.

Quota: the queue orders people by appointment (priority visitors first), so a later window's
people never delay an earlier window's. The windows are therefore settled one by one in time
order: each gets the largest quota whose own people's p90 wait stays under the target, with
the earlier windows at their settled quota and the later ones empty. Counters: per stage, the
fewest counters open all day that keep the whole day's p90 under the target (the other stages
generously staffed first, then at what was settled), then hour by hour from the last, one
counter less wherever the target still holds (an hour whose work would not fit in one counter
less is not tried). Every candidate runs with the same seed (common
random numbers), so two candidates differ by the plan, not by luck.
"""

import math
from dataclasses import dataclass, replace

from loket.planner.model import OfficeModel
from loket.planner.predict import Draws, Plan, Prediction, Window, day_end, replication_seed, simulate_days, summarise
from loket.planner.simulate import Recall, Staffing, Visit, simulate_day

SEARCH_REPLICATIONS = 20
MAX_WINDOW_QUOTA = 200


@dataclass(frozen=True)
class Suggestion:
    plan: Plan
    prediction: Prediction
    reached: bool  # False: even the largest plan searched misses the target
    runs: int  # plans simulated


def _ok(value: float | None, target: float) -> bool:
    return value is None or value <= target


class _Trials:
    """The plans a search tries, all on the same people (Draws), and how many were tried.

    `within` answers "is the p90 wait (pooled over the replications) at most the target?" exactly
    as the full prediction would, but stops simulating as soon as the answer is known to be no:
    with N waits the nearest-rank p90 is at most the target exactly when at most N − ⌈0.9·N⌉ of
    them are over it, and N is known before the run (the people are drawn first). A plan far over
    the target is thus rejected after a replication or two.
    """

    def __init__(self, model: OfficeModel, replications: int) -> None:
        self.model, self.replications, self.runs = model, replications, 0
        self.draws = Draws(model)
        self.recall = Recall(gap=model.recall_gap)

    def within(self, plan: Plan, target: float, group: str | None = None) -> list[list[Visit]] | None:
        """The simulated days when the p90 wait of `group` (everyone: None) is within the target, else None."""
        self.runs += 1
        people = [self.draws.people(plan, replication_seed(1, n)) for n in range(self.replications)]
        total = sum(1 for day in people for v in day if group is None or v.group == group)
        allowed = total - math.ceil(0.9 * total)
        over, days, staffing = 0, [], plan.staffing
        opens = staffing.opens
        for day in people:
            visits = simulate_day(day, staffing, self.recall)
            ended = day_end(visits, staffing)
            over += sum(
                1 for v in visits if (group is None or v.visitor.group == group) and v.wait(ended, opens) > target
            )
            if over > allowed:
                return None
            days.append(visits)
        return days

    def predict(self, plan: Plan) -> Prediction:
        self.runs += 1
        return summarise(
            simulate_days(self.model, plan, replications=self.replications, draws=self.draws), plan.staffing
        )


def suggest_quota(
    model: OfficeModel, plan: Plan, *, target: float, replications: int = SEARCH_REPLICATIONS
) -> Suggestion:
    windows = list(plan.windows)
    chosen: list[Window] = []
    trials = _Trials(model, replications)
    reached = True
    for i, window in enumerate(windows):
        empty_after = [replace(w, quota=0) for w in windows[i + 1 :]]

        def holds(quota: int, window: Window = window, empty_after: list[Window] = empty_after) -> bool:
            trial = replace(plan, windows=(*chosen, replace(window, quota=quota), *empty_after))
            return trials.within(trial, target, window.label) is not None

        low, high = 0, min(max(2 * window.quota, 20), MAX_WINDOW_QUOTA)
        if holds(high):
            low = high
        else:
            while high - low > 1:  # holds(low) and not holds(high)
                middle = (low + high) // 2
                if holds(middle):
                    low = middle
                else:
                    high = middle
        reached = reached and (low > 0 or holds(0))
        chosen.append(replace(window, quota=low))
    # Priority visitors of a later window do go ahead of earlier people: trim where that tips a window over.
    for _round in range(3 * len(chosen)):
        prediction = trials.predict(replace(plan, windows=tuple(chosen)))
        over = [i for i, w in enumerate(chosen) if w.quota and not _ok(prediction.group_p90.get(w.label), target)]
        if not over:
            break
        chosen[over[0]] = replace(chosen[over[0]], quota=chosen[over[0]].quota - 1)
    final = replace(plan, windows=tuple(chosen))
    return Suggestion(final, trials.predict(final), reached, trials.runs)


def suggest_counters(
    model: OfficeModel, plan: Plan, *, target: float, replications: int = SEARCH_REPLICATIONS
) -> Suggestion:
    hours, first_hour = plan.staffing.hours, plan.staffing.first_hour
    generous = max((max(c, default=0) for c in plan.staffing.counters.values()), default=1) + 3
    counters = {stage: (generous,) * hours for stage in plan.staffing.counters}
    trials = _Trials(model, replications)

    def with_counters(trial: dict[str, tuple[int, ...]]) -> Plan:
        return replace(plan, staffing=Staffing(first_hour, trial))

    def holds(trial: dict[str, tuple[int, ...]]) -> bool:
        return trials.within(with_counters(trial), target) is not None

    reached = holds(counters)
    if reached:
        for stage in counters:
            low, high = 0, generous  # not holds(low) unless 0 works, holds(high)
            if holds({**counters, stage: (0,) * hours}):
                high = 0
            while high - low > 1:
                middle = (low + high) // 2
                if holds({**counters, stage: (middle,) * hours}):
                    high = middle
                else:
                    low = middle
            counters[stage] = (high,) * hours
        current = trials.predict(with_counters(counters))
        for stage in counters:
            for hour in reversed(range(hours)):
                fewer = list(counters[stage])
                if fewer[hour] == 0 or _would_overload(current, stage, first_hour + hour, fewer[hour]):
                    continue
                fewer[hour] -= 1
                trial = {**counters, stage: tuple(fewer)}
                days = trials.within(with_counters(trial), target)
                if days is not None:
                    counters, current = trial, summarise(days, with_counters(trial).staffing)
    final = with_counters(counters)
    return Suggestion(final, trials.predict(final), reached, trials.runs)


def _would_overload(prediction: Prediction, stage: str, hour: int, open_: int) -> bool:
    """One counter less would have more work than counters in this hour: not worth simulating."""
    for row in prediction.hours:
        if row.hour == hour:
            used = row.utilisation.get(stage)
            return used is not None and open_ > 1 and used * open_ / (open_ - 1) > 1.0
    return False
