"""The capacity planner's speed: one office day simulated many times, and the suggestion search.

    .venv/bin/python bench/planner.py [--repeat 5]

No database and no server: the model is Palembang's demo truth (loket/planner/demo_history.py,
show-up 88 %, walk-ins and pickups per hour, log-normal service times) and the plan is
Palembang's six windows scaled so that about 250 people come, with 4 verification, 5 photo and
interview and 1 pickup counter from 08:00 for 8 hours. It measures (wall clock and CPU of this
process, the median of --repeat runs):

1. one office day × 100 replications (loket.planner.predict.run), target ≤ 2 s;
2. the quota suggestion (largest quota per window, p90 under 30 minutes), target ≤ 10 s;
3. the counter suggestion (fewest counters for the quota), target ≤ 10 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from loket.planner.demo_history import TRUTHS  # noqa: E402
from loket.planner.predict import Plan, Window, run  # noqa: E402
from loket.planner.suggest import suggest_counters, suggest_quota  # noqa: E402

WINDOWS = [(8, 50), (9, 50), (10, 50), (11, 38), (13, 38), (14, 25)]  # Palembang 40/40/40/30/30/20 × 1.25


def timed(job: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    walls, cpus, result = [], [], None
    for _n in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = job()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    truth = TRUTHS["PLB"]
    plan = Plan(tuple(Window(dt.time(h), dt.time(h + 1), q) for h, q in WINDOWS), truth.staffing)

    wall, cpu, prediction = timed(lambda: run(truth.model, plan, replications=100), repeat)
    print(
        f"day x 100 replications: {prediction.visitors:.0f} people a day, wall {wall:.2f} s, cpu {cpu:.2f} s "
        f"(target 2 s); p50 {prediction.wait_p50:.1f} p90 {prediction.wait_p90:.1f} min"
    )
    wall, cpu, quota = timed(lambda: suggest_quota(truth.model, plan, target=30), max(1, repeat // 2))
    print(
        f"quota suggestion: {quota.runs} plans, wall {wall:.2f} s, cpu {cpu:.2f} s (target 10 s); "
        f"quota {[w.quota for w in quota.plan.windows]}"
    )
    wall, cpu, counters = timed(lambda: suggest_counters(truth.model, plan, target=30), max(1, repeat // 2))
    print(
        f"counter suggestion: {counters.runs} plans, wall {wall:.2f} s, cpu {cpu:.2f} s (target 10 s); "
        f"counters {dict((s, list(c)) for s, c in counters.plan.staffing.counters.items())}"
    )


if __name__ == "__main__":
    main()
