"""POST /api/v1/payments/notify: only genuine, fresh, forward-moving notifications change anything."""

import datetime as dt
import json
import logging
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from loket.booking.models import Booking, BookingStatus, Slot
from loket.core.datefmt import grouped
from loket.offices.models import Closure, Office
from loket.payments.models import Payment, PaymentEvent, PaymentStatus
from loket.payments.selectors import payments_needing_rebooking
from loket.payments.tasks import payment_deadlines
from loket.payments.tests.conftest import NOW, applicant, book, messages, post, report, signed


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booking(office: Office) -> Booking:
    return book(applicant(1))


def state(booking: Booking) -> tuple[str, str]:
    booking.refresh_from_db()
    return booking.status, Payment.objects.get(booking=booking).status


def test_paid_in_time_confirms_the_booking_and_says_so(
    api: Client, booking: Booking, django_capture_on_commit_callbacks: Any
) -> None:
    body = report(booking)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(api, body, signed(body))
    assert response.status_code == 200, response.content
    assert response.json() == {"ok": True, "status": "paid", "booking_status": "confirmed"}
    assert state(booking) == (BookingStatus.CONFIRMED, PaymentStatus.PAID)
    payment = Payment.objects.get(booking=booking)
    assert (payment.paid_at, payment.provider_ref) == (NOW, "BANK-1")
    assert messages(booking, "confirmed") == 1
    assert [m.subject for m in mail.outbox] == [f"Pemesanan {grouped(booking.code)} terkonfirmasi"]
    assert Slot.objects.get(start="08:00").booked == 1  # the held seat, not a second one


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"X-Loket-Signature": "0" * 64}, id="forged"),
        pytest.param({}, id="missing-both"),
        pytest.param({"X-Loket-Signature": "sig"}, id="missing-timestamp"),
        pytest.param({"X-Loket-Timestamp": "now"}, id="unreadable-timestamp"),
        pytest.param({"X-Loket-Signature": "ŝ" * 64}, id="non-ascii"),
    ],
)
def test_forged_or_unsigned_notification_is_401_and_changes_nothing(
    api: Client, booking: Booking, caplog: Any, headers: dict[str, str]
) -> None:
    body = report(booking)
    genuine = signed(body)
    if "X-Loket-Signature" in headers and "X-Loket-Timestamp" not in headers and headers["X-Loket-Signature"] != "sig":
        headers = {**headers, "X-Loket-Timestamp": genuine["X-Loket-Timestamp"]}
    with caplog.at_level(logging.WARNING, logger="loket.security"):
        response = post(api, body, headers)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert state(booking) == (BookingStatus.AWAITING_PAYMENT, PaymentStatus.PENDING)
    assert not PaymentEvent.objects.exists()
    assert any(r.name == "loket.security" and "refused" in r.getMessage() for r in caplog.records)


def test_body_changed_after_signing_is_401(api: Client, booking: Booking) -> None:
    headers = signed(report(booking, amount=1))
    assert post(api, report(booking), headers).status_code == 401


@pytest.mark.parametrize("minutes", [6, -6])
def test_stale_or_future_timestamp_is_401(api: Client, booking: Booking, caplog: Any, minutes: int) -> None:
    body = report(booking)
    sent = int((NOW - dt.timedelta(minutes=minutes)).timestamp())
    with caplog.at_level(logging.WARNING, logger="loket.security"):
        response = post(api, body, signed(body, timestamp=sent))
    assert response.status_code == 401
    assert state(booking) == (BookingStatus.AWAITING_PAYMENT, PaymentStatus.PENDING)
    assert "off" in caplog.text


def test_four_minutes_of_clock_skew_is_tolerated(api: Client, booking: Booking) -> None:
    body = report(booking)
    assert post(api, body, signed(body, timestamp=int(NOW.timestamp()) - 240)).status_code == 200


def test_replayed_notification_changes_nothing_and_sends_nothing_twice(
    api: Client, booking: Booking, django_capture_on_commit_callbacks: Any
) -> None:
    body = report(booking)
    headers = signed(body)
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api, body, headers)
    paid_at = Payment.objects.get(booking=booking).paid_at
    with (
        time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = post(api, body, headers)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json() == first.json()
    assert PaymentEvent.objects.count() == 1
    assert Payment.objects.get(booking=booking).paid_at == paid_at
    assert messages(booking, "confirmed") == 1
    assert len(mail.outbox) == 1


def test_pending_or_failed_after_paid_is_ignored(api: Client, booking: Booking) -> None:
    paid = report(booking)
    assert post(api, paid, signed(paid)).status_code == 200
    for late in ("pending", "failed"):
        body = report(booking, status=late, ref="BANK-2")
        response = post(api, body, signed(body))
        assert response.status_code == 200
        assert response.json()["status"] == "paid"
    assert state(booking) == (BookingStatus.CONFIRMED, PaymentStatus.PAID)
    assert Payment.objects.get(booking=booking).provider_ref == "BANK-1"
    assert list(PaymentEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "applied",
        "ignored",
        "ignored",
    ]


def test_failed_then_paid_moves_forward(api: Client, booking: Booking) -> None:
    failed = report(booking, status="failed")
    assert post(api, failed, signed(failed)).json()["status"] == "failed"
    assert state(booking) == (BookingStatus.AWAITING_PAYMENT, PaymentStatus.FAILED)  # the seat is still held
    paid = report(booking)
    assert post(api, paid, signed(paid)).json()["status"] == "paid"
    assert state(booking) == (BookingStatus.CONFIRMED, PaymentStatus.PAID)


@pytest.mark.parametrize("amount", [349_999, 350_001, 0])
def test_wrong_amount_is_422_and_nothing_is_paid(api: Client, booking: Booking, caplog: Any, amount: int) -> None:
    body = report(booking, amount=amount)
    with caplog.at_level(logging.WARNING, logger="loket.security"):
        response = post(api, body, signed(body))
    assert response.status_code == 422
    assert (response.json()["code"], response.json()["field"]) == ("amount_mismatch", "amount")
    assert state(booking) == (BookingStatus.AWAITING_PAYMENT, PaymentStatus.PENDING)
    assert messages(booking, "confirmed") == 0
    assert PaymentEvent.objects.get().outcome == "amount_mismatch"  # kept for the audit
    assert "amount" in caplog.text
    assert post(api, body, signed(body)).status_code == 422  # a replay gets the same answer


def test_unknown_billing_code_is_404(api: Client, booking: Booking) -> None:
    body = json.dumps({"billing_code": "9" * 15, "amount": 350_000, "status": "paid", "provider_ref": "X"}).encode()
    response = post(api, body, signed(body))
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_billing_code"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", None),
        (b"[]", None),
        (b'{"billing_code": "%s", "amount": "350000", "status": "paid"}', "amount"),
        (b'{"billing_code": "%s", "amount": 350000.0, "status": "paid"}', "amount"),
        (b'{"billing_code": "%s", "amount": true, "status": "paid"}', "amount"),
        (b'{"billing_code": "%s", "amount": 350000, "status": "refunded"}', "status"),
        (b'{"billing_code": "12345", "amount": 350000, "status": "paid"}', "billing_code"),
        (b'{"amount": 350000, "status": "paid"}', "billing_code"),
        (b'{"billing_code": "%s", "amount": 350000, "status": "paid", "provider_ref": 7}', "provider_ref"),
    ],
)
def test_bad_json_or_types_are_4xx_json_never_500(
    api: Client, booking: Booking, body: bytes, field: str | None
) -> None:
    if b"%s" in body:
        body = body.replace(b"%s", booking.payment.billing_code.encode())
    response = post(api, body, signed(body))
    assert 400 <= response.status_code < 500, response.content
    assert "code" in response.json()
    if field:
        assert response.json()["field"] == field
    assert state(booking) == (BookingStatus.AWAITING_PAYMENT, PaymentStatus.PENDING)


def test_old_secret_is_accepted_during_a_rotation_and_not_after(api: Client, booking: Booking, settings: Any) -> None:
    settings.PAYMENT_WEBHOOK_SECRET = "the-new-secret"
    settings.PAYMENT_WEBHOOK_SECRET_PREVIOUS = "the-old-secret"
    pending = report(booking, status="failed")
    assert post(api, pending, signed(pending, secret="the-old-secret")).status_code == 200
    assert post(api, pending, signed(pending, secret="a-guess")).status_code == 401
    settings.PAYMENT_WEBHOOK_SECRET_PREVIOUS = ""  # rotation finished
    paid = report(booking)
    assert post(api, paid, signed(paid, secret="the-old-secret")).status_code == 401
    assert post(api, paid, signed(paid, secret="the-new-secret")).status_code == 200


def expire(booking: Booking) -> None:
    with time_machine.travel(booking.payment.deadline, tick=False):
        assert payment_deadlines()["expired"] >= 1
    assert state(booking) == (BookingStatus.EXPIRED, PaymentStatus.EXPIRED)


def test_late_payment_while_the_seat_is_still_free_confirms(api: Client, booking: Booking) -> None:
    expire(booking)
    assert Slot.objects.get(start="08:00").booked == 0
    body = report(booking)
    with time_machine.travel(booking.payment.deadline + dt.timedelta(minutes=10), tick=False):
        response = post(api, body, signed(body))
    assert response.json() == {"ok": True, "status": "paid", "booking_status": "confirmed"}
    booking.refresh_from_db()
    assert (booking.status, booking.seat_released) == (BookingStatus.CONFIRMED, False)
    assert Slot.objects.get(start="08:00").booked == 1
    assert messages(booking, "confirmed") == 1


def test_late_payment_after_the_seat_was_taken_needs_rebooking_never_overbooks(api: Client, office: Office) -> None:
    late = book(applicant(1), start=dt.time(9))  # the 09:00 window has one seat
    expire(late)
    with time_machine.travel(late.payment.deadline + dt.timedelta(minutes=1), tick=False):
        taker = book(applicant(2), start=dt.time(9))  # the freed seat is resold
        body = report(late)
        response = post(api, body, signed(body))
    assert response.status_code == 200
    assert response.json() == {"ok": True, "status": "paid", "booking_status": "paid_needs_rebooking"}
    slot = Slot.objects.get(start="09:00")
    assert (slot.booked, slot.capacity) == (1, 1)
    assert Booking.objects.get(pk=taker.pk).status == BookingStatus.AWAITING_PAYMENT
    late.refresh_from_db()
    assert (late.status, late.seat_released) == (BookingStatus.PAID_NEEDS_REBOOKING, True)
    assert not late.is_active  # holds no seat and does not block a new booking
    assert [p.booking_id for p in payments_needing_rebooking()] == [late.pk]
    assert messages(late, "paid_needs_rebooking") == 1
    assert messages(late, "confirmed") == 0


def test_late_payment_after_the_person_booked_again_needs_rebooking(api: Client, booking: Booking) -> None:
    expire(booking)
    with time_machine.travel(booking.payment.deadline + dt.timedelta(minutes=1), tick=False):
        again = book(booking.booked_by, day=dt.date(2026, 12, 3))  # one active booking per person
        body = report(booking)
        response = post(api, body, signed(body))
    assert response.json()["booking_status"] == "paid_needs_rebooking"
    assert Slot.objects.get(date=dt.date(2026, 12, 2), start="08:00").booked == 0
    assert Booking.objects.get(pk=again.pk).status == BookingStatus.AWAITING_PAYMENT


def test_late_payment_for_a_day_closed_meanwhile_needs_rebooking(api: Client, booking: Booking) -> None:
    expire(booking)
    Closure.objects.create(office=booking.office, date=booking.slot.date, reason="Banjir")
    body = report(booking)
    with time_machine.travel(booking.payment.deadline + dt.timedelta(minutes=10), tick=False):
        response = post(api, body, signed(body))
    assert response.json()["booking_status"] == "paid_needs_rebooking"
    assert Slot.objects.get(start="08:00").booked == 0


def test_late_payment_after_the_window_started_needs_rebooking(api: Client, booking: Booking) -> None:
    expire(booking)
    body = report(booking)
    with time_machine.travel(dt.datetime(2026, 12, 2, 1, 30, tzinfo=dt.UTC), tick=False):  # 08:30 WIB on the day
        response = post(api, body, signed(body))
    assert response.json()["booking_status"] == "paid_needs_rebooking"
    assert Slot.objects.get(start="08:00").booked == 0
