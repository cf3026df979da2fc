import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from loket.accounts.models import Person, Relation, StaffRole, StaffRoleKind, User
from loket.accounts.staff_auth import confirmed_device, enrolment_device, staff_enrolment_open
from loket.demo.desks import seed_queue_desks
from loket.offices.models import Office

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
# Officers of the Palembang office (code PLB); each sets up an authenticator app at first login.
DEMO_OFFICE = "PLB"
DEMO_STAFF_PASSWORD = "Petugas-Demo-2026"  # noqa: S105 - demo data, printed in the README
DEMO_STAFF = [
    ("supervisor.plb@loket.local", "Sari Supervisor", StaffRoleKind.SUPERVISOR),
    ("checkin.plb@loket.local", "Rudi Check-in", StaffRoleKind.CHECKIN),
    ("loket.plb@loket.local", "Dewi Loket", StaffRoleKind.COUNTER),
]


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
        self._staff()
        seed_queue_desks()
        self.stdout.write(
            "demo applicant: pemohon@loket.local / Paspor-Demo-2026; admin: admin@loket.local / Admin-Demo-2026"
        )
        self.stdout.write(
            f"demo staff at {DEMO_OFFICE} (password {DEMO_STAFF_PASSWORD}): "
            + ", ".join(email for email, _name, _role in DEMO_STAFF)
            + "; sign in at /petugas/masuk/ (an authenticator app is set up at first login, within LOKET_STAFF_ENROL_HOURS)"
        )

    def _staff(self) -> None:
        """The demo admin is also the national administrator; three officers work at Palembang."""
        admin = User.objects.get(email=DEMO_ADMIN["email"])
        StaffRole.objects.get_or_create(user=admin, office=None, role=StaffRoleKind.ADMIN)
        office = Office.objects.get(code=DEMO_OFFICE)
        for email, name, role in DEMO_STAFF:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email, DEMO_STAFF_PASSWORD, full_name=name, is_staff=True)
            StaffRole.objects.get_or_create(user=user, office=office, role=role)
        for user in [admin, *User.objects.filter(email__in=[email for email, _n, _r in DEMO_STAFF])]:
            # Enrolment open for the demo, as an administrator would open it for a new officer;
            # an authenticator already set up is left alone.
            if confirmed_device(user) is None and enrolment_device(user) is None:
                staff_enrolment_open(user=user, by=admin)
