"""Who may act where: an officer only at his own office, the administrator everywhere; refusals logged."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from loket.accounts.models import StaffRole, StaffRoleKind, User
from loket.audit.models import AuditEntry
from loket.offices.models import Office
from loket.onsite.access import ANY_OFFICE_ROLE, office_guard, offices_of, roles_at


def test_officer_holds_his_roles_only_at_his_office(
    counter_officer_a: User, office_a: Office, office_b: Office
) -> None:
    assert roles_at(counter_officer_a, office_a) == {StaffRoleKind.COUNTER}
    assert roles_at(counter_officer_a, office_b) == set()
    assert offices_of(counter_officer_a) == [office_a]


def test_national_admin_holds_every_role_everywhere(national_admin: User, office_a: Office, office_b: Office) -> None:
    assert set(ANY_OFFICE_ROLE) <= roles_at(national_admin, office_b)
    assert {o.code for o in offices_of(national_admin)} == {"OFA", "OFB"}


def test_refusal_is_logged_then_raised(officer_b: User, office_a: Office) -> None:
    with pytest.raises(PermissionDenied):
        office_guard(user=officer_b, office=office_a, roles=ANY_OFFICE_ROLE, action="checkin.lookup")

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.office, entry.action, entry.allowed) == (officer_b, office_a, "checkin.lookup", False)


def test_role_at_the_office_but_not_the_right_one_is_refused(counter_officer_a: User, office_a: Office) -> None:
    with pytest.raises(PermissionDenied):
        office_guard(user=counter_officer_a, office=office_a, roles=[StaffRoleKind.SUPERVISOR], action="outage.start")


def test_deactivated_officer_holds_no_role(counter_officer_a: User, office_a: Office) -> None:
    counter_officer_a.is_active = False
    counter_officer_a.save()
    assert roles_at(counter_officer_a, office_a) == set()


def test_admin_role_has_no_office_and_office_roles_have_one(office_a: Office, counter_officer_a: User) -> None:
    with pytest.raises(IntegrityError):
        StaffRole.objects.create(user=counter_officer_a, office=office_a, role=StaffRoleKind.ADMIN)


def test_staff_home_lists_only_own_offices(counter_officer_a: User, office_b: Office) -> None:
    from loket.onsite.tests.conftest import staff_client

    page = staff_client(counter_officer_a).get("/petugas/")
    assert page.status_code == 200
    assert b"OFA" in page.content and b"OFB" not in page.content


def test_staff_home_sends_applicants_to_the_staff_login(applicant: User) -> None:
    from loket.onsite.tests.conftest import staff_client

    page = staff_client(applicant).get("/petugas/")
    assert page.status_code == 302 and page["Location"].startswith("/petugas/masuk/")
