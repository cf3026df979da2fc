import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.payments.provider import provider_from_settings
from loket.payments.services import payments_reconcile


class Command(BaseCommand):
    help = "Ask the payment provider about bills still awaiting payment and apply its answers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expired-within-hours",
            type=int,
            default=24,
            help="also ask about bills expired this recently (a late payment whose notification was lost)",
        )
        parser.add_argument("--limit", type=int, default=1000, help="bills asked about in one run")

    def handle(self, *args: Any, **options: Any) -> None:
        with provider_from_settings() as provider:
            summary = payments_reconcile(
                provider=provider,
                expired_within=dt.timedelta(hours=options["expired_within_hours"]),
                limit=options["limit"],
            )
        self.stdout.write(
            f"asked {summary.asked}: changed {summary.changed}, unchanged {summary.unchanged}, "
            f"unknown to the provider {summary.unknown}, refused {summary.refused}, errors {summary.errors}"
        )
        if summary.errors:
            raise CommandError(f"the provider did not answer for {summary.errors} bill(s); run again later")
