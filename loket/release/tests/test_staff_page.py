"""The release page of an office: "release now" for its supervisor, the rule for the national
administrator, each change in the audit log; everyone else refused (and logged)."""

import datetime as dt

import pytest
from django.test import Client

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.services import BookingRequest, booking_create
from loket.core.errors import Conflict
from loket.offices.models import Office
from loket.onsite.tests.conftest import staff_client
from loket.release.services import release_now, release_rule_set
from loket.release.tests.conftest import RELEASE_DAY

pytestmark = pytest.mark.usefixtures("frozen")
URL = "/petugas/OFA/rilis/"


def test_the_supervisor_sees_the_rule_and_the_next_days(ruled: Office, supervisor_a: User) -> None:
    page = staff_client(supervisor_a).get(URL).content.decode()
    assert "pukul 08.00 WIB" in page
    assert "15 Desember 2026" in page  # the first day to open
    assert 'id="release-rule-form"' not in page  # the rule is the national administrator's


def test_release_now_opens_the_next_day_and_is_audited(ruled: Office, supervisor_a: User, applicant: User) -> None:
    answer = staff_client(supervisor_a).post(URL, {"action": "now", "date": RELEASE_DAY.isoformat()})
    assert answer.status_code == 302
    ruled.refresh_from_db()
    assert ruled.opened_through == RELEASE_DAY
    entry = AuditEntry.objects.get(action="release.now")
    assert (entry.actor, entry.office, entry.target_id) == (supervisor_a, ruled, f"OFA:{RELEASE_DAY}")
    request = BookingRequest(office="OFA", date=RELEASE_DAY, start=dt.time(8), service="new", passport_type="regular")
    assert booking_create(user=applicant, request=request)[1]  # half an hour before the rule's time


def test_two_release_now_for_one_day_open_it_once(ruled: Office, supervisor_a: User, national_admin: User) -> None:
    release_now(by=supervisor_a, office=ruled, day=RELEASE_DAY)
    with pytest.raises(Conflict) as second:
        release_now(by=national_admin, office=ruled, day=RELEASE_DAY)  # the page they read was stale
    assert second.value.code == "release_changed"
    ruled.refresh_from_db()
    assert ruled.opened_through == RELEASE_DAY
    assert AuditEntry.objects.filter(action="release.now").count() == 1
    # The page now offers the next day; a stale form is answered with a message, not a 500.
    answer = staff_client(supervisor_a).post(URL, {"action": "now", "date": RELEASE_DAY.isoformat()}, follow=True)
    assert "sudah berubah" in answer.content.decode()
    assert "16 Desember 2026" in answer.content.decode()


def test_the_national_administrator_changes_the_rule_with_an_audit_entry(ruled: Office, national_admin: User) -> None:
    client = staff_client(national_admin)
    assert 'id="release-rule-form"' in client.get(URL).content.decode()
    answer = client.post(URL, {"action": "rule", "release_time": "10:00", "horizon_days": "7"})
    assert answer.status_code == 302
    ruled.refresh_from_db()
    assert (ruled.release_time, ruled.horizon_days) == (dt.time(10), 7)
    entry = AuditEntry.objects.get(action="release.rule")
    assert entry.before == {"release_time": "08:00", "horizon_days": 14}
    assert entry.after == {"release_time": "10:00", "horizon_days": 7}
    # The same rule again changes nothing and logs nothing.
    release_rule_set(by=national_admin, office=ruled, release_time=dt.time(10), horizon_days=7)
    assert AuditEntry.objects.filter(action="release.rule").count() == 1


def test_a_wrong_rule_is_answered_next_to_its_field(ruled: Office, national_admin: User) -> None:
    answer = staff_client(national_admin).post(URL, {"action": "rule", "release_time": "25:00", "horizon_days": "0"})
    assert answer.status_code == 400
    form = answer.context["rule_form"]
    assert set(form.errors) == {"release_time", "horizon_days"}
    ruled.refresh_from_db()
    assert (ruled.release_time, ruled.horizon_days) == (dt.time(8), 14)


def test_a_supervisor_cannot_change_the_rule(ruled: Office, supervisor_a: User) -> None:
    answer = staff_client(supervisor_a).post(URL, {"action": "rule", "release_time": "06:00", "horizon_days": "60"})
    assert answer.status_code == 403
    assert AuditEntry.objects.filter(action="release.rule", allowed=False, actor=supervisor_a).exists()
    ruled.refresh_from_db()
    assert ruled.horizon_days == 14


@pytest.mark.parametrize("who", ["counter_officer_a", "officer_b"])
def test_other_officers_are_refused_and_logged(ruled: Office, who: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(who)
    client = staff_client(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"action": "now", "date": RELEASE_DAY.isoformat()}).status_code == 403
    assert AuditEntry.objects.filter(action="release.open", allowed=False, actor=user).count() == 2
    ruled.refresh_from_db()
    assert ruled.opened_through is None


def test_the_office_admin_shows_the_rule_read_only(ruled: Office, admin_client: Client) -> None:
    answer = admin_client.get(f"/admin/offices/office/{ruled.pk}/change/")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert 'name="code"' in page  # the rest of the office stays editable
    assert 'name="release_time"' not in page
    assert 'name="horizon_days"' not in page
