"""Late payments and replays racing each other: real parallel HTTP requests on PostgreSQL."""

import datetime as dt
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.utils import timezone

from loket.booking.models import Booking, BookingStatus, Slot
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.payments.models import PaymentEvent
from loket.payments.services import payment_expire
from loket.payments.tests.conftest import applicant, book, messages, report, signed

WSGIServer.request_queue_size = 256  # see loket/booking/tests/test_concurrency.py

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


def all_at_once(url: str, bodies: list[bytes]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(bodies))

    def send(body: bytes) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            headers = {**signed(body), "Content-Type": "application/json"}
            barrier.wait()
            return client.post(f"{url}/api/v1/payments/notify", content=body, headers=headers)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


def expired_bookings(n: int, *, capacity: int, day: dt.date) -> list[Booking]:
    """n expired bookings of one window of `capacity` seats, all seats free again."""
    done: list[Booking] = []
    while len(done) < n:
        wave = [book(applicant(len(done) + i), day=day) for i in range(min(capacity, n - len(done)))]
        for booking in wave:
            payment_expire_now(booking)
        done += wave
    return done


def payment_expire_now(booking: Booking) -> None:
    booking.payment.__class__.objects.filter(pk=booking.payment.pk).update(deadline=timezone.now())
    assert payment_expire(payment_id=booking.payment.pk)


def test_late_payments_racing_for_three_free_seats_confirm_exactly_three(live_server: Any) -> None:
    day = open_day_ahead()
    make_office(capacity=3)
    late = expired_bookings(12, capacity=3, day=day)
    assert Slot.objects.get(date=day, start="08:00").booked == 0

    responses = all_at_once(live_server.url, [report(b) for b in late])

    assert {r.status_code for r in responses} == {200}, [r.content for r in responses]
    outcome = Counter(r.json()["booking_status"] for r in responses)
    assert outcome == {"confirmed": 3, "paid_needs_rebooking": 9}
    assert Slot.objects.get(date=day, start="08:00").booked == 3
    assert Booking.objects.filter(slot__date=day, status=BookingStatus.CONFIRMED, seat_released=False).count() == 3


def test_one_notification_delivered_ten_times_at_once_settles_once(live_server: Any) -> None:
    make_office()
    booking = book(applicant(1), day=open_day_ahead())
    body = report(booking)

    responses = all_at_once(live_server.url, [body] * 10)

    assert {r.status_code for r in responses} == {200}, [r.content for r in responses]
    assert {r.json()["booking_status"] for r in responses} == {"confirmed"}
    assert PaymentEvent.objects.count() == 1
    assert messages(booking, "confirmed") == 1
