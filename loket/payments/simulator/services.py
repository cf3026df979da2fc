"""What the simulated provider does: book a payment, then tell Loket like a real provider would."""

import json
import secrets
import time

import httpx
from django.conf import settings

from loket.payments.signing import signature_for
from loket.payments.simulator.models import SimulatedBill

WEBHOOK_PATH = "/api/v1/payments/notify"


def bill_record(*, billing_code: str, amount: int, status: str) -> SimulatedBill:
    bill, _created = SimulatedBill.objects.update_or_create(
        billing_code=billing_code,
        defaults={"amount": amount, "status": status, "provider_ref": f"SIM-{secrets.token_hex(6).upper()}"},
    )
    return bill


def notification_send(*, bill: SimulatedBill, base_url: str | None = None) -> httpx.Response:
    """POST a signed notification about `bill` to Loket's real webhook, over HTTP."""
    body = json.dumps(bill.as_report()).encode()
    timestamp = str(int(time.time()))
    signature = signature_for(secret=settings.PAYMENT_WEBHOOK_SECRET, timestamp=timestamp, body=body)
    url = (base_url or settings.LOKET_BASE_URL).rstrip("/") + WEBHOOK_PATH
    return httpx.post(
        url,
        content=body,
        headers={"Content-Type": "application/json", "X-Loket-Timestamp": timestamp, "X-Loket-Signature": signature},
        timeout=15,
    )
