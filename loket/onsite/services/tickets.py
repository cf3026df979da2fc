"""Queue numbers: claim the next number of a letter, and issue a ticket (check-in, kiosk, walk-ins).

Numbers run per office, per local day and per letter: A new passport, B replacement,
C pickup, P priority, E same-day express (e.g. A023). The counter row in TicketSequence is bumped with one
UPDATE, which locks it until the transaction ends, so two check-in desks never hand out
the same number; the unique constraint on Ticket stands behind it.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, User
from loket.booking.models import Booking, BookingStatus, ClassDay, QuotaClass, Service, WalkinDay
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.onsite.models import EventKind, Letter, Priority, Stage, Ticket, TicketEvent, TicketSequence


def ticket_number_claim(*, office: Office, day: dt.date, letter: str) -> int:
    """The next number for this letter today. Call inside the transaction that saves the ticket."""
    with transaction.atomic():
        TicketSequence.objects.get_or_create(office=office, day=day, letter=letter)
        # The UPDATE takes the row lock: a concurrent claim waits here and then sees our number.
        TicketSequence.objects.filter(office=office, day=day, letter=letter).update(last=F("last") + 1)
        return TicketSequence.objects.get(office=office, day=day, letter=letter).last


def letter_for(*, service: str, stage: str, priority: str, express: bool = False) -> str:
    if express and stage != Stage.PICKUP:
        return Letter.EXPRESS  # a same-day express place: its own line of numbers
    if priority:
        return Letter.PRIORITY
    if stage == Stage.PICKUP:
        return Letter.PICKUP
    return Letter.REPLACEMENT if service == Service.REPLACEMENT else Letter.NEW


def ticket_issue(
    *,
    office: Office,
    by: User | None,
    booking: Booking | None = None,
    person: Person | None = None,
    name: str = "",
    service: str = Service.NEW,
    priority: str = "",
    stage: str = Stage.VERIFICATION,
    late: bool = False,
    walk_in: bool = False,
    flags: list[dict[str, str]] | None = None,
    pool_day: WalkinDay | None = None,
    class_day: ClassDay | None = None,
) -> Ticket:
    """Give a queue number to someone at this office today.

    With a booking (verification): the booking becomes checked in, its appointment time
    orders the queue. Without one (a walk-in or priority visitor, or a pickup): a Person or
    just a name; a kiosk walk-in number carries the walk-in pool place it took (`pool_day`,
    claimed by the caller in the same transaction) and nobody yet, or likewise the priority or
    express place it took (`class_day`; an express place gets the E letter). The caller has checked the rules (payment, arrival policy, roles).
    """
    if priority not in Priority.values:
        raise DomainError("invalid", _("Alasan prioritas tidak dikenal."), field="priority")
    if stage not in Stage.values:
        raise DomainError("invalid", _("Tahap tidak dikenal."), field="stage")
    if booking is not None and booking.office_id != office.pk:
        raise DomainError("other_office", _("Pemesanan ini bukan untuk kantor ini."), status=403)
    if booking is not None:
        person = person or booking.person
        service = booking.service
    now = timezone.now()
    day = office.local_today()
    express = (booking is not None and booking.quota_class == QuotaClass.EXPRESS) or (
        class_day is not None and class_day.quota_class == QuotaClass.EXPRESS
    )
    letter = letter_for(service=service, stage=stage, priority=priority, express=express)
    with transaction.atomic():
        if booking is not None and stage != Stage.PICKUP:
            # Conditional on the status we expect: two desks scanning the same proof issue one ticket.
            moved = Booking.objects.filter(pk=booking.pk, status=BookingStatus.CONFIRMED).update(
                status=BookingStatus.CHECKED_IN
            )
            if moved != 1:
                raise Conflict("already_checked_in", _("Pemesanan ini sudah check-in atau tidak aktif."))
            booking.status = BookingStatus.CHECKED_IN
        ticket = Ticket.objects.create(
            office=office,
            day=day,
            letter=letter,
            number=ticket_number_claim(office=office, day=day, letter=letter),
            # A pickup visit is a new ticket of a person whose booking already had its ticket.
            booking=booking if stage != Stage.PICKUP else None,
            person=person,
            name=(name or (person.full_name if person else ""))[:120],
            priority=priority,
            stage=stage,
            late=late,
            walk_in=walk_in,
            pool_day=pool_day,
            class_day=class_day,
            checkin_flags=flags or [],
            appointment_at=booking.slot.starts_at if booking is not None and stage != Stage.PICKUP else None,
            arrived_at=now,
            queued_at=now,
            issued_by=by,
        )
        TicketEvent.objects.create(ticket=ticket, office=office, kind=EventKind.ISSUED, stage=stage, by=by, at=now)
    return ticket
