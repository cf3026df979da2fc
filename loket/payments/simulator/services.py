"""What the simulated provider does: book a payment, then tell Loket like a real provider would."""

import json
import secrets
import time
from pathlib import Path

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


# A port found listening is tried with a short wait: a Loket answers the webhook in milliseconds,
# while another kind of server may hold the connection for seconds (Erlang's port 25672: 7 s).
SEND_TIMEOUT = 15.0
PROBE_TIMEOUT = httpx.Timeout(2.0, connect=1.0)


def notification_send(
    *, bill: SimulatedBill, base_url: str | None = None, timeout: float | httpx.Timeout = SEND_TIMEOUT
) -> httpx.Response:
    """POST a signed notification about `bill` to Loket's real webhook, over HTTP."""
    body = json.dumps(bill.as_report()).encode()
    timestamp = str(int(time.time()))
    signature = signature_for(secret=settings.PAYMENT_WEBHOOK_SECRET, timestamp=timestamp, body=body)
    url = (base_url or settings.LOKET_BASE_URL).rstrip("/") + WEBHOOK_PATH
    return httpx.post(
        url,
        content=body,
        headers={"Content-Type": "application/json", "X-Loket-Timestamp": timestamp, "X-Loket-Signature": signature},
        timeout=timeout,
        follow_redirects=False,
    )


def listening_addresses() -> list[str]:
    """Base URLs of the TCP ports this machine listens on, on loopback or every address (Linux,
    /proc/net/tcp{,6}); [] elsewhere. `simulate_payment` tries them when LOKET_BASE_URL does not
    answer: a demo server started on another port is still found."""
    ports: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            address, port = local.rsplit(":", 1)
            # 0A: LISTEN. Loopback (127.x, ::1) or any address (0.0.0.0, ::).
            loopback_or_any = address.endswith("7F") or set(address) == {"0"} or address.endswith("01000000")
            if state == "0A" and loopback_or_any:
                ports.add(int(port, 16))
    return [f"http://127.0.0.1:{port}" for port in sorted(ports)]


def notification_deliver(*, bill: SimulatedBill) -> tuple[str, httpx.Response]:
    """Send the notification to LOKET_BASE_URL, or else to the first local server that is a Loket
    knowing this bill and sharing our webhook secret. Returns (address, answer)."""
    configured = settings.LOKET_BASE_URL
    last_error: httpx.HTTPError | None = None
    for base_url in dict.fromkeys([configured, *listening_addresses()]):
        try:
            timeout = SEND_TIMEOUT if base_url == configured else PROBE_TIMEOUT
            answer = notification_send(bill=bill, base_url=base_url, timeout=timeout)
        except httpx.HTTPError as error:
            last_error = error
            continue
        if answer.status_code in (200, 422):  # a Loket that knows the bill (422: a wrong amount, refused)
            return base_url, answer
        # 404 (unknown bill), 401 (another secret): another server, or not a Loket at all.
    raise httpx.ConnectError(f"no Loket server knowing this bill answered (last error: {last_error})")
