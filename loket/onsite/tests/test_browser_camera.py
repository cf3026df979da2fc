"""The camera scan in chromium, with a fake camera filming a booking proof's QR code.

Debian's chromium has no BarcodeDetector, so this drives the path most office desks take
(Chrome on Windows or Linux): scan.js loads the bundled jsQR decoder and reads the frames.
"""

import io
from pathlib import Path
from typing import Any

import pytest
import segno
from PIL import Image

from loket.accounts.models import User
from loket.booking.codes import qr_payload
from loket.core.testing.browser import launch_with_camera, screenshot, write_y4m
from loket.offices.models import Office
from loket.onsite.models import Ticket
from loket.onsite.tests.queue_helpers import booked, now_window
from loket.onsite.tests.test_browser_office_day import sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def qr_film(tmp_path: Path, text: str) -> Path:
    """What the camera sees: the proof's QR held up to it (a 300 px code, as on a phone screen)."""
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=8, border=4)
    return write_y4m(tmp_path / "proof.y4m", Image.open(io.BytesIO(png.getvalue())))


def test_the_desk_camera_reads_the_qr_and_finds_the_person(
    live_server: Any, chromium: Any, office_a: Office, checkin_officer_a: User, tmp_path: Path
) -> None:
    booking = booked(office_a, name="Dewi Kartika", **now_window(office_a))
    browser = launch_with_camera(chromium, qr_film(tmp_path, qr_payload(booking.code)))
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
        context.set_default_timeout(15_000)
        desk = context.new_page()
        sign_in_with_code(desk, live_server.url, checkin_officer_a)
        desk.goto(f"{live_server.url}/petugas/{office_a.code}/checkin/")

        assert desk.evaluate("'BarcodeDetector' in window") is False  # the jsQR path, as on most desks
        desk.get_by_role("button", name="Pindai dengan kamera").click()
        desk.get_by_role("heading", name="Dewi Kartika").wait_for()
        screenshot(desk, "checkin-camera-found")

        desk.get_by_label("KTP-el asli cocok dengan nama, NIK dan foto").check()
        desk.get_by_role("button", name="Terbitkan tiket").click()
        desk.get_by_role("heading", name="Tiket diterbitkan").wait_for()
        assert Ticket.objects.filter(booking=booking).count() == 1
    finally:
        browser.close()


def test_the_kiosk_camera_issues_the_ticket(
    live_server: Any, chromium: Any, office_a: Office, checkin_officer_a: User, tmp_path: Path
) -> None:
    booking = booked(office_a, name="Rudi Hartono", **now_window(office_a))
    browser = launch_with_camera(chromium, qr_film(tmp_path, qr_payload(booking.code)))
    try:
        kiosk = browser.new_page(viewport={"width": 1080, "height": 1920}, locale="id-ID")
        kiosk.set_default_timeout(15_000)
        sign_in_with_code(kiosk, live_server.url, checkin_officer_a)  # the kiosk runs signed in, set up by staff
        kiosk.goto(f"{live_server.url}/petugas/{office_a.code}/kiosk/")
        kiosk.get_by_role("button", name="Pindai dengan kamera").click()
        kiosk.get_by_text("Nomor antrean Anda").wait_for()
        assert Ticket.objects.get(booking=booking).display == kiosk.locator(".ticket-number").inner_text()
    finally:
        browser.close()


def test_a_desk_without_a_camera_says_so_and_the_field_still_works(
    live_server: Any, chromium: Any, office_a: Office, checkin_officer_a: User
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    context.set_default_timeout(10_000)
    desk = context.new_page()
    sign_in_with_code(desk, live_server.url, checkin_officer_a)
    desk.goto(f"{live_server.url}/petugas/{office_a.code}/checkin/")
    desk.get_by_role("button", name="Pindai dengan kamera").click()  # headless chromium: no camera at all
    desk.get_by_role("button", name="Kamera tidak tersedia").wait_for()
    assert desk.get_by_role("button", name="Kamera tidak tersedia").is_disabled()
    context.close()
