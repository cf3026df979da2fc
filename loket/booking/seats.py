"""Seats: the window-day counters and the only code that changes them.

Every seat is claimed the same way: one conditional UPDATE (`booked < capacity`) inside the
caller's short transaction. Two requests for the last seat both run the UPDATE; the
database lets exactly one of them change the row, and the CHECK constraint
`booked <= capacity` stands behind it.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    ClassDay,
    ClassQuota,
    QuotaClass,
    ReleaseGate,
    Slot,
    WalkinDay,
)
from loket.booking.selectors import day_check, day_check_static
from loket.booking.share import walkin_percent, walkin_split
from loket.core.db import columns_of, insert_pair_if, raw_models
from loket.core.errors import DomainError
from loket.offices.models import ArrivalWindow, Closure, Office, Outage
from loket.offices.selectors import outage_for, outage_refusal


def slot_for(office: Office, day: dt.date, start: dt.time) -> Slot:
    """The seat counter of a bookable window on `day`; DomainError (422) when it is not bookable.

    The same rules as the availability calendar (day_check), but only the one window is
    read: this runs on every booking request of a rush. In outage mode nothing is bookable (503).
    """
    outage = outage_for(office)
    if outage is not None:
        raise outage_refusal(outage)
    now_local = office.local_now()
    closed = day_check(office, day, now_local=now_local)
    if closed:
        code, reason = closed
        raise DomainError(code, reason, field="date")
    unknown = _unknown_window()
    if day == now_local.date() and start <= now_local.time():
        raise unknown  # the window has started
    slot = Slot.objects.filter(office=office, date=day, start=start).first()
    if slot is None:
        window = ArrivalWindow.objects.filter(office=office, weekday=day.weekday(), start=start).first()
        if window is None:
            raise unknown
        slot = slot_row(office, day, window)
    slot.gated = day_gated(office, day)  # type: ignore[attr-defined]
    return slot


def day_gated(office: Office, day: dt.date) -> bool:
    """Is the day under release (seats only with a waiting room's pass)?"""
    return ReleaseGate.objects.filter(office=office, date=day, ended_at__isnull=True).exists()


def bookable_slot(office: Office, day: dt.date, start: dt.time) -> Slot:
    """slot_for in one query on the booking path: the day rules that need no database first,
    then the Slot row read together with "is online booking suspended?", "is the day
    closed by staff?" and "is the day under release?" (`slot.gated`). A window nobody booked
    yet takes the slow path once (slot_for creates it).
    """
    now_local = office.local_now()
    closed = day_check_static(office, day, now_local=now_local)
    if closed:
        code, reason = closed
        raise DomainError(code, reason, field="date")
    if day == now_local.date() and start <= now_local.time():
        raise _unknown_window()  # the window has started
    # Raw SQL: this read runs on every booking request of a rush, and building it with the
    # ORM (two correlated subqueries) cost several times what the query itself costs.
    ops = connection.ops
    found = raw_models(Slot, _PROBE, [office.pk, ops.adapt_datefield_value(day), ops.adapt_timefield_value(start)])
    slot = found[0] if found else None
    if slot is None:
        return slot_for(office, day, start)
    if getattr(slot, "suspended", False):
        outage = outage_for(office)
        if outage is not None:
            raise outage_refusal(outage)
    closed_reason = getattr(slot, "closed_reason", None)
    if closed_reason:
        raise DomainError("closed", closed_reason, field="date")
    slot.office = office
    return slot


def _probe_sql() -> str:
    q = connection.ops.quote_name
    slot, outage, closure = Slot._meta.db_table, Outage._meta.db_table, Closure._meta.db_table
    gate = ReleaseGate._meta.db_table
    # Identifiers come from the models and are quoted; every value is a query parameter.
    return (
        f"SELECT {columns_of(Slot, 's')}, EXISTS (SELECT 1 FROM {q(outage)} o WHERE o.{q('ended_at')} IS NULL"  # noqa: S608
        f" AND (o.{q('office_id')} = s.{q('office_id')} OR o.{q('office_id')} IS NULL)) AS suspended,"
        f" (SELECT c.{q('reason')} FROM {q(closure)} c WHERE c.{q('date')} = s.{q('date')}"
        f" AND (c.{q('office_id')} = s.{q('office_id')} OR c.{q('office_id')} IS NULL)"
        f" ORDER BY c.{q('office_id')} IS NOT NULL LIMIT 1) AS closed_reason,"
        f" EXISTS (SELECT 1 FROM {q(gate)} g WHERE g.{q('office_id')} = s.{q('office_id')}"
        f" AND g.{q('date')} = s.{q('date')} AND g.{q('ended_at')} IS NULL) AS gated"
        f" FROM {q(slot)} s WHERE s.{q('office_id')} = %s AND s.{q('date')} = %s AND s.{q('start')} = %s"
    )


_PROBE = _probe_sql()


def _unknown_window() -> DomainError:
    return DomainError(
        "unknown_window",
        _("Tidak ada jam kedatangan yang dapat dipilih pada jam ini. Pilih salah satu jam dari daftar."),
        field="start",
    )


def walkin_day_for(office: Office, day: dt.date) -> WalkinDay:
    """The day's walk-in pool; created before the day's first Slot, from the share in force then.

    A day whose Slots were made before it had a pool (before walk-in shares existed) keeps
    every seat online: its pool is empty, so no seat is counted twice.
    """
    pool = WalkinDay.objects.filter(office=office, date=day).first()
    if pool is not None:
        return pool
    percent = 0 if Slot.objects.filter(office=office, date=day).exists() else walkin_percent(office)
    windows = ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).order_by("start")
    reserved = walkin_split([w.capacity for w in windows], percent)
    pool, _created = WalkinDay.objects.get_or_create(
        office=office, date=day, defaults={"percent": percent, "capacity": sum(reserved)}
    )
    return pool


def slot_row(office: Office, day: dt.date, window: ArrivalWindow) -> Slot:
    """The Slot of `window` on `day`, created with the window's capacity minus its walk-in seats."""
    slot = Slot.objects.filter(office=office, date=day, start=window.start).first()
    if slot is not None:
        return slot
    pool = walkin_day_for(office, day)
    windows = list(ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).order_by("start"))
    reserved = dict(
        zip([w.start for w in windows], walkin_split([w.capacity for w in windows], pool.percent), strict=True)
    )
    slot, _created = Slot.objects.get_or_create(
        office=office,
        date=day,
        start=window.start,
        defaults={
            "end": window.end,
            "capacity": window.capacity - reserved.get(window.start, 0),
            "starts_at": timezone.make_aware(dt.datetime.combine(day, window.start), office.zone),
        },
    )
    return slot


def class_day_for(office: Office, quota_class: str, day: dt.date) -> ClassDay | None:
    """The day's counter of a class (priority, express), cut from the weekday's ClassQuota the
    first time the day is used; None when the office does not offer the class that day."""
    row = ClassDay.objects.filter(office=office, quota_class=quota_class, date=day).first()
    if row is not None:
        return row
    quota = ClassQuota.objects.filter(office=office, quota_class=quota_class, weekday=day.weekday()).first()
    if quota is None:
        return None
    row, _created = ClassDay.objects.get_or_create(
        office=office, quota_class=quota_class, date=day, defaults={"capacity": quota.capacity}
    )
    return row


def claim_class_place(row: ClassDay) -> bool:
    """Take one place of a class on its day inside the caller's transaction. False when none is left."""
    return _claim_one(ClassDay, row.pk, "used")


def free_class_place(class_day_id: int) -> None:
    ClassDay.objects.filter(pk=class_day_id, used__gt=0).update(used=F("used") - 1)


def _claim_one(model: type[Slot] | type[WalkinDay] | type[ClassDay], pk: int, counter: str) -> bool:
    """Add one to `counter` of row `pk` while it stays below its capacity: one conditional UPDATE.

    Written out: it is the statement every booking of a rush waits on, and building it with
    the ORM cost three times what sending it costs (0.37 against 0.11 ms of CPU, measured)."""
    unsafe = getattr(settings, "LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS", False)
    if unsafe:
        # Test settings only: the read-then-write race the guard exists to prevent. The
        # setting is True (a half-second pause between the read and the write) or the pause in
        # seconds, for a control test whose requests reach the claim further apart.
        rows = model.objects.filter(pk=pk)
        current = rows.values_list(counter, "capacity").get()
        if current[0] >= current[1]:
            return False
        time.sleep(0.5 if unsafe is True else float(unsafe))
        rows.update(**{counter: current[0] + 1})
        return True
    with connection.cursor() as cursor:
        cursor.execute(_claim_sql(model, counter), [pk])
        return cursor.rowcount == 1


def _claim_sql(model: type[Slot] | type[WalkinDay] | type[ClassDay], counter: str, *, returning: bool = False) -> str:
    q = connection.ops.quote_name
    column = q(counter)  # "booked" or "used": field and column have one name
    pk = model._meta.pk
    assert pk is not None
    sql = (
        f"UPDATE {q(model._meta.db_table)} SET {column} = {column} + 1"  # noqa: S608 - quoted identifiers
        f" WHERE {q(pk.column)} = %s AND {column} < {q('capacity')}"
    )
    return f"{sql} RETURNING {q(pk.column)}" if returning else sql


def claim_seat(slot: Slot) -> bool:
    """Take one seat of `slot` inside the caller's transaction. False when the window is full."""
    return _claim_one(Slot, slot.pk, "booked")


def seat_in_one_statement() -> bool:
    """Can a seat, its booking and the booking's event be written by one statement
    (claim_seat_with)? On PostgreSQL, unless a control test races the claim on purpose."""
    return connection.vendor == "postgresql" and not getattr(settings, "LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS", False)


def claim_seat_with(slot: Slot, booking: Booking, event: BookingEvent) -> bool:
    """Take one seat of `slot` and insert `booking` and its `event` in one statement (PostgreSQL,
    see seat_in_one_statement): the conditional UPDATE first, the two INSERTs only when it took
    the seat. Outside a transaction the statement is its own: the row lock of the window is held
    while it runs and not a round trip longer, and a failed insert (a unique constraint) undoes
    the seat with it. False when the window is full (nothing written)."""
    return insert_pair_if(_claim_sql(Slot, "booked", returning=True), [slot.pk], booking, event, link="booking")


class WindowFull(Exception):
    """Raised inside the seat transaction to roll it back; turned into a 409 outside it."""


def claim_or_roll_back(slot: Slot) -> None:
    if not claim_seat(slot):
        raise WindowFull


def lock_in_order(model: type[Slot] | type[ClassDay], ids: list[int | None]) -> None:
    """Lock the rows of `ids` (FOR UPDATE), lowest id first, inside the caller's transaction.

    A move takes a seat of one row and gives one back to another. Two moves in opposite
    directions (A→B and B→A) that each took their new row first would wait for each other
    until PostgreSQL aborted one as a deadlock; locking both rows first, in one order, makes
    the second wait for the first instead. (SQLite locks the whole database: nothing to do.)"""
    wanted = sorted({pk for pk in ids if pk is not None})
    if getattr(settings, "LOKET_UNSAFE_UNORDERED_MOVES_FOR_TESTS", False):
        return  # test settings only: the control test shows the deadlock this prevents
    if len(wanted) > 1:
        list(model.objects.filter(pk__in=wanted).order_by("pk").select_for_update().values_list("pk", flat=True))


def free_seat(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def claim_pool_seat(pool: WalkinDay) -> bool:
    """Take one walk-in seat of the day inside the caller's transaction. False when the pool is empty."""
    return _claim_one(WalkinDay, pool.pk, "used")


def claim_online_seat_of_day(office: Office, day: dt.date) -> Slot | None:
    """Outage mode: an online seat anywhere in the day for a walk-in, the earliest window first.

    Windows that have started count too: nobody can book them online any more, and the
    person is at the office now. None when every online seat of the day is taken.
    """
    for window in ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).order_by("start"):
        slot = slot_row(office, day, window)
        if slot.booked < slot.capacity and claim_seat(slot):
            return slot
    return None


def free_held_seat(booking_id: int, slot_id: int, *, moving: bool = False) -> None:
    """Free the seat a booking holds: a class place (priority, express; with its window's seat
    when it was booked online) or a walk-in pool seat when it came from there, else its slot's.

    `moving`: the booking has just claimed a seat of a new slot (reschedule), so from now on
    it holds that slot seat, not a pool seat.
    """
    held = Booking.objects.filter(pk=booking_id).values_list("pool_day_id", "class_day_id", "class_online").first()
    pool_id, class_day_id, class_online = held if held else (None, None, False)
    if class_day_id is not None:
        if moving:
            Booking.objects.filter(pk=booking_id).update(
                class_day=None, quota_class=QuotaClass.REGULAR, class_online=False
            )
        free_class_place(class_day_id)
        if class_online:  # booked online in an appointment: its window's seat goes back too
            free_seat(slot_id)
        return
    if pool_id is None:
        free_seat(slot_id)
        return
    if moving:
        Booking.objects.filter(pk=booking_id).update(pool_day=None)
    WalkinDay.objects.filter(pk=pool_id, used__gt=0).update(used=F("used") - 1)


def release_one(booking_id: int) -> bool:
    """Give a cancelled or expired booking's seat back, exactly once."""
    booking = Booking.objects.filter(pk=booking_id).only("slot_id").first()
    if booking is None:
        return False
    if Booking.objects.filter(pk=booking_id, seat_released=False).update(seat_released=True) != 1:
        return False
    free_held_seat(booking_id, booking.slot_id)
    return True


def seats_release_due(*, now: dt.datetime | None = None, slot: Slot | None = None) -> int:
    """Return the seats of cancellations whose delay has passed. Run by the worker every minute."""
    now = now or timezone.now()
    due = Booking.objects.filter(status=BookingStatus.CANCELLED, seat_released=False, seat_release_at__lte=now)
    if slot is not None:
        due = due.filter(slot=slot)
    released = 0
    for booking_id in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            released += release_one(booking_id)
    return released
