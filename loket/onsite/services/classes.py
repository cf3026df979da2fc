"""The class of a visit at the counter: change it (the place, the bill and the ticket's priority
follow) and check a declared priority reason. The quota engine moves the place
(loket/booking/class_changes.py); here the counter's own rules: the new bill (or, for a bill paid
already, its additional bill or refund note) is shown at once, and the ticket keeps its number.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.booking.class_changes import booking_class_change, declaration_record
from loket.booking.events import events_process_for
from loket.booking.models import Booking, QuotaClass
from loket.core.errors import DomainError
from loket.onsite.models import Ticket

DECISIONS = ("keep", "regular")


def _booking_of(ticket: Ticket) -> Booking:
    if ticket.booking is None:
        raise DomainError(
            "no_booking", _("Tiket ini tidak memiliki pemesanan; kelasnya tidak dapat diubah."), field="quota_class"
        )
    return ticket.booking


def ticket_class_change(
    *, ticket: Ticket, quota_class: str, by: User, priority_reason: str = "", note: str = "", ip: str | None = None
) -> Booking:
    """Move the visit behind `ticket` to another class. The ticket keeps its number (the person
    holds it and the board has called it); its priority follows the new class."""
    booking = _booking_of(ticket)
    with transaction.atomic():
        booking = booking_class_change(
            booking=booking, quota_class=quota_class, by=by, priority_reason=priority_reason, note=note, ip=ip
        )
        events_process_for(booking_id=booking.pk)  # the counter shows the new bill at once
        priority = booking.priority_reason if quota_class == QuotaClass.PRIORITY else ""
        Ticket.objects.filter(pk=ticket.pk).update(priority=priority)
    return booking


def ticket_declaration_check(
    *, ticket: Ticket, correct: bool, decision: str, by: User, note: str = "", ip: str | None = None
) -> Booking:
    """Record the check of a declared disability or pregnancy. When it was wrong, the office
    decides: keep the priority place, or move the person to a regular place."""
    booking = _booking_of(ticket)
    if not correct and decision not in DECISIONS:
        raise DomainError("required", _("Pilih keputusan kantor untuk pernyataan yang tidak benar."), field="decision")
    with transaction.atomic():
        booking = declaration_record(
            booking=booking, correct=correct, by=by, decision="" if correct else decision, note=note, ip=ip
        )
        if not correct and decision == "regular":
            booking = ticket_class_change(
                ticket=ticket, quota_class=QuotaClass.REGULAR, by=by, note=note or _("pernyataan tidak benar"), ip=ip
            )
    return booking
