"""Demo history: weeks of plausible office days (bookings, arrivals, tickets and their events).

Each day is drawn from known parameters (TRUTHS) and played through the same simulation the
planner uses, then written as the rows the office side writes: a booking per seat taken (the
ones who never came end as no-shows), a ticket per arrival with its number, and the events
issued, called, recalled, started, transferred, finished or no-show at numbered counters.
So the reports and the planner show real figures after `make run`, and a test can check that
fitting these rows gives the parameters back.

Idempotent: a day that already has a ticket or a seat row at the office is left alone.
Demo people have no account (like walk-ins registered at the office) and NIKs from the
office's region; the bookings are made by one inactive demo account.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from loket.accounts.models import Person, Relation, User
from loket.booking.codes import new_code
from loket.booking.models import Booking, BookingStatus, ClassDay, PassportType, PriorityReason, Service, Slot
from loket.offices.calendar import closures_between
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.models import Counter, EventKind, Letter, Priority, Ticket, TicketEvent, TicketStatus
from loket.planner.model import EXPRESS, PRIORITY, STAGES, OfficeModel, ServiceTime
from loket.planner.planning import class_quotas, office_places
from loket.planner.predict import Plan, Window, minutes_of, visitors_for
from loket.planner.simulate import Recall, Staffing, Visit, simulate_day

DEMO_BOOKER = "riwayat.demo@loket.local"
FILL = 0.95  # share of each window booked on a demo day
POOL = 400  # demo people per office (one person may come back on another day)
NAMES = ["Andi", "Budi", "Citra", "Dewi", "Eko", "Fitri", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lestari"]
FAMILIES = ["Saputra", "Wijaya", "Siregar", "Nasution", "Hasibuan", "Pratama", "Lubis", "Harahap", "Simanjuntak"]


@dataclass(frozen=True)
class Truth:
    """The parameters an office's demo days are drawn from, and the counters it opened."""

    model: OfficeModel
    staffing: Staffing
    region: str  # the first six NIK digits of the office's area


def truth(*, show: float, offset: tuple[float, float], walkins: float, pickups: float, service: tuple[float, float, float],
          counters: tuple[int, int, int], region: str) -> Truth:  # fmt: skip
    hours = {8: 1.0, 9: 1.0, 10: 1.0, 11: 0.8, 13: 0.8, 14: 0.6}
    model = OfficeModel(
        show_rate=show,
        window_show={},
        offset_mean=offset[0],
        offset_sd=offset[1],
        walkins_per_hour={h: walkins * share for h, share in hours.items()},
        pickups_per_hour={h: pickups * share for h, share in hours.items() if h > 8},
        priority_share=0.06,
        service={stage: ServiceTime.from_mean(minutes) for stage, minutes in zip(STAGES, service, strict=True)},
        absent_share=0.06,
        no_show_share=0.35,
        recall_gap=1.0,
        class_hours={PRIORITY: {8: 0.3, 9: 0.3, 10: 0.2, 11: 0.1, 13: 0.1}, EXPRESS: {8: 0.6, 9: 0.4}},
        class_use={PRIORITY: 0.8, EXPRESS: 0.9},
    )
    staffing = Staffing(first_hour=8, counters={s: (n,) * 8 for s, n in zip(STAGES, counters, strict=True)})
    return Truth(model=model, staffing=staffing, region=region)


TRUTHS = {
    # Palembang, 200 a day: four verification counters, five for photo and interview.
    "PLB": truth(
        show=0.88, offset=(-12, 14), walkins=2, pickups=4, service=(5.5, 7.0, 2.0), counters=(4, 5, 1), region="167101"
    ),
    # Pematangsiantar, 70 a day: two and two.
    "PMS": truth(
        show=0.82, offset=(-8, 18), walkins=1, pickups=2, service=(5.0, 6.0, 2.5), counters=(2, 2, 1), region="127201"
    ),
}


@transaction.atomic  # one commit for all the days: seeding is I/O-bound on SQLite otherwise
def history_seed(*, office: Office, truth: Truth, days: list[dt.date], seed: int = 1) -> int:
    """Write the demo days of `office` not written yet; the number of days written."""
    booker = _booker()
    people = _people(office, truth.region)
    counters = _counters(office, truth.staffing)
    taken = set(Ticket.objects.filter(office=office, day__in=days).values_list("day", flat=True))
    taken |= set(Slot.objects.filter(office=office, date__in=days).values_list("date", flat=True))
    written = 0
    for day in days:
        windows = list(ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).order_by("start"))
        if day in taken or not windows:
            continue
        _write_day(office, day, windows, truth, booker, people, counters, random.Random(f"{seed}-{office.code}-{day}"))
        written += 1
    return written


def open_days(office: Office, *, weeks: int, before: dt.date) -> list[dt.date]:
    """The office's open days in the `weeks` weeks before `before` (holidays and closures left out)."""
    start = before - dt.timedelta(weeks=weeks)
    closed = closures_between(office, start, before - dt.timedelta(days=1))
    weekdays = set(ArrivalWindow.objects.filter(office=office).values_list("weekday", flat=True))
    span = (start + dt.timedelta(days=n) for n in range((before - start).days))
    return [day for day in span if day not in closed and day.weekday() in weekdays]


def _booker() -> User:
    user = User.objects.filter(email=DEMO_BOOKER).first()
    if user is None:
        user = User.objects.create_user(DEMO_BOOKER, None, full_name="Riwayat Demo", is_active=False)
    return user


def _people(office: Office, region: str) -> list[Person]:
    """The office's demo people: NIKs `region` + birth date + serial 9001…, created once."""
    rng = random.Random(office.code)
    wanted = []
    for n in range(POOL):
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 45))
        sex = rng.choice("MF")
        day = birth.day + (40 if sex == "F" else 0)
        nik = f"{region}{day:02d}{birth:%m%y}{9001 + n:04d}"
        name = f"{rng.choice(NAMES)} {rng.choice(FAMILIES)}"
        wanted.append(Person(relation=Relation.SELF, full_name=name, nik=nik, birth_date=birth, sex=sex))
    existing = set(Person.objects.filter(nik__in=[p.nik for p in wanted]).values_list("nik", flat=True))
    Person.objects.bulk_create([p for p in wanted if p.nik not in existing])
    return list(Person.objects.filter(nik__in=[p.nik for p in wanted]).order_by("nik"))


def _counters(office: Office, staffing: Staffing) -> dict[str, list[Counter]]:
    """Counters serving each stage, enough for the plan: the office's own first, new numbers after."""
    result: dict[str, list[Counter]] = {}
    all_counters = list(Counter.objects.filter(office=office).order_by("number"))
    top = max((c.number for c in all_counters), default=0)
    for stage, plan in staffing.counters.items():
        serving = [c for c in all_counters if stage in c.stages]
        while len(serving) < max(plan):
            top += 1
            serving.append(Counter.objects.create(office=office, number=top, stages=[stage]))
        result[stage] = serving
    return result


def _at(office: Office, day: dt.date, minutes: float) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone) + dt.timedelta(minutes=minutes)


def _write_day(office: Office, day: dt.date, windows: list[ArrivalWindow], truth: Truth, booker: User,
               people: list[Person], counters: dict[str, list[Counter]], rng: random.Random) -> None:  # fmt: skip
    classes = office_places(office, class_quotas(office, day.weekday()))
    plan = Plan(tuple(Window(w.start, w.end, w.capacity) for w in windows), truth.staffing, FILL, classes)
    visits = simulate_day(
        visitors_for(truth.model, plan, rng.randrange(10**9)), truth.staffing, Recall(gap=truth.model.recall_gap)
    )
    came: dict[str, list[Visit]] = defaultdict(list)
    for one in visits:
        came[one.visitor.group].append(one)
    chosen = iter(rng.sample(people, len(people)))
    bookings: list[tuple[Booking, Visit | None]] = []
    slots: dict[float, Slot] = {}
    for window in windows:
        booked = round(window.capacity * FILL)
        slot = Slot.objects.create(office=office, date=day, start=window.start, end=window.end, booked=booked,
                                   capacity=window.capacity, starts_at=_at(office, day, window.start.hour * 60 + window.start.minute))  # fmt: skip
        arrived = came.get(f"{window.start:%H:%M}", [])
        for n in range(booked):
            visit = arrived[n] if n < len(arrived) else None
            person = next(chosen)
            status = BookingStatus.COMPLETED if visit and visit.outcome == "done" else BookingStatus.NO_SHOW
            service = Service.NEW if rng.random() < 0.7 else Service.REPLACEMENT
            booking = Booking(code=new_code(), person=person, booked_by=booker, office=office, slot=slot, service=service,
                              passport_type=PassportType.REGULAR, status=status, person_name=person.full_name)  # fmt: skip
            bookings.append((booking, visit))
        slots[minutes_of(window.start)] = slot
    for places in classes:
        taken = came.get(places.quota_class, [])
        class_day = ClassDay.objects.create(office=office, quota_class=places.quota_class, date=day,
                                            capacity=places.quota, used=len(taken))  # fmt: skip
        for visit in taken:  # a class place is taken at the desk: the person is there
            person = next(chosen)
            status = BookingStatus.COMPLETED if visit.outcome == "done" else BookingStatus.NO_SHOW
            appointment = visit.visitor.appointment
            booking = Booking(code=new_code(), person=person, booked_by=booker, office=office,
                              slot=slots[appointment if appointment is not None else min(slots)],
                              service=Service.NEW, passport_type=PassportType.REGULAR, status=status,
                              person_name=person.full_name, quota_class=places.quota_class, class_day=class_day,
                              priority_reason=PriorityReason.ELDERLY if places.quota_class == PRIORITY else "")  # fmt: skip
            bookings.append((booking, visit))
    Booking.objects.bulk_create([b for b, _v in bookings])
    arrivals: list[tuple[Booking | None, Visit]] = [(b, v) for b, v in bookings if v is not None]
    arrivals += [(None, v) for v in visits if v.visitor.group in ("walkin", "pickup")]
    _write_tickets(office, day, arrivals, counters, rng, truth.model.recall_gap)


def _write_tickets(office: Office, day: dt.date, arrivals: list[tuple[Booking | None, Visit]],
                   counters: dict[str, list[Counter]], rng: random.Random, gap: float) -> None:  # fmt: skip
    numbers: dict[str, int] = defaultdict(int)
    tickets, events = [], []
    for booking, visit in sorted(arrivals, key=lambda pair: pair[1].visitor.arrival):
        v = visit.visitor
        if v.group == "pickup":
            letter = Letter.PICKUP
        elif v.group == EXPRESS:
            letter = Letter.EXPRESS
        elif v.priority:
            letter = Letter.PRIORITY
        else:
            letter = Letter.REPLACEMENT if booking and booking.service == Service.REPLACEMENT else Letter.NEW
        numbers[letter] += 1
        arrived = _at(office, day, v.arrival)
        done = visit.outcome == "done"
        ticket = Ticket(
            office=office, day=day, letter=letter, number=numbers[letter], booking=booking,
            person=booking.person if booking else None, name=booking.person_name if booking else rng.choice(NAMES),
            priority=rng.choice([Priority.ELDERLY, Priority.PREGNANT, Priority.SMALL_CHILD]) if v.priority else "",
            stage=v.route[len(visit.called) - 1] if visit.called else v.route[0],
            status=TicketStatus.DONE if done else (TicketStatus.NO_SHOW if visit.outcome == "no_show" else TicketStatus.CLOSED),
            calls=1 + (visit.recalls[-1] if visit.recalls else 0), walk_in=v.group == "walkin",
            appointment_at=_at(office, day, v.appointment) if v.appointment is not None else None,
            arrived_at=arrived, queued_at=arrived,
            called_at=_at(office, day, visit.called[-1]) if visit.called else None,
            finished_at=_at(office, day, visit.ended[-1]) if visit.ended else None,
        )  # fmt: skip
        tickets.append(ticket)
        events.append((ticket, _events(office, day, visit, counters, gap)))
    Ticket.objects.bulk_create(tickets)
    TicketEvent.objects.bulk_create(
        [TicketEvent(ticket=ticket, office=office, **event) for ticket, made in events for event in made]
    )


def _events(
    office: Office, day: dt.date, visit: Visit, counters: dict[str, list[Counter]], gap: float
) -> list[dict[str, object]]:
    route = visit.visitor.route
    made: list[dict[str, object]] = [
        {"kind": EventKind.ISSUED, "stage": route[0], "at": _at(office, day, visit.visitor.arrival)}
    ]
    for i, called in enumerate(visit.called):
        stage, counter = route[i], counters[route[i]][visit.counters[i]]

        def add(kind: str, minutes: float, stage: str = stage, counter: Counter = counter) -> None:
            made.append({"kind": kind, "stage": stage, "counter": counter, "at": _at(office, day, minutes)})

        add(EventKind.CALLED, called)
        for n in range(visit.recalls[i]):
            add(EventKind.RECALLED, called + (n + 1) * gap)
        if i >= len(visit.ended):
            break
        if visit.outcome == "no_show" and i == len(visit.called) - 1:
            add(EventKind.NO_SHOW, visit.ended[i])
            break
        add(EventKind.STARTED, visit.started[i])
        add(EventKind.TRANSFERRED if i + 1 < len(route) else EventKind.FINISHED, visit.ended[i])
    return made
