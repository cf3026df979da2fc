"""Senders: one interface for email, SMS and WhatsApp.

Email goes through Django's mail (EMAIL_BACKEND). SMS and WhatsApp go through a gateway
backend named by a dotted path in LOKET_SMS_BACKEND / LOKET_WHATSAPP_BACKEND: the console
backend (development: prints the text with the number masked) or the HTTP backend (a
provider's JSON endpoint). Any exception a sender raises means "not delivered, try again".
"""

import sys
from email.utils import parseaddr
from typing import Protocol, TextIO

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string
from lokal import parse_phone, partial_mask

from loket.notify.models import Channel


class Sender(Protocol):
    def send(self, *, to: str, subject: str, text: str, idempotency_key: str) -> None:
        """Deliver or raise. `idempotency_key` is the same on every attempt of one message."""


class GatewayError(Exception):
    """The gateway did not accept the message (network error or a non-2xx answer)."""


def mask_number(number: str) -> str:
    return partial_mask("PHONE", number)


class EmailSender:
    def send(self, *, to: str, subject: str, text: str, idempotency_key: str) -> None:
        # The Message-ID is the same on every attempt: when a retry follows a send that did
        # reach the mail server (a crash before we recorded it), mail clients and some servers
        # recognise the duplicate by it.
        domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "loket.local"
        headers = {"Message-ID": f"<{idempotency_key}@{domain}>"}
        EmailMessage(subject, text, None, [to], headers=headers).send(fail_silently=False)


class ConsoleGateway:
    """Development backend: writes the message to stdout instead of sending it."""

    def __init__(self, *, channel: str, stream: TextIO | None = None) -> None:
        self.channel = channel
        self.stream = stream

    def send(self, *, to: str, subject: str, text: str, idempotency_key: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"[{self.channel} to {mask_number(to)}] {text}\n")
        stream.flush()


class HttpGateway:
    """POSTs {"to", "text"} as JSON to the channel's gateway URL with a bearer token.

    The message's idempotency key travels in the Idempotency-Key header, so a gateway that
    honours it drops the duplicate of a retried message it had in fact accepted.
    """

    def __init__(self, *, channel: str) -> None:
        prefix = {Channel.SMS: "LOKET_SMS", Channel.WHATSAPP: "LOKET_WHATSAPP"}[Channel(channel)]
        self.channel = channel
        self.url: str = getattr(settings, f"{prefix}_GATEWAY_URL")
        self.token: str = getattr(settings, f"{prefix}_GATEWAY_TOKEN")
        self.timeout: float = settings.LOKET_GATEWAY_TIMEOUT_SECONDS

    def send(self, *, to: str, subject: str, text: str, idempotency_key: str) -> None:
        if not self.url:
            raise GatewayError(f"no gateway URL configured for {self.channel}")
        headers = {"Idempotency-Key": idempotency_key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = httpx.post(
                self.url, json={"to": to, "text": text}, headers=headers, timeout=self.timeout, follow_redirects=False
            )
        except httpx.HTTPError as error:
            raise GatewayError(f"{self.channel} gateway unreachable: {type(error).__name__}") from error
        if not response.is_success:
            # The body may echo the number: keep only the status in last_error.
            raise GatewayError(f"{self.channel} gateway answered HTTP {response.status_code}")


def address_for(*, channel: str, phone: str) -> str:
    """The number in the form the channel's gateway wants: E.164 for SMS, digits only for WhatsApp."""
    if channel == Channel.WHATSAPP:
        return parse_phone(phone).whatsapp or phone.lstrip("+")
    return phone


def sender_for(channel: str) -> Sender:
    if channel == Channel.EMAIL:
        return EmailSender()
    path = {Channel.SMS: settings.LOKET_SMS_BACKEND, Channel.WHATSAPP: settings.LOKET_WHATSAPP_BACKEND}[
        Channel(channel)
    ]
    sender: Sender = import_string(path)(channel=channel)
    return sender
