"""The hoarding report: broker patterns counted, linked to the accounts, every view audited."""

import datetime as dt
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.accounts.nik import mask_nik
from loket.audit.models import AuditEntry
from loket.booking.models import Booking
from loket.booking.services import BookingRequest, booking_cancel, booking_create
from loket.offices.models import Office
from loket.onsite.tests.conftest import staff_client
from loket.release.hoarding import hoarding_report
from loket.release.models import Entry
from loket.release.room import rooms_tick
from loket.release.tests.conftest import NOW, RELEASE_DAY, join, make_people
from loket.release.waiting import waiting_status

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture(autouse=True)
def _seats_back_at_once(settings: Any) -> None:
    settings.LOKET_CANCEL_RELEASE_MINUTES = 0


DAY = dt.date(2026, 12, 3)


def book(user: User, day: dt.date = DAY, release_pass: str | None = None) -> Booking:
    request = BookingRequest(office="OFA", date=day, start=dt.time(8), service="new", passport_type="regular")
    return booking_create(user=user, request=request, release_pass=release_pass)[0]


def test_shared_phone_same_minutes_and_repeated_cancels(ruled: Office) -> None:
    people = make_people(4)  # one phone (the fixture's), created in the same minute
    for person in people[:3]:
        book(person)
    for _ in range(3):
        booking_cancel(user=people[3], code=book(people[3]).code)
    report = hoarding_report(office=ruled)
    [phone] = report["shared_phone"]
    assert (phone.count, phone.key) == (4, "…7801 (+6281)")
    [minutes] = report["same_minutes"]
    assert minutes.count == 4 and minutes.key.startswith("2026-12-03 · ")
    [cancels] = report["cancel_no_show"]
    assert (cancels.count, cancels.accounts) == (3, [people[3]])
    assert report["shared_address"] == []


def test_passes_used_within_a_second_again_and_again(ruled: Office) -> None:
    script, person = make_people(2)
    for days in (0, 1):  # two releases: 15 and 16 December
        now, day = NOW + dt.timedelta(days=days), RELEASE_DAY + dt.timedelta(days=days)
        with time_machine.travel(now, tick=False):
            join(script, ruled, day)
            join(person, ruled, day)
        with time_machine.travel(now + dt.timedelta(minutes=30), tick=False):
            rooms_tick()
            fast_booking = book(
                script, day, waiting_status(Entry.objects.get(account=script, room__date=day)).release_pass
            )
        # A person reads, chooses, then books: some seconds later.
        with time_machine.travel(now + dt.timedelta(minutes=30, seconds=20), tick=False):
            entry = Entry.objects.get(account=person, room__date=day)
            booking = book(person, day, waiting_status(entry).release_pass)
            booking_cancel(user=person, code=booking.code)  # free to book the next release
            booking_cancel(user=script, code=fast_booking.code)
    [fast] = hoarding_report(office=ruled)["fast_pass"]
    assert (fast.count, fast.accounts) == (2, [script])


def test_the_pages_are_for_the_supervisor_and_audited(ruled: Office, supervisor_a: User, officer_b: User) -> None:
    people = make_people(3)
    for person in people:
        book(person)
    client = staff_client(supervisor_a)
    page = client.get("/petugas/OFA/calo/").content.decode()
    assert "Banyak akun dengan satu nomor HP (1)" in page
    assert f"/petugas/OFA/calo/akun/{people[0].pk}/" in page
    assert AuditEntry.objects.filter(action="hoarding.view", actor=supervisor_a).count() == 1
    account = client.get(f"/petugas/OFA/calo/akun/{people[0].pk}/").content.decode()
    nik = people[0].people.get().nik
    assert mask_nik(nik) in account and nik not in account
    assert AuditEntry.objects.filter(action="hoarding.account", target_id=str(people[0].pk)).count() == 1
    assert staff_client(officer_b).get("/petugas/OFA/calo/").status_code == 403
    assert staff_client(supervisor_a).get("/petugas/calo/").status_code == 403
