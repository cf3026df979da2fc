from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.payments.selectors import payment_by_code
from loket.payments.simulator.services import bill_record, notification_deliver


class Command(BaseCommand):
    help = (
        "Demo only (LOKET_PAYMENT_SIMULATOR=on): the simulated provider records a bill as paid and "
        "sends Loket's webhook a signed notification over HTTP: to LOKET_BASE_URL, else to the local "
        "server (any port) that knows the bill."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("billing_code")
        parser.add_argument("--amount", type=int, help="rupiah paid (default: the billed amount)")
        parser.add_argument("--status", choices=["paid", "pending", "failed"], default="paid")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LOKET_PAYMENT_SIMULATOR:
            raise CommandError("the payment simulator is off (LOKET_PAYMENT_SIMULATOR=off)")
        code = options["billing_code"].strip()
        amount = options["amount"]
        if amount is None:
            payment = payment_by_code(code)
            if payment is None:
                raise CommandError("unknown billing code; pass --amount to send it anyway")
            amount = payment.amount
        bill = bill_record(billing_code=code, amount=amount, status=options["status"])
        try:
            base_url, response = notification_deliver(bill=bill)
        except httpx.HTTPError as error:
            raise CommandError(
                f"could not reach Loket at {settings.LOKET_BASE_URL} or any local port: {error}"
            ) from error
        if base_url != settings.LOKET_BASE_URL:
            self.stderr.write(f"LOKET_BASE_URL did not answer; sent to {base_url}")
        self.stdout.write(f"{response.status_code} {response.text}")
        if response.status_code != 200:
            raise CommandError(f"Loket refused the notification (HTTP {response.status_code})")
