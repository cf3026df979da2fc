"""Writes for booking: book, cancel, reschedule, expire unpaid bookings and seat paid ones
(called by loket/payments). Seats themselves are claimed and freed only in seats.py.

Each change writes a BookingEvent in its own transaction; the application, the PNBP bill and
the messages that follow are done by the apps above, reacting to it (see events.py).
"""

import datetime as dt
import hashlib
import json
import secrets
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, Relation, User
from loket.booking.choices import booking_choice_validate
from loket.booking.class_online import (
    class_place_move,
    online_class_check,
    online_class_day,
    online_payment_deadline,
)
from loket.booking.classes import class_full
from loket.booking.codes import new_code, normalize_code
from loket.booking.events import event_record, event_written
from loket.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    BookingEvent,
    BookingStatus,
    ClassDay,
    EventKind,
    QuotaClass,
    Slot,
    WalkinDay,
)
from loket.booking.passes import pass_check, pass_required, pass_used
from loket.booking.seats import (
    WindowFull,
    bookable_slot,
    claim_class_place,
    claim_or_roll_back,
    claim_seat_with,
    free_held_seat,
    lock_in_order,
    release_one,
    seat_in_one_statement,
    seats_release_due,
)
from loket.booking.selectors import next_available_cached
from loket.core import datefmt
from loket.core.db import columns_of, insert_row, raw_models
from loket.core.errors import Conflict, DomainError, NotFound
from loket.offices.calendar import closure_reason
from loket.offices.models import Office
from loket.offices.selectors import office_by_code


@dataclass(frozen=True)
class ClassPlace:
    """A place of a class taken for a booking (see class_changes.class_place_claim)."""

    quota_class: str
    class_day: ClassDay
    priority_reason: str = ""
    declaration_check: str = ""
    # Booked online in an appointment: the booking holds its window's seat too (seats.free_held_seat).
    online: bool = False


@dataclass(frozen=True)
class BookingRequest:
    office: str
    date: dt.date
    start: dt.time
    service: str
    passport_type: str
    member: int | None = None
    replacement_reason: str | None = None
    old_passport_number: str | None = None
    # A priority or express place booked online, where the office allows it (class_online.py).
    quota_class: str = QuotaClass.REGULAR
    priority_reason: str = ""

    def fingerprint(self) -> str:
        body = {
            "office": self.office.upper(),
            "date": self.date.isoformat(),
            "start": self.start.strftime("%H:%M"),
            "service": self.service,
            "passport_type": self.passport_type,
            "member": self.member,
        }
        # Only when given, so the fingerprints of requests stored before these fields existed still match.
        if self.replacement_reason:
            body["replacement_reason"] = self.replacement_reason
        if self.old_passport_number:
            body["old_passport_number"] = self.old_passport_number
        if self.quota_class != QuotaClass.REGULAR:
            body["quota_class"] = self.quota_class
            body["priority_reason"] = self.priority_reason
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _person_for(user: User, member: int | None) -> Person:
    """The person to book for, with what the booking rules need, in one query.

    Annotated: `has_active` (an active booking anywhere) and `no_shows` (recent no-shows,
    for the cooling-off rule). Raw SQL: on the booking path of a rush the ORM's building of
    these subqueries cost more than running them.
    """
    recent = timezone.now() - dt.timedelta(days=settings.LOKET_NO_SHOW_WINDOW_DAYS)
    which, key = ("relation", Relation.SELF) if member is None else ("id", member)
    found = raw_models(
        Person,
        _PERSON_SQL.format(which=connection.ops.quote_name(which)),
        [*ACTIVE_STATUSES, BookingStatus.NO_SHOW, connection.ops.adapt_datetimefield_value(recent), user.pk, key],
    )
    if not found:
        if member is None:
            raise DomainError(
                "no_holder", _("Akun ini belum memiliki data diri (NIK). Lengkapi profil Anda dulu."), field="member"
            )
        raise DomainError(
            "unknown_member",
            _("Anggota keluarga tidak ditemukan di akun ini. Pilih anggota dari daftar, atau tambahkan dulu."),
            field="member",
        )
    person = found[0]
    person.recent_since = recent  # type: ignore[attr-defined]
    return person


def _person_sql() -> str:
    q = connection.ops.quote_name
    person, booking, slot = Person._meta.db_table, Booking._meta.db_table, Slot._meta.db_table
    active = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    # Identifiers come from the models and are quoted; every value is a query parameter.
    return (
        f"SELECT {columns_of(Person, 'p')}, EXISTS (SELECT 1 FROM {q(booking)} b WHERE b.{q('person_id')} = p.{q('id')}"  # noqa: S608
        f" AND b.{q('status')} IN ({active})) AS has_active,"
        f" (SELECT count(*) FROM {q(booking)} b JOIN {q(slot)} s ON s.{q('id')} = b.{q('slot_id')}"
        f" WHERE b.{q('person_id')} = p.{q('id')} AND b.{q('status')} = %s AND s.{q('starts_at')} >= %s) AS no_shows"
        f" FROM {q(person)} p WHERE p.{q('account_id')} = %s AND p.{{which}} = %s"
    )


_PERSON_SQL = _person_sql()


def _check_cooling_off(person: Person) -> None:
    """Repeated no-shows (LOKET_NO_SHOW_LIMIT within the window) block booking for a while."""
    no_shows: int = getattr(person, "no_shows", 0) or 0
    if no_shows < settings.LOKET_NO_SHOW_LIMIT:
        return
    last = Booking.objects.filter(
        person=person, status=BookingStatus.NO_SHOW, slot__starts_at__gte=getattr(person, "recent_since", None)
    ).aggregate(last=Max("slot__starts_at"))["last"]
    if last is None:
        return
    until = last + dt.timedelta(days=settings.LOKET_NO_SHOW_COOLDOWN_DAYS)
    if until > timezone.now():
        raise DomainError(
            "cooling_off",
            _(
                "%(person)s beberapa kali tidak hadir pada jadwal kedatangannya, sehingga baru dapat membuat "
                "jadwal lagi mulai %(day)s."
            )
            % {"person": person.full_name, "day": datefmt.long_date(timezone.localdate(until))},
            status=403,
            until=timezone.localdate(until).isoformat(),
        )


def _office(code: str) -> Office:
    office = office_by_code(code)
    if office is None:
        raise DomainError("unknown_office", _("Kantor tidak dikenal. Pilih kantor dari daftar."), field="office")
    return office


def _window_full(office: Office) -> Conflict:
    nearest = next_available_cached(office)
    if nearest:
        message = _("Jam kedatangan ini sudah penuh. Hari terdekat yang masih ada tempat: %(day)s.") % {
            "day": datefmt.long_date(nearest)
        }
    else:
        message = _("Jam kedatangan ini sudah penuh, dan belum ada hari lain yang masih ada tempat. Coba lagi besok.")
    return Conflict(
        "window_full",
        message,
        field="start",
        next_available=nearest.isoformat() if nearest else None,
    )


def _validate_choice(request: BookingRequest) -> None:
    booking_choice_validate(
        service=request.service,
        passport_type=request.passport_type,
        replacement_reason=request.replacement_reason,
        old_passport_number=request.old_passport_number,
    )


def _replay(user: User, key: str, request: BookingRequest) -> Booking | None:
    existing = Booking.objects.filter(booked_by=user, idempotency_key=key).select_related("slot", "office").first()
    if existing is None:
        return None
    if existing.request_hash != request.fingerprint():
        raise DomainError(
            "idempotency_key_reused",
            _(
                "Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda. Kirim permintaan baru dengan kunci baru."
            ),
            field="Idempotency-Key",
        )
    return existing


def _active_exists() -> Conflict:
    return Conflict(
        "active_booking_exists",
        _(
            "Orang ini sudah memiliki pemesanan aktif. Lihat atau ubah jadwalnya di daftar pemesanan; "
            "pemesanan baru dapat dibuat setelah yang lama selesai atau dibatalkan."
        ),
        field="member",
    )


def _twin_or_raise(
    user: User, request: BookingRequest, idempotency_key: str | None, error: DomainError
) -> tuple[Booking, bool]:
    """Perhaps our own twin (the same Idempotency-Key sent in parallel) took the seat meanwhile."""
    replayed = _replay(user, idempotency_key, request) if idempotency_key else None
    if replayed is None:
        raise error
    return replayed, False


def booking_create(
    *, user: User, request: BookingRequest, idempotency_key: str | None = None, release_pass: str | None = None
) -> tuple[Booking, bool]:
    """Book a seat for the account holder or a household member. Returns (booking, created).

    A day under release (its waiting room admitting people) needs `release_pass`, the pass
    the room gave this account (see passes.py); any other day ignores it.
    """
    if idempotency_key:
        replayed = _replay(user, idempotency_key, request)
        if replayed:
            return replayed, False
    _validate_choice(request)
    office = _office(request.office)
    slot = bookable_slot(office, request.date, request.start)
    pass_id = None
    if getattr(slot, "gated", False):
        pass_id = pass_check(release_pass, office=office, day=request.date, user_id=user.pk)
    if slot.booked >= slot.capacity:
        # Fast path for the many who come after the last seat: one read, no transaction.
        # Only a hint (the conditional UPDATE decides); due cancellations return their
        # seats through the worker within a minute.
        return _twin_or_raise(user, request, idempotency_key, _window_full(office))
    person = _person_for(user, request.member)
    _check_cooling_off(person)
    if getattr(person, "has_active", False):
        return _twin_or_raise(user, request, idempotency_key, _active_exists())
    place = _online_place(office, slot, request, person)
    for attempt in range(2):
        try:
            return _book_seat(user, person, office, slot, request, idempotency_key, pass_id, place), True
        except WindowFull:
            # Seats of due cancellations may still wait for the worker: return them, try once more.
            if attempt or not seats_release_due(slot=slot):
                raise _window_full(office) from None
        except IntegrityError:
            # The seat claim was rolled back with the failed insert. Which constraint was it?
            if idempotency_key:
                replayed = _replay(user, idempotency_key, request)
                if replayed:
                    return replayed, False
            if Booking.objects.filter(person=person, status__in=ACTIVE_STATUSES).exists():
                raise _active_exists() from None
            if pass_id and Booking.objects.filter(release_pass=pass_id).exists():
                raise pass_used() from None
            raise  # a booking-code collision (1 in 10^12): the client retries
    raise AssertionError("unreachable")


def _online_place(office: Office, slot: Slot, request: BookingRequest, person: Person) -> ClassPlace | None:
    """A priority or express place asked for online: its rules checked, its day's counter found
    (none for a regular booking, which reads nothing more)."""
    if request.quota_class == QuotaClass.REGULAR:
        return None
    reason, check = online_class_check(
        office=office,
        slot=slot,
        quota_class=request.quota_class,
        priority_reason=request.priority_reason,
        person=person,
    )
    row = online_class_day(office, request.quota_class, slot.date)
    return ClassPlace(request.quota_class, row, reason, check, online=True)


def _book_seat(
    user: User,
    person: Person,
    office: Office,
    slot: Slot,
    request: BookingRequest,
    idempotency_key: str | None,
    pass_id: str | None = None,
    place: ClassPlace | None = None,
) -> Booking:
    """The seat transaction: the booking and its event first, the hot row last.

    The conditional UPDATE of the slot takes the row lock that every booking of this window
    waits for, so it runs as the last statement and the commit follows at once; a full
    window rolls the two inserts back. A class place booked online (`place`) is claimed right
    after the seat, the same way; a full class rolls back the seat too (409 class_full).
    A regular seat on PostgreSQL is one statement instead (seats.claim_seat_with): the UPDATE
    first and the two INSERTs only when it took the seat, the lock held until its commit.
    """
    booking = booking_row(
        person=person,
        office=office,
        slot=slot,
        booked_by=user,
        service=request.service,
        passport_type=request.passport_type,
        # With the fee due up front the seat is held, unpaid, until the payment deadline.
        status=BookingStatus.AWAITING_PAYMENT if settings.LOKET_PAYMENT_REQUIRED else BookingStatus.CONFIRMED,
        idempotency_key=idempotency_key,
        request_hash=request.fingerprint(),
        release_pass=_pass_to_store(pass_id),
        place=place,
    )
    data = booked_data(
        replacement_reason=request.replacement_reason or "",
        old_passport_number=request.old_passport_number or "",
        payment_deadline=online_payment_deadline(office, slot, place.quota_class) if place else None,
    )
    if place is None and seat_in_one_statement():
        # A regular seat on PostgreSQL: seat, booking and event in one statement, its own
        # transaction (a savepoint inside a caller's, or with the reactions run inline).
        event = BookingEvent(kind=EventKind.BOOKED, data=data)
        block = settings.LOKET_BOOKING_EVENTS_INLINE or connection.in_atomic_block
        with transaction.atomic() if block else nullcontext():
            if not claim_seat_with(slot, booking, event):
                raise WindowFull
            event_written(event)
        return booking
    with transaction.atomic():
        booking_record(booking, data)
        claim_or_roll_back(slot)
        if place is not None and not claim_class_place(place.class_day):
            raise class_full(office, place.quota_class, slot.date, online=True)
    return booking


def _pass_to_store(pass_id: str | None) -> str | None:
    if pass_id and getattr(settings, "LOKET_UNSAFE_PASS_REUSE_FOR_TESTS", False):
        # Test settings only: a read-then-write check instead of the unique constraint.
        if Booking.objects.filter(release_pass__startswith=pass_id[:24]).exists():
            raise pass_used()
        time.sleep(0.5)  # wide enough for requests that reach here apart on a loaded machine
        return f"{pass_id[:24]}{secrets.token_hex(4)}"
    return pass_id


def booking_record(booking: Booking, data: dict[str, Any]) -> tuple[Booking, BookingEvent]:
    """Insert `booking` (booking_row) whose seat the caller claims in the same transaction, and
    its `booked` event carrying `data` (booked_data): two INSERTs. Online bookings that claim a
    class place too, online bookings on SQLite and walk-ins (loket/walkin) come through here;
    a regular online booking on PostgreSQL is one statement (seats.claim_seat_with)."""
    insert_row(booking)
    return booking, event_record(booking_id=booking.pk, kind=EventKind.BOOKED, data=data)


def booking_row(
    *,
    person: Person,
    office: Office,
    slot: Slot,
    booked_by: User,
    service: str,
    passport_type: str,
    status: str,
    idempotency_key: str | None = None,
    request_hash: str = "",
    pool_day: WalkinDay | None = None,
    release_pass: str | None = None,
    place: ClassPlace | None = None,
) -> Booking:
    """A new booking, not saved yet. `place`: a priority or express place of the day
    (loket/booking/classes.py) instead of a regular seat."""
    classed = {}
    if place is not None:
        classed = {
            "quota_class": place.quota_class,
            "class_day": place.class_day,
            "priority_reason": place.priority_reason,
            "declaration_check": place.declaration_check,
            "class_online": place.online,
        }
    return Booking(
        code=new_code(),
        person=person,
        booked_by=booked_by,
        office=office,
        slot=slot,
        pool_day=pool_day,
        service=service,
        passport_type=passport_type,
        status=status,
        person_name=person.full_name,
        idempotency_key=idempotency_key or None,
        request_hash=request_hash,
        release_pass=release_pass,
        **classed,
    )


def booked_data(
    *,
    replacement_reason: str,
    old_passport_number: str,
    payment_deadline: dt.datetime | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """What the `booked` event carries: the application, the PNBP bill (payable until
    `payment_deadline`, else the usual deadline) and the messages (none when `quiet`) follow
    from it."""
    data: dict[str, Any] = {"replacement_reason": replacement_reason, "old_passport_number": old_passport_number}
    if payment_deadline is not None:
        data["payment_deadline"] = payment_deadline.isoformat()
    if quiet:
        data["quiet"] = True
    return data


def _own_active(user: User, code: str) -> Booking:
    booking = (
        Booking.objects.filter(person__account=user, code=normalize_code(code)).select_related("slot", "office").first()
    )
    if booking is None:
        raise NotFound("not_found", _("Pemesanan tidak ditemukan. Periksa kode pemesanan di daftar pemesanan Anda."))
    if not booking.is_active or booking.status == BookingStatus.CHECKED_IN:
        raise DomainError("not_active", _("Pemesanan ini tidak aktif lagi. Buat jadwal baru bila masih perlu."))
    return booking


def booking_cancel(*, user: User, code: str) -> Booking:
    """Cancel; the seat returns to the pool after LOKET_CANCEL_RELEASE_MINUTES."""
    booking = _own_active(user, code)
    now = timezone.now()
    if booking.slot.starts_at <= now:
        raise DomainError(
            "window_started",
            _(
                "Jam kedatangan sudah dimulai, jadi pemesanan tidak dapat dibatalkan lagi. Jika masih sempat, "
                "segera datang ke kantor; jika tidak, buat jadwal baru setelah hari ini."
            ),
        )
    release_at = now + dt.timedelta(minutes=settings.LOKET_CANCEL_RELEASE_MINUTES)
    with transaction.atomic():
        # Conditional on the status, so two parallel cancels free the seat once.
        changed = Booking.objects.filter(pk=booking.pk, status__in=ACTIVE_STATUSES).update(
            status=BookingStatus.CANCELLED, cancelled_at=now, seat_release_at=release_at
        )
        if changed != 1:
            raise DomainError("not_active", _("Pemesanan ini tidak aktif lagi. Buat jadwal baru bila masih perlu."))
        if settings.LOKET_CANCEL_RELEASE_MINUTES == 0:
            release_one(booking.pk)
        # A confirmed booking's fee was settled (paid, or paid with a credit): payments keeps it
        # as a credit and tells the person where it stands.
        fee_settled = booking.status == BookingStatus.CONFIRMED
        booking.refresh_from_db()
        event_record(booking_id=booking.pk, kind=EventKind.CANCELLED, data={"fee_settled": fee_settled})
    return booking


def booking_expire(*, booking_id: int) -> bool:
    """Expire an unpaid booking and return its seat to the pool at once (no cancel delay:
    nobody chose the moment, so no broker can time it). True only for the call that did it."""
    with transaction.atomic():
        expired = Booking.objects.filter(pk=booking_id, status=BookingStatus.AWAITING_PAYMENT).update(
            status=BookingStatus.EXPIRED, seat_release_at=timezone.now()
        )
        if expired != 1:
            return False  # paid, cancelled or expired by another worker first
        release_one(booking_id)
        event_record(booking_id=booking_id, kind=EventKind.EXPIRED)
    return True


def booking_confirm_paid(*, booking_id: int) -> str:
    """Give a paid booking its seat and return its new status.

    Still holding its seat: confirmed. Expired meanwhile: it takes the same seat again with
    the same conditional UPDATE as any booking; when the seat is gone it becomes
    paid_needs_rebooking (no seat, listed for staff). Never an overbooking.
    """
    with transaction.atomic():
        held = Booking.objects.filter(pk=booking_id, status=BookingStatus.AWAITING_PAYMENT)
        if held.update(status=BookingStatus.CONFIRMED) == 1:
            kind = EventKind.CONFIRMED
        else:
            booking = Booking.objects.select_related("slot", "office").get(pk=booking_id)
            if booking.status != BookingStatus.EXPIRED:
                return booking.status  # cancelled, or settled by an earlier notification
            if _retake_seat(booking):
                kind = EventKind.CONFIRMED
            else:
                Booking.objects.filter(pk=booking_id, status=BookingStatus.EXPIRED).update(
                    status=BookingStatus.PAID_NEEDS_REBOOKING
                )
                kind = EventKind.PAID_NEEDS_REBOOKING
        event_record(booking_id=booking_id, kind=kind)
        status: str = Booking.objects.values_list("status", flat=True).get(pk=booking_id)
    return status


def _retake_seat(booking: Booking) -> bool:
    """Put an expired booking back on its own seat if that seat is still free and still useful."""
    if booking.slot.starts_at <= timezone.now():
        return False
    if closure_reason(booking.office, booking.slot.date):
        return False  # the office closed that day after the booking was made
    if Booking.objects.filter(person_id=booking.person_id, status__in=ACTIVE_STATUSES).exists():
        return False  # the person booked again meanwhile: one active booking per person
    try:
        with transaction.atomic():  # a savepoint: a lost race undoes the revival and the claim together
            revived = Booking.objects.filter(pk=booking.pk, status=BookingStatus.EXPIRED, seat_released=True).update(
                status=BookingStatus.CONFIRMED, seat_released=False, seat_release_at=None
            )
            if revived != 1:
                return False
            claim_or_roll_back(booking.slot)
            if booking.class_online and not claim_class_place(ClassDay(pk=booking.class_day_id)):
                raise WindowFull  # its class place of the day is gone: no seat either
    except WindowFull:
        return False
    except IntegrityError:
        return False  # a booking for the same person won the race to the active-booking index
    return True


def booking_reschedule(*, user: User, code: str, date: dt.date, start: dt.time) -> Booking:
    """Move to another window: the new seat is taken and the old freed in one transaction, or nothing changes."""
    booking = _own_active(user, code)
    office = booking.office
    # The office closed the booking's day after it was made (closures.py): the person may move
    # even on the day itself, and the move does not count against the limit.
    closed_day = booking.slot.date if closure_reason(office, booking.slot.date) else None
    if closed_day is None and booking.reschedule_count >= settings.LOKET_RESCHEDULE_MAX:
        raise DomainError(
            "reschedule_limit",
            _(
                "Jadwal pemesanan ini sudah diubah %(n)d kali, batas yang diizinkan. Untuk jadwal lain, batalkan "
                "pemesanan ini lalu buat jadwal baru."
            )
            % {"n": settings.LOKET_RESCHEDULE_MAX},
        )
    if closed_day is None and booking.slot.date <= office.local_today():
        raise DomainError(
            "too_late",
            _(
                "Jadwal hanya dapat diubah paling lambat sehari sebelum kedatangan. Datang sesuai jadwal, atau batalkan pemesanan ini."
            ),
        )
    new_slot = bookable_slot(office, date, start)
    if getattr(new_slot, "gated", False):
        raise pass_required(office, date)  # a day under release is booked through its waiting room only
    if new_slot.pk == booking.slot_id:
        raise DomainError(
            "same_window",
            _("Jadwal baru sama dengan jadwal sekarang. Pilih hari atau jam kedatangan lain."),
            field="start",
        )
    if booking.class_online:  # the class's rules on the new day (a place booked online keeps its class)
        online_class_check(
            office=office,
            slot=new_slot,
            quota_class=booking.quota_class,
            priority_reason=booking.priority_reason,
            person=booking.person,
        )
    old_slot_id = booking.slot_id
    with transaction.atomic():
        # Lock the booking by a conditional UPDATE first: parallel reschedules of one
        # booking serialise here, and only one of them moves it.
        moved = Booking.objects.filter(
            pk=booking.pk, slot_id=old_slot_id, status__in=ACTIVE_STATUSES, reschedule_count=booking.reschedule_count
        ).update(slot=new_slot, reschedule_count=F("reschedule_count") + (0 if closed_day else 1))
        if moved != 1:
            raise Conflict("changed", _("Pemesanan ini baru saja diubah. Muat ulang dan coba lagi."))
        lock_in_order(Slot, [old_slot_id, new_slot.pk])
        try:
            claim_or_roll_back(new_slot)
        except WindowFull:
            full = True  # raised below, once the move is rolled back
        else:
            full = False
            if booking.class_online:
                class_place_move(booking=booking, new_slot=new_slot, old_slot_id=old_slot_id)
            else:
                free_held_seat(booking.pk, old_slot_id, moving=True)
            booking.refresh_from_db()
            moved_data = {
                "count": booking.reschedule_count,
                "date": booking.slot.date.isoformat(),
                "start": f"{booking.slot.start:%H:%M}",
                "end": f"{booking.slot.end:%H:%M}",
            }
            if closed_day:
                moved_data["from_closed_day"] = closed_day.isoformat()
            event_record(booking_id=booking.pk, kind=EventKind.RESCHEDULED, data=moved_data)
        if full:
            transaction.set_rollback(True)
    if full:
        raise _window_full(office)
    return booking
