"""Booking events: the quota engine announces, the apps above it react.

A service that changes a booking writes a BookingEvent row in its own transaction
(`event_record`). The worker (`manage.py booking_events`) then hands each pending event
to the receivers of `booking_event` (dossier opens the application, payments opens the
bill, notify tells the person), in one transaction per event that also marks it
processed. So:

- nothing happens when the booking's transaction rolls back (there is no row);
- nothing is lost when the process dies right after the commit (the row waits);
- nothing happens twice: the claim (a row lock taken with SKIP LOCKED, then the row marked
  processed) is in the reactions' own transaction, and the receivers are idempotent besides
  (one application and one bill per booking, one message per outbox key).

Events of one booking are handled in the order they were written.

The worker (`events_process`) takes its events a batch at a time: one statement locks and
loads up to BATCH of them (each with its booking, slot, office, person and account, and what
the receivers check first: whether the application and the bill exist already), the events'
reactions run, the worker tasks they queue (registry checks, message deliveries) are written
with one INSERT, one UPDATE marks the batch processed, one commit ends it. A failing reaction
undoes its own event only: the batch runs without savepoints first (two statements an event
fewer), and when a reaction fails it is rolled back whole and run again with a savepoint an
event; the failing event then stays pending with a growing delay, the others of the batch go
through. Measured against one transaction an event (docs/benchmarks.md, "Booking events
worker"): fewer statements, fewer commits, the same reactions.
"""

import datetime as dt
import logging
from contextlib import nullcontext
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from loket.booking.models import BookingEvent
from loket.core.db import insert_row
from loket.core.tasks import tasks_held, tasks_write

log = logging.getLogger("loket.booking.events")

# Sent once per event, inside the transaction that marks it processed. Receivers get
# `event` (a BookingEvent with its booking, slot, office, person and account loaded).
booking_event = Signal()

MAX_BACKOFF_SECONDS = 300
BATCH = 20

# What the event is loaded with; an app above may add a relation its receiver reads (`load_with`)
# or a value over the event's row (`annotate_with`).
_LOADED = ["booking__slot", "booking__office", "booking__person", "booking__booked_by"]
_ANNOTATIONS: dict[str, Any] = {}  # name -> expression, or a function building one
_BATCH_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("loket_booking_events_batch_memo", default=None)


def load_with(*relations: str) -> None:
    """Have every event loaded with these relations too (select_related paths from the event),
    e.g. a receiver's per-account setting: one join instead of one more statement an event.
    Called from an app's ready()."""
    _LOADED.extend(r for r in relations if r not in _LOADED)


def annotate_with(**expressions: Any) -> None:
    """Have every event loaded with these values too, as attributes of the event (annotations,
    e.g. `Exists(...)` over OuterRef("booking_id")): a receiver's "done already?" check becomes
    a subquery of the statement that locks the events instead of one more statement an event.
    The value is read in the events' own transaction, after their rows are locked, so it is what
    the receiver's own query would have found. An expression that depends on the time of the
    load (timezone.now()) is given as a function that builds it, called at each load. Names
    start with the app's label. Called from an app's ready()."""
    _ANNOTATIONS.update(expressions)


def batch_memo() -> dict[Any, Any]:
    """A dict that lasts as long as the worker's current batch (one transaction), for what a
    receiver reads that is the same for every event of the batch, e.g. the fee in force on a
    day: read once a batch instead of once an event, as the table stands in the batch's own
    transaction. Outside a batch (an event processed on its own, inline) a new, empty dict each
    call: nothing is kept. Keys start with the app's label."""
    memo = _BATCH_MEMO.get()
    return {} if memo is None else memo


def _loaded(events: QuerySet[BookingEvent]) -> QuerySet[BookingEvent]:
    """`events` with what the receivers read (load_with, annotate_with)."""
    events = events.select_related(*_LOADED)
    if not _ANNOTATIONS:
        return events
    return events.annotate(**{name: value() if callable(value) else value for name, value in _ANNOTATIONS.items()})


def event_record(*, booking_id: int, kind: str, data: dict[str, Any] | None = None) -> BookingEvent:
    """Write the event in the caller's transaction (one INSERT).

    With LOKET_BOOKING_EVENTS_INLINE (tests; the walk-in desk and the text channel call `events_process_for`)
    the reactions run at once, in the same transaction.
    """
    event = insert_row(BookingEvent(booking_id=booking_id, kind=kind, data=data or {}))
    event_written(event)
    return event


def event_written(event: BookingEvent) -> None:
    """An event was written in the caller's transaction: with LOKET_BOOKING_EVENTS_INLINE, its
    reactions run now, in the same transaction; else the worker's."""
    if settings.LOKET_BOOKING_EVENTS_INLINE:
        event_process(event_id=event.pk)


def events_process_for(*, booking_id: int) -> int:
    """React now, in the caller's transaction if any, to what is pending for one booking: for a
    caller that must show the bill at once (the walk-in desk prints it, a text reply carries it);
    the worker would otherwise do it a moment later."""
    pending = BookingEvent.objects.filter(booking_id=booking_id, processed_at__isnull=True).order_by("id")
    return sum(event_process(event_id=event_id) for event_id in pending.values_list("id", flat=True))


def _earlier_pending() -> Exists:
    return Exists(
        BookingEvent.objects.filter(booking_id=OuterRef("booking_id"), processed_at__isnull=True, id__lt=OuterRef("id"))
    )


def _processable(now: dt.datetime) -> QuerySet[BookingEvent]:
    """The events that may be processed now, oldest first: pending, not waiting for a retry, and
    the first pending one of their booking (one booking's events in order)."""
    return (
        BookingEvent.objects.filter(processed_at__isnull=True)
        .exclude(retry_at__gt=now)
        .exclude(_earlier_pending())
        .order_by("id")
    )


def events_pending(*, limit: int = 200, now: dt.datetime | None = None) -> list[int]:
    """Ids of the events that may be processed now, oldest first (one booking's events in order)."""
    return list(_processable(now or timezone.now()).values_list("id", flat=True)[:limit])


def event_process(*, event_id: int) -> bool:
    """Run the reactions to one event. True when this call processed it, False when it was
    already processed (by another worker, or a replay). A failing reaction rolls back and
    leaves the event pending, retried later with a growing delay."""
    try:
        with transaction.atomic():
            # SKIP LOCKED: an event another worker is processing right now is passed over at once
            # (not waited for and then found done), so several workers share a backlog.
            unclaimed = BookingEvent.objects.select_for_update(skip_locked=True).filter(
                pk=event_id, processed_at__isnull=True
            )
            claimed = BookingEvent.objects.filter(pk__in=unclaimed.values("pk")).update(processed_at=timezone.now())
            if claimed != 1:
                return False  # another worker has it or had it, or this is a replay
            event = _loaded(BookingEvent.objects.all()).get(pk=event_id)
            booking_event.send(sender=BookingEvent, event=event)
    except Exception as exc:
        if transaction.get_connection().in_atomic_block:
            raise  # inline: the caller's transaction fails with it
        _postpone(event_id, exc)
        return False
    return True


def _postpone(event_id: int, exc: Exception) -> None:
    log.exception("booking event %s failed", event_id, exc_info=exc)
    event = BookingEvent.objects.filter(pk=event_id).only("attempts").first()
    if event is None:
        return
    delay = min(2 ** min(event.attempts, 10), MAX_BACKOFF_SECONDS)
    BookingEvent.objects.filter(pk=event_id, processed_at__isnull=True).update(
        attempts=event.attempts + 1,
        retry_at=timezone.now() + dt.timedelta(seconds=delay),
        last_error=f"{type(exc).__name__}: {exc}"[:200],
    )


class _ReactionFailed(Exception):
    """A reaction failed in a batch run without savepoints: the batch is run again with them."""


def _batch(limit: int) -> tuple[int, int]:
    """Lock, react to and mark up to `limit` events that may be processed now, in one
    transaction: (events processed, events taken). Events another worker holds are passed over.
    Without a savepoint an event first; if a reaction fails, that transaction is rolled back and
    the batch is taken again with one, so that the failing event alone is undone."""
    try:
        return _batch_run(limit, isolated=False)
    except _ReactionFailed:
        return _batch_run(limit, isolated=True)


def _batch_run(limit: int, *, isolated: bool) -> tuple[int, int]:
    memo = _BATCH_MEMO.set({})
    try:
        with transaction.atomic():
            locked = _processable(timezone.now()).select_for_update(skip_locked=True, of=("self",))
            events = list(_loaded(locked)[:limit])
            done: list[int] = []
            tasks: list[Any] = []  # the queue rows of the tasks the kept reactions queued
            for event in events:
                try:
                    # With a savepoint (isolated) a failing reaction undoes its own event, its
                    # tasks with it; without one it undoes the batch, which is run again isolated.
                    with transaction.atomic() if isolated else nullcontext(), tasks_held() as held:
                        booking_event.send(sender=BookingEvent, event=event)
                except Exception as exc:
                    if not isolated:
                        raise _ReactionFailed from exc
                    _postpone(event.pk, exc)
                else:
                    done.append(event.pk)
                    tasks.extend(held)
            tasks_write(tasks)
            if done:
                BookingEvent.objects.filter(pk__in=done).update(processed_at=timezone.now())
    finally:
        _BATCH_MEMO.reset(memo)
    return len(done), len(events)


def events_process(*, limit: int = 200) -> int:
    """Process what is pending now (a booking's later events as their turn comes), BATCH events
    a transaction; the number processed."""
    done = handled = 0
    while handled < limit:
        processed, taken = _batch(min(BATCH, limit - handled))
        if not taken:
            break
        done += processed
        handled += taken
    return done
