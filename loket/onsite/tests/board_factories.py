"""Tickets and calls written straight to the database, in the shape the counter services write them."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from loket.accounts.models import Person
from loket.offices.models import Office
from loket.onsite.models import Counter, EventKind, Ticket, TicketEvent, TicketStatus


def issue(
    office: Office,
    letter: str,
    number: int,
    *,
    day: dt.date | None = None,
    name: str = "Budi Santoso",
    person: Person | None = None,
) -> Ticket:
    now = timezone.now()
    ticket = Ticket.objects.create(
        office=office,
        day=day or office.local_today(),
        letter=letter,
        number=number,
        name=name,
        person=person,
        arrived_at=now,
        queued_at=now,
    )
    TicketEvent.objects.create(ticket=ticket, office=office, kind=EventKind.ISSUED, stage=ticket.stage, at=now)
    return ticket


def call(ticket: Ticket, counter: Counter, *, recall: bool = False, at: dt.datetime | None = None) -> TicketEvent:
    """Call (or recall) `ticket` to `counter`; whoever was at that counter is finished first.

    In one transaction, as the counter service writes it: a board polling in between would
    otherwise see the ticket at its counter without its call event (seen once in CI: the
    "recent calls" list lacked the call the counter already showed)."""
    at = at or timezone.now()
    with transaction.atomic():
        if not recall:
            Ticket.objects.filter(counter=counter, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).exclude(
                pk=ticket.pk
            ).update(status=TicketStatus.DONE, finished_at=at)
        ticket.status = TicketStatus.CALLED
        ticket.counter = counter
        ticket.called_at = at
        ticket.calls += 1
        ticket.save()
        kind = EventKind.RECALLED if recall else EventKind.CALLED
        return TicketEvent.objects.create(
            ticket=ticket, office=ticket.office, kind=kind, stage=ticket.stage, counter=counter, at=at
        )


def counters(office: Office, n: int) -> list[Counter]:
    return [Counter.objects.create(office=office, number=i, stages=["verification"]) for i in range(1, n + 1)]
