"""My bookings: only the account's and household's, with payment state and a cancel button."""

import datetime as dt
import gzip
import io
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from loket.accounts.models import User
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import BookingRequest, booking_create
from loket.core.datefmt import grouped
from loket.offices.models import Office
from loket.web.tests.conftest import NIK, in_language
from loket.web.tests.test_pages import _linked_assets

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tuesday 07:30 WIB
DAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def book(user: User, office: Office, *, day: dt.date = DAY) -> Booking:
    request = BookingRequest(office=office.code, date=day, start=dt.time(8), service="new", passport_type="regular")
    return booking_create(user=user, request=request)[0]


@pytest.mark.parametrize(("language", "text"), [("id", "Pemesanan saya"), ("en", "My bookings")])
def test_my_bookings_lists_own_bookings_with_payment(
    signed_in: Client, applicant: User, other_applicant: User, office: Office, language: str, text: str
) -> None:
    mine = book(applicant, office)
    theirs = book(other_applicant, office)
    html = in_language(signed_in, language).get("/pemesanan/").content.decode()
    assert text in html
    assert mine.code[:4] in html
    assert theirs.code[:4] not in html
    assert "WIB" in html
    assert mine.payment.billing_code in html
    assert ("Rp350.000" if language == "id" else "Rp350,000") in html  # the reader's thousands separator


def test_my_bookings_asks_to_log_in(browser: Client, db: None) -> None:
    assert browser.get("/pemesanan/")["Location"].startswith("/masuk/?next=")


def test_cancel_a_booking(signed_in: Client, applicant: User, office: Office) -> None:
    booking = book(applicant, office)
    page = signed_in.post("/pemesanan/batal/", {"code": booking.code}, follow=True)
    assert f"Pemesanan {grouped(booking.code)} dibatalkan." in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_cancel_after_the_window_started_is_refused(signed_in: Client, applicant: User, office: Office) -> None:
    booking = book(applicant, office, day=dt.date(2026, 12, 1))  # 08:00 today
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):  # 08:30 WIB
        page = in_language(signed_in, "en").post("/pemesanan/batal/", {"code": booking.code}, follow=True)
    assert "cannot be cancelled" in page.content.decode()
    booking.refresh_from_db()
    assert booking.is_active


def test_cancel_someone_elses_booking_is_not_found(signed_in: Client, other_applicant: User, office: Office) -> None:
    theirs = book(other_applicant, office)
    page = signed_in.post("/pemesanan/batal/", {"code": theirs.code}, follow=True)
    assert "Pemesanan tidak ditemukan. Periksa kode pemesanan di daftar pemesanan Anda." in page.content.decode()
    theirs.refresh_from_db()
    assert theirs.is_active


@pytest.mark.parametrize(("language", "text"), [("id", "Bukti pemesanan"), ("en", "Booking proof")])
def test_the_proof_shows_code_qr_masked_nik_and_zone(
    signed_in: Client, applicant: User, office: Office, language: str, text: str
) -> None:
    booking = book(applicant, office)
    html = in_language(signed_in, language).get(f"/pemesanan/{booking.code}/").content.decode()
    assert text in html
    assert f"{booking.code[:4]} {booking.code[4:]}" in html
    assert "<svg" in html
    assert NIK not in html
    assert booking.person.masked_nik in html
    assert "WIB" in html
    assert booking.payment.billing_code in html
    assert "https://www.openstreetmap.org/search?query=" in html
    assert ("Dokumen yang dibawa" if language == "id" else "Documents to bring") in html


def test_the_proof_of_someone_else_is_not_found(signed_in: Client, other_applicant: User, office: Office) -> None:
    theirs = book(other_applicant, office)
    assert signed_in.get(f"/pemesanan/{theirs.code}/").status_code == 404
    assert signed_in.get("/pemesanan/ZZZZZZZZ/").status_code == 404


def test_the_proof_weighs_at_most_30_kb_without_the_qr(signed_in: Client, applicant: User, office: Office) -> None:
    booking = book(applicant, office)
    html = signed_in.get(f"/pemesanan/{booking.code}/").content.decode()
    without_qr = re.sub(r"<svg.*?</svg>", "", html, flags=re.DOTALL).encode()
    assets = _linked_assets(html)
    assert {path.name for path in assets} == {"loket.css", "app.js"}
    assert len(gzip.compress(without_qr)) + sum(len(gzip.compress(path.read_bytes())) for path in assets) <= 30 * 1024


@pytest.mark.parametrize(("language", "title"), [("id", "Bukti pemesanan"), ("en", "Booking proof")])
def test_the_proof_downloads_as_a_pdf(
    signed_in: Client, applicant: User, office: Office, language: str, title: str
) -> None:
    booking = book(applicant, office)
    assert f'href="/pemesanan/{booking.code}/pdf/"' in signed_in.get(f"/pemesanan/{booking.code}/").content.decode()
    answer = in_language(signed_in, language).get(f"/pemesanan/{booking.code}/pdf/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    name = "bukti-pemesanan" if language == "id" else "booking-proof"  # named in the reader's language
    assert answer["Content-Disposition"] == f'attachment; filename="{name}-{booking.code}.pdf"'
    assert answer["Cache-Control"] == "private, no-store"
    document = PdfReader(io.BytesIO(answer.content))
    text = "\n".join(page.extract_text() for page in document.pages)
    assert len(document.pages) == 1
    assert title in text
    assert booking.code in text
    assert booking.person.masked_nik in text
    assert NIK not in text
    assert "Ani Lestari" in text
    assert "Kantor Imigrasi PLB" in text
    assert ("08.00-09.00" if language == "id" else "08:00-09:00") + " WIB (Asia/Jakarta)" in text
    assert ("Rp350.000" if language == "id" else "Rp350,000") in text
    assert ("Rabu, 2 Desember 2026" if language == "id" else "Wednesday 2 December 2026") in text
    assert "Selasa, 1 Desember 2026, pukul 09.30 WIB" in text or "Tuesday 1 December 2026, 09:30 WIB" in text
    assert ("Dokumen yang dibawa" if language == "id" else "Documents to bring") in text
    assert ("Bawa KTP-el asli" if language == "id" else "Bring your original KTP-el") in text  # an adult's booking
    assert document.pages[0].images  # the QR code


def test_the_pdf_of_someone_else_is_not_found(signed_in: Client, other_applicant: User, office: Office) -> None:
    theirs = book(other_applicant, office)
    assert signed_in.get(f"/pemesanan/{theirs.code}/pdf/").status_code == 404
    assert Client().get(f"/pemesanan/{theirs.code}/pdf/").status_code == 302  # anonymous: log in first


def test_a_refusal_is_announced_and_a_success_is_a_status(
    signed_in: Client, applicant: User, other_applicant: User, office: Office
) -> None:
    theirs = book(other_applicant, office)
    refused = signed_in.post("/pemesanan/batal/", {"code": theirs.code}, follow=True).content.decode()
    assert (
        '<p class="msg error" role="alert">Pemesanan tidak ditemukan. Periksa kode pemesanan di daftar pemesanan Anda.</p>'
        in refused
    )
    mine = book(applicant, office)
    done = signed_in.post("/pemesanan/batal/", {"code": mine.code}, follow=True).content.decode()
    assert f'<p class="msg success" role="status">Pemesanan {grouped(mine.code)} dibatalkan.</p>' in done


def test_the_office_address_names_the_city_once(db: None) -> None:
    from loket.web.proof import address_of

    office = Office(address="Jl. Mayor Ruslan, Palembang", city="Palembang", province="Sumatera Selatan")
    assert address_of(office) == "Jl. Mayor Ruslan, Palembang, Sumatera Selatan"
    assert address_of(Office(address="Jl. A 1", city="Batam", province="")) == "Jl. A 1, Batam"
