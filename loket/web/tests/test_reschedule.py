"""Rescheduling from my bookings and the proof: the same service, rules and messages as the API."""

import datetime as dt
import gzip
from typing import Any

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.booking.models import Booking, BookingStatus
from loket.offices.models import Closure, Office
from loket.web.tests.conftest import in_language
from loket.web.tests.test_bookings import book
from loket.web.tests.test_calendar import fill_day
from loket.web.tests.test_pages import Inputs, _linked_assets

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tuesday 1 December, 07:30 WIB
DAY = dt.date(2026, 12, 2)  # the booked day (08:00)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def booking(applicant: User, office: Office) -> Booking:
    return book(applicant, office)


def url(booking: Booking, day: str = "") -> str:
    return f"/pemesanan/{booking.code}/ubah-jadwal/" + (f"{day}/" if day else "")


def test_my_bookings_and_the_proof_link_to_reschedule(signed_in: Client, booking: Booking) -> None:
    assert f'href="{url(booking)}"' in signed_in.get("/pemesanan/").content.decode()
    assert f'href="{url(booking)}"' in signed_in.get(f"/pemesanan/{booking.code}/").content.decode()


def test_a_cancelled_booking_offers_no_reschedule(signed_in: Client, booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    assert url(booking) not in signed_in.get("/pemesanan/").content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("id", "Ubah jadwal: pilih tanggal"), ("en", "Reschedule: choose a date")]
)
def test_the_calendar_leads_to_the_windows_of_a_day(
    signed_in: Client, booking: Booking, language: str, text: str
) -> None:
    html = in_language(signed_in, language).get(url(booking)).content.decode()
    assert text in html
    assert f'href="{url(booking, "2026-12-05")}"' in html
    windows = signed_in.get(url(booking, "2026-12-05")).content.decode()
    assert 'value="08:00"' in windows
    assert 'value="09:00"' in windows


def test_reschedule_moves_the_booking(signed_in: Client, booking: Booking) -> None:
    answer = signed_in.post(url(booking, "2026-12-05"), {"start": "09:00"}, follow=True)
    assert answer.redirect_chain == [(f"/pemesanan/{booking.code}/", 302)]
    assert f"Jadwal pemesanan {booking.code} diubah." in answer.content.decode()
    booking.refresh_from_db()
    assert (booking.slot.date, booking.slot.start) == (dt.date(2026, 12, 5), dt.time(9))
    assert booking.reschedule_count == 1


def test_the_same_window_is_refused_next_to_the_field(signed_in: Client, booking: Booking) -> None:
    answer = signed_in.post(url(booking, "2026-12-02"), {"start": "08:00"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'id="id_start-error">Jadwal baru sama dengan jadwal sekarang.' in html
    assert 'role="alert"' in html


def test_an_unknown_window_is_refused_next_to_the_field(signed_in: Client, booking: Booking) -> None:
    answer = signed_in.post(url(booking, "2026-12-05"), {"start": "25:99"})
    assert answer.status_code == 422
    assert 'id="id_start-error"' in answer.content.decode()
    booking.refresh_from_db()
    assert booking.slot.date == DAY


def test_the_limit_is_shown_above_the_form(signed_in: Client, booking: Booking, settings: Any) -> None:
    Booking.objects.filter(pk=booking.pk).update(reschedule_count=settings.LOKET_RESCHEDULE_MAX)
    answer = in_language(signed_in, "en").post(url(booking, "2026-12-05"), {"start": "09:00"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert '<div class="summary" role="alert">' in html
    assert "already been rescheduled 2 times" in html


def test_the_day_of_the_visit_is_too_late(signed_in: Client, applicant: User, office: Office) -> None:
    today = book(applicant, office, day=dt.date(2026, 12, 1))
    answer = signed_in.post(url(today, "2026-12-05"), {"start": "09:00"})
    assert answer.status_code == 422
    assert "paling lambat sehari sebelum kedatangan" in answer.content.decode()


def test_a_full_window_offers_the_next_date(
    signed_in: Client, booking: Booking, other_applicant: User, office: Office
) -> None:
    book(other_applicant, office, day=dt.date(2026, 12, 5))  # one of the two 08:00 seats
    fill_day(office, dt.date(2026, 12, 1))
    fill_day(office, dt.date(2026, 12, 3))
    answer = signed_in.post(url(booking, "2026-12-03"), {"start": "09:00"})
    assert answer.status_code == 409
    html = answer.content.decode()
    assert "Jam kedatangan ini sudah penuh. Hari terdekat yang masih ada tempat:" in html
    assert f'href="{url(booking, "2026-12-02")}"' in html  # the next day with room, in the reschedule flow
    assert "Kantor lain" not in html  # a reschedule stays at its office


def test_a_closed_day_says_why(signed_in: Client, booking: Booking, office: Office) -> None:
    Closure.objects.create(office=office, date=dt.date(2026, 12, 4), reason="Pemadaman listrik")
    answer = signed_in.get(url(booking, "2026-12-04"))
    assert answer.status_code == 409
    assert "Pemadaman listrik" in answer.content.decode()


def test_someone_elses_booking_and_bad_dates_are_not_found(
    signed_in: Client, other_applicant: User, office: Office, booking: Booking
) -> None:
    theirs = book(other_applicant, office)
    assert signed_in.get(url(theirs)).status_code == 404
    assert signed_in.post(url(theirs, "2026-12-05"), {"start": "09:00"}).status_code == 404
    assert signed_in.get(url(booking, "2026-13-45")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.slot.date == DAY


def test_every_input_is_labelled_and_errors_are_tied_to_the_field(signed_in: Client, booking: Booking) -> None:
    for answer in (
        signed_in.get(url(booking)),
        signed_in.get(url(booking, "2026-12-05")),
        signed_in.post(url(booking, "2026-12-02"), {"start": "08:00"}),
    ):
        page = Inputs()
        page.feed(answer.content.decode())
        for control in page.controls:
            assert control["wrapped"] or control.get("id") in page.labelled, control
    html = answer.content.decode()
    assert '<fieldset class="field invalid" aria-describedby="id_start-error">' in html
    assert "<legend>Jam kedatangan baru</legend>" in html


def test_the_reschedule_pages_weigh_at_most_30_kb(signed_in: Client, booking: Booking) -> None:
    for page in (url(booking), url(booking, "2026-12-05")):
        html = signed_in.get(page).content
        assets = _linked_assets(html.decode())
        total = len(gzip.compress(html)) + sum(len(gzip.compress(path.read_bytes())) for path in assets)
        assert total <= 30 * 1024


def test_a_cancelled_booking_cannot_be_moved(signed_in: Client, booking: Booking) -> None:
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    page = signed_in.get(url(booking), follow=True)
    assert page.redirect_chain == [(f"/pemesanan/{booking.code}/", 302)]
    assert '<p class="msg error" role="alert">Pemesanan ini tidak aktif lagi.</p>' in page.content.decode()
    answer = signed_in.post(url(booking, "2026-12-05"), {"start": "09:00"})
    assert answer.status_code == 422
    assert "Pemesanan ini tidak aktif lagi." in answer.content.decode()
