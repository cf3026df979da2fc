"""The demo path end to end over real HTTP: `simulate_text`, the payment simulator, the demo phone page."""

import re
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from loket.booking.models import Booking, BookingStatus
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.core.datefmt import grouped
from loket.payments.models import PaymentStatus

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NUMBER = "+6281299990001"


@pytest.fixture
def loket_url(live_server: Any, settings: Any) -> str:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = live_server.url
    settings.PAYMENT_WEBHOOK_SECRET = "dev-only-payment-webhook-secret"
    settings.PAYMENT_WEBHOOK_SECRET_PREVIOUS = ""
    make_office("PLB", capacity=3)
    return str(live_server.url)


def text(capsys: Any, message: str, channel: str = "sms") -> str:
    call_command("simulate_text", NUMBER, message, "--channel", channel)
    return str(capsys.readouterr().out)


def test_a_basic_phone_registers_books_pays_and_checks_through_the_real_endpoints(loket_url: str, capsys: Any) -> None:
    code = re.search(r"KODE (\d{6})", text(capsys, "DAFTAR 1671014508900002 05-08-1990 Ani Lestari"))
    assert code
    assert "Nomor terverifikasi" in text(capsys, f"KODE {code[1]}")
    day = open_day_ahead()
    assert "YA" in text(capsys, f"PESAN PLB {day.day}/{day.month} 8")
    booked = text(capsys, "YA")
    booking = Booking.objects.get()
    assert booking.code in booked and grouped(booking.payment.billing_code) in booked

    call_command("simulate_payment", booking.payment.billing_code)  # the demo provider calls the webhook
    capsys.readouterr()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.payment.status == PaymentStatus.PAID
    assert "terkonfirmasi" in text(capsys, "CEK")
    assert "sudah lunas" in text(capsys, f"BAYAR {booking.code}")
    # The same conversation goes on over WhatsApp: the number is the account, whatever the channel.
    assert booking.code in text(capsys, "CHECK", channel="whatsapp")


def test_the_demo_phone_page_sends_through_the_endpoint_and_shows_the_replies(loket_url: str) -> None:
    page = Client()
    assert "Telepon demo" in page.get("/demo/telepon/").content.decode()
    response = page.post("/demo/telepon/", {"number": "0812 9999 0001", "channel": "whatsapp", "text": "BANTUAN"})
    assert response.status_code == 302
    shown = page.get("/demo/telepon/").content.decode()
    assert "BANTUAN" in shown and "DAFTAR &lt;NIK&gt;" in shown
    assert "0812" not in response["Location"]  # the number stays in the session, not in a URL
    refused = page.post("/demo/telepon/", {"number": "12345", "channel": "sms", "text": "BANTUAN"})
    assert refused.status_code == 200 and "Nomor HP Indonesia tidak valid" in refused.content.decode()


def test_outside_demo_mode_there_is_no_demo_phone(loket_url: str, settings: Any) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = False
    assert Client().get("/demo/telepon/").status_code == 404
    with pytest.raises(CommandError, match="demo mode is off"):
        call_command("simulate_text", NUMBER, "BANTUAN")


@pytest.mark.parametrize(
    "junk",
    [
        {"number": "\x00", "channel": "sms", "text": "BANTUAN"},
        {"number": "0812 9999 0001", "channel": "telegram", "text": "BANTUAN"},
        {"number": "0812 9999 0001", "channel": "sms", "text": ""},
        {"number": "0812 9999 0001", "channel": "sms", "text": "PESAN\x00PLB 😀"},
        {"number": "0812 9999 0001", "channel": "sms", "text": "x" * 1001},
        {"number": "9" * 500, "channel": "sms", "text": "BANTUAN"},
        {},
    ],
)
def test_junk_on_the_demo_phone_is_never_a_500(loket_url: str, junk: dict[str, str]) -> None:
    response = Client().post("/demo/telepon/", junk)
    assert response.status_code in (200, 302)
