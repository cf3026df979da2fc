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

from dataclasses import dataclass, replace

from loket.planner.model import OfficeModel
from loket.planner.predict import Plan, Prediction, Window, run
from loket.planner.simulate import Staffing

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


def suggest_quota(
    model: OfficeModel, plan: Plan, *, target: float, replications: int = SEARCH_REPLICATIONS
) -> Suggestion:
    windows = list(plan.windows)
    chosen: list[Window] = []
    runs = 0
    reached = True
    for i, window in enumerate(windows):
        empty_after = [replace(w, quota=0) for w in windows[i + 1 :]]

        def holds(quota: int, i: int = i, window: Window = window, empty_after: list[Window] = empty_after) -> bool:
            nonlocal runs
            runs += 1
            trial = replace(plan, windows=(*chosen, replace(window, quota=quota), *empty_after))
            return _ok(run(model, trial, replications=replications).group_p90.get(window.label), target)

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
        prediction = run(model, replace(plan, windows=tuple(chosen)), replications=replications)
        runs += 1
        over = [i for i, w in enumerate(chosen) if w.quota and not _ok(prediction.group_p90.get(w.label), target)]
        if not over:
            break
        chosen[over[0]] = replace(chosen[over[0]], quota=chosen[over[0]].quota - 1)
    final = replace(plan, windows=tuple(chosen))
    return Suggestion(final, run(model, final, replications=replications), reached, runs + 1)


def suggest_counters(
    model: OfficeModel, plan: Plan, *, target: float, replications: int = SEARCH_REPLICATIONS
) -> Suggestion:
    hours, first_hour = plan.staffing.hours, plan.staffing.first_hour
    generous = max((max(c, default=0) for c in plan.staffing.counters.values()), default=1) + 3
    counters = {stage: (generous,) * hours for stage in plan.staffing.counters}
    runs = 0

    def predict(trial: dict[str, tuple[int, ...]]) -> Prediction:
        nonlocal runs
        runs += 1
        return run(model, replace(plan, staffing=Staffing(first_hour, trial)), replications=replications)

    def holds(trial: dict[str, tuple[int, ...]]) -> bool:
        return _ok(predict(trial).wait_p90, target)

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
        current = predict(counters)
        for stage in counters:
            for hour in reversed(range(hours)):
                fewer = list(counters[stage])
                if fewer[hour] == 0 or _would_overload(current, stage, first_hour + hour, fewer[hour]):
                    continue
                fewer[hour] -= 1
                trial = {**counters, stage: tuple(fewer)}
                prediction = predict(trial)
                if _ok(prediction.wait_p90, target):
                    counters, current = trial, prediction
    final = replace(plan, staffing=Staffing(first_hour, counters))
    return Suggestion(final, run(model, final, replications=replications), reached, runs + 1)


def _would_overload(prediction: Prediction, stage: str, hour: int, open_: int) -> bool:
    """One counter less would have more work than counters in this hour: not worth simulating."""
    for row in prediction.hours:
        if row.hour == hour:
            used = row.utilisation.get(stage)
            return used is not None and open_ > 1 and used * open_ / (open_ - 1) > 1.0
    return False
