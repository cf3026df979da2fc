"""Actors and helpers for the payment tests. Time: Tue 1 Dec 2026, 07:30 WIB unless a test moves it."""

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from conftest import make_applicant
from loket.accounts.models import User
from loket.booking.models import Booking
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.notify.models import Message
from loket.offices.models import Office
from loket.payments.signing import signature_for

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 in Jakarta
DAY = dt.date(2026, 12, 2)
SECRET = "dev-only-payment-webhook-secret"  # the development default in settings


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # Many applicants per test: argon2 would make each cost a quarter of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.PAYMENT_WEBHOOK_SECRET = SECRET
    settings.PAYMENT_WEBHOOK_SECRET_PREVIOUS = ""
    settings.LOKET_PAYMENT_REQUIRED = True
    settings.LOKET_PAYMENT_DEADLINE_MINUTES = 120
    settings.LOKET_PAYMENT_REMINDER_MINUTES = 30


@pytest.fixture
def office(db: None) -> Office:
    """TST: 08:00–09:00 with 2 seats and 09:00–10:00 with 1 seat, every day."""
    return make_office()


def applicant(i: int) -> User:
    """The i-th distinct verified applicant."""
    return make_applicant(email=f"pemohon{i}@example.id", nik=f"3174011203{85:02d}{i + 1:04d}", sex="M")


def book(user: User, *, day: dt.date = DAY, start: dt.time = dt.time(8), passport_type: str = "regular") -> Booking:
    booking, _created = booking_create(
        user=user,
        request=BookingRequest(office="TST", date=day, start=start, service="new", passport_type=passport_type),
    )
    return booking


def signed(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(dt.datetime.now(tz=dt.UTC).timestamp()) if timestamp is None else timestamp)
    return {"X-Loket-Timestamp": ts, "X-Loket-Signature": signature_for(secret=secret, timestamp=ts, body=body)}


def report(booking: Booking, *, status: str = "paid", amount: int | None = None, ref: str = "BANK-1") -> bytes:
    payment = booking.payment
    body = {
        "billing_code": payment.billing_code,
        "amount": payment.amount if amount is None else amount,
        "status": status,
        "provider_ref": ref,
    }
    return json.dumps(body).encode()


def post(api: Client, body: bytes, headers: dict[str, str]) -> Any:
    return api.post("/api/v1/payments/notify", body, content_type="application/json", headers=headers)


def messages(booking: Booking, event: str) -> int:
    return Message.objects.filter(event_key__startswith=f"booking:{booking.pk}:{event}:").count()
