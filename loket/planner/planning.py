"""The planner's one read: an office, a day, a plan (as set now unless changed) → the model, the
predicted day and the comparable measured days. The page, the API and the command all call it.
"""

import datetime as dt
import math
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

from loket.booking.models import ClassQuota
from loket.core.errors import DomainError
from loket.offices.calendar import closure_reason
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.models import Counter
from loket.planner.fit import HISTORY_DAYS, office_model
from loket.planner.measured import MeasuredDay, measured_days
from loket.planner.model import CLASSES, STAGES, OfficeModel
from loket.planner.predict import Places, Plan, Prediction, Window, places_for, run
from loket.planner.simulate import Staffing
from loket.planner.suggest import SEARCH_REPLICATIONS, Suggestion, suggest_counters, suggest_quota

REPLICATIONS = 100
PEOPLE_PER_PAGE = 30_000  # people simulated for one prediction at most (250 a day × 100 days fits)
PEOPLE_PER_SEARCH_PLAN = 6_000  # and for each plan a suggestion tries
COMPARABLE_DAYS = 4  # the last measured days of the same weekday


@dataclass(frozen=True)
class Typed:
    """Figures a supervisor typed instead of the fitted ones (None: use the fitted one)."""

    show_rate: float | None = None
    service_minutes: dict[str, float] = field(default_factory=dict)


@dataclass
class Planned:
    office: Office
    day: dt.date
    closed: str  # why the office is closed that day, or ""
    model: OfficeModel
    plan: Plan
    prediction: Prediction
    comparable: list[MeasuredDay]
    suggestion: Suggestion | None = None
    suggested: str = ""  # "quota" or "counters"


def next_day_of(office: Office, weekday: int) -> dt.date:
    """The next local day (after today) falling on `weekday`."""
    today = office.local_today()
    return today + dt.timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def windows_of(office: Office, weekday: int) -> list[ArrivalWindow]:
    return list(ArrivalWindow.objects.filter(office=office, weekday=weekday).order_by("start"))


def planning_hours(windows: list[ArrivalWindow]) -> range:
    """Counter hours: from the first window's hour to one hour after the last window ends."""
    if not windows:
        return range(8, 16)
    last = max(w.end.hour + (1 if w.end.minute else 0) for w in windows)
    return range(min(w.start.hour for w in windows), last + 1)


def counters_now(office: Office) -> dict[str, int]:
    """Active counters serving each stage (at least one, so a plan always serves every stage)."""
    counts = dict.fromkeys(STAGES, 0)
    for counter in Counter.objects.filter(office=office, active=True):
        for stage in counter.stages:
            if stage in counts:
                counts[stage] += 1
    return {stage: max(n, 1) for stage, n in counts.items()}


def class_quotas(office: Office, weekday: int) -> dict[str, int]:
    """The office's places per quota class on this weekday (ClassQuota)."""
    return dict(ClassQuota.objects.filter(office=office, weekday=weekday).values_list("quota_class", "capacity"))


def office_places(office: Office, quotas: dict[str, int]) -> tuple[Places, ...]:
    """A day's class places at this office (express with its arrival cut-off)."""
    return places_for(quotas, office.express_arrival_cutoff)


def default_plan(office: Office, weekday: int) -> Plan:
    windows = windows_of(office, weekday)
    hours = planning_hours(windows)
    now = counters_now(office)
    return Plan(
        windows=tuple(Window(w.start, w.end, w.capacity) for w in windows),
        staffing=Staffing(first_hour=hours.start, counters={s: (n,) * len(hours) for s, n in now.items()}),
        classes=office_places(office, class_quotas(office, weekday)),
    )


def plan_day(
    office: Office,
    day: dt.date,
    *,
    plan: Plan | None = None,
    typed: Typed | None = None,
    suggest: str = "",
    target: float = 30.0,
    replications: int = REPLICATIONS,
) -> Planned:
    """Predict `day` under `plan` (the office's windows and counters as set now when None)."""
    plan = plan or default_plan(office, day.weekday())
    model = office_model(office, day)
    if typed is not None:
        model = model.with_typed(show_rate=typed.show_rate, service_minutes=typed.service_minutes)
    # A big day costs in proportion: fewer replications keep a page answer within seconds.
    people = sum(w.quota for w in plan.windows) * plan.fill + sum(model.walkins_per_hour.values()) + 1
    replications = max(10, min(replications, int(PEOPLE_PER_PAGE / people)))
    search = max(5, min(SEARCH_REPLICATIONS, int(PEOPLE_PER_SEARCH_PLAN / people)))
    suggestion = None
    if suggest == "quota":
        suggestion = suggest_quota(model, plan, target=target, replications=search)
    elif suggest == "counters":
        suggestion = suggest_counters(model, plan, target=target, replications=search)
    return Planned(
        office=office,
        day=day,
        closed=closure_reason(office, day) or "",
        model=model,
        plan=plan,
        prediction=run(model, plan, replications=replications),
        comparable=comparable_days(office, day),
        suggestion=suggestion,
        suggested=suggest if suggestion else "",
    )


def comparable_days(office: Office, day: dt.date) -> list[MeasuredDay]:
    """The last measured days of the same weekday before `day` (within the fit's history), oldest first."""
    found: list[MeasuredDay] = []
    for weeks in range(1, math.ceil(HISTORY_DAYS / 7) + 1):
        found += measured_days(office, [day - dt.timedelta(weeks=weeks)])
        if len(found) == COMPARABLE_DAYS:
            break
    return found[::-1]


def _pairs(text: str, known: list[str], most: int, error: str, field: str) -> dict[str, int]:
    """`NAME=NUMBER,…` with names from `known` and numbers 0 to `most`; DomainError(`error`) naming `field`."""
    pairs = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _sep, number = (p.strip() for p in part.partition("="))
        if name not in known or not number.isdigit() or int(number) > most:
            raise DomainError("invalid", error, field=field)
        pairs[name] = int(number)
    return pairs


def parse_quota(text: str, plan: Plan) -> Plan:
    """`08:00=40,09:00=35`: new seats for the windows named; the others keep theirs. DomainError naming `quota`."""
    labels = [w.label for w in plan.windows]
    error = _("Kuota: tulis JAM=KUOTA untuk jam kedatangan yang ada (%(windows)s), kuota 0 sampai 1000.") % {
        "windows": ", ".join(labels) or "–"
    }
    quotas = {w.label: w.quota for w in plan.windows} | _pairs(text, labels, 1000, error, "quota")
    return replace(plan, windows=tuple(replace(w, quota=quotas[w.label]) for w in plan.windows))


def parse_counters(text: str, plan: Plan) -> Plan:
    """`verification=3,photo_interview=4,pickup=1`: counters open all day per stage. DomainError naming `counters`."""
    error = _("Loket: tulis TAHAP=JUMLAH dengan tahap %(stages)s, jumlah 0 sampai 50.") % {"stages": ", ".join(STAGES)}
    numbers = _pairs(text, STAGES, 50, error, "counters")
    counters = plan.staffing.counters | {stage: (n,) * plan.staffing.hours for stage, n in numbers.items()}
    return replace(plan, staffing=replace(plan.staffing, counters=counters))


def parse_classes(text: str, office: Office, plan: Plan) -> Plan:
    """`priority=50,express=35`: the day's class places (the classes not named keep theirs). DomainError naming `classes`."""
    error = _("Kuota kelas: tulis KELAS=KUOTA dengan kelas %(classes)s, kuota 0 sampai 1000.") % {
        "classes": ", ".join(CLASSES)
    }
    quotas = {p.quota_class: p.quota for p in plan.classes} | _pairs(text, list(CLASSES), 1000, error, "classes")
    return replace(plan, classes=office_places(office, quotas))


def plan_from_text(office: Office, day: dt.date, *, quota: str, counters: str, classes: str, fill: int) -> Plan:
    """The office's plan for `day` with the changes an API query or the command wrote as text
    (`parse_quota`, `parse_counters`, `parse_classes`; `fill` in per cent). DomainError naming the field."""
    plan = parse_quota(quota, default_plan(office, day.weekday()))
    plan = parse_classes(classes, office, parse_counters(counters, plan))
    return replace(plan, fill=fill / 100)
