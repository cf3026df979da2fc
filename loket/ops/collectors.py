"""Metrics read from the database at scrape time: seats left, the outbox, the office queues.

One reading is shared by every app server through the cache for LOKET_METRICS_CACHE_SECONDS,
so scraping N servers every few seconds costs the database one reading, on the replica when
there is one.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from loket.booking.models import BookingEvent
from loket.booking.selectors import day_plans
from loket.core.health import worker_heartbeat_age
from loket.core.replica import on_replica
from loket.notify.models import Message, MessageStatus
from loket.offices.models import Office
from loket.onsite.models import Ticket, TicketStatus
from loket.release.models import Entry, RoomState

CACHE_KEY = "ops:db-metrics:v3"  # v3: the release rooms


@dataclass
class Reading:
    seats_left: list[tuple[str, str, int]] = field(default_factory=list)  # office, date, seats
    outbox: dict[str, int] = field(default_factory=dict)  # status -> messages
    outbox_oldest_due_seconds: float = 0.0
    tickets_waiting: dict[str, int] = field(default_factory=dict)  # office -> tickets
    worker_heartbeat_age: float = -1.0  # seconds since the task worker last beat; -1: never
    booking_events_pending: int = 0
    booking_events_oldest_seconds: float = 0.0  # age of the oldest booking event not yet handled
    # office, date, "waiting" | "admitted" -> people, for every release room not closed yet
    release_room: dict[tuple[str, str, str], int] = field(default_factory=dict)


def _seats_left(offices: list[Office], days: int) -> list[tuple[str, str, int]]:
    rows = []
    for office in offices:
        today = office.local_now().date()
        for plan in day_plans(office, today, days):
            if plan.open:
                rows.append((office.code, plan.date.isoformat(), sum(seats.remaining for seats in plan.windows)))
    return rows


def _outbox(now: dt.datetime) -> tuple[dict[str, int], float]:
    counts = {row["status"]: row["n"] for row in Message.objects.values("status").annotate(n=Count("id"))}
    # Due and not yet delivered: pending since it was written, or a retry whose time has come.
    due = Message.objects.filter(
        Q(status=MessageStatus.PENDING) | Q(status=MessageStatus.RETRY, next_attempt_at__lte=now)
    ).aggregate(oldest=Min("created_at"))["oldest"]
    return {status: counts.get(status, 0) for status in MessageStatus.values}, (
        max((now - due).total_seconds(), 0.0) if due else 0.0
    )


def _tickets_waiting(offices: list[Office]) -> dict[str, int]:
    todays = {office.pk: office.local_now().date() for office in offices}
    waiting: dict[str, int] = defaultdict(int)
    if not todays:
        return waiting
    rows = (
        Ticket.objects.filter(status=TicketStatus.WAITING, day__gte=min(todays.values()))
        .values("office_id", "office__code", "day")
        .annotate(n=Count("id"))
    )
    for row in rows:
        if row["day"] == todays[row["office_id"]]:
            waiting[row["office__code"]] += row["n"]
    return {office.code: waiting.get(office.code, 0) for office in offices}


def read_database() -> Reading:
    now = timezone.now()
    offices = list(Office.objects.filter(online_booking=True).order_by("code"))
    outbox, oldest = _outbox(now)
    return Reading(
        seats_left=_seats_left(offices, settings.LOKET_METRICS_SEAT_DAYS),
        outbox=outbox,
        outbox_oldest_due_seconds=oldest,
        tickets_waiting=_tickets_waiting(list(Office.objects.order_by("code"))),
        worker_heartbeat_age=-1.0 if (age := worker_heartbeat_age()) is None else age,
        release_room=_release_rooms(),
        **_booking_events(now),
    )


def _release_rooms() -> dict[tuple[str, str, str], int]:
    """People in each open release room: still waiting, and admitted so far (passes handed out)."""
    rows = (
        Entry.objects.exclude(room__state=RoomState.CLOSED)
        .values("room__office__code", "room__date")
        .annotate(waiting=Count("id", filter=Q(admitted_at__isnull=True)), admitted=Count("admitted_at"))
    )
    found: dict[tuple[str, str, str], int] = {}
    for row in rows:
        office, date = row["room__office__code"], row["room__date"].isoformat()
        found[(office, date, "waiting")] = row["waiting"]
        found[(office, date, "admitted")] = row["admitted"]
    return found


def _booking_events(now: dt.datetime) -> dict[str, Any]:
    pending = BookingEvent.objects.filter(processed_at__isnull=True).aggregate(n=Count("id"), oldest=Min("created_at"))
    oldest = pending["oldest"]
    return {
        "booking_events_pending": pending["n"],
        "booking_events_oldest_seconds": max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    }


def current_reading() -> Reading:
    ttl = settings.LOKET_METRICS_CACHE_SECONDS
    reading = cache.get(CACHE_KEY) if ttl else None
    if not isinstance(reading, Reading):
        reading = on_replica(read_database)
        if ttl:
            cache.set(CACHE_KEY, reading, ttl)
    return reading


class DatabaseCollector(Collector):
    def collect(self) -> Iterable[GaugeMetricFamily]:
        reading = current_reading()
        seats = GaugeMetricFamily(
            "loket_seats_left",
            "Bookable seats left per office and local day (open days within LOKET_METRICS_SEAT_DAYS).",
            labels=["office", "date"],
        )
        for office, date, left in reading.seats_left:
            seats.add_metric([office, date], left)
        yield seats
        outbox = GaugeMetricFamily("loket_outbox_messages", "Outbox messages by delivery state.", labels=["status"])
        for status, count in sorted(reading.outbox.items()):
            outbox.add_metric([status], count)
        yield outbox
        yield GaugeMetricFamily(
            "loket_outbox_lag_seconds",
            "Age of the oldest message that is due and not delivered (pending, or a retry whose time came).",
            value=reading.outbox_oldest_due_seconds,
        )
        waiting = GaugeMetricFamily(
            "loket_tickets_waiting", "Tickets waiting to be called today (office's local day).", labels=["office"]
        )
        for office, count in sorted(reading.tickets_waiting.items()):
            waiting.add_metric([office], count)
        yield waiting
        room = GaugeMetricFamily(
            "loket_release_room_people",
            "People in a release's waiting room not closed yet, per office and day: "
            'state="waiting" (not admitted yet) and state="admitted" (given a pass so far).',
            labels=["office", "date", "state"],
        )
        for (office, date, state), count in sorted(reading.release_room.items()):
            room.add_metric([office, date, state], count)
        yield room
        yield GaugeMetricFamily(
            "loket_worker_heartbeat_age_seconds",
            "Seconds since the task worker last beat (-1: never); /readyz says down past LOKET_WORKER_HEARTBEAT_MAX_SECONDS.",
            value=reading.worker_heartbeat_age,
        )
        yield GaugeMetricFamily(
            "loket_booking_events_pending",
            "Booking events not yet handled by manage.py booking_events (applications, bills, messages to come).",
            value=reading.booking_events_pending,
        )
        yield GaugeMetricFamily(
            "loket_booking_events_lag_seconds",
            "Age of the oldest booking event not yet handled.",
            value=reading.booking_events_oldest_seconds,
        )
