"""A citizen's whole journey in a real browser (Debian's chromium): register, verify, add a child,
book for her, keep the proof (print, PDF, offline), reschedule, cancel, sign out."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils.formats import date_format
from pypdf import PdfReader

from loket.booking.models import Booking, BookingStatus
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.core.datefmt import grouped
from loket.core.testing.browser import screenshot, sign_in, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NIK = "1671014508900002"
CHILD_NIK = "1671015003150003"


def fill(page: Any, **values: str) -> None:
    for name, value in values.items():
        page.fill(f"#id_{name}", value)


def register_and_verify(page: Any, base: str) -> None:
    page.goto(base + "/daftar/")
    fill(page, full_name="Ani Lestari", nik=NIK, birth_date="1990-08-05", phone="0812 3456 7890")
    fill(page, email="ani@example.id", address="Jl. Merdeka 1, Palembang", password="Kuat-Sekali-2026")
    page.get_by_label("Perempuan").check()
    screenshot(page, "journey-01-register")
    page.get_by_role("button", name="Daftar", exact=True).click()

    assert page.url.endswith("/verifikasi/")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert code, "the verification mail carries a 6-digit code"
    assert page.input_value("#id_email") == "ani@example.id"
    page.fill("#id_code", code.group(1))
    page.get_by_role("button", name="Verifikasi", exact=True).click()
    assert "Email terverifikasi" in page.content()

    sign_in(page, base, "ani@example.id", "Kuat-Sekali-2026")
    assert page.url.endswith("/akun/")


def add_child(page: Any, base: str) -> None:
    page.goto(base + "/akun/keluarga/")
    fill(page, full_name="Rina Lestari", nik=CHILD_NIK, birth_date="2015-03-10")
    page.get_by_label("Perempuan").check()
    page.select_option("#id_relation", "child")
    page.get_by_role("button", name="Tambah", exact=True).click()
    assert "Rina Lestari ditambahkan." in page.content()
    screenshot(page, "journey-02-household")


def book_for_the_child(page: Any, base: str, day: dt.date) -> Booking:
    page.goto(base + "/?q=Palembang")
    page.get_by_role("link", name="Pesan di Kantor Imigrasi PLB").click()
    assert page.url.endswith("/pesan/PLB/")
    screenshot(page, "journey-03-calendar")
    page.locator(f'a[href="/pesan/PLB/{day.isoformat()}/"]').click()
    screenshot(page, "journey-04-windows")
    page.get_by_role("link", name=re.compile(r"^09[.:]00–10[.:]00 WIB")).click()
    page.select_option("#id_member", label="Rina Lestari")
    page.get_by_label("Paspor baru").check()
    page.get_by_label(re.compile("Paspor biasa")).check()
    screenshot(page, "journey-05-details")
    page.get_by_role("button", name="Lanjut").click()
    assert "Rina Lestari" in page.content()
    page.get_by_role("button", name="Konfirmasi pemesanan").click()
    booking = Booking.objects.get()
    assert page.url.endswith(f"/pemesanan/{booking.code}/")
    assert booking.person.full_name == "Rina Lestari"
    return booking


def check_print(page: Any) -> None:
    page.emulate_media(media="print")
    assert page.locator("header.top").is_hidden()
    assert page.locator("footer.foot").is_hidden()
    assert page.locator(".bigcode").is_visible()
    screenshot(page, "journey-07-proof-print")
    page.emulate_media(media="screen")
    assert page.locator("header.top").is_visible()


def check_pdf(page: Any, booking: Booking) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh PDF").click()
    assert download.value.suggested_filename == f"bukti-pemesanan-{booking.code}.pdf"
    text = PdfReader(Path(download.value.path())).pages[0].extract_text()
    assert booking.code in text
    assert booking.person.masked_nik in text
    assert CHILD_NIK not in text


def check_offline(page: Any, booking: Booking) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, which keeps the proof
    wait_for_js(page, "navigator.serviceWorker.controller !== null")
    page.context.set_offline(True)
    try:
        page.reload()
        assert page.locator(".bigcode").inner_text() == f"{booking.code[:4]} {booking.code[4:]}"
        assert page.locator("header.top").evaluate("e => getComputedStyle(e).display") == "flex"  # the CSS too
        screenshot(page, "journey-08-proof-offline")
    finally:
        page.context.set_offline(False)


def reschedule(page: Any, booking: Booking, day: dt.date) -> None:
    page.get_by_role("link", name="Ubah jadwal", exact=True).click()
    screenshot(page, "journey-09-reschedule-calendar")
    page.locator(f'a[href="/pemesanan/{booking.code}/ubah-jadwal/{day.isoformat()}/"]').click()
    page.get_by_label(re.compile("08.00–09.00 WIB")).check()
    screenshot(page, "journey-10-reschedule-window")
    page.get_by_role("button", name="Ubah jadwal").click()
    assert f"Jadwal pemesanan {booking.code} diubah." in page.content()
    assert date_format(day, "l, j F Y") in page.content()
    booking.refresh_from_db()
    assert (booking.slot.date, booking.slot.start) == (day, dt.time(8))


def test_register_book_for_a_child_keep_the_proof_reschedule_cancel(live_server: Any, browser_page: Any) -> None:
    make_office("PLB", city="Palembang", province="Sumatera Selatan")
    page, base = browser_page, live_server.url
    day, later = open_day_ahead(), open_day_ahead(9)

    register_and_verify(page, base)
    add_child(page, base)
    booking = book_for_the_child(page, base, day)
    screenshot(page, "journey-06-proof")
    check_print(page)
    check_pdf(page, booking)
    check_offline(page, booking)
    reschedule(page, booking, later)

    page.get_by_role("link", name="Pemesanan saya", exact=True).click()
    page.get_by_role("link", name=f"Batalkan {booking.code}").click()  # a confirmation page first
    assert page.url.endswith(f"/pemesanan/{booking.code}/batal/")
    page.get_by_role("button", name=re.compile("^Ya, batalkan")).click()
    assert f"Pemesanan {grouped(booking.code)} dibatalkan." in page.content()
    screenshot(page, "journey-11-cancelled")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED

    assert page.evaluate("caches.has('loket-bukti')")
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(base + "/")
    assert not page.evaluate("caches.has('loket-bukti')")  # the next person finds no proof
