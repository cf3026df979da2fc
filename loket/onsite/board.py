"""What the waiting-room board shows (selectors): now serving, the last calls, who waits.

Read from the database on every request and never kept in a process: an office runs
several app servers, and a call written by any of them must reach every board within two
seconds. Boards poll every second, and almost every poll finds nothing new; so the ETag is
not a hash of the state but a fingerprint of what changes it, read in two small queries
(`board_fingerprint`): today's ticket events of the office (how many, and the newest) and
its open counters. Every change to a ticket writes a TicketEvent (issue, call, recall,
start, transfer, park, resume, no-show, finish, day close) and events are only ever added,
so a poll that matches the fingerprint answers 304 without building the state. The whole
state costs three more queries (tests count both).

The board is public: it carries ticket numbers and counter numbers, never a name or NIK.
"""

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from loket.core.db import columns_of, db_instant, raw_models, read_rows
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
# Part of every fingerprint: change it when what the state carries or says changes (a
# new field, other announcement words), so that boards open during a deploy redraw.
BOARD_FORMAT = 4


@dataclass(frozen=True)
class CounterNow:
    counter: int
    ticket: str | None  # None: nobody at this counter now
    status: str
    on_break: bool = False
    going: list[str] = field(default_factory=list)  # waiting tickets transferred to this counter by name


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
    pauses: list[float]  # seconds of silence before each clip


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
    etag: str = field(default="", compare=False)  # the fingerprint this state was read after

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        del body["etag"]
        return body


# Identifiers from the model, quoted; the code is a parameter.
_OFFICE_SQL = (
    f"SELECT {columns_of(Office, 'o')} FROM {connection.ops.quote_name(Office._meta.db_table)} o WHERE o.code = %s"  # noqa: S608
)


def board_office(code: str) -> Office | None:
    # Written out like the two statements below (core.db.read_rows): building this one statement with
    # the ORM cost three times what running it did, on every poll.
    offices = raw_models(Office, _OFFICE_SQL, [code.upper()])
    return offices[0] if offices else None


def local_day_start(office: Office, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=office.zone)


def open_counters(office: Office) -> list[tuple[int, int, bool]]:
    """(pk, number, on break) of the office's active counters, by number (one query)."""
    rows = read_rows(
        Counter,
        f"SELECT id, number, on_break_since IS NOT NULL FROM {Counter._meta.db_table}"  # noqa: S608 (table names only)
        " WHERE office_id = %s AND active ORDER BY number",
        [office.pk],
    )
    return [(pk, number, bool(on_break)) for pk, number, on_break in rows]


def board_fingerprint(office: Office, day: dt.date, counters: list[tuple[int, int, bool]]) -> str:
    """The board's ETag: it changes whenever anything the board shows changes (one query).

    Counting the events, not only taking the newest id, matters: an event whose transaction
    commits after a later one has a smaller id, but it still raises the count.
    """
    start = db_instant(TicketEvent, local_day_start(office, day))
    ((count, newest),) = read_rows(
        TicketEvent,
        f"SELECT COUNT(id), MAX(id) FROM {TicketEvent._meta.db_table} WHERE office_id = %s AND at >= %s",  # noqa: S608
        [office.pk, start],
    )
    events = {"n": count, "newest": newest}
    parts = [BOARD_FORMAT, office.code, office.name, office.timezone, day.isoformat(), events, counters]
    digest = hashlib.sha256(json.dumps(parts, separators=(",", ":")).encode()).hexdigest()
    return f'"{digest[:32]}"'


def board_counters(office: Office, day: dt.date, counters: list[tuple[int, int, bool]]) -> list[CounterNow]:
    """Every active counter with the ticket called to it today, if any, and the tickets sent to it
    by name that wait for it (one query)."""
    rows = (
        Ticket.objects.filter(office=office, day=day)
        .filter(
            Q(status__in=AT_COUNTER, counter__isnull=False) | Q(status=TicketStatus.WAITING, to_counter__isnull=False)
        )
        .order_by("queued_at", "pk")
        .only("letter", "number", "status", "counter_id", "to_counter_id")
    )
    at_counter: dict[int, Ticket] = {}
    going: dict[int, list[str]] = {}
    for row in rows:
        if row.status == TicketStatus.WAITING:
            going.setdefault(row.to_counter_id or 0, []).append(row.display)
        else:
            at_counter[row.counter_id or 0] = row
    result = []
    for pk, number, on_break in counters:
        ticket = at_counter.get(pk)
        result.append(
            CounterNow(
                counter=number,
                ticket=ticket.display if ticket else None,
                status=ticket.status if ticket else "",
                on_break=on_break,
                going=going.get(pk, [])[:3],
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
                pauses=list(said.pauses),
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


def board_state(
    office: Office, day: dt.date | None = None, fingerprint: tuple[list[tuple[int, int, bool]], str] | None = None
) -> BoardState:
    """The whole board (five queries, or three when the fingerprint was just read)."""
    day = day or office.local_today()
    # The fingerprint is read before the state: a change that lands in between makes the
    # next poll a 200 with the newer state, never a 304 that keeps an older one.
    counters, etag = fingerprint or board_check(office, day)
    calls = board_calls(office, day)
    return BoardState(
        office=office.code,
        office_name=office.name,
        timezone=office.timezone,
        zone=office.zone_abbreviation,
        day=day.isoformat(),
        counters=board_counters(office, day, counters),
        recent=latest_per_ticket(calls),
        calls=calls,
        waiting=board_waiting(office, day),
        etag=etag,
    )


def board_check(office: Office, day: dt.date) -> tuple[list[tuple[int, int, bool]], str]:
    """The open counters and the fingerprint: all a poll needs to answer 304 (two queries)."""
    counters = open_counters(office)
    return counters, board_fingerprint(office, day, counters)
