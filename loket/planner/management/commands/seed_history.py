from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from loket.offices.models import Office
from loket.planner.demo_history import TRUTHS, history_seed, open_days


class Command(BaseCommand):
    help = "Write weeks of demo history (bookings, arrivals, tickets, events) for the demo offices (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--weeks", type=int, default=6, help="weeks before today (default 6)")
        parser.add_argument("--office", action="append", help="office code (default: every demo office)")

    def handle(self, *args: Any, **options: Any) -> None:
        weeks = options["weeks"]
        if not 1 <= weeks <= 26:
            self.stderr.write("--weeks: between 1 and 26")
            raise SystemExit(2)
        for code in options["office"] or sorted(TRUTHS):
            office = Office.objects.filter(code=code.upper()).first()
            truth = TRUTHS.get(code.upper())
            if office is None or truth is None:
                self.stderr.write(f"{code}: no such demo office (known: {', '.join(sorted(TRUTHS))})")
                continue
            days = open_days(office, weeks=weeks, before=office.local_today())
            written = history_seed(office=office, truth=truth, days=days)
            self.stdout.write(
                f"{office.code}: {written} day(s) of history written, {len(days) - written} already there"
            )
