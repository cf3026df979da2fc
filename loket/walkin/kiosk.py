"""Walk-in numbers from the kiosk, when the office allows it (QueuePolicy.kiosk_walkin, off by default).

A person without a booking presses the kiosk's button and gets a queue number that holds one
place of today's walk-in pool, claimed exactly as the desk claims it (the quota engine's
conditional UPDATE, loket/booking/seats.py). Nobody has read a KTP yet, so the ticket carries
no person: the first counter that serves it fills in the name and NIK (the desk walk-in's
rules), which makes the walk-in booking on the place the ticket already holds.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, User
from loket.audit.services import audit_record
from loket.booking.class_changes import class_place_claim
from loket.booking.classes import express_check, priority_reason_for
from loket.booking.models import Booking, BookingStatus, DeclarationCheck, PriorityReason, QuotaClass, Service
from loket.booking.seats import claim_pool_seat, walkin_day_for
from loket.booking.services import ClassPlace
from loket.core.datefmt import clock, long_date
from loket.core.errors import Conflict, DomainError, NotFound
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.models import OPEN_TICKET_STATUSES, EventKind, Ticket, TicketEvent
from loket.onsite.policy import queue_policy_for
from loket.onsite.services.tickets import ticket_issue
from loket.walkin.selectors import active_booking_of, walkin_day_refusal, walkin_next_day, walkin_room
from loket.walkin.services import (
    WalkinRequest,
    _active_conflict,
    _check,
    _expected_slot,
    _person,
    walkin_book,
)

KIOSK_SERVICES = (Service.NEW, Service.REPLACEMENT)


class _PoolEmpty(Exception):
    """Raised inside the claim's transaction to roll the ticket back."""


def _another_day(office: Office, today: dt.date) -> str:
    nearest = walkin_next_day(office, after=today)
    if nearest is None:
        return _("Silakan ke meja check-in: petugas akan membantu Anda.")
    return _("Silakan ke meja check-in untuk membuat jadwal walk-in pada %(day)s.") % {"day": long_date(nearest)}


def _closed_now(office: Office, today: dt.date) -> tuple[str, bool] | None:
    """Why the office takes no walk-in number now, and whether another day is the next step; else None."""
    why = walkin_day_refusal(office, today)
    if why:
        return _("Nomor walk-in tidak dapat diambil hari ini: %(why)s.") % {"why": why}, True
    windows = list(ArrivalWindow.objects.filter(office=office, weekday=today.weekday()).order_by("start"))
    now = office.local_now()
    early = dt.timedelta(minutes=queue_policy_for(office).checkin_early_minutes)
    opens = dt.datetime.combine(today, windows[0].start, tzinfo=office.zone) - early
    if now < opens:
        text = _("Nomor walk-in baru dapat diambil mulai pukul %(time)s. Silakan kembali nanti.")
        return text % {"time": clock(opens)}, False
    if now >= dt.datetime.combine(today, max(w.end for w in windows), tzinfo=office.zone):
        return _("Jam layanan hari ini sudah berakhir."), True
    return None


def kiosk_walkin_refusal(office: Office, *, pool: bool = True) -> DomainError | None:
    """Why the kiosk cannot give a walk-in number now, with what to do instead; None when it can.
    `pool`: also when today's walk-in pool is empty (not asked for a priority or express place).

    A read: the page says it before anyone presses (the press checks again, and the claim decides).
    """
    if not queue_policy_for(office).kiosk_walkin:
        return Conflict("kiosk_walkin_off", _("Kios ini tidak menerbitkan nomor walk-in. Silakan ke meja check-in."))
    today = office.local_today()
    closed = _closed_now(office, today)
    if closed is not None:
        text, another_day = closed
        return Conflict("office_closed", text + (" " + _another_day(office, today) if another_day else ""))
    if pool and walkin_room(office, today, outage=False).pool_left <= 0:
        return _full(office, today)
    return None


def _full(office: Office, today: dt.date) -> Conflict:
    return Conflict("walkin_full", _("Kuota walk-in hari ini sudah habis.") + " " + _another_day(office, today))


def kiosk_walkin_issue(
    *,
    office: Office,
    by: User,
    service: str,
    ip: str | None,
    quota_class: str = QuotaClass.REGULAR,
    priority_reason: str = "",
) -> Ticket:
    """Take one place of today's walk-in pool and give its queue number (A new passport, B
    replacement); or, for `quota_class` priority or express, a place of that class (P, E)."""
    if service not in KIOSK_SERVICES:
        raise DomainError("invalid", _("Pilih layanan: paspor baru atau penggantian paspor."), field="service")
    if quota_class != QuotaClass.REGULAR:
        return _class_ticket(office, by, service, ip, quota_class, priority_reason)
    refusal = kiosk_walkin_refusal(office)
    today = office.local_today()
    if refusal is None:
        try:
            with transaction.atomic():
                pool = walkin_day_for(office, today)
                # The place first, as the desk claims it: a press that finds the pool empty
                # takes no queue number (and no lock on the letter's number row).
                if not claim_pool_seat(pool):
                    raise _PoolEmpty
                ticket = ticket_issue(office=office, by=by, service=service, walk_in=True, pool_day=pool)
                _audit(office, by, ip, "kiosk.walkin_ticket", ticket=ticket.display, service=service)
            return ticket
        except _PoolEmpty:
            refusal = _full(office, today)
    _audit(office, by, ip, "kiosk.walkin_refused", allowed=False, reason=refusal.code)
    raise refusal


def _class_ticket(
    office: Office, by: User, service: str, ip: str | None, quota_class: str, priority_reason: str
) -> Ticket:
    """A priority or express number: the class's place of today, taken as the desk takes it. Nobody
    has read a KTP yet, so every priority reason waits for the counter (kiosk_ticket_attach checks
    an age on the KTP's birth date; a declaration is checked by the counter officer)."""
    try:
        refusal = kiosk_walkin_refusal(office, pool=False)
        if refusal is not None:
            raise refusal
        if quota_class == QuotaClass.PRIORITY and priority_reason not in PriorityReason.values:
            raise DomainError("required", _("Pilih alasan prioritas Anda."), field="priority_reason")
        today = office.local_today()
        if quota_class == QuotaClass.EXPRESS:
            express_check(office, today, now_local=office.local_now())
        elif quota_class != QuotaClass.PRIORITY:
            raise DomainError("invalid", _("Kelas kuota tidak dikenal."), field="quota_class")
        with transaction.atomic():
            row = class_place_claim(office=office, quota_class=quota_class, day=today)
            priority = priority_reason if quota_class == QuotaClass.PRIORITY else ""
            ticket = ticket_issue(office=office, by=by, service=service, walk_in=True, priority=priority, class_day=row)
            _audit(office, by, ip, "kiosk.class_ticket", ticket=ticket.display, quota_class=quota_class)
    except DomainError as error:
        _audit(office, by, ip, "kiosk.walkin_refused", allowed=False, reason=error.code, quota_class=quota_class)
        raise
    return ticket


def _audit(office: Office, by: User, ip: str | None, action: str, allowed: bool = True, **after: object) -> None:
    audit_record(
        actor=by,
        action=action,
        office=office,
        target_type="office",
        target_id=office.code,
        after=after,
        allowed=allowed,
        ip=ip,
    )


def _kiosk_place(ticket: Ticket, request: WalkinRequest) -> ClassPlace | None:
    """The priority or express place a kiosk number holds (None: a walk-in pool place). A priority
    reason chosen at the kiosk stands when the KTP's birth date shows it; otherwise (and for a
    declared disability or pregnancy) the counter officer checks it (declaration_check pending)."""
    row = ticket.class_day
    if row is None:
        return None
    reason = ticket.priority if row.quota_class == QuotaClass.PRIORITY else ""
    check = DeclarationCheck.NOT_NEEDED
    if reason:
        shown = priority_reason_for(Person(birth_date=request.birth_date), ticket.day)
        check = DeclarationCheck.NOT_NEEDED if reason == shown else DeclarationCheck.PENDING
    return ClassPlace(row.quota_class, row, reason, check)


def kiosk_ticket_attach(
    *, officer: User, office: Office, ticket_id: int, request: WalkinRequest, ip: str | None
) -> Booking:
    """The counter fills in the person of a kiosk walk-in number: the walk-in booking is made on the
    pool place (or the priority or express place) the ticket holds (no second claim), checked in,
    and tied to the ticket.

    The same NIK rules as the desk walk-in: a person with an active booking is refused (its
    code shown only to staff of its office), a birth-date or sex mismatch is flagged.
    """
    nik, flags, phone = _check(request)
    ticket = Ticket.objects.filter(pk=ticket_id, office=office).select_related("pool_day", "class_day").first()
    if ticket is None:
        raise NotFound("not_found", _("Tiket tidak ditemukan di kantor ini."), field="ticket")
    if not ticket.needs_data:
        raise Conflict("has_data", _("Data pemohon tiket ini sudah diisi."), field="ticket")
    if ticket.status not in OPEN_TICKET_STATUSES or ticket.day != office.local_today():
        raise Conflict("ticket_closed", _("Tiket ini sudah ditutup: ambil nomor baru di kios atau meja check-in."))
    active = active_booking_of(nik)
    if active is not None:
        raise _active_conflict(officer, office, active)
    place = _kiosk_place(ticket, request)
    try:
        with transaction.atomic():
            person, created = _person(request, nik, flags, phone)
            booking = walkin_book(
                officer=officer,
                office=office,
                person=person,
                request=request,
                slot=_expected_slot(office, ticket.day),
                pool=ticket.pool_day or walkin_day_for(office, ticket.day),
                from_pool=place is None,
                place=place,
                audit_after={"new_person": created, "nik_flags": flags, "ticket": ticket.display},
                ip=ip,
                action="walkin.kiosk_data",
            )
            Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CHECKED_IN)
            tied = Ticket.objects.filter(pk=ticket.pk, booking__isnull=True, status__in=OPEN_TICKET_STATUSES).update(
                booking=booking, person=person, name=person.full_name[:120]
            )
            if tied != 1:  # another counter filled it in, or it was closed, at the same moment
                raise Conflict("changed", _("Tiket ini baru saja berubah. Muat ulang halaman."), field="ticket")
            TicketEvent.objects.create(
                ticket=ticket,
                office=office,
                kind=EventKind.DATA_ADDED,
                stage=ticket.stage,
                counter=ticket.counter,
                by=officer,
                at=timezone.now(),
            )
    except IntegrityError:
        raced = active_booking_of(nik)
        if raced is None:
            raise Conflict("changed", _("Data pemohon ini baru saja disimpan. Coba lagi."), field="nik") from None
        raise _active_conflict(officer, office, raced) from None
    booking.status = BookingStatus.CHECKED_IN
    return booking
