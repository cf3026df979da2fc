"""End to end in a real browser: outage on, the public side suspended, a walk-in booked today, outage off."""

from typing import Any

import pytest
from django.conf import settings

from conftest import make_applicant
from loket.accounts.models import StaffRoleKind, User
from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office
from loket.core.testing.browser import screenshot
from loket.offices.calendar import holiday_name
from loket.offices.models import Outage
from loket.onsite.tests.conftest import make_officer, staff_client
from loket.walkin.tests.conftest import seeded_fees, share

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def logged_in(chromium: Any, base: str, user: User, *, width: int = 1280, height: int = 900) -> Any:
    """A page in its own context, carrying the session of `user` (a staff member past every login step)."""
    context = chromium.new_context(viewport={"width": width, "height": height}, locale="id-ID")
    context.set_default_timeout(10_000)
    session = staff_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}])
    return context.new_page()


def test_outage_walkin_and_back(live_server: Any, chromium: Any) -> None:
    base = live_server.url
    seeded_fees()
    office = make_office("OFE", capacity=5)
    share(office, 50)
    supervisor = make_officer(email="spv.e@imigrasi.go.id", office=office, role=StaffRoleKind.SUPERVISOR)
    officer = make_officer(email="checkin.e@imigrasi.go.id", office=office, role=StaffRoleKind.CHECKIN)
    citizen = make_applicant()

    # The supervisor switches outage mode on, with a reason.
    boss = logged_in(chromium, base, supervisor)
    boss.goto(f"{base}/petugas/OFE/outage/")
    boss.get_by_label("Alasan").fill("gangguan jaringan")
    boss.get_by_role("button", name="Aktifkan mode gangguan").click()
    boss.locator("#outage-off").wait_for()  # the page after the switch
    assert "gangguan jaringan" in boss.locator("#outage-state").inner_text()
    screenshot(boss, "walkin-outage-on")
    assert Outage.objects.filter(office=office, ended_at__isnull=True).exists()

    # The public booking pages show the office suspended (a phone-sized page).
    public = logged_in(chromium, base, citizen, width=390, height=844)
    public.goto(f"{base}/pesan/OFE/")
    assert "gangguan jaringan" in public.locator("#suspended").inner_text()
    screenshot(public, "walkin-public-suspended")

    # A check-in officer registers a walk-in: no email, no phone.
    desk = logged_in(chromium, base, officer)
    desk.goto(f"{base}/petugas/OFE/walkin/")
    assert "Mode gangguan aktif" in desk.locator("main").inner_text()
    desk.get_by_label("Nama lengkap (sesuai KTP-el)").fill("Sutrisno")
    desk.get_by_label("NIK", exact=True).fill("3174011203850042")
    desk.get_by_label("Tanggal lahir").fill("1985-03-12")
    desk.get_by_label("Laki-laki").check()
    desk.get_by_label("Paspor baru").check()
    desk.get_by_label("Paspor biasa (non-elektronik)").check()
    screenshot(desk, "walkin-form")
    desk.get_by_role("button", name="Daftarkan dan pesan").click()
    if holiday_name(office.local_today()):  # the office is closed today: the next day is offered
        desk.get_by_role("button", name="Pesan untuk").click()
    code = desk.locator("#booking-code").inner_text()  # waits for the result page
    booking = Booking.objects.get(person__nik="3174011203850042")
    assert code == booking.code
    assert booking.person.account is None and booking.booked_by == officer
    if not holiday_name(office.local_today()):
        assert booking.slot.date == office.local_today()
        assert "A001" in desk.locator("#next-step").inner_text()  # a queue number at once
    screenshot(desk, "walkin-booked")

    # Outage off: online booking is back.
    boss.goto(f"{base}/petugas/OFE/outage/")
    boss.get_by_role("button", name="Matikan mode gangguan").click()
    boss.locator("#outage-on").wait_for()
    assert "Tidak aktif" in boss.locator("#outage-state").inner_text()
    screenshot(boss, "walkin-outage-off")
    public.goto(f"{base}/pesan/OFE/")
    assert "ditangguhkan" not in public.locator("main").inner_text()
    assert public.locator("main table.cal td.open a").count() > 0
    screenshot(public, "walkin-public-restored")
