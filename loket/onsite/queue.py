"""Reads of the live queue: who waits for a stage in which order, and how long they may wait.

The order is the rule "Call next" follows: priority visitors first, then appointment time
(a walk-in counts from arrival), then arrival in the queue. A transferred ticket keeps its
first arrival (queued_at), so it waits ahead of people who came later.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce

from loket.offices.models import Office
from loket.onsite.models import OPEN_TICKET_STATUSES, Counter, EventKind, Stage, Ticket, TicketEvent, TicketStatus


def queue_order() -> list[object]:
    return [
        Case(When(priority="", then=Value(1)), default=Value(0), output_field=IntegerField()),
        Coalesce("appointment_at", "queued_at"),
        "queued_at",
        "pk",
    ]


def waiting_tickets(office: Office, stages: list[str], day: dt.date | None = None) -> QuerySet[Ticket]:
    """Today's waiting tickets of these stages, in calling order."""
    return Ticket.objects.filter(
        office=office, day=day or office.local_today(), stage__in=stages, status=TicketStatus.WAITING
    ).order_by(*queue_order())  # type: ignore[arg-type]


def counter_queue(counter: Counter) -> QuerySet[Ticket]:
    """The waiting tickets this counter may call, in its calling order: tickets transferred to it by
    name come first; tickets transferred to another open counter are that counter's alone (once
    that counter closes, anyone serving the stage may call them)."""
    others = list(
        Counter.objects.filter(office=counter.office, active=True).exclude(pk=counter.pk).values_list("pk", flat=True)
    )
    mine_first = Case(When(to_counter_id=counter.pk, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        waiting_tickets(counter.office, list(counter.stages))
        .exclude(to_counter_id__in=others)
        .order_by(mine_first, *queue_order())  # type: ignore[arg-type]
    )


def counters_serving(office: Office, stage: str) -> int:
    # Few counters per office: filtering the JSON list in Python works the same on SQLite and PostgreSQL.
    return sum(1 for c in Counter.objects.filter(office=office, active=True) if stage in c.stages)


def _day_start(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)


def service_minutes(office: Office, stage: str, day: dt.date | None = None) -> float:
    """Mean minutes from a call to the end of the service (finished or transferred) for this stage,
    over the day's last LOKET_QUEUE_SERVICE_SAMPLE tickets; the configured default without history."""
    day = day or office.local_today()
    ends = list(
        TicketEvent.objects.filter(
            office=office,
            stage=stage,
            kind__in=[EventKind.FINISHED, EventKind.TRANSFERRED],
            at__gte=_day_start(office, day),
        ).values_list("ticket_id", "at")[: settings.LOKET_QUEUE_SERVICE_SAMPLE]
    )
    if not ends:
        return float(settings.LOKET_QUEUE_DEFAULT_SERVICE_MINUTES)
    calls: dict[int, list[dt.datetime]] = {}
    for ticket_id, at in TicketEvent.objects.filter(
        ticket_id__in=[t for t, _at in ends], stage=stage, kind=EventKind.CALLED
    ).values_list("ticket_id", "at"):
        calls.setdefault(ticket_id, []).append(at)
    durations = []
    for ticket_id, ended in ends:
        before = [at for at in calls.get(ticket_id, []) if at <= ended]
        if before:
            durations.append((ended - max(before)).total_seconds() / 60)
    if not durations:
        return float(settings.LOKET_QUEUE_DEFAULT_SERVICE_MINUTES)
    return max(sum(durations) / len(durations), 0.5)


@dataclass(frozen=True)
class Waiting:
    """A waiting ticket, the people ahead of it in its stage, and the estimated wait (None: no counter open)."""

    ticket: Ticket
    ahead: int
    minutes: int | None


def _estimate(ahead: int, per_ticket: float, counters: int) -> int | None:
    if counters == 0:
        return None
    return math.ceil(ahead * per_ticket / counters)


def waiting_with_estimates(office: Office, stages: list[str]) -> list[Waiting]:
    """The waiting list of these stages, each ticket with its place and estimate in its own stage."""
    result = []
    for stage in stages:
        per_ticket = service_minutes(office, stage)
        counters = counters_serving(office, stage)
        for ahead, ticket in enumerate(waiting_tickets(office, [stage]).select_related("to_counter")):
            result.append(Waiting(ticket=ticket, ahead=ahead, minutes=_estimate(ahead, per_ticket, counters)))
    return result


def new_ticket_estimate(office: Office, stage: str) -> int | None:
    """The wait of someone who joins this stage's queue now (behind everyone waiting)."""
    ahead = waiting_tickets(office, [stage]).count()
    return _estimate(ahead, service_minutes(office, stage), counters_serving(office, stage))


def ticket_estimate(ticket: Ticket) -> Waiting:
    """One ticket's place in its stage's queue (0 ahead once it is called or done)."""
    if ticket.status != TicketStatus.WAITING:
        return Waiting(ticket=ticket, ahead=0, minutes=0)
    ids = list(waiting_tickets(ticket.office, [ticket.stage], ticket.day).values_list("pk", flat=True))
    ahead = ids.index(ticket.pk) if ticket.pk in ids else 0
    counters = counters_serving(ticket.office, ticket.stage)
    return Waiting(
        ticket=ticket, ahead=ahead, minutes=_estimate(ahead, service_minutes(ticket.office, ticket.stage), counters)
    )


def stage_label(stage: str) -> str:
    return str(Stage(stage).label)


@dataclass(frozen=True)
class Turn:
    """Where a booking's open ticket stands, as its applicant may see it: no names, no other tickets."""

    ticket: str
    status: str
    stage: str
    ahead: int  # people before it in the queue it waits in (0 once called)
    counter: int | None  # the counter it is called to or served at, or sent to by name

    @property
    def key(self) -> str:
        return f"{self.ticket}|{self.status}|{self.stage}|{self.ahead}|{self.counter}"


def booking_turn(booking_id: int) -> Turn | None:
    """The open ticket of a booking and its place (two or three small queries); None without one."""
    ticket = (
        Ticket.objects.filter(booking_id=booking_id, status__in=OPEN_TICKET_STATUSES)
        .select_related("counter", "to_counter", "office")
        .first()
    )
    if ticket is None:
        return None
    ahead = 0
    counter = ticket.counter.number if ticket.counter else None
    if ticket.status == TicketStatus.WAITING:
        target = ticket.to_counter if ticket.to_counter and ticket.to_counter.active else None
        queue = counter_queue(target) if target else waiting_tickets(ticket.office, [ticket.stage], ticket.day)
        ids = list(queue.values_list("pk", flat=True))
        ahead = ids.index(ticket.pk) if ticket.pk in ids else 0
        counter = target.number if target else None
    return Turn(ticket=ticket.display, status=ticket.status, stage=ticket.stage, ahead=ahead, counter=counter)
