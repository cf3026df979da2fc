"""Sending a text as a gateway would: signed, over HTTP, to Loket's real inbound endpoint.

Used by the demo phone page and `simulate_text`; both exist only in demo mode
(LOKET_PAYMENT_SIMULATOR, the switch of the payment simulator).
"""

import json
import secrets
import time

import httpx
from django.conf import settings
from django.utils import timezone

from loket.notify.models import Message
from loket.payments.signing import signature_for
from loket.textchannel.services import inbound_secrets


def inbound_path(channel: str) -> str:
    return f"/api/v1/channels/{channel}/inbound"


def text_send(*, channel: str, sender: str, text: str, base_url: str | None = None) -> httpx.Response:
    body = json.dumps(
        {
            "message_id": f"DEMO-{secrets.token_hex(8)}",
            "from": sender,
            "text": text,
            "sent_at": timezone.now().isoformat(),
        }
    ).encode()
    timestamp = str(int(time.time()))
    signature = signature_for(secret=inbound_secrets(channel)[0], timestamp=timestamp, body=body)
    url = (base_url or settings.LOKET_BASE_URL).rstrip("/") + inbound_path(channel)
    headers = {"Content-Type": "application/json", "X-Loket-Timestamp": timestamp, "X-Loket-Signature": signature}
    return httpx.post(url, content=body, headers=headers, timeout=30)


def reply_of(response: httpx.Response) -> str | None:
    """The text of the reply the endpoint queued in the outbox, if it answered with one."""
    if response.status_code != 200:
        return None
    reply_id = response.json().get("reply")
    message = Message.objects.filter(pk=reply_id).first() if reply_id else None
    return message.body if message else None
