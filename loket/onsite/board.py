"""What the waiting-room board shows (selectors): now serving, the last calls, who waits.

Read from the database on every request and never kept in a process: an office runs
several app servers, and a call written by any of them must reach every board within two
seconds. The whole state costs five small indexed queries (a test counts them); boards
poll it every second and get 304 while its fingerprint (ETag) is unchanged.

The board is public: it carries ticket numbers and counter numbers, never a name or NIK.
"""

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count

from loket.offices.models import Office
from loket.onsite.models import Counter, EventKind, Letter, Ticket, TicketEvent, TicketStatus
from loket.onsite.voice import Announcement, announcement

RECENT_CALLS = 6
# Call events sent to the board: more than it lists, so that a ticket called again and
# again does not push the others off the list, and a burst between two polls is still
# announced in full.
CALL_EVENTS = 12
CALL_KINDS = [EventKind.CALLED, EventKind.RECALLED]
AT_COUNTER = [TicketStatus.CALLED, TicketStatus.SERVING]


@dataclass(frozen=True)
class CounterNow:
    counter: int
    ticket: str | None  # None: nobody at this counter now
    status: str


@dataclass(frozen=True)
class Call:
    """One call or recall: `id` is the event's, so a board announces each one exactly once."""

    id: int
    ticket: str
    counter: int
    at: str  # local HH:MM
    recall: bool
    text: str
    clips: list[str]


@dataclass(frozen=True)
class BoardState:
    office: str
    office_name: str
    timezone: str
    zone: str
    day: str
    counters: list[CounterNow]
    recent: list[Call]  # what the board lists: the newest call of each ticket
    calls: list[Call]  # every recent call event, newest first: what the board announces
    waiting: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def etag(self) -> str:
        body = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def board_office(code: str) -> Office | None:
    return Office.objects.filter(code=code.upper()).first()


def local_day_start(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)


def board_counters(office: Office, day: dt.date) -> list[CounterNow]:
    """Every active counter with the ticket called to it today, if any (two queries)."""
    at_counter = {
        t.counter_id: t
        for t in Ticket.objects.filter(office=office, day=day, status__in=AT_COUNTER, counter__isnull=False).only(
            "letter", "number", "status", "counter_id"
        )
    }
    result = []
    for counter in Counter.objects.filter(office=office, active=True).order_by("number").only("number"):
        ticket = at_counter.get(counter.pk)
        result.append(
            CounterNow(
                counter=counter.number,
                ticket=ticket.display if ticket else None,
                status=ticket.status if ticket else "",
            )
        )
    return result


def board_calls(office: Office, day: dt.date, limit: int = CALL_EVENTS) -> list[Call]:
    """Today's call and recall events at this office, newest first (one query)."""
    events = (
        TicketEvent.objects.filter(office=office, kind__in=CALL_KINDS, at__gte=local_day_start(office, day))
        .select_related("ticket", "counter")
        .only("kind", "at", "ticket__letter", "ticket__number", "counter__number")
        .order_by("-at", "-pk")[:limit]
    )
    calls = []
    for event in events:
        if event.counter is None:  # the counter was deleted since: nothing to show or say
            continue
        ticket, number = event.ticket.display, event.counter.number
        try:
            said = announcement(ticket, number)
        except ValueError:  # a counter past 99 has no clips: shown, not spoken
            said = Announcement(text=f"{ticket} → {number}", clips=())
        calls.append(
            Call(
                id=event.pk,
                ticket=ticket,
                counter=number,
                at=event.at.astimezone(office.zone).strftime("%H:%M"),
                recall=event.kind == EventKind.RECALLED,
                text=said.text,
                clips=list(said.clips),
            )
        )
    return calls


def latest_per_ticket(calls: list[Call], limit: int = RECENT_CALLS) -> list[Call]:
    seen: set[str] = set()
    recent = []
    for call in calls:
        if call.ticket not in seen:
            seen.add(call.ticket)
            recent.append(call)
    return recent[:limit]


def board_waiting(office: Office, day: dt.date) -> dict[str, int]:
    """How many tickets wait today, per letter (service), every letter present (one query)."""
    counts = dict(
        Ticket.objects.filter(office=office, day=day, status=TicketStatus.WAITING)
        .order_by()
        .values_list("letter")
        .annotate(n=Count("id"))
        .values_list("letter", "n")
    )
    return {letter: counts.get(letter, 0) for letter in Letter.values}


def board_state(office: Office) -> BoardState:
    day = office.local_today()
    calls = board_calls(office, day)
    return BoardState(
        office=office.code,
        office_name=office.name,
        timezone=office.timezone,
        zone=office.zone_abbreviation,
        day=day.isoformat(),
        counters=board_counters(office, day),
        recent=latest_per_ticket(calls),
        calls=calls,
        waiting=board_waiting(office, day),
    )
