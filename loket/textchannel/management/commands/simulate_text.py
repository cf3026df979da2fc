from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.textchannel.demo import reply_of, text_send


class Command(BaseCommand):
    help = (
        "Demo only (LOKET_PAYMENT_SIMULATOR=on): send a text as the SMS or WhatsApp gateway would, signed, "
        'to Loket\'s inbound endpoint over HTTP (LOKET_BASE_URL), and print the reply. E.g. +6281234567890 "PESAN PLB besok 8"'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sender", help="the phone number writing, e.g. +6281234567890 or 0812...")
        parser.add_argument("text")
        parser.add_argument("--channel", choices=["sms", "whatsapp"], default="sms")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LOKET_PAYMENT_SIMULATOR:
            raise CommandError("demo mode is off (LOKET_PAYMENT_SIMULATOR=off)")
        try:
            response = text_send(channel=options["channel"], sender=options["sender"], text=options["text"])
        except httpx.HTTPError as error:
            raise CommandError(f"could not reach {settings.LOKET_BASE_URL}: {error}") from error
        if response.status_code != 200:
            raise CommandError(f"Loket refused the message (HTTP {response.status_code}): {response.text}")
        reply = reply_of(response)
        self.stdout.write(reply if reply is not None else "(no reply)")
