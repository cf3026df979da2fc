"""The fee on the citizen pages: paying is easy, and cancelling never loses it silently."""

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.booking.models import Booking, BookingStatus
from loket.booking.services import BookingRequest, booking_create
from loket.core.datefmt import grouped
from loket.offices.models import Office
from loket.payments.models import FeeCredit
from loket.payments.provider import BillReport
from loket.payments.services import payment_report_apply
from loket.web.tests.conftest import in_language

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tuesday 07:30 WIB
DAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def book(user: User, office: Office, *, start: dt.time = dt.time(8)) -> Booking:
    request = BookingRequest(office=office.code, date=DAY, start=start, service="new", passport_type="regular")
    return booking_create(user=user, request=request)[0]


def pay(booking: Booking) -> None:
    payment = booking.payment
    report = BillReport(billing_code=payment.billing_code, amount=payment.amount, status="paid", provider_ref="B-1")
    payment_report_apply(report=report, source="webhook", fingerprint=f"test-{payment.pk}")


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("id", ["Tempat membayar", "Teller bank", "Kantor Pos", "Selasa, 1 Desember 2026, pukul 09.30 WIB", "2 jam"]),
        ("en", ["Where to pay", "Bank teller", "Post office", "Tuesday 1 December 2026, 09:30 WIB", "2 hours"]),
    ],
)
def test_the_proof_shows_the_bill_grouped_copyable_with_deadline_and_channels(
    signed_in: Client, applicant: User, office: Office, language: str, texts: list[str]
) -> None:
    booking = book(applicant, office)
    code = booking.payment.billing_code
    html = in_language(signed_in, language).get(f"/pemesanan/{booking.code}/").content.decode()
    assert f"{code[:4]} {code[4:8]} {code[8:12]} {code[12:]}" in html  # large and grouped for reading
    assert re.search(rf'<input id="billing-{booking.code}"[^>]*readonly[^>]*value="{code}"', html)  # copyable
    assert ("Rp350.000" if language == "id" else "Rp350,000") in html
    for text in texts:
        assert text in html, text
    assert f'data-poll="/pemesanan/{booking.code}/status.json"' in html


def test_the_payment_state_poll_answers_the_owner_only(
    signed_in: Client, applicant: User, other_applicant: User, office: Office
) -> None:
    mine = book(applicant, office)
    answer = signed_in.get(f"/pemesanan/{mine.code}/status.json")
    assert answer.json() == {"booking": "awaiting_payment", "payment": "pending"}
    assert answer["Cache-Control"] == "private, no-store"
    pay(mine)
    assert signed_in.get(f"/pemesanan/{mine.code}/status.json").json() == {"booking": "confirmed", "payment": "paid"}
    theirs = book(other_applicant, office)
    assert signed_in.get(f"/pemesanan/{theirs.code}/status.json").status_code == 404


def test_my_bookings_asks_before_cancelling(signed_in: Client, applicant: User, office: Office) -> None:
    booking = book(applicant, office)
    html = signed_in.get("/pemesanan/").content.decode()
    assert f'href="/pemesanan/{booking.code}/batal/"' in html
    assert 'action="/pemesanan/batal/"' not in html  # no one-tap cancel


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("id", ["Ubah jadwal saja", "Biaya Rp350.000 yang sudah dibayar tidak hilang", "Rabu, 1 Desember 2027"]),
        ("en", ["Just reschedule", "The Rp350,000 fee already paid is not lost", "Wednesday 1 December 2027"]),
    ],
)
def test_the_cancel_page_of_a_paid_booking_offers_rescheduling_and_tells_of_the_credit(
    signed_in: Client, applicant: User, office: Office, language: str, texts: list[str]
) -> None:
    booking = book(applicant, office)
    pay(booking)
    html = in_language(signed_in, language).get(f"/pemesanan/{booking.code}/batal/").content.decode()
    for text in texts:
        assert text in html, text
    assert f'href="/pemesanan/{booking.code}/ubah-jadwal/"' in html
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED  # looking changes nothing


def test_the_cancel_page_of_an_unpaid_booking_closes_the_bill(
    signed_in: Client, applicant: User, office: Office
) -> None:
    booking = book(applicant, office)
    code = booking.payment.billing_code
    html = signed_in.get(f"/pemesanan/{booking.code}/batal/").content.decode()
    assert "Belum ada pembayaran yang kami terima" in html
    assert f"{code[:4]} {code[4:8]}" in html
    assert "kredit" in html  # a payment still on its way is kept too


def test_cancel_then_book_again_uses_the_credit_shown_on_every_page(
    signed_in: Client, applicant: User, office: Office
) -> None:
    first = book(applicant, office)
    pay(first)
    page = signed_in.get(f"/pemesanan/{first.code}/batal/").content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key
    done = signed_in.post("/pemesanan/batal/", {"code": first.code, "idempotency_key": key.group(1)}, follow=True)
    assert f"Pemesanan {grouped(first.code)} dibatalkan." in done.content.decode()
    listing = signed_in.get("/pemesanan/").content.decode()
    assert 'id="credits"' in listing and "Rp350.000" in listing
    proof = signed_in.get(f"/pemesanan/{first.code}/").content.decode()
    assert "disimpan sebagai kredit sampai Rabu, 1 Desember 2027" in proof
    second = book(applicant, office, start=dt.time(9))
    second.refresh_from_db()
    assert second.status == BookingStatus.CONFIRMED
    html = signed_in.get(f"/pemesanan/{second.code}/").content.decode()
    assert f"dengan kredit dari pemesanan {grouped(first.code)}" in html
    assert "Kode billing" not in html
    assert FeeCredit.objects.get(source=first).used_by_id == second.pk


def test_the_cancel_page_of_someone_else_is_not_found(signed_in: Client, other_applicant: User, office: Office) -> None:
    theirs = book(other_applicant, office)
    assert signed_in.get(f"/pemesanan/{theirs.code}/batal/").status_code == 404


def test_the_first_booking_step_tells_of_an_active_booking_with_its_links(
    signed_in: Client, applicant: User, office: Office
) -> None:
    booking = book(applicant, office)
    html = signed_in.get("/pesan/").content.decode()
    assert 'id="active-bookings"' in html
    assert f'href="/pemesanan/{booking.code}/ubah-jadwal/"' in html
    assert f'href="/pemesanan/{booking.code}/batal/"' in html
    assert "Rabu, 2 Desember 2026" in html


def test_the_confirm_step_says_the_credit_will_be_used(signed_in: Client, applicant: User, office: Office) -> None:
    first = book(applicant, office)
    pay(first)
    from loket.booking.services import booking_cancel

    booking_cancel(user=applicant, code=first.code)
    form = {"member": "", "service": "new", "passport_type": "regular"}
    html = signed_in.post(f"/pesan/{office.code}/2026-12-02/09:00/", form).content.decode()
    assert 'id="credit"' in html and grouped(first.code) in html
    other = signed_in.post(f"/pesan/{office.code}/2026-12-02/09:00/", {**form, "passport_type": "electronic"})
    assert 'id="credit"' not in other.content.decode()
