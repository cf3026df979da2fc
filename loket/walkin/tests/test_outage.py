"""Outage mode: who switches it, what public booking answers, the notice, and seats never counted twice.

Time frozen on Tue 1 Dec 2026, 07:30 WIB: today's windows (08:00 and 09:00) are still ahead.
"""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from conftest import bearer
from loket.accounts.models import User
from loket.api.testing import ApiClient
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, Slot, WalkinDay
from loket.offices.models import Office, Outage
from loket.onsite.tests.conftest import staff_client
from loket.walkin.tests.conftest import TODAY, post_walkin, share
from loket.web.selectors import notices_in_force

pytestmark = pytest.mark.usefixtures("frozen")
TOMORROW = TODAY + dt.timedelta(days=1)


def switch(client: Client, url: str, action: str, reason: str = "Server pusat mati") -> Any:
    return client.post(url, {"action": action, "reason": reason})


def book(user: User, office: Office, day: dt.date = TOMORROW, start: str = "08:00") -> Any:
    body = {
        "office": office.code,
        "date": day.isoformat(),
        "start": start,
        "service": "new",
        "passport_type": "regular",
    }
    return ApiClient().post("/api/v1/bookings", body, content_type="application/json", headers=bearer(user))


def availability(office: Office, day: dt.date) -> dict[str, Any]:
    body = Client().get(f"/api/v1/offices/{office.code}/availability?start={day}&days=1").json()
    day_: dict[str, Any] = body["days"][0]
    return day_


def test_supervisor_switches_outage_on_and_off_with_a_notice_and_audit(office_a: Office, supervisor_a: User) -> None:
    client = staff_client(supervisor_a)
    on = switch(client, "/petugas/OFA/outage/", "on")
    assert on.status_code == 302
    outage = Outage.objects.get()
    assert (outage.office, outage.reason, outage.started_by, outage.ended_at) == (
        office_a,
        "Server pusat mati",
        supervisor_a,
        None,
    )
    notices = notices_in_force()
    assert [n.office for n in notices] == [office_a]
    assert "silakan datang langsung ke kantor" in notices[0].text_id
    assert "come to the office in person" in notices[0].text_for("en")
    assert 'id="outage-off"' in client.get("/petugas/OFA/outage/").content.decode()

    assert switch(client, "/petugas/OFA/outage/", "off").status_code == 302
    outage.refresh_from_db()
    assert outage.ended_by == supervisor_a and outage.ended_at is not None
    assert notices_in_force() == []
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == ["outage.start", "outage.end"]


def test_outage_needs_a_reason(office_a: Office, supervisor_a: User) -> None:
    response = switch(staff_client(supervisor_a), "/petugas/OFA/outage/", "on", reason="  ")
    assert response.status_code == 422
    assert 'id="id_reason-error"' in response.content.decode()
    assert not Outage.objects.exists()


def test_switching_on_twice_keeps_one_outage(office_a: Office, supervisor_a: User) -> None:
    client = staff_client(supervisor_a)
    switch(client, "/petugas/OFA/outage/", "on")
    again = switch(client, "/petugas/OFA/outage/", "on")
    assert again.status_code == 409
    assert Outage.objects.count() == 1


def test_only_supervisors_of_the_office_switch_it(
    office_a: Office, checkin_officer_a: User, officer_b: User, supervisor_a: User
) -> None:
    assert switch(staff_client(checkin_officer_a), "/petugas/OFA/outage/", "on").status_code == 403
    assert switch(staff_client(officer_b), "/petugas/OFA/outage/", "on").status_code == 403
    assert switch(staff_client(supervisor_a), "/petugas/outage/", "on").status_code == 403
    assert not Outage.objects.exists()
    assert AuditEntry.objects.filter(allowed=False).count() == 3


def test_national_outage_by_the_administrator_suspends_every_office(
    office_a: Office, office_b: Office, national_admin: User, applicant: User
) -> None:
    client = staff_client(national_admin)
    assert switch(client, "/petugas/outage/", "on", reason="Gangguan pusat data").status_code == 302
    assert Outage.objects.get().scope == "*"
    assert [n.office for n in notices_in_force()] == [None]
    assert "Sistem pemesanan online sedang terganggu" in Client().get("/").content.decode()
    for office in (office_a, office_b):
        refused = book(applicant, office)
        assert refused.status_code == 503
        assert availability(office, TOMORROW)["reason_code"] == "suspended"
    assert switch(client, "/petugas/outage/", "off").status_code == 302
    assert book(applicant, office_b).status_code == 201


def test_public_booking_is_refused_during_outage_and_restored_after(
    office_a: Office, supervisor_a: User, applicant: User
) -> None:
    client = staff_client(supervisor_a)
    switch(client, "/petugas/OFA/outage/", "on")
    refused = book(applicant, office_a)
    assert refused.status_code == 503
    assert refused.json()["code"] == "booking_suspended"
    assert "Server pusat mati" in refused.json()["message"]
    day = availability(office_a, TOMORROW)
    assert (day["open"], day["reason_code"], day["windows"]) == (False, "suspended", [])
    switch(client, "/petugas/OFA/outage/", "off")
    assert book(applicant, office_a).status_code == 201
    assert availability(office_a, TOMORROW)["open"] is True


def test_the_office_notice_shows_in_the_office_finder_until_the_outage_ends(
    office_a: Office, supervisor_a: User, applicant: User
) -> None:
    web = Client()
    web.force_login(applicant)
    client = staff_client(supervisor_a)
    switch(client, "/petugas/OFA/outage/", "on")
    assert "sistem pemesanan online sedang terganggu" in web.get("/pesan/?q=OFA").content.decode()
    switch(client, "/petugas/OFA/outage/", "off")
    assert "terganggu" not in web.get("/pesan/?q=OFA").content.decode()


def test_web_booking_pages_show_the_office_suspended(
    office_a: Office, supervisor_a: User, applicant: User, other_applicant: User
) -> None:
    switch(staff_client(supervisor_a), "/petugas/OFA/outage/", "on")
    web = Client()
    web.force_login(applicant)
    dates = web.get("/pesan/OFA/").content.decode()
    assert "ditangguhkan" in dates and "Server pusat mati" in dates
    window = web.get(f"/pesan/OFA/{TOMORROW}/")
    assert window.status_code == 409 and "ditangguhkan" in window.content.decode()
    posted = web.post(
        f"/pesan/OFA/{TOMORROW}/08:00/", {"service": "new", "passport_type": "regular", "member": "", "confirm": "1"}
    )
    assert posted.status_code == 409 and "ditangguhkan" in posted.content.decode()
    assert not Booking.objects.exists()


def test_reschedule_into_a_suspended_office_is_refused_and_existing_bookings_stay(
    office_a: Office, supervisor_a: User, applicant: User
) -> None:
    code = book(applicant, office_a).json()["code"]
    switch(staff_client(supervisor_a), "/petugas/OFA/outage/", "on")
    moved = ApiClient().post(
        f"/api/v1/bookings/{code}/reschedule",
        {"date": (TOMORROW + dt.timedelta(days=1)).isoformat(), "start": "08:00"},
        content_type="application/json",
        headers=bearer(applicant),
    )
    assert moved.status_code == 503
    booking = Booking.objects.get(code=code)
    assert booking.is_active and booking.slot.date == TOMORROW


def test_walkins_in_outage_take_the_pool_then_online_seats_never_twice(
    office_a: Office, supervisor_a: User, checkin_officer_a: User, applicant: User
) -> None:
    share(office_a, 50)  # today: 08:00 has 2 online seats, 09:00 has 1, the walk-in pool 3 — a quota of 6
    assert book(applicant, office_a, TODAY).status_code == 201  # one online seat taken before the outage
    switch(staff_client(supervisor_a), "/petugas/OFA/outage/", "on")
    officer = staff_client(checkin_officer_a)
    for i in range(1, 5):  # 3 from the pool, the 4th from the online seat left at 08:00
        assert post_walkin(officer, office_a, i).status_code == 302

    pool = WalkinDay.objects.get(office=office_a, date=TODAY)
    booked = dict(Slot.objects.filter(office=office_a, date=TODAY).values_list("start", "booked"))
    assert (pool.used, booked[dt.time(8)], booked.get(dt.time(9), 0)) == (3, 2, 0)
    assert sum(booked.values()) + pool.used <= 6

    switch(staff_client(supervisor_a), "/petugas/OFA/outage/", "off")
    # Online availability is the capacity minus everything taken: only 09:00 has its one seat.
    assert [(w["start"], w["remaining"]) for w in availability(office_a, TODAY)["windows"]] == [
        ("08:00", 0),
        ("09:00", 1),
    ]
    # And walk-ins are back to the (empty) pool: no online seat for them any more.
    assert post_walkin(officer, office_a, 5).status_code == 409


def test_walkins_use_the_whole_remaining_quota_in_outage_and_no_more(
    office_a: Office, supervisor_a: User, checkin_officer_a: User
) -> None:
    share(office_a, 50)
    switch(staff_client(supervisor_a), "/petugas/OFA/outage/", "on")
    officer = staff_client(checkin_officer_a)
    results = [post_walkin(officer, office_a, i).status_code for i in range(1, 9)]
    assert results == [302] * 6 + [409] * 2
    pool = WalkinDay.objects.get(office=office_a, date=TODAY)
    online = sum(Slot.objects.filter(office=office_a, date=TODAY).values_list("booked", flat=True))
    assert online + pool.used == 6
    page = officer.get("/petugas/OFA/walkin/").content.decode()
    assert "Mode gangguan aktif" in page
