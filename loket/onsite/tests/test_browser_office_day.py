"""One morning at the office, end to end in chromium, through the real pages only.

An officer signs in with password and TOTP code, checks a booked person in by scanning the
QR, calls the ticket at a counter while the waiting-room board is open on another screen
(the call must be on the board within 2 seconds), transfers it to photo and interview,
where another counter calls and finishes it.
"""

from typing import Any

import pytest
from django_otp.oath import totp

from loket.accounts.models import User
from loket.accounts.testing import staff_device
from loket.audit.models import AuditEntry
from loket.booking.codes import qr_payload
from loket.booking.models import BookingStatus
from loket.core.testing.browser import screenshot
from loket.offices.models import Office
from loket.onsite.models import Stage, Ticket, TicketStatus
from loket.onsite.tests.conftest import STAFF_PASSWORD
from loket.onsite.tests.queue_helpers import booked, counter, now_window, scan_code
from loket.onsite.tests.test_browser_board import board_page, shows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in_with_code(page: Any, base_url: str, officer: User) -> None:
    device = staff_device(officer)  # the authenticator app on the officer's phone
    page.goto(base_url + "/petugas/")
    page.get_by_label("Email dinas").fill(officer.email)
    page.get_by_label("Kata sandi").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Lanjut").click()
    page.wait_for_url("**/petugas/masuk/kode/")
    page.get_by_label("Kode 6 angka").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url("**/petugas/")


def test_sign_in_check_in_call_board_transfer_finish(
    live_server: Any, chromium: Any, office_a: Office, supervisor_a: User
) -> None:
    counter(office_a, 1, Stage.VERIFICATION)
    counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    booking = booked(office_a, name="Siti Rahmawati", **now_window(office_a))
    board = board_page(chromium, f"{live_server.url}/papan/{office_a.code}/")
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(10_000)
    desk = context.new_page()

    sign_in_with_code(desk, live_server.url, supervisor_a)

    desk.goto(f"{live_server.url}/petugas/{office_a.code}/checkin/")
    scan_code(desk, qr_payload(booking.code))
    desk.get_by_role("heading", name="Siti Rahmawati").wait_for()
    desk.get_by_label("KTP-el asli cocok dengan nama, NIK dan foto").check()
    desk.get_by_role("button", name="Terbitkan tiket").click()
    desk.get_by_role("heading", name="Tiket diterbitkan").wait_for()
    ticket = Ticket.objects.get(booking=booking)
    assert ticket.display == "A001"

    desk.goto(f"{live_server.url}/petugas/{office_a.code}/loket/1/")
    desk.get_by_role("button", name="Panggil berikutnya").click()
    assert shows(board, 1, "A001") < 2.0
    screenshot(desk, "office-day-counter-1")
    screenshot(board, "office-day-board-called")
    desk.get_by_role("button", name="Pindah ke foto dan wawancara").click()
    desk.get_by_text("A001 dipindahkan ke Foto dan wawancara.").wait_for()

    desk.goto(f"{live_server.url}/petugas/{office_a.code}/loket/3/")
    desk.get_by_role("button", name="Panggil berikutnya").click()
    assert shows(board, 3, "A001") < 2.0
    screenshot(board, "office-day-board-counter-3")
    desk.get_by_role("button", name="Selesai").click()
    desk.get_by_text("A001 selesai.").wait_for()

    ticket.refresh_from_db()
    booking.refresh_from_db()
    assert (ticket.status, booking.status) == (TicketStatus.DONE, BookingStatus.COMPLETED)
    actions = set(AuditEntry.objects.filter(actor=supervisor_a, office=office_a).values_list("action", flat=True))
    assert len(actions) >= 3, actions  # the check-in and the counter moves are on record
    board.context.close()
    context.close()
