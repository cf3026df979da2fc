"""Reconciliation asks the provider's status API over real HTTP (the simulator on a live server)."""

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_q.models import Schedule

from loket.booking.models import BookingStatus, Slot
from loket.booking.tests.conftest import make_office
from loket.core.testing.http import LocalHTTPServer
from loket.payments.billing import new_billing_code
from loket.payments.models import (
    AdjustmentKind,
    AdjustmentStatus,
    BillAdjustment,
    FeeItem,
    Payment,
    PaymentEvent,
    PaymentStatus,
)
from loket.payments.provider import BillReport, HttpProvider, ProviderError
from loket.payments.services import payments_reconcile
from loket.payments.simulator.services import bill_record
from loket.payments.tasks import payments_reconcile_recent
from loket.payments.tests.conftest import NOW, applicant, book, messages

# serialized_rollback: a transactional test starts from the migrated data (the seeded fee table).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    # Ticking: real sockets and timeouts run while the calendar says 1 December 2026.
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def provider_url(live_server: Any, settings: Any) -> str:
    settings.LOKET_PAYMENT_SIMULATOR = True
    settings.PAYMENT_PROVIDER_URL = f"{live_server.url}/simulator"
    return str(settings.PAYMENT_PROVIDER_URL)


def test_reconcile_applies_the_providers_answers(provider_url: str, capsys: Any) -> None:
    make_office(capacity=4)
    paid, failed, unknown, wrong = (book(applicant(i)) for i in range(4))
    bill_record(billing_code=paid.payment.billing_code, amount=350_000, status="paid")
    bill_record(billing_code=failed.payment.billing_code, amount=350_000, status="failed")
    bill_record(billing_code=wrong.payment.billing_code, amount=35_000, status="paid")

    call_command("reconcile_payments")

    assert "asked 4: changed 2, unchanged 0, unknown to the provider 1, refused 1, errors 0" in capsys.readouterr().out
    assert Payment.objects.get(booking=paid).status == PaymentStatus.PAID
    assert Payment.objects.get(booking=failed).status == PaymentStatus.FAILED
    assert Payment.objects.get(booking=unknown).status == PaymentStatus.PENDING
    assert Payment.objects.get(booking=wrong).status == PaymentStatus.PENDING
    paid.refresh_from_db()
    assert paid.status == BookingStatus.CONFIRMED
    assert messages(paid, "confirmed") == 1

    # A second run: the same answers change nothing and send nothing.
    events = PaymentEvent.objects.count()
    call_command("reconcile_payments")
    assert PaymentEvent.objects.count() == events
    assert messages(paid, "confirmed") == 1


def test_reconcile_finds_a_late_payment_whose_notification_was_lost(provider_url: str, office: Any) -> None:
    booking = book(applicant(1))
    with time_machine.travel(booking.payment.deadline + dt.timedelta(minutes=5), tick=True):
        from loket.payments.tasks import payment_deadlines

        assert payment_deadlines()["expired"] == 1
        bill_record(billing_code=booking.payment.billing_code, amount=350_000, status="paid")
        summary = payments_reconcile(provider=HttpProvider(provider_url))
    assert summary.changed == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # its seat was still free
    assert Slot.objects.get(start="08:00").booked == 1


def test_provider_down_is_an_error_not_a_change(office: Any, settings: Any) -> None:
    settings.PAYMENT_PROVIDER_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    settings.PAYMENT_PROVIDER_RETRIES = 1
    booking = book(applicant(1))
    with pytest.raises(CommandError, match="did not answer"):
        call_command("reconcile_payments")
    assert Payment.objects.get(booking=booking).status == PaymentStatus.PENDING


class _Flaky(BaseHTTPRequestHandler):
    """Answers 503 to the first request for a bill, then the bill as paid."""

    seen: set[str] = set()

    def do_GET(self) -> None:
        code = self.path.rsplit("/", 1)[-1]
        if code not in self.seen:
            self.seen.add(code)
            self.send_response(503)
            self.end_headers()
            return
        body = json.dumps({"billing_code": code, "status": "paid", "amount": 350_000, "provider_ref": "R"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def flaky_provider() -> Iterator[str]:
    server = LocalHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_http_adapter_retries_a_5xx_and_reads_the_answer(flaky_provider: str) -> None:
    with HttpProvider(flaky_provider, retries=1, backoff=0.01) as provider:
        answer = provider.bill_status("123456789012345")
    assert answer == BillReport(billing_code="123456789012345", status="paid", amount=350_000, provider_ref="R")
    with HttpProvider(flaky_provider, retries=0) as provider, pytest.raises(ProviderError, match="503"):
        provider.bill_status("999999999999999")


def test_scheduled_job_reconciles_without_anyone_running_a_command(provider_url: str) -> None:
    schedule = Schedule.objects.get(name="payment-reconcile")
    assert (schedule.func, schedule.minutes) == ("loket.payments.tasks.payments_reconcile_recent", 30)
    make_office(capacity=2)
    booking = book(applicant(1))
    bill_record(billing_code=booking.payment.billing_code, amount=350_000, status="paid")

    assert payments_reconcile_recent() == {"asked": 1, "changed": 1, "errors": 0}

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_reconcile_settles_an_additional_bill_whose_notification_was_lost(provider_url: str, office: Any) -> None:
    booking = book(applicant(1))
    charge = BillAdjustment.objects.create(
        payment=booking.payment,
        kind=AdjustmentKind.CHARGE,
        item=FeeItem.EXPRESS,
        amount=1_000_000,
        billing_code=new_billing_code(),
        deadline=booking.payment.deadline,
    )
    bill_record(billing_code=charge.billing_code, amount=1_000_000, status="paid")
    summary = payments_reconcile(provider=HttpProvider(provider_url))
    # The booking's own bill (unknown to the provider) and the additional bill were asked about.
    assert (summary.asked, summary.changed, summary.unknown) == (2, 1, 1)
    charge.refresh_from_db()
    assert charge.status == AdjustmentStatus.PAID and charge.paid_at is not None
    # Settled: not asked about again.
    assert payments_reconcile(provider=HttpProvider(provider_url)).asked == 1
