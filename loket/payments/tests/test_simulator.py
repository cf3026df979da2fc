"""The demo provider: its status API and `simulate_payment`, which calls the real webhook over HTTP."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import time_machine
from django.core.management import CommandError, call_command

from loket.booking.models import BookingStatus
from loket.payments.models import Payment, PaymentEvent, PaymentStatus
from loket.payments.simulator.models import SimulatedBill
from loket.payments.tests.conftest import NOW, applicant, book, messages


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def loket_url(live_server: Any, settings: Any) -> str:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = live_server.url
    return str(live_server.url)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulate_payment_pays_through_the_real_webhook(loket_url: str, office: Any, capsys: Any) -> None:
    booking = book(applicant(1))
    code = booking.payment.billing_code

    call_command("simulate_payment", code)

    assert '"booking_status": "confirmed"' in capsys.readouterr().out.replace('":"', '": "')
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert PaymentEvent.objects.get().source == "webhook"
    assert messages(booking, "confirmed") == 1
    answer = httpx.get(f"{loket_url}/simulator/bills/{code}").json()
    assert (answer["status"], answer["amount"]) == ("paid", 350_000)
    assert answer["provider_ref"] == Payment.objects.get(booking=booking).provider_ref


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulated_wrong_amount_is_refused(loket_url: str, office: Any) -> None:
    booking = book(applicant(1))
    with pytest.raises(CommandError, match="422"):
        call_command("simulate_payment", booking.payment.billing_code, "--amount", "300000")
    assert Payment.objects.get(booking=booking).status == PaymentStatus.PENDING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulator_off_is_not_there(live_server: Any, settings: Any, office: Any) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = False
    booking = book(applicant(1))
    SimulatedBill.objects.create(billing_code=booking.payment.billing_code, amount=1, status="paid", provider_ref="x")
    assert httpx.get(f"{live_server.url}/simulator/bills/{booking.payment.billing_code}").status_code == 404
    with pytest.raises(CommandError, match="off"):
        call_command("simulate_payment", booking.payment.billing_code)


def test_webhook_secret_is_required_in_production() -> None:
    env = {"LOKET_DEV": "off", "SECRET_KEY": "x" * 50, "PATH": "/usr/bin:/bin"}
    run = subprocess.run(
        [sys.executable, "-c", "import config.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode != 0
    assert "PAYMENT_WEBHOOK_SECRET must be set" in run.stderr
    env["PAYMENT_WEBHOOK_SECRET"] = "s" * 40
    env["LOKET_DATA_KEYS"] = "k1:" + "A" * 43 + "="  # 32 bytes, base64; production requires the data keys too
    env["LOKET_LOOKUP_KEY"] = "l" * 40
    ok = subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.LOKET_PAYMENT_SIMULATOR)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.stdout.strip() == "False"  # and the simulator is off by default in production


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simulate_payment_finds_the_server_on_another_port(live_server: Any, settings: Any, office: Any) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = "http://127.0.0.1:9"  # nothing listens there (discard port)
    booking = book(applicant(1))
    call_command("simulate_payment", booking.payment.billing_code)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_silent_port_before_the_server_costs_two_seconds_at_most(
    live_server: Any, settings: Any, office: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A port that takes the connection and never answers (as Erlang's 25672 does for 7 s) is
    given up after the probe's short wait; the Loket after it is paid."""
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = "http://127.0.0.1:9"
    with socket.create_server(("127.0.0.1", 0)) as silent:  # listens; the kernel accepts, nobody reads
        ports = [f"http://127.0.0.1:{silent.getsockname()[1]}", live_server.url]
        monkeypatch.setattr("loket.payments.simulator.services.listening_addresses", lambda: ports)
        booking = book(applicant(1))
        started = time.monotonic()
        call_command("simulate_payment", booking.payment.billing_code)
        assert time.monotonic() - started < 5  # 15 s a port before
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_simulator_page_pays_through_the_signed_webhook(live_server: Any, settings: Any, office: Any) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.LOKET_BASE_URL = "http://127.0.0.1:9"  # the page sends to the address it was reached at
    booking = book(applicant(1))
    code = booking.payment.billing_code
    page = httpx.get(f"{live_server.url}/simulator/bayar/{code}/")
    assert page.status_code == 200
    assert "Rp350.000" in page.text and f"{code[:4]} {code[4:8]}" in page.text
    token = page.cookies["csrftoken"]
    paid = httpx.post(
        f"{live_server.url}/simulator/bayar/{code}/",
        data={"csrfmiddlewaretoken": token},
        cookies={"csrftoken": token},
        headers={"Referer": f"{live_server.url}/simulator/bayar/{code}/"},
    )
    assert paid.status_code == 200, paid.text
    assert "Pembayaran diterima Loket." in paid.text
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert PaymentEvent.objects.get().source == "webhook"  # the real signed webhook, not a shortcut


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_simulator_page_is_not_there_when_off(live_server: Any, settings: Any, office: Any) -> None:
    settings.LOKET_PAYMENT_SIMULATOR = False
    booking = book(applicant(1))
    assert httpx.get(f"{live_server.url}/simulator/bayar/{booking.payment.billing_code}/").status_code == 404
