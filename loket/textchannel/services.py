"""Receiving a text message: once per gateway message id, answered on the channel it came on."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.services import normalize_phone
from loket.core.errors import DomainError, Throttled
from loket.core.ratelimit import hit
from loket.notify.gateways import address_for
from loket.notify.models import Message
from loket.notify.services import message_queue
from loket.textchannel.conversation import converse
from loket.textchannel.models import InboundMessage

log = logging.getLogger(__name__)

SECRET_KEPT = dt.timedelta(days=1)  # a reply carrying a code is blanked in the outbox after this
# Messages one number may send per hour before it is no longer answered (each answer costs).
INBOUND_PER_HOUR = 60


@dataclass(frozen=True)
class Received:
    inbound: InboundMessage
    duplicate: bool
    reply: Message | None


def inbound_sender(raw: str) -> str:
    """The sender as E.164; a number that is not an Indonesian mobile number is refused (422)."""
    try:
        return normalize_phone(raw)
    except DomainError:
        raise DomainError(
            "invalid_phone", _("Nomor pengirim bukan nomor HP Indonesia yang valid."), field="from"
        ) from None


def inbound_receive(*, channel: str, gateway_id: str, sender: str, text: str, sent_at: dt.datetime | None) -> Received:
    """Record the message and answer it, all in one transaction.

    A retry of the same gateway message id finds the first one and answers nothing. When
    anything fails, nothing is kept (not even the message id), so the gateway's retry is
    answered in full. The seat a booking claims stays locked until this commits: the work
    after the claim is only writing the reply.
    """
    phone = inbound_sender(sender)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundMessage.objects.create(
                    channel=channel, gateway_id=gateway_id, sender=phone, length=len(text), sent_at=sent_at
                )
        except IntegrityError:
            first = InboundMessage.objects.select_related("reply").get(channel=channel, gateway_id=gateway_id)
            return Received(first, True, first.reply)
        try:
            hit(scope="text-in", key=phone, limit=INBOUND_PER_HOUR, window_seconds=3600)
        except Throttled:
            log.warning("text channel %s: %s sends too much, not answered", channel, phone)
            return Received(inbound, False, None)
        reply, command = converse(channel=channel, phone=phone, text=text, now=now)
        message = message_queue(
            recipient=address_for(channel=channel, phone=phone),
            subject="",
            body=reply.text,
            channel=channel,
            event_key=f"text:{channel}:{inbound.pk}",
            redact_after=now + SECRET_KEPT if reply.secret else None,
        )
        inbound.command = command.name or "?"
        inbound.reply = message
        inbound.save(update_fields=["command", "reply"])
    return Received(inbound, False, message)


def inbound_secrets(channel: str) -> tuple[str, ...]:
    prefix = {"sms": "LOKET_SMS", "whatsapp": "LOKET_WHATSAPP"}[channel]
    return (getattr(settings, f"{prefix}_INBOUND_SECRET"), getattr(settings, f"{prefix}_INBOUND_SECRET_PREVIOUS"))
