"""Closing an office's day: bookings never checked in and tickets still open are settled.

Run by the worker every 15 minutes for every office whose local day has ended (close_days_due),
and by a supervisor's "Tutup hari" button. The DayClose row is inserted first, in the same
transaction as the work: a second run for the same office and day (a parallel worker, a
double click) finds the row and does nothing.

Unpaid bookings of the day (awaiting_payment) expire rather than count as no-shows: the
payment rules would have expired them at their deadline anyway (the deadline never passes
the window's start), the person never committed by paying, and a no-show weighs on the
person's cooling-off (booking.services._check_cooling_off) while an expiry does not.
Paid, confirmed bookings that never checked in are no-shows.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import booking_expire
from loket.core import datefmt
from loket.core.errors import Conflict
from loket.offices.calendar import windows_on
from loket.offices.models import Office
from loket.onsite.models import OPEN_TICKET_STATUSES, EventKind, QueuePolicy, Ticket, TicketEvent, TicketStatus
from loket.payments.services import payment_expire
from loket.walkin.models import DayClose

log = logging.getLogger(__name__)

# Stored on each ticket closed by the day close (data, in the office's language).
CLOSE_REASON = "Hari layanan ditutup"
# How far back the scheduled job looks for days left unclosed (a worker down over a long weekend).
LOOKBACK_DAYS = 7


def _no_shows(office: Office, day: dt.date) -> int:
    return Booking.objects.filter(office=office, slot__date=day, status=BookingStatus.CONFIRMED).update(
        status=BookingStatus.NO_SHOW
    )


def _expire_unpaid(office: Office, day: dt.date) -> int:
    """The payment rules' own expiry (bill and booking together); its deadline never passes the day."""
    unpaid = Booking.objects.filter(office=office, slot__date=day, status=BookingStatus.AWAITING_PAYMENT)
    expired = 0
    for booking_id, payment_id in list(unpaid.values_list("pk", "payment__pk")):
        if payment_id is not None:
            expired += payment_expire(payment_id=payment_id)
        else:
            expired += booking_expire(booking_id=booking_id)
    return expired


def _close_tickets(office: Office, day: dt.date, by: User | None, now: dt.datetime) -> int:
    closed = 0
    for ticket in Ticket.objects.filter(office=office, day=day, status__in=OPEN_TICKET_STATUSES):
        # Conditional: a counter finishing the ticket at this moment wins, and it is not closed.
        changed = Ticket.objects.filter(pk=ticket.pk, status__in=OPEN_TICKET_STATUSES).update(
            status=TicketStatus.CLOSED, close_reason=CLOSE_REASON, finished_at=now
        )
        if changed:
            TicketEvent.objects.create(
                ticket=ticket,
                office=office,
                kind=EventKind.CLOSED,
                stage=ticket.stage,
                counter_id=ticket.counter_id,
                by=by,
                at=now,
            )
            closed += 1
    return closed


def day_over_at(office: Office, day: dt.date) -> dt.datetime | None:
    """When nobody booked for `day` can still arrive on time: the last window's end plus the
    office's late limit. None when the office has no windows that day."""
    windows = windows_on(office, day)
    if not windows:
        return None
    policy = QueuePolicy.objects.filter(office=office).first()
    late = policy.late_after_minutes if policy else QueuePolicy._meta.get_field("late_after_minutes").default
    end = dt.datetime.combine(day, max(w.end for w in windows), tzinfo=office.zone)
    return end + dt.timedelta(minutes=late)


def day_close(*, office: Office, day: dt.date, by: User | None = None, ip: str | None = None) -> DayClose | None:
    """Close `office`'s `day`; None when it was closed already. `by` None: the scheduled job.

    A supervisor cannot close a day while its booked people may still arrive: a click at noon
    would turn the afternoon's bookings into no-shows.
    """
    now = timezone.now()
    over_at = day_over_at(office, day)
    if over_at is not None and now < over_at:
        raise Conflict(
            "day_not_over",
            _("Hari ini baru dapat ditutup setelah pukul %(time)s %(zone)s, saat jam kedatangan terakhir berakhir.")
            % {"time": datefmt.clock(over_at.astimezone(office.zone)), "zone": office.zone_abbreviation},
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = DayClose.objects.create(office=office, date=day, closed_at=now, closed_by=by)
        except IntegrityError:
            return None
        record.no_shows = _no_shows(office, day)
        record.expired = _expire_unpaid(office, day)
        record.tickets_closed = _close_tickets(office, day, by, now)
        record.save(update_fields=["no_shows", "expired", "tickets_closed"])
        counts = {"no_shows": record.no_shows, "expired": record.expired, "tickets_closed": record.tickets_closed}
        if by is not None:
            audit_record(
                actor=by,
                action="day.close",
                office=office,
                target_type="day",
                target_id=day.isoformat(),
                after=counts,
                ip=ip,
            )
    log.info("day closed office=%s day=%s %s", office.code, day.isoformat(), counts)
    return record


def days_close_due(*, now: dt.datetime | None = None) -> list[DayClose]:
    """Close every office day that has ended (in the office's zone) and is not closed yet."""
    now = now or timezone.now()
    done: list[DayClose] = []
    for office in Office.objects.all():
        today = now.astimezone(office.zone).date()
        first = today - dt.timedelta(days=LOOKBACK_DAYS)
        closed = set(DayClose.objects.filter(office=office, date__gte=first).values_list("date", flat=True))
        for offset in range(LOOKBACK_DAYS):
            day = first + dt.timedelta(days=offset)
            if day not in closed:
                record = day_close(office=office, day=day)
                if record is not None:
                    done.append(record)
    return done
