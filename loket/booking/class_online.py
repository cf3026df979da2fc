"""A class place (priority, express) booked online in an appointment, where the office allows it
(ClassQuota.bookable_online). The booking then holds two things: its window's seat and a place of
the class; both are claimed by their conditional UPDATEs in the booking's one transaction
(services._book_seat) and freed together (seats.free_held_seat).

The rules are the office's (classes.py): priority only for a person who qualifies (age from the
birth date; a declared disability or pregnancy is checked at the counter), express for today
only, in an appointment that starts before the arrival cut-off, booked before it, and payable
until the payment cut-off.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person
from loket.booking.class_changes import class_rules
from loket.booking.classes import class_full, come_back, express_payment_deadline
from loket.booking.models import PLACE_CLASSES, Booking, ClassDay, ClassQuota, QuotaClass, Slot
from loket.booking.seats import claim_class_place, class_day_for, free_class_place, free_seat, lock_in_order
from loket.core.datefmt import clock, long_date
from loket.core.errors import DomainError
from loket.offices.models import Office


def class_not_online(office: Office, quota_class: str, day: dt.date) -> DomainError:
    """422: the office takes this class only at the office that day, with the next day it may be booked."""
    hint, nearest = come_back(office, quota_class, day, online=True)
    return DomainError(
        "class_not_online",
        _(
            "Tempat %(cls)s pada %(day)s tidak dapat dipesan online; tempat itu diberikan di kantor pada hari "
            "kunjungan. Pilih layanan reguler, atau datang ke meja petugas. %(hint)s"
        )
        % {"cls": QuotaClass(quota_class).label.lower(), "day": long_date(day), "hint": hint},
        field="quota_class",
        next_day=nearest.isoformat() if nearest else None,
    )


def online_class_check(
    *, office: Office, slot: Slot, quota_class: str, priority_reason: str, person: Person
) -> tuple[str, str]:
    """The class's rules for booking it online in `slot`: (priority reason, declaration check).
    Refusals (422, naming the field) say what to do instead; the claim itself decides on fullness."""
    day = slot.date
    if quota_class not in PLACE_CLASSES:
        raise DomainError("invalid", _("Kelas kuota tidak dikenal."), field="quota_class")
    offered = ClassQuota.objects.filter(
        office=office, quota_class=quota_class, weekday=day.weekday(), bookable_online=True
    ).exists()
    if not offered:
        raise class_not_online(office, quota_class, day)
    rules = class_rules(office=office, quota_class=quota_class, day=day, person=person, priority_reason=priority_reason)
    if quota_class == QuotaClass.EXPRESS and slot.start >= office.express_arrival_cutoff:
        raise DomainError(
            "express_closed",
            _(
                "Layanan percepatan hanya untuk jam kedatangan sebelum pukul %(time)s %(zone)s. Pilih jam yang lebih awal."
            )
            % {"time": clock(office.express_arrival_cutoff), "zone": office.zone_abbreviation},
            field="start",
        )
    return rules


def online_class_day(office: Office, quota_class: str, day: dt.date) -> ClassDay:
    """The day's class counter (cut from the weekday's quota on first use), before the seat transaction."""
    row = class_day_for(office, quota_class, day)
    if row is None:  # the quota was deleted since the check
        raise class_not_online(office, quota_class, day)
    return row


def online_payment_deadline(office: Office, slot: Slot, quota_class: str) -> dt.datetime | None:
    """An express bill is payable until the earliest of the usual online deadline, the appointment
    and the office's payment cut-off; other classes keep the usual deadline (None)."""
    if quota_class != QuotaClass.EXPRESS:
        return None
    usual = timezone.now() + dt.timedelta(minutes=settings.LOKET_PAYMENT_DEADLINE_MINUTES)
    return min(usual, slot.starts_at, express_payment_deadline(office, slot.date))


def class_place_move(*, booking: Booking, new_slot: Slot, old_slot_id: int) -> None:
    """Reschedule of a class place booked online, inside its transaction right after the new
    seat: the new day's place of the class is taken, the old seat and place given back.
    Conflict (409 class_full, with the next day) rolls the whole move back."""
    office = booking.office
    row = online_class_day(office, booking.quota_class, new_slot.date)
    lock_in_order(ClassDay, [row.pk, booking.class_day_id])  # two moves between the same days: no deadlock
    if not claim_class_place(row):
        raise class_full(office, booking.quota_class, new_slot.date, online=True)
    free_seat(old_slot_id)
    if booking.class_day_id is not None:
        free_class_place(booking.class_day_id)
    Booking.objects.filter(pk=booking.pk).update(class_day=row)
