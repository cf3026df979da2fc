"""Priority and express places at the walk-in desk, the express bill and a class change at the
counter. Time frozen on Tue 1 Dec 2026, 07:30 WIB (office A: express until 10.00, pay by 12.00)."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.class_changes import booking_class_change, declaration_record
from loket.booking.models import Booking, ClassDay, ClassQuota, DeclarationCheck, QuotaClass, WalkinDay
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.onsite.models import Ticket
from loket.onsite.tests.conftest import staff_client
from loket.payments.models import FeeItem, FeeRate
from loket.payments.selectors import payment_lines
from loket.walkin.services import WalkinRequest, walkin_register
from loket.walkin.tests.conftest import NOW, TODAY, nik, post_walkin, share

pytestmark = pytest.mark.usefixtures("frozen")


def classes(office: Office, *, priority: int = 2, express: int = 1) -> Office:
    for weekday in range(7):
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=priority)
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=express)
    return office


def request(i: int = 1, **overrides: Any) -> WalkinRequest:
    fields: dict[str, Any] = {
        "full_name": f"Budi {i}",
        "nik": nik(i),
        "birth_date": dt.date(1985, 3, 12),
        "sex": "M",
        "service": "new",
        "passport_type": "regular",
    }
    fields.update(overrides)
    return WalkinRequest(**fields)


ELDERLY_NIK = "3174011203500001"  # a man born 12 March 1950


def test_express_walkin_takes_an_express_place_and_is_billed_both_items(
    office_a: Office, checkin_officer_a: User
) -> None:
    classes(office_a)
    booking = walkin_register(
        officer=checkin_officer_a, office=office_a, request=request(quota_class="express"), day=TODAY
    )
    assert (booking.quota_class, booking.class_day.quota_class, booking.pool_day) == ("express", "express", None)
    assert ClassDay.objects.get(quota_class="express").used == 1
    assert not WalkinDay.objects.filter(used__gt=0).exists()
    payment = booking.payment
    assert payment.amount == 1_350_000
    assert [(line.label, line.amount) for line in payment_lines(payment)] == [
        ("PNBP paspor", 350_000),
        ("PNBP layanan percepatan (selesai di hari yang sama)", 1_000_000),
    ]
    # Payable until the office's payment cut-off (12.00 WIB), not the end of the day.
    assert payment.deadline == dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)


def test_the_express_fee_follows_the_fee_table_dates(office_a: Office, checkin_officer_a: User) -> None:
    classes(office_a)
    FeeRate.objects.create(item=FeeItem.EXPRESS, amount=1_200_000, effective_from=TODAY + dt.timedelta(days=1))
    FeeRate.objects.create(item=FeeItem.EXPRESS, amount=1_100_000, effective_from=TODAY)
    booking = walkin_register(
        officer=checkin_officer_a, office=office_a, request=request(quota_class="express"), day=TODAY
    )
    assert booking.payment.amount == 350_000 + 1_100_000


def test_express_is_refused_after_the_arrival_cutoff_with_the_next_day(
    office_a: Office, checkin_officer_a: User
) -> None:
    classes(office_a)
    at_1030 = NOW + dt.timedelta(hours=3)
    with time_machine.travel(at_1030, tick=False), pytest.raises(DomainError) as refused:
        walkin_register(officer=checkin_officer_a, office=office_a, request=request(quota_class="express"), day=TODAY)
    assert refused.value.code == "express_closed" and refused.value.extra["next_day"] == "2026-12-02"
    assert not Booking.objects.exists() and not ClassDay.objects.exists()


def test_the_last_express_place_goes_once_and_the_next_person_is_offered_tomorrow(
    office_a: Office, checkin_officer_a: User
) -> None:
    classes(office_a, express=1)
    walkin_register(officer=checkin_officer_a, office=office_a, request=request(1, quota_class="express"), day=TODAY)
    with pytest.raises(Conflict) as refused:
        walkin_register(
            officer=checkin_officer_a, office=office_a, request=request(2, quota_class="express"), day=TODAY
        )
    assert refused.value.code == "class_full" and refused.value.extra["next_day"] == "2026-12-02"
    assert "Rabu, 2 Desember 2026 sebelum pukul 10.00 WIB" in refused.value.message
    assert Booking.objects.count() == 1


def test_priority_place_for_an_elderly_person_from_the_birth_date(office_a: Office, checkin_officer_a: User) -> None:
    classes(office_a)
    booking = walkin_register(
        officer=checkin_officer_a,
        office=office_a,
        request=request(nik=ELDERLY_NIK, birth_date=dt.date(1950, 3, 12), quota_class="priority"),
        day=TODAY,
    )
    assert (booking.quota_class, booking.priority_reason, booking.declaration_check) == ("priority", "elderly", "")
    assert booking.payment.amount == 350_000  # priority costs nothing extra


def test_priority_is_refused_to_a_person_who_does_not_qualify(office_a: Office, checkin_officer_a: User) -> None:
    classes(office_a)
    with pytest.raises(DomainError) as refused:
        walkin_register(officer=checkin_officer_a, office=office_a, request=request(quota_class="priority"), day=TODAY)
    assert refused.value.field == "priority_reason"
    assert not ClassDay.objects.exists()


def test_an_office_without_the_class_refuses_it(office_a: Office, checkin_officer_a: User) -> None:
    with pytest.raises(DomainError) as refused:
        walkin_register(officer=checkin_officer_a, office=office_a, request=request(quota_class="express"), day=TODAY)
    assert refused.value.code == "class_not_offered"


def test_the_desk_page_registers_a_declared_priority_visitor_with_a_p_ticket(
    office_a: Office, checkin_officer_a: User
) -> None:
    classes(office_a)
    client = staff_client(checkin_officer_a)
    page = client.get(f"/petugas/{office_a.code}/walkin/").content.decode()
    assert 'id="class-places"' in page and "sisa 1 dari 1" in page and "10.00 WIB" in page and "12.00 WIB" in page
    response = post_walkin(client, office_a, quota_class="priority", priority="disabled")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.priority_reason, booking.declaration_check) == ("disabled", DeclarationCheck.PENDING)
    assert Ticket.objects.get(booking=booking).display == "P001"
    done = client.get(response["Location"]).content.decode()
    assert 'id="quota-class"' in done and "Prioritas" in done


def test_the_desk_page_shows_the_refusal_on_the_class_field(office_a: Office, checkin_officer_a: User) -> None:
    classes(office_a)
    response = post_walkin(staff_client(checkin_officer_a), office_a, quota_class="priority")
    assert response.status_code == 422
    assert "Tempat prioritas hanya untuk" in response.content.decode()


def _regular(office: Office, officer: User, i: int = 1) -> Booking:
    share(office, 50)
    return walkin_register(officer=officer, office=office, request=request(i), day=TODAY)


def test_class_change_to_express_moves_the_place_and_changes_the_bill(
    office_a: Office, counter_officer_a: User
) -> None:
    classes(office_a)
    booking = _regular(office_a, counter_officer_a)
    old_code = booking.payment.billing_code
    changed = booking_class_change(booking=booking, quota_class="express", by=counter_officer_a, note="minta cepat")
    assert (changed.quota_class, changed.pool_day, changed.class_day.quota_class) == ("express", None, "express")
    assert WalkinDay.objects.get().used == 0 and ClassDay.objects.get(quota_class="express").used == 1
    changed.payment.refresh_from_db()
    assert changed.payment.amount == 1_350_000 and changed.payment.billing_code != old_code
    assert changed.payment.deadline == dt.datetime(2026, 12, 1, 5, 0, tzinfo=dt.UTC)
    assert len(payment_lines(changed.payment)) == 2
    entry = AuditEntry.objects.get(action="booking.class_change")
    assert (entry.before["quota_class"], entry.after["quota_class"], entry.after["note"]) == (
        "regular",
        "express",
        "minta cepat",
    )
    back = booking_class_change(booking=changed, quota_class="regular", by=counter_officer_a)
    back.payment.refresh_from_db()
    assert (back.quota_class, back.payment.amount, back.class_day) == ("regular", 350_000, None)
    assert ClassDay.objects.get(quota_class="express").used == 0 and WalkinDay.objects.get().used == 1


def test_class_change_is_refused_when_the_class_is_full_and_nothing_moves(
    office_a: Office, counter_officer_a: User
) -> None:
    classes(office_a, express=1)
    share(office_a, 50)
    walkin_register(officer=counter_officer_a, office=office_a, request=request(9, quota_class="express"), day=TODAY)
    booking = _regular(office_a, counter_officer_a)
    with pytest.raises(Conflict):
        booking_class_change(booking=booking, quota_class="express", by=counter_officer_a)
    booking.refresh_from_db()
    assert (booking.quota_class, booking.pool_day_id is not None) == ("regular", True)
    assert booking.payment.amount == 350_000
    assert not AuditEntry.objects.filter(action="booking.class_change").exists()


def test_a_wrong_declaration_is_recorded_and_the_office_may_move_the_person(
    office_a: Office, counter_officer_a: User
) -> None:
    classes(office_a)
    share(office_a, 50)
    booking = walkin_register(
        officer=counter_officer_a,
        office=office_a,
        request=request(quota_class="priority", priority_reason="pregnant"),
        day=TODAY,
    )
    checked = declaration_record(booking=booking, correct=False, by=counter_officer_a, decision="regular")
    assert checked.declaration_check == DeclarationCheck.WRONG
    entry = AuditEntry.objects.get(action="booking.priority_declaration")
    assert entry.after == {"check": "wrong", "decision": "regular", "note": ""}
    moved = booking_class_change(booking=checked, quota_class="regular", by=counter_officer_a, note="pernyataan salah")
    assert moved.quota_class == "regular" and ClassDay.objects.get(quota_class="priority").used == 0
    with pytest.raises(DomainError):
        declaration_record(booking=moved, correct=True, by=counter_officer_a)
