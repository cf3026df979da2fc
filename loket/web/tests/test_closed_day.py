"""A day closed after people booked it: each is told once, the proof and the API say so, and the
booking may move off it even on the day itself, without counting against the reschedule limit."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import make_applicant
from loket.accounts.models import User
from loket.booking.models import Booking, BookingEvent, BookingStatus, EventKind, Slot
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.notify.models import Message
from loket.offices.models import Closure, Office
from loket.web.tests.conftest import in_language
from loket.web.tests.test_bookings import DAY, NOW, book

REASON = "Pemadaman listrik"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def closed_messages() -> dict[str, Message]:
    return {m.event_key: m for m in Message.objects.filter(event_key__contains=":closed:")}


def test_a_late_closure_tells_each_person_booked_that_day_once(
    applicant: User, other_applicant: User, office: Office
) -> None:
    mine = book(applicant, office)
    theirs = book(other_applicant, office)
    budi = make_applicant(email="budi@example.id", nik="3174011506920004", full_name="Budi Santoso", sex="M")
    later = book(budi, office, day=DAY + dt.timedelta(days=1))
    dewi = make_applicant(email="dewi@example.id", nik="3174014506950005", full_name="Dewi Sartika")
    nine = BookingRequest(office=office.code, date=DAY, start=dt.time(9), service="new", passport_type="regular")
    cancelled = booking_create(user=dewi, request=nine)[0]
    Booking.objects.filter(pk=cancelled.pk).update(status=BookingStatus.CANCELLED)  # before the closure: not told
    gone = Booking.objects.filter(pk=theirs.pk)
    closure = Closure.objects.create(office=office, date=DAY, reason=REASON)

    sent = closed_messages()
    assert set(sent) == {f"booking:{mine.pk}:closed:2026-12-02:email", f"booking:{theirs.pk}:closed:2026-12-02:email"}
    message = sent[f"booking:{mine.pk}:closed:2026-12-02:email"]
    assert message.subject == "Kantor Imigrasi PLB tutup pada hari kedatangan Anda: pilih jadwal baru"
    assert "Kantor Imigrasi PLB tutup pada Rabu, 2 Desember 2026: Pemadaman listrik." in message.body
    assert "tidak dihitung dalam batas perubahan jadwal" in message.body
    assert f"lewat SMS/WhatsApp Loket: UBAH {mine.code} <tanggal> <jam>." in message.body  # the code as typed
    assert f"booking:{later.pk}:closed:2026-12-02:email" not in sent  # booked on another day

    # Editing the closure (a better reason) tells nobody twice, nor anyone cancelled since.
    closure.reason = "Pemadaman listrik oleh PLN"
    closure.save()
    gone.update(status=BookingStatus.CANCELLED)
    assert BookingEvent.objects.filter(kind=EventKind.DAY_CLOSED).count() == 2
    assert len(closed_messages()) == 2


def test_a_national_closure_tells_every_office_and_skips_the_windows_already_over(
    applicant: User, other_applicant: User, office: Office
) -> None:
    medan = make_office("MDN")
    today = NOW.date()  # 07:30 WIB: the 08:00 window is still to come, the one at 06:00 is over
    early = Slot.objects.create(
        office=medan, date=today, start=dt.time(6), end=dt.time(7), capacity=5, booked=2,
        starts_at=dt.datetime.combine(today, dt.time(6), tzinfo=medan.zone),
    )  # fmt: skip
    mine = book(applicant, office, day=today)
    theirs = book(other_applicant, medan, day=today)
    over = Booking.objects.filter(pk=theirs.pk)
    budi = make_applicant(email="budi@example.id", nik="3174011506920004", full_name="Budi Santoso", sex="M")
    Booking.objects.filter(pk=book(budi, medan, day=today).pk).update(slot=early)  # came at 06:00: not told
    Closure.objects.create(office=None, date=today, reason="Cuti bersama")
    assert set(closed_messages()) == {
        f"booking:{mine.pk}:closed:2026-12-01:email",
        f"booking:{theirs.pk}:closed:2026-12-01:email",
    }

    # Recorded for a day long past: nobody is still to come, nobody is told.
    Message.objects.all().delete()
    over.update(slot=early)
    Closure.objects.create(office=medan, date=dt.date(2026, 11, 2), reason="Banjir")
    assert closed_messages() == {}


def test_a_booking_on_a_closed_day_moves_on_the_day_itself_and_the_move_is_not_counted(
    signed_in: Client, applicant: User, office: Office
) -> None:
    booking = book(applicant, office)
    Booking.objects.filter(pk=booking.pk).update(reschedule_count=django_settings.LOKET_RESCHEDULE_MAX)
    move = f"/pemesanan/{booking.code}/ubah-jadwal/2026-12-05/"
    with time_machine.travel(dt.datetime(2026, 12, 2, 0, 15, tzinfo=dt.UTC), tick=False):  # 07:15 WIB on the day
        refused = signed_in.post(move, {"start": "09:00"})
        # The control: the limit is reached (and it is the day itself).
        assert refused.status_code == 422 and "sudah diubah 2 kali" in refused.content.decode()
        Closure.objects.create(office=office, date=DAY, reason=REASON)
        moved = signed_in.post(move, {"start": "09:00"})
    assert moved.status_code == 302 and moved["Location"] == f"/pemesanan/{booking.code}/"
    booking.refresh_from_db()
    assert (booking.slot.date, booking.slot.start) == (dt.date(2026, 12, 5), dt.time(9))
    assert booking.reschedule_count == django_settings.LOKET_RESCHEDULE_MAX  # not counted
    assert Slot.objects.get(office=office, date=DAY, start=dt.time(8)).booked == 0  # the closed day's seat is free
    told = Message.objects.get(event_key=f"booking:{booking.pk}:rescheduled:2:from-closed:2026-12-02:email")
    assert "Sabtu, 5 Desember 2026, pukul 09.00–10.00 WIB" in told.body

    # On the new day, open, the usual rules hold again.
    again = signed_in.post(f"/pemesanan/{booking.code}/ubah-jadwal/2026-12-06/", {"start": "08:00"})
    assert again.status_code == 422 and "sudah diubah 2 kali" in again.content.decode()
    booking.refresh_from_db()
    assert booking.slot.date == dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [
        ("id", "Kantor tutup pada hari kedatangan Anda", "Pilih jadwal baru"),
        ("en", "The office is closed on your appointment day", "Choose a new appointment"),
    ],
)
def test_the_proof_and_the_api_say_the_day_is_closed(
    signed_in: Client, applicant: User, office: Office, api: Client, auth_headers: dict[str, str],
    language: str, heading: str, link: str,
) -> None:  # fmt: skip
    booking = book(applicant, office)
    client = in_language(signed_in, language)
    proof = f"/pemesanan/{booking.code}/"
    assert 'id="day-closed"' not in client.get(proof).content.decode()
    assert heading not in client.get("/pemesanan/").content.decode()
    assert api.get(f"/api/v1/bookings/{booking.code}", headers=auth_headers).json()["day_closed"] is None

    Closure.objects.create(office=office, date=DAY, reason=REASON)
    html = client.get(proof).content.decode()
    assert 'id="day-closed"' in html and heading in html and REASON in html
    assert f'<a href="/pemesanan/{booking.code}/ubah-jadwal/">{link}</a>' in html
    assert api.get(f"/api/v1/bookings/{booking.code}", headers=auth_headers).json()["day_closed"] == REASON
    assert api.get("/api/v1/bookings", headers=auth_headers).json()[0]["day_closed"] == REASON
    listed = client.get("/pemesanan/").content.decode()
    assert f"<strong>{heading}</strong>: {REASON}</p>" in listed

    # Cancel is still there, and offers the free move first even with the limit reached.
    Booking.objects.filter(pk=booking.pk).update(reschedule_count=django_settings.LOKET_RESCHEDULE_MAX)
    cancel = client.get(f"/pemesanan/{booking.code}/batal/").content.decode()
    assert f'href="/pemesanan/{booking.code}/ubah-jadwal/"' in cancel


def test_the_events_of_a_closure_go_in_with_one_insert(
    applicant: User, other_applicant: User, office: Office, settings: Any
) -> None:
    settings.LOKET_BOOKING_EVENTS_INLINE = False  # as in production: the worker reacts
    book(applicant, office)
    book(other_applicant, office)
    with CaptureQueriesContext(connection) as queries:
        Closure.objects.create(office=office, date=DAY, reason=REASON)
    events = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "booking_bookingevent"')]
    assert len(events) == 1, events
    assert BookingEvent.objects.filter(kind=EventKind.DAY_CLOSED, processed_at=None).count() == 2
