"""Check-in at the desk and at the kiosk: the rules before a booked person gets a queue number.

Paid, this office, today, inside the arrival policy, KTP checked by the officer. A late
arrival goes to a supervisor, who approves (the ticket is issued, marked late) or refuses;
both are in the audit log. A person whose passport is ready gets a pickup (C) ticket.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import StaffRoleKind, User
from loket.audit.services import audit_record
from loket.booking.models import Booking, BookingStatus
from loket.core import datefmt
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.onsite.access import roles_at
from loket.onsite.lookup import CheckinCase, checkin_case
from loket.onsite.models import LateDecision, LateDecisionStatus, Priority, Stage, Ticket
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.services.turn import TURN_CHANNELS, turn_near, turn_optin_fields


def _audit(case: CheckinCase, by: User, action: str, ip: str | None, **after: object) -> None:
    audit_record(
        actor=by,
        action=action,
        office=case.booking.office,
        target_type="booking",
        target_id=case.booking.code,
        after={"person": case.person.masked_nik, **after},
        ip=ip,
    )


def checkin_view_record(*, case: CheckinCase, by: User, ip: str | None, action: str = "checkin.view") -> None:
    """An officer looked at a person's booking: that is itself an action on personal data."""
    _audit(case, by, action, ip, status=case.booking.status)


# Flags about the person's papers, which the first counter checks against the originals; the
# others (unpaid, late, early, another day) need the desk before any ticket.
TRAVELLING_FLAGS = frozenset(
    {"nik", "identity_mismatch", "identity_unverified", "passport_mismatch", "missing_documents"}
)


def _refuse_unless_ticketable(case: CheckinCase, *, allow_late: bool = False) -> None:
    booking = case.booking
    if case.ticket is not None:
        raise Conflict(
            "has_ticket",
            _("Nomor antrean %(ticket)s sudah diterbitkan untuk pemesanan ini.") % {"ticket": case.ticket.display},
        )
    if booking.status == BookingStatus.AWAITING_PAYMENT:
        raise DomainError(
            "unpaid",
            _(
                "Pemesanan ini belum dibayar. Nomor antrean diterbitkan setelah PNBP lunas: bayar dengan kode billing pada bukti pemesanan."
            ),
            status=409,
        )
    if booking.status != BookingStatus.CONFIRMED:
        raise Conflict(
            "not_active",
            _(
                "Pemesanan ini berstatus %(status)s, jadi tidak mendapat nomor antrean. Buat jadwal baru di Loket bila masih perlu."
            )
            % {"status": BookingStatus(booking.status).label},
        )
    arrival = case.arrival
    if arrival.state == "wrong_day":
        raise Conflict(
            "wrong_day",
            _("Pemesanan ini untuk %(day)s, bukan hari ini. Datang pada hari itu, atau ubah jadwal di Loket.")
            % {"day": datefmt.long_date(booking.slot.date)},
        )
    if arrival.state == "early":
        raise Conflict(
            "too_early",
            _("Terlalu awal. Nomor antrean untuk pemesanan ini dapat diambil mulai pukul %(time)s.")
            % {"time": datefmt.clock(arrival.opens_at)},
        )
    if arrival.state == "late" and not allow_late:
        raise Conflict("late", _("Jam kedatangan sudah lewat: minta keputusan supervisor."))


def _check_form(*, ktp_confirmed: bool, priority: str) -> None:
    if priority not in Priority.values:
        raise DomainError("invalid", _("Alasan prioritas tidak dikenal."), field="priority")
    if not ktp_confirmed:
        raise DomainError("ktp_required", _("Centang dulu bahwa KTP-el asli cocok dengan data ini."), field="ktp")


def _issue(case: CheckinCase, by: User, *, priority: str, late: bool = False) -> Ticket:
    # The flags travel with the ticket: the first counter sees what check-in saw.
    flags = [{"code": f.code, "message": f.message} for f in case.flags if f.code in TRAVELLING_FLAGS]
    try:
        return ticket_issue(
            office=case.booking.office, by=by, booking=case.booking, priority=priority, late=late, flags=flags
        )
    except IntegrityError:
        # The booking's one ticket (a second desk scanned the same proof at the same moment).
        raise Conflict(
            "has_ticket", _("Nomor antrean untuk pemesanan ini baru saja diterbitkan. Muat ulang halaman.")
        ) from None


def checkin_issue(
    *, case: CheckinCase, by: User, ktp_confirmed: bool, priority: str, ip: str | None, notify: str = ""
) -> Ticket:
    """Issue the queue ticket at the desk (or the pickup ticket for a passport that is ready)."""
    _check_form(ktp_confirmed=ktp_confirmed, priority=priority)
    if case.pickup:
        if case.ticket is not None:
            raise Conflict(
                "has_ticket",
                _("Nomor antrean %(ticket)s sudah diterbitkan untuk pemesanan ini.") % {"ticket": case.ticket.display},
            )
        ticket = ticket_issue(
            office=case.booking.office, by=by, person=case.person, stage=Stage.PICKUP, priority=priority
        )
        _audit(case, by, "checkin.pickup_ticket", ip, ticket=ticket.display)
        return ticket
    _refuse_unless_ticketable(case)
    optin = _turn_optin(case, notify)
    with transaction.atomic():
        ticket = _issue(case, by, priority=priority)
        if optin:
            Ticket.objects.filter(pk=ticket.pk).update(**optin)
            for name, value in optin.items():
                setattr(ticket, name, value)
            turn_near(office=ticket.office, stage=ticket.stage)  # already near the front: told at once
    _audit(case, by, "checkin.ticket", ip, ticket=ticket.display, priority=priority, ktp_confirmed=True, notify=notify)
    return ticket


def _turn_optin(case: CheckinCase, notify: str) -> dict[str, str]:
    """The "your turn is near" choice of the check-in form: "", "sms" or "whatsapp"."""
    if not notify:
        return {}
    if notify not in TURN_CHANNELS:
        raise DomainError("invalid", _("Pilihan pesan giliran tidak dikenal."), field="notify")
    optin = turn_optin_fields(booking=case.booking, channel=notify)
    if not optin:
        raise DomainError(
            "no_phone", _("Tidak ada nomor HP pada data ini: pesan giliran tidak dapat dikirim."), field="notify"
        )
    return optin


def late_decision_ask(
    *, case: CheckinCase, by: User, ktp_confirmed: bool, priority: str, ip: str | None
) -> LateDecision:
    """Put a late arrival before a supervisor (the officer has checked the KTP already)."""
    _check_form(ktp_confirmed=ktp_confirmed, priority=priority)
    _refuse_unless_ticketable(case, allow_late=True)
    if case.arrival.state != "late":
        raise Conflict("not_late", _("Pemesanan ini tidak terlambat: terbitkan nomor antreannya langsung."))
    decision, created = LateDecision.objects.get_or_create(
        booking=case.booking,
        defaults={"office": case.booking.office, "priority": priority, "asked_by": by, "asked_at": timezone.now()},
    )
    if not created and decision.status == LateDecisionStatus.REFUSED:
        raise Conflict("late_refused", _("Supervisor sudah menolak keterlambatan ini."))
    if created:
        _audit(case, by, "checkin.late_asked", ip, priority=priority)
    return decision


def late_decision_decide(
    *, office: Office, decision_id: int, by: User, approve: bool, ip: str | None
) -> tuple[LateDecision, Ticket | None]:
    """A supervisor approves (the late ticket is issued) or refuses a late arrival; both are logged."""
    if StaffRoleKind.SUPERVISOR not in roles_at(by, office):
        raise DomainError("forbidden", _("Hanya supervisor yang dapat memutuskan keterlambatan."), status=403)
    decision = LateDecision.objects.filter(pk=decision_id, office=office).select_related("booking").first()
    if decision is None:
        raise DomainError("not_found", _("Permintaan keputusan tidak ditemukan."), field="decision", status=404)
    booking = Booking.objects.select_related("slot", "office", "person").get(pk=decision.booking_id)
    case = checkin_case(booking)
    status = LateDecisionStatus.APPROVED if approve else LateDecisionStatus.REFUSED
    ticket = None
    with transaction.atomic():
        settled = LateDecision.objects.filter(pk=decision.pk, status=LateDecisionStatus.PENDING).update(
            status=status, decided_by=by, decided_at=timezone.now()
        )
        if settled != 1:
            raise Conflict("decided", _("Keterlambatan ini sudah diputuskan."))
        if approve:
            _refuse_unless_ticketable(case, allow_late=True)
            ticket = _issue(case, by, priority=decision.priority, late=True)
        _audit(
            case,
            by,
            "checkin.late_approved" if approve else "checkin.late_refused",
            ip,
            ticket=ticket.display if ticket else None,
        )
    decision.refresh_from_db()
    return decision, ticket


def _kiosk_see_desk(case: CheckinCase, desk: list[str]) -> str:
    """Why the kiosk sends the person in front of it to the desk, in words for them."""
    if case.pickup:
        return _("Untuk mengambil paspor, silakan ke meja petugas dengan KTP-el asli dan bukti pemesanan.")
    if "unpaid" in desk:
        return _(
            "Pemesanan ini belum dibayar. Bayar PNBP dengan kode billing pada bukti pemesanan, atau tanyakan "
            "ke meja petugas."
        )
    if "early" in desk:
        return _("Anda datang lebih awal. Nomor antrean dapat diambil di sini mulai pukul %(time)s.") % {
            "time": datefmt.clock(case.arrival.opens_at)
        }
    if "late" in desk:
        return _("Jam kedatangan Anda sudah lewat. Silakan ke meja petugas: petugas akan membantu Anda.")
    if "wrong_day" in desk:
        return _("Pemesanan ini untuk %(day)s, bukan hari ini. Datang pada hari itu, atau ubah jadwal di Loket.") % {
            "day": datefmt.long_date(case.booking.slot.date)
        }
    return _("Silakan ke meja petugas: petugas akan membantu Anda.")


def kiosk_issue(*, case: CheckinCase, by: User, ip: str | None) -> Ticket:
    """Self-service: a paid booking for now gets its ticket, flags and all (they travel with the
    ticket to the first counter, which checks the KTP anyway). Late, early, another day, unpaid
    and pickups go to the desk; a person who already has a ticket is told its number."""
    if case.ticket is not None:
        raise Conflict(
            "has_ticket",
            _("Anda sudah punya nomor antrean %(ticket)s. Tunggu panggilan di layar.")
            % {"ticket": case.ticket.display},
        )
    desk = [flag.code for flag in case.flags if flag.code not in TRAVELLING_FLAGS]
    if case.pickup or desk:
        raise Conflict("see_desk", _kiosk_see_desk(case, desk))
    _refuse_unless_ticketable(case)
    # The kiosk cannot ask; an elderly applicant's priority is known from the birth date.
    priority = Priority.ELDERLY if case.suggested_priority == Priority.ELDERLY else ""
    ticket = _issue(case, by, priority=priority)
    _audit(
        case,
        by,
        "kiosk.ticket",
        ip,
        ticket=ticket.display,
        priority=priority,
        flags=[f["code"] for f in ticket.checkin_flags],
    )
    return ticket
