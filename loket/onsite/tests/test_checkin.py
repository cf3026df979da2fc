"""Check-in rules: genuine QR only, this office only, paid, on time (or a supervisor's decision), KTP checked."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.codes import qr_payload
from loket.booking.models import Booking, BookingStatus
from loket.core.errors import DomainError
from loket.dossier.models import CheckState
from loket.dossier.models import Stage as DossierStage
from loket.offices.models import Office
from loket.onsite.lookup import booking_at_office, checkin_case
from loket.onsite.models import LateDecisionStatus, Priority, QueuePolicy, Stage, Ticket
from loket.onsite.services.checkin import checkin_issue, kiosk_issue, late_decision_ask, late_decision_decide
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, at_local, booked, counter


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def find(office: Office, raw: str, user: User) -> Booking:
    return booking_at_office(office=office, raw=raw, user=user, ip="10.0.0.9", action="checkin")


def issue(booking: Booking, user: User, *, priority: str = "", ktp: bool = True) -> Ticket:
    return checkin_issue(case=checkin_case(booking), by=user, ktp_confirmed=ktp, priority=priority, ip=None)


def test_a_scanned_qr_and_a_typed_code_find_the_same_booking(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a)
    assert find(office_a, qr_payload(booking.code), checkin_officer_a) == booking
    typed = f" {booking.code[:4].lower()}-{booking.code[4:]} "
    assert find(office_a, typed, checkin_officer_a) == booking


def test_a_tampered_qr_is_refused_and_logged(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a)
    other = booked(office_a)
    forged = qr_payload(booking.code).replace(booking.code, other.code)
    with pytest.raises(DomainError) as refused:
        find(office_a, forged, checkin_officer_a)
    assert refused.value.code == "qr_invalid" and refused.value.field == "code"
    entry = AuditEntry.objects.get(action="checkin.qr_invalid")
    assert entry.allowed is False and entry.actor == checkin_officer_a


@pytest.mark.parametrize("raw", ["", "   ", "ABC", "O0O0O0O0", "x" * 200, "LOKET1:", "LOKET1:AAAA:BBBB:CC"])
def test_garbage_is_a_field_error(office_a: Office, checkin_officer_a: User, raw: str) -> None:
    with pytest.raises(DomainError) as refused:
        find(office_a, raw, checkin_officer_a)
    assert refused.value.field == "code" and 400 <= refused.value.status < 500


def test_another_offices_booking_shows_nothing_and_is_logged(
    office_a: Office, office_b: Office, officer_b: User
) -> None:
    booking = booked(office_a)
    with pytest.raises(DomainError) as refused:
        find(office_b, qr_payload(booking.code), officer_b)
    assert refused.value.status == 403 and booking.person_name not in refused.value.message
    entry = AuditEntry.objects.get(action="checkin.other_office")
    assert (entry.allowed, entry.office, entry.target_id) == (False, office_b, booking.code)


def test_checking_in_issues_a_ticket_and_records_it(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a)
    ticket = issue(booking, checkin_officer_a)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert ticket.display == "A001" and ticket.stage == Stage.VERIFICATION and ticket.issued_by == checkin_officer_a
    entry = AuditEntry.objects.get(action="checkin.ticket")
    assert entry.target_id == booking.code and entry.after["ticket"] == "A001"
    assert booking.person.nik not in str(entry.after)


def test_the_ktp_must_be_confirmed(office_a: Office, checkin_officer_a: User) -> None:
    with pytest.raises(DomainError) as refused:
        issue(booked(office_a), checkin_officer_a, ktp=False)
    assert refused.value.field == "ktp" and not Ticket.objects.exists()


def test_an_unpaid_booking_gets_no_ticket_and_is_told_why(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a, status=BookingStatus.AWAITING_PAYMENT)
    case = checkin_case(booking)
    assert "unpaid" in [f.code for f in case.flags]
    with pytest.raises(DomainError, match="belum dibayar") as refused:
        issue(booking, checkin_officer_a)
    assert refused.value.code == "unpaid"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_PAYMENT and not Ticket.objects.exists()


def test_too_early_is_refused_with_the_opening_time(office_a: Office, checkin_officer_a: User) -> None:
    QueuePolicy.objects.create(office=office_a, checkin_early_minutes=45)
    booking = booked(office_a, start=dt.time(9))
    with pytest.raises(DomainError, match=r"08\.15") as refused:
        issue(booking, checkin_officer_a)
    assert refused.value.code == "too_early"


def test_a_booking_for_another_day_is_refused(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a, day=NOW.date() + dt.timedelta(days=1))
    with pytest.raises(DomainError) as refused:
        issue(booking, checkin_officer_a)
    assert refused.value.code == "wrong_day"


def test_a_late_arrival_waits_for_the_supervisor_who_approves(
    office_a: Office, checkin_officer_a: User, supervisor_a: User
) -> None:
    QueuePolicy.objects.create(office=office_a, late_after_minutes=30)
    booking = booked(office_a, start=dt.time(8))  # window 08:00–09:00: late after 09:30
    with time_machine.travel(at_local(9, 45), tick=False):
        with pytest.raises(DomainError) as refused:
            issue(booking, checkin_officer_a)
        assert refused.value.code == "late"
        decision = late_decision_ask(
            case=checkin_case(booking), by=checkin_officer_a, ktp_confirmed=True, priority="", ip=None
        )
        with pytest.raises(DomainError):
            late_decision_decide(office=office_a, decision_id=decision.pk, by=checkin_officer_a, approve=True, ip=None)
        decision, ticket = late_decision_decide(
            office=office_a, decision_id=decision.pk, by=supervisor_a, approve=True, ip=None
        )
    assert decision.status == LateDecisionStatus.APPROVED and decision.decided_by == supervisor_a
    assert ticket is not None and ticket.late and ticket.issued_by == supervisor_a
    assert list(AuditEntry.objects.filter(target_id=booking.code).values_list("action", flat=True)) == [
        "checkin.late_approved",
        "checkin.late_asked",
    ]


def test_a_refused_late_arrival_gets_no_ticket_and_the_refusal_is_logged(
    office_a: Office, checkin_officer_a: User, supervisor_a: User
) -> None:
    booking = booked(office_a, start=dt.time(8))
    with time_machine.travel(at_local(10, 0), tick=False):
        decision = late_decision_ask(
            case=checkin_case(booking), by=checkin_officer_a, ktp_confirmed=True, priority="", ip=None
        )
        decision, ticket = late_decision_decide(
            office=office_a, decision_id=decision.pk, by=supervisor_a, approve=False, ip=None
        )
        assert ticket is None and decision.status == LateDecisionStatus.REFUSED
        assert AuditEntry.objects.filter(action="checkin.late_refused", actor=supervisor_a).exists()
        with pytest.raises(DomainError):
            late_decision_ask(
                case=checkin_case(booking), by=checkin_officer_a, ktp_confirmed=True, priority="", ip=None
            )
        with pytest.raises(DomainError):
            late_decision_decide(office=office_a, decision_id=decision.pk, by=supervisor_a, approve=True, ip=None)
    assert not Ticket.objects.exists()


def test_elderly_and_small_children_are_suggested_as_priority(office_a: Office, checkin_officer_a: User) -> None:
    elderly = booked(office_a, birth_date=dt.date(1960, 1, 1))
    child = booked(office_a, birth_date=dt.date(2023, 6, 1))
    adult = booked(office_a)
    assert checkin_case(elderly).suggested_priority == Priority.ELDERLY
    assert checkin_case(child).suggested_priority == Priority.SMALL_CHILD
    assert checkin_case(adult).suggested_priority == ""
    assert issue(elderly, checkin_officer_a, priority=Priority.ELDERLY).display == "P001"


def test_flags_show_nik_notes_identity_and_missing_documents(office_a: Office) -> None:
    booking = booked(office_a, identity=CheckState.MISMATCH)
    booking.person.nik_flags = ["birth_date_mismatch"]
    booking.person.save()
    codes = [f.code for f in checkin_case(booking).flags]
    assert codes[:2] == ["nik", "identity_mismatch"]
    unverified = booked(office_a, identity=CheckState.PENDING)
    assert "identity_unverified" in [f.code for f in checkin_case(unverified).flags]


def test_a_passport_ready_for_pickup_gets_a_c_ticket(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(
        office_a, status=BookingStatus.COMPLETED, stage=DossierStage.READY_FOR_PICKUP, day=dt.date(2026, 11, 2)
    )
    # The booking's own ticket from the visit day does not stop a pickup ticket.
    ticket_issue(office=office_a, by=None, person=booking.person, name="old visit")
    Ticket.objects.update(day=dt.date(2026, 11, 2), booking=booking)
    ticket = issue(booking, checkin_officer_a)
    assert ticket.display == "C001" and ticket.stage == Stage.PICKUP and ticket.person == booking.person
    with pytest.raises(DomainError, match="C001"):
        issue(booking, checkin_officer_a)


def test_the_kiosk_issues_plain_cases_and_sends_the_rest_to_the_desk(office_a: Office, checkin_officer_a: User) -> None:
    plain = booked(office_a)
    ticket = kiosk_issue(case=checkin_case(plain), by=checkin_officer_a, ip=None)
    assert ticket.display == "A001"
    assert AuditEntry.objects.filter(action="kiosk.ticket", target_id=plain.code).exists()
    # Each refusal says what the person in front of the kiosk can do next.
    for troubled, next_step in (
        (booked(office_a, status=BookingStatus.AWAITING_PAYMENT), "Bayar PNBP dengan kode billing"),
        (booked(office_a, start=dt.time(9), day=NOW.date() + dt.timedelta(days=1)), "Datang pada hari itu"),
    ):
        with pytest.raises(DomainError, match=next_step):
            kiosk_issue(case=checkin_case(troubled), by=checkin_officer_a, ip=None)
    late = booked(office_a)
    with time_machine.travel(at_local(11, 0), tick=False), pytest.raises(DomainError, match="meja petugas"):
        kiosk_issue(case=checkin_case(late), by=checkin_officer_a, ip=None)
    assert Ticket.objects.count() == 1


def test_the_kiosk_serves_a_flagged_booking_and_the_flags_travel_to_the_counter(
    office_a: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    mismatch = booked(office_a, identity=CheckState.MISMATCH)
    ticket = kiosk_issue(case=checkin_case(mismatch), by=checkin_officer_a, ip=None)
    codes = [flag["code"] for flag in ticket.checkin_flags]
    assert "identity_mismatch" in codes and "late" not in codes
    entry = AuditEntry.objects.get(action="kiosk.ticket", target_id=mismatch.code)
    assert "identity_mismatch" in entry.after["flags"]
    # Asked again, the kiosk tells the number instead of sending the person to the desk.
    with pytest.raises(DomainError, match=ticket.display) as again:
        kiosk_issue(case=checkin_case(mismatch), by=checkin_officer_a, ip=None)
    assert again.value.code == "has_ticket"
    counter(office_a, 1)
    client = staff_client(counter_officer_a)
    client.post("/petugas/OFA/loket/1/call_next/")
    html = client.get("/petugas/OFA/loket/1/").content.decode()
    assert 'id="checkin-flags"' in html and "Data Dukcapil tidak sesuai" in html


def test_a_person_with_a_ticket_is_not_also_flagged_late(office_a: Office, checkin_officer_a: User) -> None:
    booking = booked(office_a)
    kiosk_issue(case=checkin_case(booking), by=checkin_officer_a, ip=None)
    with time_machine.travel(at_local(16, 0), tick=False):
        case = checkin_case(booking)
    assert case.ticket is not None and [f.code for f in case.flags if f.code == "late"] == []


def test_the_counter_sees_a_booking_paid_with_a_credit_and_the_credits_a_person_holds(office_a: Office) -> None:
    from loket.payments.models import FeeCredit

    earlier = booked(office_a, status=BookingStatus.CANCELLED)
    booking = booked(office_a)
    FeeCredit.objects.create(
        person=earlier.person,
        source=earlier,
        service="new",
        passport_type="regular",
        amount=350_000,
        valid_until=NOW + dt.timedelta(days=30),
        used_by=booking,
    )
    assert checkin_case(booking).fee == f"Lunas dengan kredit dari pemesanan {earlier.code}"
    # An unused credit of the person shows whichever booking is looked at.
    FeeCredit.objects.filter(source=earlier).update(used_by=None, person=booking.person)
    assert "Kredit Rp350.000 (Paspor biasa (non-elektronik)) sampai" in checkin_case(booking).fee
