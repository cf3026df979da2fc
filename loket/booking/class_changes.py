"""Writes for the classes of places: take a class place, change a booking's class at the
counter, and record the counter's check of a declared priority reason. Each change is one
short transaction; the bill follows the `class_changed` event (loket/payments).
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.booking.classes import (
    class_full,
    class_not_offered,
    express_check,
    express_payment_deadline,
    priority_check,
)
from loket.booking.events import event_record
from loket.booking.models import (
    ACTIVE_STATUSES,
    Booking,
    ClassDay,
    DeclarationCheck,
    EventKind,
    QuotaClass,
)
from loket.booking.seats import (
    claim_class_place,
    claim_pool_seat,
    class_day_for,
    free_class_place,
    free_held_seat,
    walkin_day_for,
)
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office


def class_place_claim(*, office: Office, quota_class: str, day: dt.date) -> ClassDay:
    """Take one place of the class on `day` in the caller's transaction (its last write, so the
    counter's row lock is held only until the commit). Conflict (409, with the next day that
    has a place) when the day's places are gone; the caller's transaction then rolls back."""
    row = class_day_for(office, quota_class, day)
    if row is None:
        raise class_not_offered(office, quota_class, day)
    if not claim_class_place(row):
        raise class_full(office, quota_class, day)
    return row


def class_rules(
    *, office: Office, quota_class: str, day: dt.date, person: Any, priority_reason: str = ""
) -> tuple[str, str]:
    """The rules of a class for this person and day, before any place is taken:
    (priority reason, declaration check); refusals say what to do instead."""
    if quota_class not in QuotaClass.values:
        raise DomainError("invalid", _("Kelas kuota tidak dikenal."), field="quota_class")
    if quota_class == QuotaClass.EXPRESS:
        express_check(office, day, now_local=office.local_now())
    if quota_class == QuotaClass.PRIORITY:
        return priority_check(person=person, reason=priority_reason, day=day)
    return "", DeclarationCheck.NOT_NEEDED


def _free_for_class(booking: Booking) -> None:
    """What a booking gives back when it takes a place of another class: only its class place when
    it was booked online in an appointment (it keeps the window's seat), else the seat it holds."""
    if booking.class_online and booking.class_day_id is not None:
        free_class_place(booking.class_day_id)
    else:
        free_held_seat(booking.pk, booking.slot_id)


def booking_class_change(
    *,
    booking: Booking,
    quota_class: str,
    by: User,
    priority_reason: str = "",
    note: str = "",
    ip: str | None = None,
) -> Booking:
    """Move a booking of today to another class at the counter: the new class's place is taken
    and the old one freed in one transaction, or nothing changes. Audited; the bill follows.

    Back to regular takes a walk-in pool seat of the day (the window seat it may have had is
    gone to others by now).
    """
    office = booking.office
    day = booking.slot.date
    if not booking.is_active or day != office.local_today():
        raise DomainError(
            "not_today", _("Kelas hanya dapat diubah untuk pemesanan aktif hari ini."), field="quota_class"
        )
    old = booking.quota_class
    if quota_class == old and quota_class != QuotaClass.PRIORITY:
        raise DomainError("same_class", _("Pemesanan ini sudah berada di kelas tersebut."), field="quota_class")
    reason, check = class_rules(
        office=office, quota_class=quota_class, day=day, person=booking.person, priority_reason=priority_reason
    )
    fields = {"quota_class": quota_class, "priority_reason": reason}
    if quota_class == QuotaClass.PRIORITY:
        fields["declaration_check"] = check
    elif booking.declaration_check == DeclarationCheck.PENDING:
        fields["declaration_check"] = DeclarationCheck.NOT_NEEDED  # a check found wrong stays on record
    with transaction.atomic():
        # The conditional UPDATE locks the booking: two desks changing it at once change it once.
        moved = Booking.objects.filter(pk=booking.pk, quota_class=old, status__in=ACTIVE_STATUSES).update(**fields)
        if moved != 1:
            raise Conflict("changed", _("Pemesanan ini baru saja diubah. Muat ulang dan coba lagi."))
        if quota_class == old:  # priority to priority: only the reason changed
            pass
        elif quota_class in (QuotaClass.PRIORITY, QuotaClass.EXPRESS):
            # The old seat is freed first: the window's row is then locked before the class's, the
            # order an online class booking takes them in, so the two never wait for each other.
            _free_for_class(booking)
            row = class_place_claim(office=office, quota_class=quota_class, day=day)
            Booking.objects.filter(pk=booking.pk).update(class_day=row, pool_day=None)
        elif booking.class_online:  # booked online in an appointment: it keeps its window's seat
            free_class_place(booking.class_day_id)  # type: ignore[arg-type]
            Booking.objects.filter(pk=booking.pk).update(class_day=None, class_online=False)
        else:
            pool = walkin_day_for(office, day)
            if not claim_pool_seat(pool):
                raise Conflict(
                    "regular_full",
                    _("Tidak ada lagi tempat reguler hari ini; pemohon tetap di kelasnya sekarang."),
                    field="quota_class",
                )
            free_held_seat(booking.pk, booking.slot_id)
            Booking.objects.filter(pk=booking.pk).update(class_day=None, pool_day=pool)
        data: dict[str, Any] = {"from": old, "to": quota_class, "by": by.pk}
        if quota_class == QuotaClass.EXPRESS:
            data["payment_deadline"] = express_payment_deadline(office, day).isoformat()
        event_record(booking_id=booking.pk, kind=EventKind.CLASS_CHANGED, data=data)
        audit_record(
            actor=by,
            action="booking.class_change",
            office=office,
            target_type="booking",
            target_id=booking.code,
            before={"quota_class": old, "priority_reason": booking.priority_reason},
            after={"quota_class": quota_class, "priority_reason": reason, "note": note[:200]},
            ip=ip,
        )
    booking.refresh_from_db()
    return booking


def declaration_record(
    *, booking: Booking, correct: bool, by: User, decision: str = "", note: str = "", ip: str | None = None
) -> Booking:
    """The counter officer's check of a declared disability or pregnancy. A wrong declaration is
    handled as the office decides (`decision`: keep the place, or move to regular via
    booking_class_change); either way the check and the decision are audited."""
    if booking.declaration_check != DeclarationCheck.PENDING:
        raise DomainError("not_pending", _("Tidak ada pernyataan yang menunggu pemeriksaan."), field="correct")
    result = DeclarationCheck.CONFIRMED if correct else DeclarationCheck.WRONG
    with transaction.atomic():
        changed = Booking.objects.filter(pk=booking.pk, declaration_check=DeclarationCheck.PENDING).update(
            declaration_check=result
        )
        if changed != 1:
            raise Conflict("changed", _("Pemesanan ini baru saja diubah. Muat ulang dan coba lagi."))
        audit_record(
            actor=by,
            action="booking.priority_declaration",
            office=booking.office,
            target_type="booking",
            target_id=booking.code,
            before={"priority_reason": booking.priority_reason},
            after={"check": result, "decision": decision[:60], "note": note[:200]},
            ip=ip,
        )
    booking.refresh_from_db()
    return booking
