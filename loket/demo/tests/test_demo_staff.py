"""seed_demo's staff: a national administrator and three officers of the Palembang office."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from loket.accounts.models import StaffRole, User
from loket.demo.management.commands.seed_demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from loket.onsite.access import is_national_admin, roles_at

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_the_office_staff_once() -> None:
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert is_national_admin(User.objects.get(email="admin@loket.local"))
    for email, _name, role in DEMO_STAFF:
        user = User.objects.get(email=email)
        assert {r.office.code for r in user.staff_roles.all() if r.office} == {"PLB"}
        assert role in roles_at(user, user.staff_roles.get().office)  # type: ignore[arg-type]
    assert StaffRole.objects.count() == len(DEMO_STAFF) + 1
    assert "supervisor.plb@loket.local" in out.getvalue()


def test_demo_officer_goes_from_the_password_to_the_enrolment() -> None:
    call_command("seed_demo", stdout=StringIO())
    client = Client()
    answer = client.post("/petugas/masuk/", {"email": "loket.plb@loket.local", "password": DEMO_STAFF_PASSWORD})
    assert answer["Location"] == "/petugas/masuk/pasang-autentikator/"
