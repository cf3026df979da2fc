import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from loket.accounts.models import Person, Relation, User

DEMO_OFFICES = Path(__file__).resolve().parents[2].parent / "offices" / "demo" / "offices.json"

DEMO_APPLICANT: dict[str, Any] = {
    "email": "pemohon@loket.local",
    "password": "Paspor-Demo-2026",
    "full_name": "Budi Santoso",
    "nik": "1671011508900001",
    "birth_date": dt.date(1990, 8, 15),
    "sex": "M",
    "phone": "+6281234567890",
    "address": "Jl. Jenderal Sudirman No. 10, Palembang",
}
DEMO_ADMIN = {"email": "admin@loket.local", "password": "Admin-Demo-2026", "full_name": "Admin Loket"}


class Command(BaseCommand):
    help = "Load the demo offices, a verified demo applicant and a demo admin (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        call_command("import_offices", str(DEMO_OFFICES), stdout=self.stdout)
        applicant = DEMO_APPLICANT
        if not User.objects.filter(email=applicant["email"]).exists():
            user = User.objects.create_user(
                str(applicant["email"]),
                str(applicant["password"]),
                full_name=applicant["full_name"],
                phone=applicant["phone"],
                address=applicant["address"],
                email_verified_at=timezone.now(),
            )
            Person.objects.create(
                account=user,
                relation=Relation.SELF,
                full_name=user.full_name,
                nik=applicant["nik"],
                birth_date=applicant["birth_date"],
                sex=applicant["sex"],
            )
        if not User.objects.filter(email=DEMO_ADMIN["email"]).exists():
            User.objects.create_superuser(
                DEMO_ADMIN["email"], DEMO_ADMIN["password"], full_name=DEMO_ADMIN["full_name"]
            )
        self.stdout.write(
            "demo applicant: pemohon@loket.local / Paspor-Demo-2026; admin: admin@loket.local / Admin-Demo-2026"
        )
