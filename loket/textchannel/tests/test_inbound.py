"""The inbound endpoints: signed by each channel's own secret, once per gateway message id."""

import datetime as dt
import json
import time
from typing import Any

import pytest

from loket.accounts.models import User
from loket.booking.models import Booking
from loket.notify.models import Message
from loket.textchannel.models import InboundMessage
from loket.textchannel.tests.conftest import SMS_SECRET, WA_SECRET, Phone, inbound_body, signed_headers
from loket.textchannel.tests.test_conversation import ANI, registered

pytestmark = pytest.mark.django_db

NUMBER = "+6281299990001"


def test_unsigned_forged_stale_and_other_channel_messages_are_refused(plb: Any) -> None:
    phone = Phone(NUMBER)
    body = inbound_body(NUMBER, "BANTUAN")
    now = int(time.time())
    refused = [
        {},
        {"X-Loket-Timestamp": str(now)},
        signed_headers(body, secret="not-the-secret"),
        signed_headers(body, secret=SMS_SECRET, timestamp=now - 310),  # older than five minutes
        signed_headers(body, secret=SMS_SECRET, timestamp=now + 310),
        signed_headers(body, secret=WA_SECRET),  # WhatsApp's secret does not open the SMS door
        {**signed_headers(body, secret=SMS_SECRET), "X-Loket-Timestamp": "soon"},
        {**signed_headers(body, secret=SMS_SECRET), "X-Loket-Signature": "ü" * 64},
    ]
    for headers in refused:
        response = phone.post(body, headers)
        assert response.status_code == 401, headers
        assert response.json()["code"] == "bad_signature"
    tampered = body.replace(b"BANTUAN", b"PESAN X")
    assert phone.post(tampered, signed_headers(body, secret=SMS_SECRET)).status_code == 401
    assert not InboundMessage.objects.exists() and not Message.objects.exists()


def test_the_previous_secret_works_during_a_rotation_and_no_secret_means_closed(plb: Any, settings: Any) -> None:
    phone = Phone(NUMBER, "whatsapp")
    body = inbound_body(NUMBER, "BANTUAN")
    settings.LOKET_WHATSAPP_INBOUND_SECRET = "new-secret"
    settings.LOKET_WHATSAPP_INBOUND_SECRET_PREVIOUS = WA_SECRET
    assert phone.post(body, signed_headers(body, secret=WA_SECRET)).status_code == 200
    settings.LOKET_WHATSAPP_INBOUND_SECRET = ""
    settings.LOKET_WHATSAPP_INBOUND_SECRET_PREVIOUS = ""
    body = inbound_body(NUMBER, "BANTUAN")
    assert phone.post(body, signed_headers(body, secret="")).status_code == 401


def test_a_gateway_retry_is_a_no_op(plb: Any, clock: Any) -> None:
    phone = registered(NUMBER)
    phone.send("PESAN PLB besok 8")
    body = inbound_body(NUMBER, "YA", message_id="GW-RETRY-1")
    first = phone.post(body, signed_headers(body, secret=SMS_SECRET)).json()
    again = phone.post(body, signed_headers(body, secret=SMS_SECRET)).json()
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert first["reply"] == again["reply"]
    assert Booking.objects.count() == 1
    assert Message.objects.filter(event_key__startswith="text:sms:").count() == 4  # DAFTAR, KODE, PESAN, YA
    # The same id on the other channel is another message.
    other = phone.post(body, signed_headers(body, secret=SMS_SECRET))
    assert other.json()["duplicate"] is True
    whatsapp = Phone(NUMBER, "whatsapp")
    assert whatsapp.post(body, signed_headers(body, secret=WA_SECRET)).json()["duplicate"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message_id": "1", "from": "12345", "text": "BANTUAN"}, "from"),
        ({"message_id": "1", "from": "+4915112345678", "text": "BANTUAN"}, "from"),
        ({"message_id": "1", "text": "BANTUAN"}, "from"),
        ({"message_id": "", "from": NUMBER, "text": "BANTUAN"}, "message_id"),
        ({"message_id": "x" * 101, "from": NUMBER, "text": "BANTUAN"}, "message_id"),
        ({"message_id": "1", "from": NUMBER}, "text"),
        ({"message_id": "1", "from": NUMBER, "text": "a" * 10_001}, "text"),
        ({"message_id": "1", "from": NUMBER, "text": "BANTUAN", "sent_at": "kemarin"}, "sent_at"),
        ({"message_id": "1", "from": "+62812\x0034567890", "text": "BANTUAN"}, "from"),
    ],
)
def test_a_malformed_message_gets_422_naming_the_field(plb: Any, body: dict[str, str], field: str) -> None:
    raw = json.dumps(body).encode()
    response = Phone(NUMBER).post(raw, signed_headers(raw, secret=SMS_SECRET))
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not InboundMessage.objects.exists()


def test_a_body_that_is_not_json_gets_400(plb: Any) -> None:
    raw = b"from=0812&text=BANTUAN"
    assert Phone(NUMBER).post(raw, signed_headers(raw, secret=SMS_SECRET)).status_code == 400


def test_the_text_itself_is_never_stored(plb: Any, clock: Any) -> None:
    Phone(NUMBER).send(ANI)
    stored = json.dumps(list(InboundMessage.objects.values()), default=str)
    assert "1671014508900002" not in stored and "Lestari" not in stored
    assert InboundMessage.objects.get().command == "register"


def test_a_number_writing_too_much_is_no_longer_answered(plb: Any, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    phone = Phone(NUMBER)
    from loket.textchannel import services

    settings_limit = services.INBOUND_PER_HOUR
    answered = 0
    for _ in range(settings_limit + 2):
        body = inbound_body(NUMBER, "BANTUAN")
        answered += phone.post(body, signed_headers(body, secret=SMS_SECRET)).json()["reply"] is not None
    assert answered == settings_limit
    assert InboundMessage.objects.count() == settings_limit + 2


def test_sent_at_is_kept_for_the_record(plb: Any) -> None:
    raw = json.dumps(
        {"message_id": "T1", "from": "0812 9999 0001", "text": "HELP", "sent_at": "2026-12-01T07:30:00+07:00"}
    )
    Phone(NUMBER).post(raw.encode(), signed_headers(raw.encode(), secret=SMS_SECRET))
    inbound = InboundMessage.objects.get()
    assert inbound.sender == NUMBER  # 0812… written as E.164
    assert inbound.sent_at == dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)
    assert not User.objects.exists()
