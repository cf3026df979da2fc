"""A phone that writes to the real inbound endpoint, and the offices it books at.

Time: Tue 1 Dec 2026, 07:30 WIB unless a test moves it.
"""

import datetime as dt
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.booking.tests.conftest import make_office
from loket.notify.models import Message
from loket.offices.models import Office
from loket.payments.signing import signature_for

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tue 07:30 in Jakarta
SMS_SECRET = "test-sms-secret"
WA_SECRET = "test-whatsapp-secret"
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _channel_settings(settings: Any) -> None:
    settings.LOKET_SMS_INBOUND_SECRET = SMS_SECRET
    settings.LOKET_SMS_INBOUND_SECRET_PREVIOUS = ""
    settings.LOKET_WHATSAPP_INBOUND_SECRET = WA_SECRET
    settings.LOKET_WHATSAPP_INBOUND_SECRET_PREVIOUS = ""
    settings.LOKET_PAYMENT_REQUIRED = True
    settings.LOKET_CANCEL_RELEASE_MINUTES = 0
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def plb(db: None) -> Office:
    """PLB, Palembang: 08:00 (3 seats) and 09:00 (1 seat) every day."""
    office = make_office("PLB", capacity=3)
    office.city = "Palembang"
    office.name = "Kantor Imigrasi Palembang"
    office.save()
    return office


def signed_headers(body: bytes, *, secret: str, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(dt.datetime.now(tz=dt.UTC).timestamp()) if timestamp is None else timestamp)
    return {"X-Loket-Timestamp": ts, "X-Loket-Signature": signature_for(secret=secret, timestamp=ts, body=body)}


def inbound_body(sender: str, text: str, message_id: str | None = None) -> bytes:
    return json.dumps({"message_id": message_id or f"GW-{next(_ids)}", "from": sender, "text": text}).encode()


class Phone:
    """A person's phone writing on one channel through the gateway, and reading the replies."""

    def __init__(self, number: str, channel: str = "sms") -> None:
        self.number = number
        self.channel = channel
        self.client = Client()
        self.replies: list[str] = []

    def post(self, body: bytes, headers: dict[str, str]) -> Any:
        return self.client.post(
            f"/api/v1/channels/{self.channel}/inbound", body, content_type="application/json", headers=headers
        )

    def send(self, text: str) -> str:
        body = inbound_body(self.number, text)
        secret = SMS_SECRET if self.channel == "sms" else WA_SECRET
        response = self.post(body, signed_headers(body, secret=secret))
        assert response.status_code == 200, response.content
        message = Message.objects.get(pk=response.json()["reply"])
        assert message.channel == self.channel
        self.replies.append(message.body)
        return message.body
