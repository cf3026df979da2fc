import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.core.errors import DomainError
from loket.offices.models import Office
from loket.walkin.dayclose import day_close, days_close_due


class Command(BaseCommand):
    help = "Close ended office days: no-shows, expired unpaid bookings, open tickets closed. Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--office", help="office code (with --date: close that one day, even today)")
        parser.add_argument("--date", help="local day YYYY-MM-DD (with --office)")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["office"]) != bool(options["date"]):
            raise CommandError("--office and --date go together")
        if options["office"]:
            office = Office.objects.filter(code=options["office"].upper()).first()
            if office is None:
                raise CommandError(f"unknown office {options['office']}")
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
            try:
                record = day_close(office=office, day=day)
            except DomainError as error:
                raise CommandError(error.message) from None
            records = [record] if record else []
        else:
            records = days_close_due()
        for r in records:
            self.stdout.write(
                f"{r.office.code} {r.date}: {r.no_shows} no-show, {r.expired} expired, {r.tickets_closed} tickets closed"
            )
        self.stdout.write(f"{len(records)} day(s) closed")
