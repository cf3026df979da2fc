"""Named actors at the office: officers of office A and of office B, and a national administrator."""

import pytest
from django.test import Client

from loket.accounts.models import StaffRole, StaffRoleKind, User
from loket.accounts.testing import second_factor_client
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office

STAFF_PASSWORD = "Petugas-Kuat-2026"


def make_officer(*, email: str, office: Office | None, role: str) -> User:
    user = User.objects.create_user(email, STAFF_PASSWORD, full_name=email.split("@")[0].title(), is_staff=True)
    StaffRole.objects.create(user=user, office=office, role=role)
    return user


def make_officer_with_every_role(*, email: str, office: Office) -> User:
    """Supervisor, check-in and counter officer at `office`, and nothing elsewhere."""
    user = make_officer(email=email, office=office, role=StaffRoleKind.SUPERVISOR)
    for role in (StaffRoleKind.CHECKIN, StaffRoleKind.COUNTER):
        StaffRole.objects.create(user=user, office=office, role=role)
    return user


def staff_client(user: User) -> Client:
    """A test client logged in as this staff member, past every login step (password and TOTP code)."""
    return second_factor_client(user)


@pytest.fixture
def office_a(db: None) -> Office:
    return make_office("OFA", capacity=5)


@pytest.fixture
def office_b(db: None) -> Office:
    return make_office("OFB", capacity=5)


@pytest.fixture
def counter_officer_a(office_a: Office) -> User:
    return make_officer(email="loket.a@imigrasi.go.id", office=office_a, role=StaffRoleKind.COUNTER)


@pytest.fixture
def checkin_officer_a(office_a: Office) -> User:
    return make_officer(email="checkin.a@imigrasi.go.id", office=office_a, role=StaffRoleKind.CHECKIN)


@pytest.fixture
def supervisor_a(office_a: Office) -> User:
    return make_officer(email="supervisor.a@imigrasi.go.id", office=office_a, role=StaffRoleKind.SUPERVISOR)


@pytest.fixture
def officer_b(office_b: Office) -> User:
    """Works at office B with every office role, and nowhere else."""
    return make_officer_with_every_role(email="petugas.b@imigrasi.go.id", office=office_b)


@pytest.fixture
def national_admin(db: None) -> User:
    return make_officer(email="admin.pusat@imigrasi.go.id", office=None, role=StaffRoleKind.ADMIN)
