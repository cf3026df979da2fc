"""Releases in the admin: rule edits go through the audited service; rooms and entries are read only."""

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.test import Client

from loket.accounts.models import User
from loket.accounts.testing import second_factor_client
from loket.audit.models import AuditEntry
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.room import rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, join, make_people

pytestmark = pytest.mark.usefixtures("frozen")
RULE = "/admin/release/releaserule/{}/change/"


def test_the_national_administrator_changes_a_rule_in_the_admin_and_it_is_audited(
    ruled: Office, national_admin: User
) -> None:
    admin = second_factor_client(national_admin)
    assert admin.get(RULE.format(ruled.pk)).status_code == 200
    changed = admin.post(RULE.format(ruled.pk), {"release_time": "09:30", "horizon_days": "21"})
    assert changed.status_code == 302, changed.content
    ruled.refresh_from_db()
    assert (ruled.release_time, ruled.horizon_days) == (dt.time(9, 30), 21)
    entry = AuditEntry.objects.get(action="release.rule")
    assert entry.actor == national_admin and entry.office == ruled
    assert (entry.before, entry.after) == (
        {"release_time": "08:00", "horizon_days": 14},
        {"release_time": "09:30", "horizon_days": 21},
    )
    assert LogEntry.objects.filter(object_id=str(ruled.pk)).exists()  # the admin's own history too
    refused = admin.post(RULE.format(ruled.pk), {"release_time": "09:30", "horizon_days": "999"})
    assert refused.status_code == 200 and "horizon_days" in refused.content.decode()
    assert Office.objects.get(pk=ruled.pk).horizon_days == 21


def test_a_supervisor_cannot_change_a_rule_in_the_admin(ruled: Office, supervisor_a: User) -> None:
    supervisor = second_factor_client(supervisor_a)
    supervisor.post(RULE.format(ruled.pk), {"release_time": "09:30", "horizon_days": "21"})
    assert Office.objects.get(pk=ruled.pk).release_time == dt.time(8)
    assert not AuditEntry.objects.filter(action="release.rule").exists()


def test_rooms_and_entries_are_shown_read_only_without_the_secrets(ruled: Office, client: Client) -> None:
    for person in make_people(3):
        join(person, ruled, RELEASE_DAY)
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        rooms_tick()
    boss = User.objects.create_superuser("kepala@imigrasi.go.id", "x", full_name="Kepala")
    admin = second_factor_client(boss, client)
    rooms = admin.get("/admin/release/room/").content.decode()
    assert f"/rilis/OFA/{RELEASE_DAY}/undian/" in rooms
    entry = Entry.objects.filter(rank=1).first()
    assert entry is not None and entry.pass_id
    page = admin.get(f"/admin/release/entry/{entry.pk}/change/").content.decode()
    assert entry.ref in page
    assert entry.ticket not in page and entry.pass_id not in page
    assert admin.get("/admin/release/entry/").status_code == 200
    assert entry.ticket not in admin.get("/admin/release/entry/").content.decode()
    # Nothing can be changed or deleted there.
    assert admin.post(f"/admin/release/entry/{entry.pk}/change/", {"rank": "99"}).status_code == 403
    assert admin.post(f"/admin/release/entry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    room_page = admin.get(f"/admin/release/room/{entry.room_id}/change/").content.decode()
    assert entry.room.seed not in room_page
