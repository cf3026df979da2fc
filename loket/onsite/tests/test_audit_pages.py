"""Supervisors read their office's audit log, the national administrator everyone's; nobody else, nobody edits."""

import datetime as dt

import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.audit.services import audit_record
from loket.offices.models import Office
from loket.onsite.tests.conftest import staff_client
from loket.onsite.views.audit import PAGE_SIZE


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, tzinfo=dt.UTC)


def test_supervisor_reads_his_office_newest_first_and_nothing_of_other_offices(
    supervisor_a: User, counter_officer_a: User, officer_b: User, office_a: Office, office_b: Office
) -> None:
    with time_machine.travel(at(1, 2)):
        audit_record(
            actor=counter_officer_a,
            action="ticket.call",
            office=office_a,
            target_type="ticket",
            target_id=7,
            before={"status": "waiting"},
            after={"status": "called"},
            ip="10.1.2.3",
        )
    with time_machine.travel(at(1, 3)):
        audit_record(actor=counter_officer_a, action="ticket.finish", office=office_a, target_id=7)
    audit_record(actor=officer_b, action="ticket.call", office=office_b, target_id=99)

    page = staff_client(supervisor_a).get("/petugas/OFA/audit/")
    assert page.status_code == 200
    entries = [row["entry"] for row in page.context["rows"]]
    assert [e.action for e in entries] == ["ticket.finish", "ticket.call"]
    html = page.content.decode()
    assert "10.1.2.3" in html and "&quot;status&quot;: &quot;called&quot;" in html
    assert "2026-12-01 09:00:00" in html  # 02:00 UTC in the office's zone (WIB)
    assert "99" not in [e.target_id for e in entries]


def test_filters_by_action_and_local_day(supervisor_a: User, counter_officer_a: User, office_a: Office) -> None:
    # 23:30 WIB on 1 Dec is 16:30 UTC; 00:30 WIB on 2 Dec is 17:30 UTC.
    with time_machine.travel(dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC)):
        audit_record(actor=counter_officer_a, action="ticket.call", office=office_a, target_id=1)
    with time_machine.travel(dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)):
        audit_record(actor=counter_officer_a, action="ticket.call", office=office_a, target_id=2)
        audit_record(actor=counter_officer_a, action="checkin.confirm", office=office_a, target_id=3)
    client = staff_client(supervisor_a)
    on_the_2nd = client.get("/petugas/OFA/audit/", {"day_from": "2026-12-02", "day_to": "2026-12-02"})
    assert sorted(r["entry"].target_id for r in on_the_2nd.context["rows"]) == ["2", "3"]
    calls = client.get("/petugas/OFA/audit/", {"action": "ticket.call"})
    assert sorted(r["entry"].target_id for r in calls.context["rows"]) == ["1", "2"]


def test_bad_filter_is_answered_next_to_the_field(supervisor_a: User) -> None:
    client = staff_client(supervisor_a)
    page = client.get("/petugas/OFA/audit/", {"day_from": "2026-13-45"})
    assert page.status_code == 200 and "day_from" in page.context["form"].errors
    backwards = client.get("/petugas/OFA/audit/", {"day_from": "2026-12-05", "day_to": "2026-12-01"})
    assert "day_to" in backwards.context["form"].errors
    unknown = client.get("/petugas/OFA/audit/", {"action": "nope"})
    assert unknown.status_code == 200 and "action" in unknown.context["form"].errors


def test_pages_of_fifty_keep_the_filter(supervisor_a: User, counter_officer_a: User, office_a: Office) -> None:
    for n in range(PAGE_SIZE + 3):
        audit_record(actor=counter_officer_a, action="ticket.call", office=office_a, target_id=n)
    client = staff_client(supervisor_a)
    first = client.get("/petugas/OFA/audit/", {"action": "ticket.call"})
    assert len(first.context["rows"]) == PAGE_SIZE
    assert 'href="?action=ticket.call&amp;page=2"' in first.content.decode()
    second = client.get("/petugas/OFA/audit/", {"action": "ticket.call", "page": 2})
    assert [r["entry"].target_id for r in second.context["rows"]] == ["2", "1", "0"]


def test_other_roles_are_refused_and_logged(counter_officer_a: User, office_a: Office) -> None:
    client = staff_client(counter_officer_a)
    assert client.get("/petugas/OFA/audit/").status_code == 403
    assert client.get("/petugas/audit/").status_code == 403
    refused = AuditEntry.objects.filter(actor=counter_officer_a, action="audit.read", allowed=False)
    assert refused.count() == 2 and {e.office for e in refused} == {office_a, None}


def test_national_admin_reads_every_office(
    national_admin: User, counter_officer_a: User, officer_b: User, office_a: Office, office_b: Office
) -> None:
    audit_record(actor=counter_officer_a, action="ticket.call", office=office_a, target_id=1)
    audit_record(actor=officer_b, action="ticket.call", office=office_b, target_id=2)
    page = staff_client(national_admin).get("/petugas/audit/")
    assert page.status_code == 200
    assert {r["entry"].office for r in page.context["rows"]} >= {office_a, office_b}
    assert staff_client(national_admin).get("/petugas/OFB/audit/").status_code == 200


def test_the_log_pages_change_nothing(supervisor_a: User, counter_officer_a: User, office_a: Office) -> None:
    audit_record(actor=counter_officer_a, action="ticket.call", office=office_a, target_id=1)
    client = staff_client(supervisor_a)
    assert client.post("/petugas/OFA/audit/", {"action": "delete"}).status_code == 405
    assert client.delete("/petugas/OFA/audit/").status_code == 405
    assert AuditEntry.objects.filter(action="ticket.call").count() == 1


def test_home_links_the_log_for_supervisors_only(supervisor_a: User, counter_officer_a: User) -> None:
    assert b"/petugas/OFA/audit/" in staff_client(supervisor_a).get("/petugas/").content
    assert b"/petugas/OFA/audit/" not in staff_client(counter_officer_a).get("/petugas/").content


def test_visitors_are_sent_to_the_staff_login(db: None) -> None:
    from django.test import Client

    answer = Client().get("/petugas/audit/")
    assert answer.status_code == 302 and answer["Location"] == "/petugas/masuk/?next=/petugas/audit/"


def test_the_office_log_shows_its_own_staffs_sign_ins_and_no_one_elses(
    supervisor_a: User, counter_officer_a: User, officer_b: User, national_admin: User, office_a: Office
) -> None:
    # Signing in happens before any office is chosen: these entries carry no office.
    audit_record(actor=counter_officer_a, action="staff.login", target_type="account", target_id=counter_officer_a.pk)
    audit_record(
        actor=counter_officer_a,
        action="staff.login",
        target_type="account",
        target_id=counter_officer_a.pk,
        allowed=False,
    )
    audit_record(actor=officer_b, action="staff.login", target_type="account", target_id=officer_b.pk)
    audit_record(actor=national_admin, action="staff.login", target_type="account", target_id=national_admin.pk)

    page = staff_client(supervisor_a).get("/petugas/OFA/audit/")

    shown = [(r["entry"].actor_id, r["entry"].allowed) for r in page.context["rows"]]
    assert sorted(shown) == [(counter_officer_a.pk, False), (counter_officer_a.pk, True)]
    assert "staff.login" in [choice for choice, _label in page.context["form"].fields["action"].choices]
    everyone = staff_client(national_admin).get("/petugas/audit/", {"action": "staff.login"})
    assert len(everyone.context["rows"]) == 4
