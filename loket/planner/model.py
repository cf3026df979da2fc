"""The office model the planner simulates: how people come, and how long the counters take.

Every figure comes from the office's own records when it has enough of them (see fit.py),
else from every office together (national), else from the built-in values below; a supervisor
may also type them (manual). `sources` says, per group of figures, which one was used.
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from loket.onsite.models import Stage

# The counter stages a booked or walk-in visit goes through, in order; a pickup is its own queue.
VISIT_ROUTE = (str(Stage.VERIFICATION), str(Stage.PHOTO_INTERVIEW))
PICKUP_ROUTE = (str(Stage.PICKUP),)
STAGES = [str(Stage.VERIFICATION), str(Stage.PHOTO_INTERVIEW), str(Stage.PICKUP)]
# The quota classes with their own daily places (loket/booking ClassQuota), taken at the office.
PRIORITY, EXPRESS = "priority", "express"
CLASSES = (PRIORITY, EXPRESS)

OFFICE, NATIONAL, BUILT_IN, MANUAL = "office", "national", "built_in", "manual"
SOURCE_LABELS = {
    OFFICE: _("data kantor ini"),
    NATIONAL: _("angka nasional (semua kantor)"),
    BUILT_IN: _("nilai bawaan (belum ada data)"),
    MANUAL: _("diisi supervisor"),
}
GROUPS = {
    "arrivals": _("Kehadiran dan waktu datang"),
    "walk_ins": _("Walk-in, pengambilan dan prioritas"),
    "service": _("Waktu layanan dan panggilan ulang"),
}


@dataclass(frozen=True)
class ServiceTime:
    """A stage's service time: log-normal, `mu` and `sigma` of the natural log of the minutes."""

    mu: float
    sigma: float
    samples: int = 0

    @classmethod
    def from_mean(cls, minutes: float, cv: float = 0.5) -> "ServiceTime":
        """The log-normal with this mean and coefficient of variation (sd / mean)."""
        sigma = math.sqrt(math.log(1 + cv * cv))
        return cls(mu=math.log(max(minutes, 0.1)) - sigma * sigma / 2, sigma=sigma)

    @property
    def mean(self) -> float:
        return math.exp(self.mu + self.sigma * self.sigma / 2)

    @property
    def median(self) -> float:
        return math.exp(self.mu)

    def sample(self, rng: random.Random) -> float:
        return rng.lognormvariate(self.mu, self.sigma)


@dataclass(frozen=True)
class OfficeModel:
    """How people come to one office and how long they are served. Minutes throughout."""

    show_rate: float  # booked people who come
    window_show: dict[dt.time, float]  # per window start, where the office has enough history
    offset_mean: float  # arrival minus window start: negative is early
    offset_sd: float
    walkins_per_hour: dict[int, float]  # local hour -> walk-ins arriving (mean per open day)
    pickups_per_hour: dict[int, float]
    priority_share: float
    service: dict[str, ServiceTime]
    absent_share: float  # called people not there at the first call
    no_show_share: float  # of those, who never come
    recall_gap: float
    days: int = 0  # open days of history behind the office's figures
    window_offset: dict[dt.time, tuple[float, float]] = field(default_factory=dict)  # per window: mean, sd
    sources: dict[str, str] = field(default_factory=dict)
    # Per quota class: the share of its arrivals in each local hour (none: spread like the walk-ins),
    # and the share of the day's places taken (none: all of them).
    class_hours: dict[str, dict[int, float]] = field(default_factory=dict)
    class_use: dict[str, float] = field(default_factory=dict)

    def show_for(self, start: dt.time) -> float:
        return self.window_show.get(start, self.show_rate)

    def offset_for(self, start: dt.time) -> tuple[float, float]:
        return self.window_offset.get(start, (self.offset_mean, self.offset_sd))

    def class_arrival_hours(self, quota_class: str, until: float | None = None) -> dict[int, float]:
        """The weights of the hours a class's people arrive in, before `until` (minutes) if given:
        the office's own record of the class, else the walk-ins' hours (else the working day)."""
        hours = self.class_hours.get(quota_class) or self.walkins_per_hour or dict.fromkeys(range(8, 15), 1.0)
        if until is not None:
            hours = {h: w for h, w in hours.items() if h * 60 < until} or {int(until // 60) - 1: 1.0}
        total = sum(hours.values()) or 1.0
        return {h: w / total for h, w in sorted(hours.items())}

    def with_typed(
        self, *, show_rate: float | None = None, service_minutes: dict[str, float] | None = None
    ) -> "OfficeModel":
        """The model with figures a supervisor typed in place of the fitted ones."""
        model = self
        if show_rate is not None:
            model = replace(
                model,
                show_rate=show_rate,
                window_show={},
                window_offset={},
                sources={**model.sources, "arrivals": MANUAL},
            )
        if service_minutes:
            service = dict(model.service)
            for stage, minutes in service_minutes.items():
                service[stage] = ServiceTime.from_mean(minutes)
            model = replace(model, service=service, sources={**model.sources, "service": MANUAL})
        return model


# Used only when neither the office nor all offices together have history (a fresh install).
BUILT_IN_MODEL = OfficeModel(
    show_rate=0.85,
    window_show={},
    offset_mean=-10.0,
    offset_sd=15.0,
    walkins_per_hour={8: 2.0, 9: 2.0, 10: 2.0, 11: 1.0, 13: 1.0, 14: 1.0},
    pickups_per_hour={9: 3.0, 10: 3.0, 11: 3.0, 13: 3.0, 14: 3.0},
    priority_share=0.05,
    service={
        str(Stage.VERIFICATION): ServiceTime.from_mean(5.0),
        str(Stage.PHOTO_INTERVIEW): ServiceTime.from_mean(7.0),
        str(Stage.PICKUP): ServiceTime.from_mean(2.0),
    },
    absent_share=0.05,
    no_show_share=0.3,
    recall_gap=1.0,
    sources={"arrivals": BUILT_IN, "walk_ins": BUILT_IN, "service": BUILT_IN},
)
