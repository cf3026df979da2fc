"""Classes at the office: the express ticket's own letter (board and voice), and the counter's
class page (change the class, check a declared priority reason). Time frozen on Tue 1 Dec 2026,
07:30 WIB."""

from collections.abc import Iterator

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, ClassDay, ClassQuota, DeclarationCheck, QuotaClass
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.onsite.board import board_state
from loket.onsite.lookup import fee_summary
from loket.onsite.models import Letter, Ticket
from loket.onsite.services.calls import counter_call_next
from loket.onsite.services.classes import ticket_class_change, ticket_declaration_check
from loket.onsite.services.tickets import letter_for
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import counter
from loket.onsite.voice import announcement
from loket.payments.models import BillAdjustment, PaymentEvent, PaymentStatus
from loket.payments.provider import BillReport
from loket.payments.services import payment_report_apply
from loket.walkin.tests.conftest import NOW, post_walkin, share


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def classed(office_a: Office) -> Office:
    share(office_a, 50)
    for weekday in range(7):
        ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=2)
        ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=2)
    return office_a


def register(officer: User, office: Office, i: int, **fields: str) -> Ticket:
    assert post_walkin(staff_client(officer), office, i, **fields).status_code == 302
    return Ticket.objects.get(booking=Booking.objects.latest("pk"))


def test_an_express_visitor_gets_an_e_ticket_shown_and_spoken_on_the_board(
    classed: Office, checkin_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1, quota_class="express")
    assert (ticket.letter, ticket.display) == ("E", "E001")
    assert register(checkin_officer_a, classed, 2).display == "A001"  # regular numbers run on their own
    assert board_state(classed).waiting["E"] == 1
    said = announcement("E001", 3)
    assert said is not None and said.clips[2] == "huruf-e"
    board = staff_client(checkin_officer_a).get("/papan/OFA/").content.decode()
    assert 'data-letter="E"' in board and "Percepatan" in board


def test_the_letter_rules() -> None:
    assert letter_for(service="new", stage="verification", priority="", express=True) == Letter.EXPRESS
    assert letter_for(service="new", stage="pickup", priority="", express=True) == Letter.PICKUP
    assert letter_for(service="new", stage="verification", priority="elderly") == Letter.PRIORITY


def test_the_counter_changes_a_regular_visit_to_express_and_the_bill_follows(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1)
    desk = counter(classed, 1)
    counter_call_next(counter=desk, by=counter_officer_a)
    client = staff_client(counter_officer_a)
    live = client.get("/petugas/OFA/loket/1/").content.decode()
    assert 'id="quota-class"' in live and f"/petugas/OFA/tiket/{ticket.pk}/kelas/" in live
    url = f"/petugas/OFA/tiket/{ticket.pk}/kelas/"
    response = client.post(url, {"action": "change", "quota_class": "express", "note": "minta selesai hari ini"})
    assert response.status_code == 302
    booking = Booking.objects.select_related("payment").get(pk=ticket.booking_id)
    assert booking.quota_class == "express" and booking.payment.amount == 1_350_000
    page = client.get(url).content.decode()
    assert 'id="bill-lines"' in page and "Rp1.000.000" in page and "Rp350.000" in page
    assert AuditEntry.objects.filter(action="booking.class_change", actor=counter_officer_a).exists()
    ticket.refresh_from_db()
    assert ticket.display == "A001"  # the person keeps the number already called


def _pay(billing_code: str, amount: int) -> str:
    report = BillReport(billing_code=billing_code, status="paid", amount=amount, provider_ref=f"ref-{billing_code}")
    return payment_report_apply(report=report, source="webhook", fingerprint=f"fp-{billing_code}").payment_status


def test_regular_to_express_after_payment_opens_an_additional_bill_that_is_paid_once(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1)
    payment = Booking.objects.get(pk=ticket.booking_id).payment
    assert _pay(payment.billing_code, payment.amount) == PaymentStatus.PAID
    client = staff_client(counter_officer_a)
    url = f"/petugas/OFA/tiket/{ticket.pk}/kelas/"
    assert client.post(url, {"action": "change", "quota_class": "express"}).status_code == 302
    booking = Booking.objects.get(pk=ticket.booking_id)
    assert booking.quota_class == "express"
    payment.refresh_from_db()
    assert (payment.amount, payment.status) == (350_000, PaymentStatus.PAID)  # the paid bill is untouched
    charge = BillAdjustment.objects.get()
    assert (charge.kind, charge.item, charge.amount, charge.status) == ("charge", "express", 1_000_000, "open")
    assert charge.billing_code and charge.billing_code != payment.billing_code
    page = client.get(url).content.decode()
    assert 'id="adjustments"' in page and "Tagihan tambahan" in page and "Rp1.000.000" in page
    assert "Tagihan tambahan Rp1.000.000 · Belum selesai" in fee_summary(booking)
    entry = AuditEntry.objects.get(action="payment.adjustment")
    assert (entry.actor, entry.after["kind"], entry.after["amount"]) == (counter_officer_a, "charge", 1_000_000)
    wrong = BillReport(billing_code=charge.billing_code, status="paid", amount=350_000, provider_ref="x")
    for _attempt in range(2):  # the bank must send the charge's amount; its replay is refused the same way
        with pytest.raises(DomainError) as refused:
            payment_report_apply(report=wrong, source="webhook", fingerprint="fp-wrong")
        assert (refused.value.code, refused.value.extra["expected"]) == ("amount_mismatch", 1_000_000)
    # Kept for the audit on the booking's bill, once; the charge stays open.
    mismatch = PaymentEvent.objects.get(fingerprint="fp-wrong")
    assert (mismatch.payment_id, mismatch.outcome, mismatch.reported_amount) == (payment.pk, "amount_mismatch", 350_000)
    charge.refresh_from_db()
    assert charge.status == "open"
    assert _pay(charge.billing_code, 1_000_000) == "paid"
    assert _pay(charge.billing_code, 1_000_000) == "paid"  # a replay changes nothing
    charge.refresh_from_db()
    assert charge.status == "paid" and charge.paid_at is not None
    # Back to regular now: the paid express fee is noted as owed back to the person.
    assert client.post(url, {"action": "change", "quota_class": "regular"}).status_code == 302
    refund = BillAdjustment.objects.get(kind="refund")
    assert (refund.amount, refund.status) == (1_000_000, "open")


def test_express_to_regular_after_payment_leaves_a_refund_note_and_back_voids_it(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1, quota_class="express")
    payment = Booking.objects.get(pk=ticket.booking_id).payment
    assert payment.amount == 1_350_000
    _pay(payment.billing_code, payment.amount)
    client = staff_client(counter_officer_a)
    url = f"/petugas/OFA/tiket/{ticket.pk}/kelas/"
    assert client.post(url, {"action": "change", "quota_class": "regular", "note": "tidak jadi"}).status_code == 302
    refund = BillAdjustment.objects.get()
    assert (refund.kind, refund.amount, refund.billing_code) == ("refund", 1_000_000, None)
    assert "pengembalian PNBP" in client.get(url).content.decode()
    # Express again before the fee went back: the note is voided, no new charge.
    assert client.post(url, {"action": "change", "quota_class": "express"}).status_code == 302
    refund.refresh_from_db()
    assert refund.status == "void"
    assert not BillAdjustment.objects.exclude(status="void").exists()
    assert AuditEntry.objects.filter(action="payment.adjustment").count() == 2


def test_an_unpaid_charge_is_voided_when_the_class_changes_back(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1)
    booking = Booking.objects.get(pk=ticket.booking_id)
    _pay(booking.payment.billing_code, booking.payment.amount)
    ticket_class_change(ticket=ticket, quota_class=QuotaClass.EXPRESS, by=counter_officer_a)
    ticket_class_change(ticket=ticket, quota_class=QuotaClass.REGULAR, by=counter_officer_a)
    charge = BillAdjustment.objects.get()
    assert charge.status == "void"
    # Paid anyway (a transfer already on its way): kept paid, and its fee is owed back.
    assert _pay(charge.billing_code or "", 1_000_000) == "paid"
    assert BillAdjustment.objects.get(kind="refund").amount == 1_000_000


def test_a_wrong_pregnancy_declaration_moves_the_person_to_regular_when_the_office_decides_so(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1, quota_class="priority", priority="pregnant")
    assert ticket.letter == "P" and ticket.priority == "pregnant"
    client = staff_client(counter_officer_a)
    url = f"/petugas/OFA/tiket/{ticket.pk}/kelas/"
    assert "Periksa pernyataan prioritas" in client.get(url).content.decode()
    assert client.post(url, {"action": "declaration", "correct": "no"}).status_code == 422  # no decision chosen
    response = client.post(
        url, {"action": "declaration", "correct": "no", "decision": "regular", "note": "tidak hamil"}
    )
    assert response.status_code == 302
    booking = Booking.objects.get(pk=ticket.booking_id)
    assert (booking.quota_class, booking.declaration_check) == ("regular", DeclarationCheck.WRONG)
    ticket.refresh_from_db()
    assert ticket.priority == ""
    assert ClassDay.objects.get(quota_class="priority").used == 0
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"booking.priority_declaration", "booking.class_change"} <= actions


def test_a_confirmed_declaration_keeps_the_place(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1, quota_class="priority", priority="disabled")
    booking = ticket_declaration_check(ticket=ticket, correct=True, decision="", by=counter_officer_a)
    assert (booking.quota_class, booking.declaration_check) == ("priority", DeclarationCheck.CONFIRMED)
    with pytest.raises(DomainError):
        ticket_declaration_check(ticket=ticket, correct=True, decision="", by=counter_officer_a)


def test_the_class_page_refuses_other_offices_and_unknown_tickets(
    classed: Office, checkin_officer_a: User, officer_b: User
) -> None:
    ticket = register(checkin_officer_a, classed, 1)
    assert staff_client(officer_b).get(f"/petugas/OFA/tiket/{ticket.pk}/kelas/").status_code == 403
    assert staff_client(checkin_officer_a).get(f"/petugas/OFA/tiket/{ticket.pk}/kelas/").status_code == 403
    assert staff_client(officer_b).get(f"/petugas/OFB/tiket/{ticket.pk}/kelas/").status_code == 404


def test_changing_to_a_full_class_is_refused_and_nothing_moves(
    classed: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    for i in (7, 8):
        register(checkin_officer_a, classed, i, quota_class="express")
    ticket = register(checkin_officer_a, classed, 1)
    with pytest.raises(Conflict):
        ticket_class_change(ticket=ticket, quota_class="express", by=counter_officer_a)
    assert Booking.objects.get(pk=ticket.booking_id).quota_class == "regular"
    assert ClassDay.objects.get(quota_class="express").used == 2
