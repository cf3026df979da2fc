"""A priority or express place booked online in an appointment, where the office allows it: the
booking holds the window's seat and the class place, claimed in one transaction and given back
together. Time frozen on Tue 1 Dec 2026, 07:30 WIB."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from conftest import make_applicant
from loket.accounts.models import User
from loket.booking.class_changes import booking_class_change
from loket.booking.models import Booking, BookingStatus, ClassDay, ClassQuota, DeclarationCheck, QuotaClass, Slot
from loket.booking.services import (
    BookingRequest,
    booking_cancel,
    booking_confirm_paid,
    booking_create,
    booking_expire,
    booking_reschedule,
)
from loket.booking.tests.conftest import make_office
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.payments.models import Payment, PaymentItem

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 WIB
TODAY = dt.date(2026, 12, 1)
WEDNESDAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _frozen(settings: Any) -> Any:
    settings.LOKET_CANCEL_RELEASE_MINUTES = 0
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def batam() -> Office:
    """Batam: priority places bookable online on weekdays (1 a day), express online (1 a day);
    on Thursday the priority places are taken at the office only."""
    office = make_office("BTM")
    for weekday in range(5):
        online = weekday != 3
        ClassQuota.objects.create(
            office=office, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=1, bookable_online=online
        )
        ClassQuota.objects.create(
            office=office, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=1, bookable_online=True
        )
    return office


@pytest.fixture
def elder() -> User:
    """Pak Harun, 68: priority by his birth date."""
    return make_applicant(
        email="harun@example.id", nik="2171010101580001", full_name="Harun", birth_date=dt.date(1958, 1, 1), sex="M"
    )


def ask(
    quota_class: str, day: dt.date = WEDNESDAY, start: int = 8, priority_reason: str = "", passport: str = "regular"
) -> BookingRequest:
    return BookingRequest(
        office="BTM",
        date=day,
        start=dt.time(start),
        service="new",
        passport_type=passport,
        quota_class=quota_class,
        priority_reason=priority_reason,
    )


def counts(office: Office, day: dt.date, start: int = 8) -> tuple[int, dict[str, int]]:
    slot = Slot.objects.get(office=office, date=day, start=dt.time(start))
    return slot.booked, dict(ClassDay.objects.filter(office=office, date=day).values_list("quota_class", "used"))


def test_a_priority_place_booked_online_takes_the_seat_and_the_place(batam: Office, elder: User) -> None:
    booking, created = booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    assert created
    assert (booking.quota_class, booking.priority_reason, booking.class_online) == ("priority", "elderly", True)
    assert booking.declaration_check == DeclarationCheck.NOT_NEEDED
    assert counts(batam, WEDNESDAY) == (1, {"priority": 1})
    assert Payment.objects.get(booking=booking).amount == 350_000  # no express line


def test_a_declared_reason_is_booked_and_left_for_the_counter_to_check(batam: Office, applicant: User) -> None:
    booking, _created = booking_create(user=applicant, request=ask(QuotaClass.PRIORITY, priority_reason="pregnant"))
    assert (booking.priority_reason, booking.declaration_check) == ("pregnant", DeclarationCheck.PENDING)


@pytest.mark.parametrize(
    ("request_", "code", "field"),
    [
        (ask(QuotaClass.PRIORITY), "priority_not_eligible", "priority_reason"),  # Ani is 36
        (ask(QuotaClass.PRIORITY, priority_reason="elderly"), "priority_not_eligible", "priority_reason"),
        (
            ask(QuotaClass.PRIORITY, day=dt.date(2026, 12, 3), priority_reason="disabled"),
            "class_not_online",
            "quota_class",
        ),
        (ask(QuotaClass.EXPRESS), "express_today_only", "day"),
    ],
)
def test_refusals_name_the_field_and_take_nothing(
    batam: Office, applicant: User, request_: BookingRequest, code: str, field: str
) -> None:
    with pytest.raises(DomainError) as refused:
        booking_create(user=applicant, request=request_)
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, field, 422)
    assert not Booking.objects.exists()
    assert not ClassDay.objects.filter(used__gt=0).exists()
    assert not Slot.objects.filter(booked__gt=0).exists()


def test_an_office_without_online_classes_refuses_with_the_reason(applicant: User) -> None:
    make_office("BTM")
    with pytest.raises(DomainError) as refused:
        booking_create(user=applicant, request=ask(QuotaClass.PRIORITY, priority_reason="disabled"))
    assert refused.value.code == "class_not_online"
    assert "meja petugas" in refused.value.message


def test_a_full_class_rolls_the_seat_back_and_names_the_next_day(batam: Office, elder: User, applicant: User) -> None:
    booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    with pytest.raises(Conflict) as refused:
        booking_create(user=applicant, request=ask(QuotaClass.PRIORITY, priority_reason="disabled"))
    assert (refused.value.code, refused.value.field) == ("class_full", "quota_class")
    # Thursday's priority places are taken at the office only: Friday is the next day bookable online.
    assert refused.value.extra["next_day"] == "2026-12-04"
    assert counts(batam, WEDNESDAY) == (1, {"priority": 1})
    assert Booking.objects.count() == 1


def test_express_online_today_bills_both_lines_payable_before_the_appointment(batam: Office, applicant: User) -> None:
    booking, _created = booking_create(user=applicant, request=ask(QuotaClass.EXPRESS, day=TODAY))
    assert counts(batam, TODAY) == (1, {"express": 1})
    payment = Payment.objects.get(booking=booking)
    assert sorted(PaymentItem.objects.filter(payment=payment).values_list("item", "amount")) == [
        ("express", 1_000_000),
        ("passport", 350_000),
    ]
    assert payment.amount == 1_350_000
    assert payment.deadline == dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # the 08:00 WIB appointment


def test_express_needs_an_appointment_before_the_arrival_cutoff(batam: Office, applicant: User) -> None:
    Office.objects.filter(pk=batam.pk).update(express_arrival_cutoff=dt.time(9))
    with pytest.raises(DomainError) as refused:
        booking_create(user=applicant, request=ask(QuotaClass.EXPRESS, day=TODAY, start=9))
    assert (refused.value.code, refused.value.field) == ("express_closed", "start")
    assert "09.00 WIB" in refused.value.message
    after_cutoff = time_machine.travel(NOW + dt.timedelta(hours=1, minutes=31), tick=False)  # 09.01
    with after_cutoff, pytest.raises(DomainError) as late:
        booking_create(user=applicant, request=ask(QuotaClass.EXPRESS, day=TODAY, start=9))
    assert late.value.code in ("express_closed", "unknown_window")  # the 09:00 window has started too
    assert not Booking.objects.exists()


def test_cancel_gives_back_the_seat_and_the_place(batam: Office, elder: User) -> None:
    booking, _created = booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    booking_cancel(user=elder, code=booking.code)
    assert counts(batam, WEDNESDAY) == (0, {"priority": 0})


def test_expiry_gives_back_both_and_a_late_payment_takes_both_again(batam: Office, elder: User) -> None:
    booking, _created = booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    assert booking_expire(booking_id=booking.pk)
    assert counts(batam, WEDNESDAY) == (0, {"priority": 0})
    assert booking_confirm_paid(booking_id=booking.pk) == BookingStatus.CONFIRMED
    assert counts(batam, WEDNESDAY) == (1, {"priority": 1})


def test_a_late_payment_without_a_place_left_takes_nothing(batam: Office, elder: User, applicant: User) -> None:
    booking, _created = booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    booking_expire(booking_id=booking.pk)
    booking_create(user=applicant, request=ask(QuotaClass.PRIORITY, start=9, priority_reason="disabled"))
    assert booking_confirm_paid(booking_id=booking.pk) == BookingStatus.PAID_NEEDS_REBOOKING
    assert counts(batam, WEDNESDAY) == (0, {"priority": 1})


def test_a_reschedule_moves_the_seat_and_the_place(batam: Office, elder: User) -> None:
    booking, _created = booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    moved = booking_reschedule(user=elder, code=booking.code, date=dt.date(2026, 12, 4), start=dt.time(8))
    assert (moved.quota_class, moved.class_online) == ("priority", True)
    assert counts(batam, WEDNESDAY) == (0, {"priority": 0})
    assert counts(batam, dt.date(2026, 12, 4)) == (1, {"priority": 1})


def test_a_reschedule_to_a_day_without_a_place_changes_nothing(batam: Office, elder: User, applicant: User) -> None:
    booking, _created = booking_create(user=elder, request=ask(QuotaClass.PRIORITY))
    booking_create(
        user=applicant, request=ask(QuotaClass.PRIORITY, day=dt.date(2026, 12, 4), priority_reason="disabled")
    )
    with pytest.raises(Conflict) as refused:
        booking_reschedule(user=elder, code=booking.code, date=dt.date(2026, 12, 4), start=dt.time(9))
    assert refused.value.code == "class_full"
    assert counts(batam, WEDNESDAY) == (1, {"priority": 1})
    assert counts(batam, dt.date(2026, 12, 4), start=9) == (0, {"priority": 1})
    booking.refresh_from_db()
    assert (booking.slot.date, booking.reschedule_count) == (WEDNESDAY, 0)


def test_back_to_regular_at_the_counter_keeps_the_window_seat(batam: Office, applicant: User, admin_user: User) -> None:
    booking, _created = booking_create(user=applicant, request=ask(QuotaClass.EXPRESS, day=TODAY))
    booking_class_change(booking=booking, quota_class=QuotaClass.REGULAR, by=admin_user)
    booking.refresh_from_db()
    assert (booking.quota_class, booking.class_day_id, booking.class_online) == ("regular", None, False)
    assert counts(batam, TODAY) == (1, {"express": 0})
    booking_cancel(user=applicant, code=booking.code)
    assert counts(batam, TODAY) == (0, {"express": 0})


def test_the_api_books_a_class_place_and_refuses_with_the_field(
    api: Any, batam: Office, auth_headers: dict[str, str]
) -> None:
    body = {"office": "BTM", "date": "2026-12-02", "start": "08:00", "service": "new", "passport_type": "regular"}
    refused = api.post(
        "/api/v1/bookings", {**body, "quota_class": "priority"}, content_type="application/json", headers=auth_headers
    )
    assert refused.status_code == 422, refused.content
    assert (refused.json()["code"], refused.json()["field"]) == ("priority_not_eligible", "priority_reason")
    booked = api.post(
        "/api/v1/bookings",
        {**body, "quota_class": "priority", "priority_reason": "disabled"},
        content_type="application/json",
        headers=auth_headers,
    )
    assert booked.status_code == 201, booked.content
    assert (booked.json()["quota_class"], booked.json()["priority_reason"]) == ("priority", "disabled")
    classes = api.get("/api/v1/offices/BTM/classes?start=2026-12-02&days=2").json()
    wednesday, thursday = classes["days"]
    assert wednesday["classes"][0] == {
        "quota_class": "priority",
        "capacity": 1,
        "remaining": 0,
        "bookable_online": True,
    }
    assert thursday["classes"][0]["bookable_online"] is False


def test_the_admin_switches_online_booking_of_a_class_and_the_audit_log_says_so(
    admin_client: Any, batam: Office
) -> None:
    from loket.audit.models import AuditEntry

    quota = ClassQuota.objects.get(office=batam, quota_class=QuotaClass.PRIORITY, weekday=3)
    form = {"office": batam.pk, "quota_class": "priority", "weekday": 3, "capacity": 1, "bookable_online": "on"}
    answer = admin_client.post(f"/admin/booking/classquota/{quota.pk}/change/", form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="admin.class_quota_change")
    assert (entry.before["bookable_online"], entry.after["bookable_online"]) == (False, True)
