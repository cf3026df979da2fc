"""End to end in chromium: check-in with a scanner-typed QR, the slip, two counters, the kiosk."""

from typing import Any

import pytest
from django.conf import settings

from loket.accounts.models import User
from loket.booking.codes import qr_payload
from loket.booking.models import BookingStatus
from loket.core.testing.browser import screenshot
from loket.dossier.models import Stage as DossierStage
from loket.offices.models import Office
from loket.onsite.models import Stage, Ticket, TicketStatus
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import booked, counter, now_window, scan_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def desk_page(chromium: Any, live_server: Any, user: User, *, width: int = 1280) -> Any:
    """A desk-sized browser page logged in as this officer (the session of a logged-in test client)."""
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    context.set_default_timeout(10_000)
    cookie = staff_client(user).cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


def test_check_in_slip_two_counters_and_the_kiosk(
    live_server: Any, chromium: Any, office_a: Office, checkin_officer_a: User, counter_officer_a: User
) -> None:
    counter(office_a, 1, Stage.VERIFICATION)
    counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    window = now_window(office_a)
    booking = booked(office_a, name="Rahmat Hidayat", **window)
    walk_up = booked(office_a, name="Budi Santoso", **window)

    desk = desk_page(chromium, live_server, checkin_officer_a)
    desk.goto(f"{live_server.url}/petugas/{office_a.code}/checkin/")
    screenshot(desk, "queue-checkin-empty")
    # A USB scanner types the QR text into the focused field and presses Enter.
    scan_code(desk, qr_payload(booking.code))
    desk.get_by_role("heading", name="Rahmat Hidayat").wait_for()
    assert booking.person.masked_nik in desk.content() and booking.person.nik not in desk.content()
    screenshot(desk, "queue-checkin-person")
    desk.get_by_label("KTP-el asli cocok dengan nama, NIK dan foto").check()
    desk.get_by_role("button", name="Terbitkan tiket").click()
    desk.get_by_role("heading", name="Tiket diterbitkan").wait_for()
    ticket = Ticket.objects.get(booking=booking)
    assert desk.locator(".issued .ticket-number").inner_text() == ticket.display == "A001"
    screenshot(desk, "queue-checkin-issued")
    assert desk.evaluate("() => document.activeElement.id") == "code", "ready for the next scan"

    slip_url = desk.get_by_role("link", name="Cetak slip").get_attribute("href")
    assert slip_url is not None and slip_url.endswith("?cetak=1")
    slip = desk.context.new_page()
    slip.goto(f"{live_server.url}{slip_url.removesuffix('?cetak=1')}?lebar=58")
    slip.emulate_media(media="print")
    assert slip.locator(".slip-number").inner_text() == "A001"
    screenshot(slip, "queue-slip-58mm")
    slip.goto(f"{live_server.url}{slip_url.removesuffix('?cetak=1')}?lebar=80")
    screenshot(slip, "queue-slip-80mm")

    officer = desk_page(chromium, live_server, counter_officer_a)
    officer.goto(f"{live_server.url}/petugas/{office_a.code}/loket/1/")
    officer.get_by_role("button", name="Panggil berikutnya").click()
    assert officer.locator(".current .ticket-number").inner_text() == "A001"
    screenshot(officer, "queue-counter-called")
    officer.keyboard.press("s")  # the shortcut for "start serving"
    officer.get_by_text("Melayani A001.").wait_for()
    officer.get_by_role("button", name="Pindah ke foto dan wawancara").click()
    officer.get_by_text("A001 dipindahkan ke Foto dan wawancara.").wait_for()

    officer.goto(f"{live_server.url}/petugas/{office_a.code}/loket/3/")
    assert "A001" in officer.locator(".waiting").inner_text()
    officer.get_by_role("button", name="Panggil berikutnya").click()
    assert officer.locator(".current .ticket-number").inner_text() == "A001"
    screenshot(officer, "queue-counter-photo")
    officer.get_by_role("button", name="Selesai").click()
    officer.get_by_text("A001 selesai.").wait_for()
    ticket.refresh_from_db()
    booking.refresh_from_db()
    assert ticket.status == TicketStatus.DONE and booking.status == BookingStatus.COMPLETED
    assert booking.application.stage == DossierStage.PHOTO_INTERVIEW_DONE

    kiosk = desk_page(chromium, live_server, checkin_officer_a, width=1024)
    kiosk.goto(f"{live_server.url}/petugas/{office_a.code}/kiosk/")
    screenshot(kiosk, "queue-kiosk")
    kiosk.get_by_label("Pindai kode QR pada bukti pemesanan, atau ketik kode pemesanan").fill(walk_up.code.lower())
    kiosk.get_by_role("button", name="Ambil nomor").click()
    kiosk.get_by_role("heading", name="Halo, Budi!").wait_for()
    assert kiosk.locator(".ticket-number").inner_text() == "A002"
    assert "Santoso" not in kiosk.content()
    screenshot(kiosk, "queue-kiosk-ticket")
    for page in (desk, officer, kiosk):
        page.context.close()
