"""Reads for the check-in desk and the kiosk: find a booking from a scan or a typed code, and
everything the officer must see before issuing a ticket (person, application, documents,
flags, arrival against the office's policy)."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, User
from loket.accounts.nik import FLAG_BIRTH_DATE, FLAG_DISTRICT_UNKNOWN, FLAG_OLD_REGION, FLAG_SEX
from loket.audit.services import audit_record
from loket.booking.classes import class_places
from loket.booking.codes import ALPHABET, CODE_LENGTH, code_from_qr, normalize_code
from loket.booking.models import Booking, BookingStatus, PriorityReason
from loket.core import datefmt
from loket.core.errors import DomainError, NotFound
from loket.dossier.models import Application, CheckState, Document
from loket.dossier.models import Stage as DossierStage
from loket.dossier.selectors import Requirement, missing_documents, required_documents
from loket.offices.models import Office
from loket.onsite.models import LateDecision, Priority, QueuePolicy, Stage, Ticket
from loket.onsite.policy import queue_policy_for
from loket.payments.adjustments import adjustments_of
from loket.payments.credits import credits_usable_by
from loket.payments.models import AdjustmentStatus, FeeCredit, Payment

ELDERLY_AGE = 60
SMALL_CHILD_AGE = 5


def code_from_scan(raw: str) -> str:
    """The booking code in what a scanner or a person typed: a signed QR payload or the code itself."""
    text = raw.strip()
    if not text:
        raise DomainError(
            "required", _("Pindai kode QR pada bukti pemesanan, atau ketik kode pemesanan."), field="code"
        )
    if text.upper().startswith("LOKET1:"):
        code = code_from_qr("LOKET1:" + text[7:])
        if code is None:
            raise DomainError(
                "qr_invalid",
                _(
                    "Kode QR ini bukan kode QR bukti pemesanan Loket yang dapat dibaca. Ketik kode pemesanan, atau datang ke meja petugas."
                ),
                field="code",
            )
        return code
    code = normalize_code(text)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        raise DomainError(
            "invalid",
            _("Kode pemesanan terdiri dari 8 huruf dan angka, mis. K7H3 QXPA. Periksa lagi kode pada bukti pemesanan."),
            field="code",
        )
    return code


def booking_at_office(*, office: Office, raw: str, user: User, ip: str | None, action: str) -> Booking:
    """The booking behind a scan, if it is this office's. A tampered QR and another office's
    booking are refused and logged; nothing about the other office's person is shown."""
    try:
        code = code_from_scan(raw)
    except DomainError as error:
        if error.code == "qr_invalid":
            audit_record(
                actor=user, action=f"{action}.qr_invalid", office=office, target_type="qr", ip=ip, allowed=False
            )
        raise
    booking = (
        Booking.objects.filter(code=code)
        .select_related("slot", "office", "person", "application", "person__account")
        .first()
    )
    if booking is None:
        raise NotFound(
            "not_found",
            _("Kode pemesanan tidak ditemukan. Periksa lagi kode pada bukti pemesanan, atau datang ke meja petugas."),
            field="code",
        )
    if booking.office_id != office.pk:
        audit_record(
            actor=user,
            action=f"{action}.other_office",
            office=office,
            target_type="booking",
            target_id=booking.code,
            ip=ip,
            allowed=False,
        )
        raise DomainError(
            "other_office",
            _(
                "Pemesanan ini untuk kantor imigrasi lain. Datang ke kantor yang tertera pada bukti pemesanan, atau ubah jadwal di Loket."
            ),
            field="code",
            status=403,
        )
    return booking


@dataclass(frozen=True)
class Arrival:
    state: str  # on_time, early, late, wrong_day
    opens_at: dt.datetime
    late_after: dt.datetime


def arrival_of(booking: Booking, policy: QueuePolicy, now: dt.datetime | None = None) -> Arrival:
    """Where this moment falls against the booked window and the office's arrival policy."""
    office = booking.office
    slot = booking.slot
    now = now or timezone.now()
    opens = slot.starts_at - dt.timedelta(minutes=policy.checkin_early_minutes)
    window_end = dt.datetime.combine(slot.date, slot.end, tzinfo=office.zone)
    late_after = window_end + dt.timedelta(minutes=policy.late_after_minutes)
    if slot.date != now.astimezone(office.zone).date():
        state = "wrong_day"
    elif now < opens:
        state = "early"
    elif now > late_after:
        state = "late"
    else:
        state = "on_time"
    return Arrival(state=state, opens_at=opens.astimezone(office.zone), late_after=late_after.astimezone(office.zone))


@dataclass(frozen=True)
class Flag:
    code: str
    message: str


@dataclass
class CheckinCase:
    """What the check-in page shows about one booking."""

    booking: Booking
    person: Person
    age: int
    arrival: Arrival
    application: Application | None = None
    documents: list[Document] = field(default_factory=list)
    required: list[Requirement] = field(default_factory=list)
    missing: list[Requirement] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    ticket: Ticket | None = None
    late_decision: LateDecision | None = None
    suggested_priority: str = ""
    fee: str = ""  # how the PNBP fee of this booking stands, and any credit the person holds

    @property
    def pickup(self) -> bool:
        return self.application is not None and self.application.stage == DossierStage.READY_FOR_PICKUP

    @property
    def first_name(self) -> str:
        return self.person.full_name.split(" ")[0]


def nik_flag_labels() -> dict[str, str]:
    return {
        FLAG_BIRTH_DATE: _("Tanggal lahir pada NIK berbeda dengan data yang dipesan"),
        FLAG_SEX: _("Kode jenis kelamin pada NIK berbeda dengan data yang dipesan"),
        FLAG_OLD_REGION: _("Kode wilayah NIK dari sebelum pemekaran provinsi"),
        FLAG_DISTRICT_UNKNOWN: _("Kode kecamatan NIK tidak dikenal"),
    }


def _flags(case: CheckinCase) -> list[Flag]:
    labels = nik_flag_labels()
    flags = [
        Flag("nik", _("Catatan NIK: %(flag)s") % {"flag": labels.get(flag, flag)}) for flag in case.person.nik_flags
    ]
    application = case.application
    if application is not None:
        if application.identity_check == CheckState.MISMATCH:
            flags.append(
                Flag("identity_mismatch", _("Data Dukcapil tidak sesuai dengan NIK, nama atau tanggal lahir."))
            )
        elif application.identity_check in (CheckState.PENDING, CheckState.UNAVAILABLE):
            flags.append(Flag("identity_unverified", _("Identitas belum terverifikasi Dukcapil: periksa KTP-el asli.")))
        if application.passport_check == CheckState.MISMATCH:
            flags.append(Flag("passport_mismatch", _("Paspor lama tidak terdaftar atas NIK ini.")))
    if case.booking.status == BookingStatus.AWAITING_PAYMENT:
        flags.append(Flag("unpaid", _("Belum dibayar: tiket tidak dapat diterbitkan sebelum PNBP lunas.")))
    # A person who already has a ticket is past arrival: "late" next to "has ticket A003" only confuses.
    if not case.pickup and case.ticket is None:
        if case.arrival.state == "late":
            flags.append(Flag("late", _("Terlambat: perlu keputusan supervisor.")))
        elif case.arrival.state == "early":
            flags.append(
                Flag(
                    "early",
                    _("Terlalu awal: nomor antrean dapat diambil mulai pukul %(time)s.")
                    % {"time": datefmt.clock(case.arrival.opens_at)},
                )
            )
        elif case.arrival.state == "wrong_day":
            flags.append(
                Flag(
                    "wrong_day",
                    _("Pemesanan ini untuk %(day)s, bukan hari ini.")
                    % {"day": datefmt.long_date(case.booking.slot.date)},
                )
            )
    if case.missing:
        flags.append(Flag("missing_documents", _("Ada dokumen yang belum diunggah: periksa dokumen asli.")))
    return flags


def suggested_priority(age: int) -> str:
    if age >= ELDERLY_AGE:
        return Priority.ELDERLY
    if age < SMALL_CHILD_AGE:
        return Priority.SMALL_CHILD
    return ""


def _ticket_of(booking: Booking, application: Application | None) -> Ticket | None:
    """The ticket this visit already has: the booking's own, or for a pickup today's pickup ticket."""
    if application is not None and application.stage == DossierStage.READY_FOR_PICKUP:
        return Ticket.objects.filter(
            office=booking.office, day=booking.office.local_today(), person=booking.person, stage=Stage.PICKUP
        ).first()
    return Ticket.objects.filter(booking=booking).first()


def checkin_case(booking: Booking, now: dt.datetime | None = None) -> CheckinCase:
    office = booking.office
    person = booking.person
    application = Application.objects.filter(booking=booking).first()
    age = person.age_on(office.local_today())
    case = CheckinCase(
        booking=booking,
        person=person,
        age=age,
        arrival=arrival_of(booking, queue_policy_for(office), now),
        application=application,
        ticket=_ticket_of(booking, application),
        late_decision=LateDecision.objects.filter(booking=booking).first(),
        suggested_priority=suggested_priority(age),
    )
    if application is not None:
        case.documents = list(application.documents.order_by("uploaded_at", "pk"))
        case.required = required_documents(application)
        case.missing = missing_documents(application)
    case.fee = fee_summary(booking)
    case.flags = _flags(case)
    return case


def fee_summary(booking: Booking) -> str:
    """For the counter: paid (by bill or with a credit), unpaid, an additional bill or refund note
    still open, and the person's unused credits."""
    payment = Payment.objects.filter(booking=booking).first()
    used = FeeCredit.objects.filter(used_by=booking).select_related("source").first()
    if used is not None:
        parts = [_("Lunas dengan kredit dari pemesanan %(code)s") % {"code": used.source.code}]
    elif payment is not None:
        parts = [f"{payment.get_status_display()} · {datefmt.rupiah(payment.amount)}"]
        # What a class change after payment left open: an additional bill, or a fee owed back.
        parts += [
            f"{row.get_kind_display()} {datefmt.rupiah(row.amount)} · {row.get_status_display()}"
            for row in adjustments_of(payment)
            if row.status == AdjustmentStatus.OPEN
        ]
    else:
        parts = []
    for credit in credits_usable_by(booking.person_id):
        until = datefmt.long_date(credit.valid_until.astimezone(booking.office.zone).date())
        parts.append(
            _("Kredit %(amount)s (%(type)s) sampai %(until)s")
            % {"amount": datefmt.rupiah(credit.amount), "type": credit.get_passport_type_display(), "until": until}
        )
    return " · ".join(parts)


def kiosk_class_context(office: Office) -> dict[str, object]:
    """What the kiosk's priority and express buttons show: today's places left of each class the
    office offers (a read; pressing takes the place, loket/walkin/kiosk.py)."""
    return {
        "kiosk_classes": [p for p in class_places(office, office.local_today()) if p.remaining > 0],
        "priority_reasons": PriorityReason.choices,
    }
