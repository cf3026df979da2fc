"""Reads of what happened at the counters, as the planner needs it: each ticket's stages.

A ticket's events (loket/onsite: issued, called, recalled, started, parked, resumed,
transferred, finished, no-show, closed) are folded into one Segment per stage it reached:
when it joined that stage's queue, its first call, when the service started and ended, and
at which counter. Both the model fit and the measured days read these.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from loket.booking.models import PLACE_CLASSES, QuotaClass
from loket.onsite.models import NEXT_STAGE, EventKind, Letter, Ticket, TicketEvent


@dataclass
class Segment:
    stage: str
    queued: dt.datetime
    first_call: dt.datetime | None = None
    last_call: dt.datetime | None = None
    started: dt.datetime | None = None
    ended: dt.datetime | None = None
    counter_id: int | None = None
    recalls: int = 0
    parked: bool = False
    no_show: bool = False

    @property
    def wait(self) -> float | None:
        return None if self.first_call is None else (self.first_call - self.queued).total_seconds() / 60

    @property
    def service(self) -> float | None:
        """Minutes from the start of the service (or the last call) to its end; None if unknown or parked."""
        begin = self.started or self.last_call
        if self.ended is None or begin is None or self.parked or self.no_show:
            return None
        return (self.ended - begin).total_seconds() / 60


@dataclass
class TicketRow:
    pk: int
    office_id: int
    day: dt.date
    booking_id: int | None
    walk_in: bool
    letter: str
    priority: str
    arrived_at: dt.datetime
    appointment_at: dt.datetime | None
    segments: list[Segment]
    booked_class: str | None = None  # the booking's quota class (None: no booking)

    @property
    def is_pickup(self) -> bool:
        return self.letter == "C"

    @property
    def quota_class(self) -> str:
        """ "priority" or "express" for a person on one of the day's class places, else ""."""
        if self.is_pickup:
            return ""
        if self.letter == Letter.EXPRESS:
            return QuotaClass.EXPRESS
        return self.booked_class if self.booked_class in PLACE_CLASSES else ""

    @property
    def is_walk_in(self) -> bool:
        return self.walk_in or (self.booking_id is None and not self.is_pickup)

    @property
    def wait(self) -> float | None:
        """Minutes in queues over every stage reached; None when never called."""
        waits = [s.wait for s in self.segments]
        if not waits or waits[0] is None:
            return None
        return sum(w for w in waits if w is not None)


def fold(kind: str, stage: str, at: dt.datetime, counter_id: int | None, segments: list[Segment]) -> None:
    """Apply one event to a ticket's segments (events in time order)."""
    if kind == EventKind.ISSUED:
        segments.append(Segment(stage=stage, queued=at))
        return
    if not segments:
        return
    current = segments[-1]
    if kind == EventKind.CALLED:
        current.first_call = current.first_call or at
        current.last_call, current.counter_id = at, counter_id
    elif kind == EventKind.RECALLED:
        current.recalls += 1
        current.last_call = at
    elif kind in (EventKind.STARTED, EventKind.RESUMED):
        current.started = at
    elif kind == EventKind.PARKED:
        current.parked = True
    elif kind == EventKind.NO_SHOW:
        current.ended, current.no_show = at, True
    elif kind in (EventKind.FINISHED, EventKind.CLOSED):
        current.ended = current.ended or at
    elif kind == EventKind.TRANSFERRED:
        current.ended = at
        following = NEXT_STAGE.get(stage)
        if following:
            segments.append(Segment(stage=str(following), queued=at))


TICKET_FIELDS = (
    "pk",
    "office_id",
    "day",
    "booking_id",
    "walk_in",
    "letter",
    "priority",
    "arrived_at",
    "appointment_at",
)


def ticket_rows(*, start: dt.date, end: dt.date, office_ids: Iterable[int] | None = None) -> list[TicketRow]:
    """Every ticket of these offices (all offices: None) on these local days, with its stages."""
    where = Q(day__range=(start, end))
    if office_ids is not None:
        where &= Q(office_id__in=list(office_ids))
    rows = {
        pk: TicketRow(pk, office_id, day, booking_id, walk_in, letter, priority, arrived_at, appointment_at, [], cls)
        for pk, office_id, day, booking_id, walk_in, letter, priority, arrived_at, appointment_at, cls in (
            Ticket.objects.filter(where).values_list(*TICKET_FIELDS, "booking__quota_class")
        )
    }
    events: dict[int, list[tuple[dt.datetime, int, str, str, int | None]]] = defaultdict(list)
    event_where = Q(ticket__day__range=(start, end))
    if office_ids is not None:
        event_where &= Q(ticket__office_id__in=list(office_ids))
    for ticket_id, pk, kind, stage, at, counter_id in TicketEvent.objects.filter(event_where).values_list(
        "ticket_id", "pk", "kind", "stage", "at", "counter_id"
    ):
        events[ticket_id].append((at, pk, kind, stage, counter_id))
    for ticket_id, happened in events.items():
        row = rows.get(ticket_id)
        if row is None:
            continue
        for at, _pk, kind, stage, counter in sorted(happened):
            fold(kind, stage, at, counter, row.segments)
    return sorted(rows.values(), key=lambda r: (r.office_id, r.day, r.arrived_at, r.pk))
