"""Inbound SMS and WhatsApp messages from the gateways (booking by text: loket/textchannel).

No user: each channel's gateway proves itself by signature, like the payment provider.
"""

import datetime as dt
import logging
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.security import APIKeyHeader
from pydantic import StringConstraints

from loket.api.schemas import Short
from loket.core.errors import DomainError
from loket.core.ratelimit import client_ip
from loket.notify.models import Channel
from loket.payments.signing import signature_problem
from loket.textchannel.services import inbound_receive, inbound_secrets

security_log = logging.getLogger("loket.security")

router = Router(tags=["channels"])


class GatewaySignature(APIKeyHeader):
    """X-Loket-Signature: hex HMAC-SHA256 over "<X-Loket-Timestamp>.<raw body>" with the channel's own
    secret (LOKET_SMS_INBOUND_SECRET / LOKET_WHATSAPP_INBOUND_SECRET). Checked before the body is read."""

    param_name = "X-Loket-Signature"

    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    def authenticate(self, request: HttpRequest, key: str | None) -> str:
        problem = signature_problem(
            timestamp=request.headers.get("X-Loket-Timestamp"),
            signature=key,
            body=request.body,
            secrets=inbound_secrets(self.channel),
        )
        if problem:
            security_log.warning("%s inbound refused from %s: %s", self.channel, client_ip(request), problem)
            raise DomainError("bad_signature", _("Pesan masuk tidak sah."), status=401)
        return f"{self.channel}-gateway"


# What a gateway forwards. The text may be long (it is answered, not read, past 500 characters).
class InboundIn(Schema):
    message_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    sender: Short = Field(alias="from")
    text: Annotated[str, StringConstraints(max_length=10_000)]
    sent_at: dt.datetime | None = None


class InboundOut(Schema):
    ok: bool
    duplicate: bool
    reply: int | None  # the reply's id in the outbox (none when the number is throttled)


def _receive(channel: str, payload: InboundIn) -> InboundOut:
    received = inbound_receive(
        channel=channel,
        gateway_id=payload.message_id,
        sender=payload.sender,
        text=payload.text,
        sent_at=payload.sent_at,
    )
    return InboundOut(ok=True, duplicate=received.duplicate, reply=received.reply.pk if received.reply else None)


@router.post("/sms/inbound", auth=GatewaySignature(Channel.SMS), response=InboundOut)
def sms_inbound(request: HttpRequest, payload: InboundIn) -> InboundOut:
    return _receive(Channel.SMS, payload)


@router.post("/whatsapp/inbound", auth=GatewaySignature(Channel.WHATSAPP), response=InboundOut)
def whatsapp_inbound(request: HttpRequest, payload: InboundIn) -> InboundOut:
    return _receive(Channel.WHATSAPP, payload)
