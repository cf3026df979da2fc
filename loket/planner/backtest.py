"""The backtest: replay a measured day (its real arrivals and counters) and compare the waits.

Only what a plan cannot know is drawn from the model: each person's service minutes and
whether he answers the first call. The typical replayed day's median and p90 wait (the median
over the replications of each one's own figures) are then set against the measured ones.
"""

import random
from dataclasses import dataclass

from loket.planner.measured import MeasuredDay
from loket.planner.model import OfficeModel
from loket.planner.predict import Prediction, person, summarise
from loket.planner.simulate import Recall, simulate_day


@dataclass(frozen=True)
class Backtest:
    day: MeasuredDay
    predicted: Prediction

    @staticmethod
    def close_enough(predicted: float | None, measured: float | None) -> bool:
        """Within 20 % or 5 minutes: the tolerance the planner is held to."""
        if predicted is None or measured is None:
            return predicted == measured
        return abs(predicted - measured) <= max(5.0, 0.2 * measured)

    @property
    def by_chance(self) -> bool:
        """The measured median and p90 lie within what the replayed days themselves spread over
        (10th to 90th percentile): a miss of the tolerance is then one day's luck, not the model."""
        ranges = (self.predicted.day_p50_range, self.predicted.day_p90_range)
        measured = (self.day.wait_p50, self.day.wait_p90)
        return all(r is not None and m is not None and r[0] <= m <= r[1] for r, m in zip(ranges, measured, strict=True))

    @property
    def ok(self) -> bool:
        return self.close_enough(self.predicted.day_p50, self.day.wait_p50) and self.close_enough(
            self.predicted.day_p90, self.day.wait_p90
        )


def backtest(model: OfficeModel, day: MeasuredDay, *, replications: int = 50, seed: int = 1) -> Backtest:
    days = []
    for n in range(replications):
        rng = random.Random(f"{seed}-{n}")
        people = [
            person(
                model,
                rng,
                arrival=a.arrival,
                route=a.route,
                appointment=a.appointment,
                group=a.group,
                priority=a.priority,
            )
            for a in day.arrivals
        ]
        days.append(simulate_day(people, day.staffing, Recall(gap=model.recall_gap)))
    return Backtest(day=day, predicted=summarise(days, day.staffing))
