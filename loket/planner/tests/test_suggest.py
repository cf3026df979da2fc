"""The suggestion searches on a small office day (the built-in model, no database)."""

import datetime as dt
from dataclasses import replace

from loket.planner.model import BUILT_IN_MODEL, STAGES
from loket.planner.predict import Plan, Window, run
from loket.planner.simulate import Staffing
from loket.planner.suggest import suggest_counters, suggest_quota

PLAN = Plan(
    windows=(Window(dt.time(8), dt.time(9), 20), Window(dt.time(9), dt.time(10), 20)),
    staffing=Staffing(first_hour=8, counters={s: (2, 2, 2, 2) for s in STAGES}),
)


def test_fewest_counters_keep_the_day_under_the_target_and_one_less_does_not() -> None:
    suggestion = suggest_counters(BUILT_IN_MODEL, PLAN, target=20, replications=10)

    assert suggestion.reached
    assert suggestion.prediction.wait_p90 is not None and suggestion.prediction.wait_p90 <= 20
    counters = suggestion.plan.staffing.counters
    verification = counters["verification"]
    busiest = max(range(len(verification)), key=lambda h: verification[h])
    fewer = {**counters, "verification": tuple(n - (h == busiest) for h, n in enumerate(verification))}
    worse = run(BUILT_IN_MODEL, replace(PLAN, staffing=Staffing(8, fewer)), replications=10)
    assert worse.wait_p90 is not None and worse.wait_p90 > 20  # the search stopped at the fewest


def test_an_unreachable_target_is_said() -> None:
    crowded = replace(PLAN, windows=tuple(replace(w, quota=200) for w in PLAN.windows))

    assert not suggest_counters(BUILT_IN_MODEL, crowded, target=5, replications=5).reached


def test_the_largest_quota_fills_a_window_up_to_the_target() -> None:
    suggestion = suggest_quota(BUILT_IN_MODEL, PLAN, target=25, replications=10)

    first = suggestion.plan.windows[0]
    assert suggestion.prediction.group_p90[first.label] <= 25
    more = replace(PLAN, windows=(replace(first, quota=first.quota + 3), *suggestion.plan.windows[1:]))
    assert run(BUILT_IN_MODEL, more, replications=10).group_p90[first.label] > 25
