"""What a counter (loket) does with tickets: call next, recall, start, no-show, transfer, park,
resume, finish. Every move is one conditional UPDATE on the status it expects, so a double
click or two officers at once move a ticket once; each move leaves a TicketEvent (the board
and the service times read them) and an audit entry.
"""

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import StaffRoleKind, User
from loket.audit.services import audit_record
from loket.booking.models import Booking, BookingStatus
from loket.core.errors import Conflict, DomainError
from loket.dossier.models import Application
from loket.dossier.models import Stage as DossierStage
from loket.dossier.timeline import application_advance
from loket.offices.models import Office
from loket.onsite.access import roles_at
from loket.onsite.models import (
    NEXT_STAGE,
    Counter,
    EventKind,
    QueuePolicy,
    Stage,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from loket.onsite.policy import queue_policy_for
from loket.onsite.queue import counter_queue
from loket.onsite.services.turn import turn_called, turn_near

AT_COUNTER = [TicketStatus.CALLED, TicketStatus.SERVING]

# The application stage a finished counter stage reaches (where the dossier allows the move).
DOSSIER_AFTER = {
    Stage.VERIFICATION: DossierStage.DOCUMENTS_VERIFIED,
    Stage.PHOTO_INTERVIEW: DossierStage.PHOTO_INTERVIEW_DONE,
    Stage.PICKUP: DossierStage.COLLECTED,
}


def policy_of(counter: Counter) -> QueuePolicy:
    return queue_policy_for(counter.office)


def current_ticket(counter: Counter) -> Ticket | None:
    return Ticket.objects.filter(counter=counter, status__in=AT_COUNTER).first()


def _record(
    ticket: Ticket,
    kind: str,
    counter: Counter,
    by: User,
    *,
    stage: str | None = None,
    ip: str | None = None,
    **after: Any,
) -> None:
    now = timezone.now()
    TicketEvent.objects.create(
        ticket=ticket, office=counter.office, kind=kind, stage=stage or ticket.stage, counter=counter, by=by, at=now
    )
    audit_record(
        actor=by,
        action=f"ticket.{kind}",
        office=counter.office,
        target_type="ticket",
        target_id=ticket.display,
        after={"ticket": ticket.pk, "counter": counter.number, "stage": stage or ticket.stage, **after},
        ip=ip,
    )


def _changed() -> Conflict:
    return Conflict("changed", _("Tiket ini baru saja berubah. Muat ulang halaman."))


def _move(ticket: Ticket, at: Counter, expected: Sequence[str], **changes: Any) -> None:
    """Apply `changes` only if the ticket is still at this counter in one of the expected statuses."""
    moved = Ticket.objects.filter(pk=ticket.pk, counter=at, status__in=expected).update(**changes)
    if moved != 1:
        raise _changed()
    for field, value in changes.items():
        setattr(ticket, field, value)


def _claim(counter: Counter, now: Any) -> Ticket | None:
    """Take the first waiting ticket of the counter's stages for this counter, or None."""
    queue = counter_queue(counter)
    if getattr(settings, "LOKET_UNSAFE_CALL_NEXT_FOR_TESTS", False):
        # Test settings only: read, then write without a lock or a condition: the race the guard prevents.
        candidate = queue.first()
        if candidate is None:
            return None
        time.sleep(0.5)  # wide enough for requests that reach here apart on a loaded machine
        Ticket.objects.filter(pk=candidate.pk).update(
            status=TicketStatus.CALLED, counter=counter, calls=1, called_at=now
        )
        return candidate
    # Rows another counter is claiming right now are skipped, not waited for (PostgreSQL; SQLite
    # serializes writers anyway). The conditional UPDATE is the decision: a ticket that stopped
    # waiting meanwhile updates no row, and we try the next one.
    for _attempt in range(5):
        candidate = queue.select_for_update(skip_locked=True).first()
        if candidate is None:
            return None
        taken = Ticket.objects.filter(pk=candidate.pk, status=TicketStatus.WAITING).update(
            status=TicketStatus.CALLED, counter=counter, calls=1, called_at=now
        )
        if taken == 1:
            candidate.refresh_from_db()
            return candidate
    return None


def counter_call_next(*, counter: Counter, by: User, ip: str | None = None) -> Ticket | None:
    """Call the next waiting ticket to this counter; None when nobody waits for its stages."""
    if not counter.active:
        raise DomainError("counter_closed", _("Loket ini tidak aktif."))
    if counter.on_break_since is not None:
        raise Conflict("on_break", _("Loket ini sedang istirahat. Akhiri istirahat dulu."))
    if current_ticket(counter) is not None:
        raise Conflict("counter_busy", _("Selesaikan, pindahkan atau tunda tiket yang sedang dilayani dulu."))
    now = timezone.now()
    try:
        with transaction.atomic():
            ticket = _claim(counter, now)
            if ticket is not None:
                _record(ticket, EventKind.CALLED, counter, by, ip=ip, calls=1)
                turn_called(ticket=ticket, counter=counter)
                turn_near(office=counter.office, stage=ticket.stage)
    except IntegrityError:
        # The partial unique constraint: this counter got a ticket from a second click at the same moment.
        raise Conflict("counter_busy", _("Loket ini baru saja memanggil tiket lain.")) from None
    return ticket


def _at_counter(counter: Counter) -> Ticket:
    ticket = current_ticket(counter)
    if ticket is None:
        raise Conflict("no_ticket", _("Tidak ada tiket yang sedang dipanggil di loket ini."))
    return ticket


def ticket_recall(*, counter: Counter, by: User, ip: str | None = None) -> Ticket:
    ticket = _at_counter(counter)
    if ticket.status != TicketStatus.CALLED:
        raise Conflict("not_called", _("Tiket ini sudah dilayani; tidak perlu dipanggil ulang."))
    with transaction.atomic():
        _move(ticket, counter, [TicketStatus.CALLED], calls=ticket.calls + 1)
        _record(ticket, EventKind.RECALLED, counter, by, ip=ip, calls=ticket.calls)
    return ticket


def ticket_start(*, counter: Counter, by: User, ip: str | None = None) -> Ticket:
    ticket = _at_counter(counter)
    with transaction.atomic():
        _move(ticket, counter, [TicketStatus.CALLED], status=TicketStatus.SERVING)
        _record(ticket, EventKind.STARTED, counter, by, ip=ip)
    return ticket


@dataclass(frozen=True)
class NoShowRule:
    """When the ticket at a counter may be marked no-show: calls still missing and the earliest time."""

    calls_missing: int
    allowed_from: dt.datetime | None  # None: no first call recorded

    def allowed(self, now: dt.datetime) -> bool:
        return self.calls_missing == 0 and self.allowed_from is not None and now >= self.allowed_from


def no_show_rule(ticket: Ticket, policy: QueuePolicy) -> NoShowRule:
    called = ticket.called_at
    return NoShowRule(
        calls_missing=max(policy.no_show_after_calls - ticket.calls, 0),
        allowed_from=called + dt.timedelta(minutes=policy.no_show_after_minutes) if called else None,
    )


def ticket_no_show(*, counter: Counter, by: User, ip: str | None = None) -> Ticket:
    """A called person who did not come after the policy's recalls and minutes; the booking counts as a no-show."""
    ticket = _at_counter(counter)
    if ticket.status != TicketStatus.CALLED:
        raise Conflict("not_called", _("Hanya tiket yang dipanggil dan belum datang dapat ditandai tidak hadir."))
    policy = policy_of(counter)
    rule = no_show_rule(ticket, policy)
    now = timezone.now()
    if rule.calls_missing:
        raise Conflict(
            "too_few_calls",
            _("Panggil ulang dulu: tidak hadir baru boleh setelah %(n)s kali dipanggil (sekarang %(calls)s).")
            % {"n": policy.no_show_after_calls, "calls": ticket.calls},
        )
    if not rule.allowed(now):
        raise Conflict(
            "too_soon",
            _("Tunggu dulu: tidak hadir baru boleh %(m)s menit sesudah panggilan pertama (pukul %(at)s).")
            % {"m": policy.no_show_after_minutes, "at": local_time(counter.office, rule.allowed_from)},
        )
    with transaction.atomic():
        _move(ticket, counter, [TicketStatus.CALLED], status=TicketStatus.NO_SHOW, finished_at=now)
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id, status=BookingStatus.CHECKED_IN).update(
                status=BookingStatus.NO_SHOW
            )
        _record(ticket, EventKind.NO_SHOW, counter, by, ip=ip, calls=ticket.calls)
    return ticket


def ticket_no_show_undo(*, office: Office, ticket_id: int, by: User, ip: str | None = None) -> Ticket:
    """A supervisor takes back today's no-show of a person who was in the office after all.

    The ticket waits again in the stage it was called for, with its first arrival time (so
    it is called soon), and its booking is checked in again, so the no-show no longer
    counts toward the person's cooling-off. Only the same local day: the next day the
    visit is over. Audited with the client address.
    """
    if StaffRoleKind.SUPERVISOR not in roles_at(by, office):
        raise DomainError("forbidden", _("Hanya supervisor yang dapat membatalkan tidak hadir."), status=403)
    ticket = Ticket.objects.filter(pk=ticket_id, office=office).first()
    if ticket is None:
        raise DomainError("not_found", _("Tiket tidak ditemukan di kantor ini."), field="ticket", status=404)
    if ticket.status != TicketStatus.NO_SHOW:
        raise Conflict("not_no_show", _("Tiket ini tidak berstatus tidak hadir."), field="ticket")
    if ticket.day != office.local_today():
        raise Conflict("not_today", _("Tidak hadir hanya dapat dibatalkan pada hari yang sama."), field="ticket")
    last_counter = ticket.counter
    with transaction.atomic():
        moved = Ticket.objects.filter(pk=ticket.pk, status=TicketStatus.NO_SHOW).update(
            status=TicketStatus.WAITING, counter=None, calls=0, called_at=None, finished_at=None
        )
        if moved != 1:
            raise _changed()
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id, status=BookingStatus.NO_SHOW).update(
                status=BookingStatus.CHECKED_IN
            )
        TicketEvent.objects.create(
            ticket=ticket,
            office=office,
            kind=EventKind.REINSTATED,
            stage=ticket.stage,
            counter=last_counter,
            by=by,
            at=timezone.now(),
        )
        audit_record(
            actor=by,
            action="ticket.no_show_undo",
            office=office,
            target_type="ticket",
            target_id=ticket.display,
            before={"status": TicketStatus.NO_SHOW},
            after={"ticket": ticket.pk, "status": TicketStatus.WAITING, "stage": ticket.stage},
            ip=ip,
        )
    ticket.refresh_from_db()
    return ticket


def local_time(office: Office, at: dt.datetime | None) -> str:
    return at.astimezone(office.zone).strftime("%H:%M") if at else "-"


def _advance_dossier(ticket: Ticket, stage: str, by: User) -> None:
    """Move the application one stage on, when the dossier allows that move (never backwards)."""
    target = DOSSIER_AFTER[Stage(stage)]
    application = None
    if ticket.booking_id:
        application = Application.objects.filter(booking_id=ticket.booking_id).first()
    elif stage == Stage.PICKUP and ticket.person_id:
        application = (
            Application.objects.filter(booking__person_id=ticket.person_id, stage=DossierStage.READY_FOR_PICKUP)
            .order_by("-pk")
            .first()
        )
    if application is not None and application.can_move_to(target):
        application_advance(application=application, stage=target, by=by)


def _transfer_counter(counter: Counter, number: int) -> Counter:
    target = Counter.objects.filter(office=counter.office, number=number).first()
    if target is None:
        raise DomainError("invalid", _("Loket tidak dikenal."), field="counter", status=400)
    if target.pk == counter.pk:
        raise Conflict("same_counter", _("Tiket ini sudah di loket ini."), field="counter")
    if not target.active or not target.stages:
        raise Conflict(
            "counter_closed",
            _("Loket %(n)s tidak aktif: pilih loket lain atau tahap.") % {"n": number},
            field="counter",
        )
    return target


def _stage_at(target: Counter, served: str, to_stage: str) -> str:
    """The stage a ticket sent to `target` waits in: the one asked for, else the next stage when
    the counter serves it, else the same stage (a colleague's counter), else its first stage."""
    if to_stage:
        if to_stage not in target.stages:
            raise Conflict(
                "stage_not_served",
                _("Loket %(n)s tidak melayani tahap itu: pilih loket lain.") % {"n": target.number},
                field="counter",
            )
        return to_stage
    following = NEXT_STAGE.get(served)
    for stage in (following, served):
        if stage in target.stages:
            return str(stage)
    return str(target.stages[0])


def ticket_transfer(
    *, counter: Counter, by: User, ip: str | None = None, to_stage: str = "", to_counter: int | None = None
) -> Ticket:
    """Send the ticket to another stage's queue (the next one when `to_stage` is empty), or to a named
    counter (`to_counter`, its number: only that counter calls it, first in its queue), keeping its
    first arrival time (ahead of later arrivals). Only a move to the next stage advances the
    application: sending a person back (a paper to check again) changes no dossier stage."""
    ticket = _at_counter(counter)
    served = ticket.stage
    if to_stage and to_stage not in Stage.values:
        raise DomainError("invalid", _("Tahap tidak dikenal."), field="stage", status=400)
    target = _transfer_counter(counter, to_counter) if to_counter is not None else None
    following = _stage_at(target, served, to_stage) if target else to_stage or NEXT_STAGE.get(served)
    if following is None:
        raise Conflict("last_stage", _("Ini tahap terakhir: selesaikan tiket ini."))
    if following == served and target is None:
        raise Conflict("same_stage", _("Tiket ini sudah di tahap itu."), field="stage")
    with transaction.atomic():
        _move(
            ticket,
            counter,
            AT_COUNTER,
            status=TicketStatus.WAITING,
            stage=following,
            counter=None,
            calls=0,
            to_counter=target,
        )
        ticket.counter = counter  # for the event and the audit entry below
        if following == NEXT_STAGE.get(served):
            _advance_dossier(ticket, served, by)
        extra = {"to_counter": target.number} if target else {}
        _record(ticket, EventKind.TRANSFERRED, counter, by, ip=ip, stage=served, to=following, **extra)
        ticket.counter = None
    return ticket


def ticket_finish(*, counter: Counter, by: User, ip: str | None = None) -> Ticket:
    ticket = _at_counter(counter)
    now = timezone.now()
    with transaction.atomic():
        _move(ticket, counter, AT_COUNTER, status=TicketStatus.DONE, finished_at=now)
        _advance_dossier(ticket, ticket.stage, by)
        if ticket.booking_id:
            Booking.objects.filter(pk=ticket.booking_id, status=BookingStatus.CHECKED_IN).update(
                status=BookingStatus.COMPLETED
            )
        _record(ticket, EventKind.FINISHED, counter, by, ip=ip)
    return ticket


def ticket_park(*, counter: Counter, by: User, ip: str | None = None) -> Ticket:
    """Put the ticket aside at this counter (a missing paper being fetched) and free the counter."""
    ticket = _at_counter(counter)
    with transaction.atomic():
        _move(ticket, counter, AT_COUNTER, status=TicketStatus.PARKED)
        _record(ticket, EventKind.PARKED, counter, by, ip=ip)
    return ticket


def ticket_resume(*, counter: Counter, ticket_id: int, by: User, ip: str | None = None) -> Ticket:
    """Serve a ticket this counter parked earlier again."""
    ticket = Ticket.objects.filter(pk=ticket_id, counter=counter, status=TicketStatus.PARKED).first()
    if ticket is None:
        raise Conflict("not_parked", _("Tiket ini tidak ditunda di loket ini."), field="ticket")
    if current_ticket(counter) is not None:
        raise Conflict("counter_busy", _("Selesaikan, pindahkan atau tunda tiket yang sedang dilayani dulu."))
    try:
        with transaction.atomic():
            _move(ticket, counter, [TicketStatus.PARKED], status=TicketStatus.SERVING)
            _record(ticket, EventKind.RESUMED, counter, by, ip=ip)
    except IntegrityError:
        raise Conflict("counter_busy", _("Loket ini baru saja memanggil tiket lain.")) from None
    return ticket


def counter_set_stages(
    *, counter: Counter, stages: list[str], active: bool, by: User, ip: str | None = None
) -> Counter:
    """A supervisor sets which stages a counter serves, and whether it is open."""
    if StaffRoleKind.SUPERVISOR not in roles_at(by, counter.office):
        raise DomainError("forbidden", _("Hanya supervisor yang dapat mengatur loket."), status=403)
    unknown = [s for s in stages if s not in Stage.values]
    if unknown:
        raise DomainError("invalid", _("Tahap tidak dikenal."), field="stages")
    before = {"stages": list(counter.stages), "active": counter.active}
    counter.stages = [s for s in Stage.values if s in stages]  # in the stages' own order, once each
    counter.active = active
    counter.save(update_fields=["stages", "active"])
    audit_record(
        actor=by,
        action="counter.configure",
        office=counter.office,
        target_type="counter",
        target_id=counter.number,
        before=before,
        after={"stages": counter.stages, "active": counter.active},
        ip=ip,
    )
    return counter


def counter_set_break(*, counter: Counter, on_break: bool, by: User, ip: str | None = None) -> Counter:
    """Start or end the counter's break. A break starts only with nobody at the counter.

    The change touches the counter row, which the board's and the dashboard's fingerprints
    read, so every screen shows it at its next poll.
    """
    if on_break and current_ticket(counter) is not None:
        raise Conflict("counter_busy", _("Selesaikan, pindahkan atau tunda tiket yang sedang dilayani dulu."))
    since = timezone.now() if on_break else None
    rows = Counter.objects.filter(pk=counter.pk, on_break_since__isnull=on_break)
    if rows.update(on_break_since=since) != 1:
        return counter  # already in that state: a double click changes nothing
    counter.on_break_since = since
    audit_record(
        actor=by,
        action="counter.break_start" if on_break else "counter.break_end",
        office=counter.office,
        target_type="counter",
        target_id=counter.number,
        ip=ip,
    )
    return counter
