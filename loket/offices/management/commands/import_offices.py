import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loket.offices.importer import OfficeImportError, offices_import


class Command(BaseCommand):
    help = "Create or update offices from a JSON file (a list of offices). A bad file changes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: not valid JSON: {error}") from None
        try:
            report = offices_import(data=data)
        except OfficeImportError as error:
            raise CommandError(f"{path}: rejected, nothing imported: {error}") from None
        self.stdout.write(
            f"{len(report.created)} created, {len(report.updated)} updated, {len(report.unchanged)} unchanged"
        )
