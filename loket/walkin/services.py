"""Walk-ins: an officer registers and books a person who cannot use the app.

How a walk-in pays (also in the README): the booking is CONFIRMED at once and its PNBP bill
(billing code, amount) is printed for the person, payable until the end of the visit's
local day. An online booking is held unpaid for two hours because nobody has seen the
person yet (brokers hoard seats that way); here an officer has the person and the KTP in
front of him, and a person standing in the office must not lose the seat to the expiry
job while queueing at the bank. The counter sees an unpaid bill in the check-in flags and
the person pays before the photo; a bill still unpaid at day's end simply expires (a late
payment is still honoured by loket/payments), and the booking is counted as a no-show if
the person never checked in.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import Person, Relation, User
from loket.accounts.nik import Sex
from loket.accounts.services import birth_date_ok, nik_or_error, normalize_phone
from loket.audit.services import audit_record
from loket.booking.choices import booking_choice_validate
from loket.booking.class_changes import class_place_claim, class_rules
from loket.booking.classes import express_payment_deadline
from loket.booking.events import events_process_for
from loket.booking.models import Booking, BookingStatus, QuotaClass, Slot, WalkinDay
from loket.booking.seats import claim_online_seat_of_day, claim_pool_seat, slot_row, walkin_day_for
from loket.booking.services import ClassPlace, booked_data, booking_record, booking_row
from loket.core.errors import Conflict, DomainError
from loket.offices.models import ArrivalWindow, Office
from loket.offices.selectors import outage_for
from loket.onsite.lookup import suggested_priority
from loket.onsite.models import Ticket
from loket.onsite.services.tickets import ticket_issue
from loket.payments.models import Payment
from loket.walkin.models import WalkinBooking
from loket.walkin.selectors import active_booking_of, walkin_day_refusal, walkin_next_day


@dataclass(frozen=True)
class WalkinRequest:
    full_name: str
    nik: str
    birth_date: dt.date
    sex: str
    service: str
    passport_type: str
    phone: str = ""
    replacement_reason: str = ""
    old_passport_number: str = ""
    quota_class: str = QuotaClass.REGULAR
    priority_reason: str = ""

    @classmethod
    def from_form(
        cls, data: dict[str, Any], *, quota_class: str = QuotaClass.REGULAR, priority_reason: str = ""
    ) -> "WalkinRequest":
        """The person and the service from a walk-in form's cleaned data (the desk's or the counter's)."""
        return cls(
            full_name=data["full_name"],
            nik=data["nik"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            phone=data["phone"],
            service=data["service"],
            passport_type=data["passport_type"],
            replacement_reason=data.get("replacement_reason") or "",
            old_passport_number=data.get("old_passport_number") or "",
            quota_class=quota_class,
            priority_reason=priority_reason,
        )


class _NoSeat(Exception):
    """Raised inside the seat transaction to roll it back."""


def _check(request: WalkinRequest) -> tuple[str, list[str], str]:
    """Everything about the person and the service, before any seat: (nik, flags, phone)."""
    if not request.full_name.strip():
        raise DomainError("required", _("Nama lengkap wajib diisi."), field="full_name")
    if request.sex not in ("M", "F"):
        raise DomainError("required", _("Pilih jenis kelamin."), field="sex")
    birth_date_ok(request.birth_date)
    sex: Sex = "F" if request.sex == "F" else "M"
    nik, flags = nik_or_error(request.nik, birth_date=request.birth_date, sex=sex)
    phone = normalize_phone(request.phone) if request.phone.strip() else ""
    booking_choice_validate(
        service=request.service,
        passport_type=request.passport_type,
        replacement_reason=request.replacement_reason or None,
        old_passport_number=request.old_passport_number or None,
    )
    return nik, flags, phone


def _check_day(office: Office, day: dt.date) -> None:
    today = office.local_today()
    if day < today or day > today + dt.timedelta(days=office.horizon_days):
        raise DomainError(
            "invalid",
            _("Tanggal kunjungan belum dapat dipesan: pilih hari ini atau hari dalam batas pemesanan kantor."),
            field="day",
        )
    refusal = walkin_day_refusal(office, day)
    if refusal:
        raise DomainError("day_closed", _("Kantor tidak melayani pada tanggal ini: %(why)s.") % {"why": refusal})


def _active_conflict(officer: User, office: Office, booking: Booking) -> Conflict:
    """The code of an active booking is shown only to staff of the office it is booked at."""
    audit_record(
        actor=officer,
        action="walkin.refused_active_booking",
        office=office,
        target_type="booking",
        target_id=booking.code if booking.office_id == office.pk else "",
        allowed=False,
    )
    if booking.office_id == office.pk:
        return Conflict(
            "active_booking_exists",
            _("Pemohon ini sudah memiliki pemesanan aktif di kantor ini (kode %(code)s, %(day)s).")
            % {"code": booking.code, "day": booking.slot.date.isoformat()},
            field="nik",
            booking_code=booking.code,
        )
    return Conflict(
        "active_booking_exists",
        _("Pemohon ini sudah memiliki pemesanan aktif di kantor lain; pemesanan itu harus dibatalkan dahulu."),
        field="nik",
    )


def _person(request: WalkinRequest, nik: str, flags: list[str], phone: str) -> tuple[Person, bool]:
    """The person with this NIK (their details refreshed from the KTP when they have no account), or a new one."""
    details = {
        "full_name": request.full_name.strip(),
        "birth_date": request.birth_date,
        "sex": request.sex,
        "nik_flags": flags,
    }
    person = Person.objects.select_for_update().filter(nik=nik).first()
    if person is None:
        return Person.objects.create(account=None, relation=Relation.SELF, nik=nik, phone=phone, **details), True
    if person.account_id is None:  # an account holder's own data is theirs to change, not ours
        Person.objects.filter(pk=person.pk).update(**details, phone=phone or person.phone)
        person.refresh_from_db()
    return person, False


def _expected_slot(office: Office, day: dt.date) -> Slot:
    """The window a pool walk-in is expected in: today the one under way (or the next), else the first."""
    windows = list(ArrivalWindow.objects.filter(office=office, weekday=day.weekday()).order_by("start"))
    window = windows[0]
    if day == office.local_today():
        now = office.local_now().time()
        started = [w for w in windows if w.start <= now]
        window = started[-1] if started else windows[0]
    return slot_row(office, day, window)


def _end_of_day(office: Office, day: dt.date) -> dt.datetime:
    """23:59 local on the visit's day: what the printed bill says."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)), office.zone)


def _take_seat(office: Office, day: dt.date) -> tuple[Slot, bool]:
    """(slot, from_pool): a walk-in pool seat first; in outage mode, today, then an online seat of the day."""
    pool = walkin_day_for(office, day)
    if claim_pool_seat(pool):
        return _expected_slot(office, day), True
    if day == office.local_today() and outage_for(office) is not None:
        slot = claim_online_seat_of_day(office, day)
        if slot is not None:
            return slot, False
    raise _NoSeat


def walkin_book(
    *,
    officer: User,
    office: Office,
    person: Person,
    request: WalkinRequest,
    slot: Slot,
    pool: WalkinDay,
    from_pool: bool,
    audit_after: dict[str, object],
    ip: str | None,
    action: str = "walkin.register",
    place: ClassPlace | None = None,
) -> Booking:
    """The walk-in booking on a seat the caller has just claimed (in its transaction), with its
    application and PNBP bill made at once (the officer prints the bill), and its audit entry.
    `place`: a priority or express place of the day instead of a regular seat (an express bill is
    payable until the office's payment cut-off)."""
    deadline = _end_of_day(office, slot.date)
    if place is not None and place.quota_class == QuotaClass.EXPRESS:
        deadline = express_payment_deadline(office, slot.date)
    booking, _event = booking_record(
        booking_row(
            person=person,
            office=office,
            slot=slot,
            booked_by=officer,
            service=request.service,
            passport_type=request.passport_type,
            status=BookingStatus.CONFIRMED,
            pool_day=pool if from_pool else None,
            place=place,
        ),
        booked_data(
            replacement_reason=request.replacement_reason if request.service == "replacement" else "",
            old_passport_number=request.old_passport_number if request.service == "replacement" else "",
            payment_deadline=deadline,
            quiet=True,
        ),
    )
    events_process_for(booking_id=booking.pk)
    payment = Payment.objects.filter(booking=booking).first()
    WalkinBooking.objects.create(booking=booking, walkin_day=pool, registered_by=officer)
    audit_record(
        actor=officer,
        action=action,
        office=office,
        target_type="booking",
        target_id=booking.code,
        after={
            "person": person.masked_nik,
            "date": slot.date.isoformat(),
            "start": f"{slot.start:%H:%M}",
            "seat": place.quota_class if place else "walkin_pool" if from_pool else "online_outage",
            "billing_code": payment.billing_code if payment else "",
            **audit_after,
        },
        ip=ip,
    )
    return booking


def _class_rules(office: Office, request: WalkinRequest, day: dt.date) -> tuple[str, str]:
    """A class's rules before any seat, on the KTP's birth date (the person row may not exist yet)."""
    if request.quota_class == QuotaClass.REGULAR:
        return "", ""
    applicant = Person(full_name=request.full_name, birth_date=request.birth_date, sex=request.sex)
    return class_rules(
        office=office,
        quota_class=request.quota_class,
        day=day,
        person=applicant,
        priority_reason=request.priority_reason,
    )


def _take_place(office: Office, request: WalkinRequest, day: dt.date, rules: tuple[str, str]) -> ClassPlace:
    row = class_place_claim(office=office, quota_class=request.quota_class, day=day)
    return ClassPlace(request.quota_class, row, *rules)


def walkin_register(
    *, officer: User, office: Office, request: WalkinRequest, day: dt.date, ip: str | None = None
) -> Booking:
    """Register (or find by NIK) the person and book them a walk-in seat at `office` on `day`:
    a seat of the walk-in pool, or a priority or express place of the day (`request.quota_class`).

    Refused (409, naming the next day with room) when the day has no walk-in seat (or place of
    the class) left; refused when the person already holds an active booking anywhere.
    """
    nik, flags, phone = _check(request)
    _check_day(office, day)
    rules = _class_rules(office, request, day)
    active = active_booking_of(nik)
    if active is not None:
        raise _active_conflict(officer, office, active)
    try:
        with transaction.atomic():
            person, created = _person(request, nik, flags, phone)
            place = None
            if request.quota_class == QuotaClass.REGULAR:
                slot, from_pool = _take_seat(office, day)
            else:
                place = _take_place(office, request, day, rules)
                slot, from_pool = _expected_slot(office, day), False
            booking = walkin_book(
                officer=officer,
                office=office,
                person=person,
                request=request,
                slot=slot,
                pool=walkin_day_for(office, day),
                from_pool=from_pool,
                audit_after={"new_person": created, "nik_flags": flags},
                ip=ip,
                place=place,
            )
    except _NoSeat:
        nearest = walkin_next_day(office, after=day)
        raise Conflict(
            "walkin_full",
            _("Tidak ada lagi kuota walk-in pada %(day)s.") % {"day": day.isoformat()},
            field="day",
            next_day=nearest.isoformat() if nearest else None,
        ) from None
    except IntegrityError:
        # A parallel registration of the same NIK won the race to the one-active-booking index.
        raced = active_booking_of(nik)
        if raced is None:  # the same new NIK registered twice at once: the other one is saved
            raise Conflict("changed", _("Data pemohon ini baru saja disimpan. Coba lagi."), field="nik") from None
        raise _active_conflict(officer, office, raced) from None
    return booking


def walkin_ticket_issue(*, booking: Booking, officer: User, priority: str = "") -> Ticket:
    """A walk-in booked for today gets a queue number at once: the officer who registered him
    has just read his KTP, so a second stop at the check-in desk would only make him queue twice.
    The PNBP bill stays open (paid before the visit ends, see the module docstring).

    Priority visitors (P) are served first with or without a booking: the officer's choice,
    else what the birth date says (60+, under 5).
    """
    if not priority:
        priority = booking.priority_reason  # a priority place's reason, checked at registration
    if not priority:
        priority = suggested_priority(booking.person.age_on(booking.office.local_today()))
    return ticket_issue(office=booking.office, by=officer, booking=booking, walk_in=True, priority=priority)
