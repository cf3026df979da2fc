"""Walk-in numbers from the kiosk (when the office allows it) and the person filled in at the first counter.

Frozen on Tue 1 Dec 2026 at 08:10 WIB; office A has 08:00 (5 seats) and 09:00 (1 seat), and a
walk-in share of 50 %: a pool of 3 places a day.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, BookingStatus, Slot, WalkinDay
from loket.offices.models import Office
from loket.onsite.models import EventKind, QueuePolicy, Ticket, TicketEvent
from loket.onsite.services import calls
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, TODAY, at_local, booked, counter
from loket.walkin.kiosk import kiosk_walkin_issue, kiosk_walkin_refusal
from loket.walkin.models import DayClose, WalkinBooking
from loket.walkin.tests.conftest import share, walkin_form

KIOSK = "/petugas/OFA/kiosk/"
PRESS = "/petugas/OFA/kiosk/walkin/"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def allowed(office_a: Office) -> Office:
    share(office_a, 50)
    QueuePolicy.objects.create(office=office_a, kiosk_walkin=True)
    return office_a


def pool(office: Office) -> WalkinDay:
    return WalkinDay.objects.get(office=office, date=TODAY)


def test_off_by_default_no_button_and_a_press_is_refused_without_touching_the_pool(
    office_a: Office, checkin_officer_a: User, clock: Any
) -> None:
    share(office_a, 50)
    client = staff_client(checkin_officer_a)
    assert 'id="kiosk-walkin"' not in client.get(KIOSK).content.decode()
    refused = client.post(PRESS, {"service": "new"})
    assert refused.status_code == 409
    assert "tidak menerbitkan nomor walk-in" in refused.content.decode()
    assert not Ticket.objects.exists()
    assert not WalkinDay.objects.exists()  # nothing claimed, no row made
    assert AuditEntry.objects.get(action="kiosk.walkin_refused").allowed is False


def test_a_press_takes_one_pool_place_and_shows_the_walkin_number(
    allowed: Office, checkin_officer_a: User, clock: Any
) -> None:
    client = staff_client(checkin_officer_a)
    assert 'id="kiosk-walkin"' in client.get(KIOSK).content.decode()
    pressed = client.post(PRESS, {"service": "new"}, REMOTE_ADDR="10.7.7.7")
    assert pressed.status_code == 302
    ticket = Ticket.objects.get()
    assert pressed["Location"] == f"{KIOSK}?tiket={ticket.pk}"
    assert (ticket.display, ticket.walk_in, ticket.needs_data, ticket.booking_id) == ("A001", True, True, None)
    assert ticket.pool_day == pool(allowed) and pool(allowed).used == 1
    shown = client.get(pressed["Location"]).content.decode()
    assert "Nomor walk-in Anda" in shown and "A001" in shown and 'id="walkin-data-later"' in shown
    entry = AuditEntry.objects.get(action="kiosk.walkin_ticket")
    assert (entry.after["ticket"], entry.ip) == ("A001", "10.7.7.7")
    # A replacement gets its walk-in letter, as at the desk; no booking seat is touched.
    client.post(PRESS, {"service": "replacement"})
    assert Ticket.objects.filter(letter="B").count() == 1
    assert sum(Slot.objects.filter(office=allowed).values_list("booked", flat=True)) == 0


def test_an_unknown_service_is_a_400_naming_the_field(allowed: Office, checkin_officer_a: User, clock: Any) -> None:
    with pytest.raises(Exception) as error:
        kiosk_walkin_issue(office=allowed, by=checkin_officer_a, service="visa", ip=None)
    assert getattr(error.value, "field", None) == "service"
    assert staff_client(checkin_officer_a).post(PRESS, {"service": "visa"}).status_code == 422


def test_an_empty_pool_is_said_with_the_next_day(allowed: Office, checkin_officer_a: User, clock: Any) -> None:
    client = staff_client(checkin_officer_a)
    for _ in range(3):
        assert client.post(PRESS, {"service": "new"}).status_code == 302
    assert pool(allowed).used == 3
    page = client.get(PRESS)
    assert page.status_code == 409
    full = client.post(PRESS, {"service": "new"})
    assert full.status_code == 409
    text = full.content.decode()
    assert "Kuota walk-in hari ini sudah habis" in text and "Rabu, 2 Desember 2026" in text
    assert Ticket.objects.count() == 3 and pool(allowed).used == 3


def test_a_closed_office_is_said_with_what_to_do(allowed: Office, checkin_officer_a: User) -> None:
    with time_machine.travel(at_local(6, 0), tick=False):
        refusal = kiosk_walkin_refusal(allowed)
        assert refusal is not None and "mulai pukul 07.00" in refusal.message
    with time_machine.travel(at_local(10, 5), tick=False):
        refusal = kiosk_walkin_refusal(allowed)
        assert refusal is not None and "Jam layanan hari ini sudah berakhir" in refusal.message
        assert "Rabu, 2 Desember 2026" in refusal.message
    with time_machine.travel(NOW, tick=False):
        DayClose.objects.create(office=allowed, date=TODAY, closed_at=NOW)
        answer = staff_client(checkin_officer_a).post(PRESS, {"service": "new"})
        assert answer.status_code == 409 and "sudah ditutup" in answer.content.decode()
    assert not Ticket.objects.exists()


def test_a_locked_kiosk_may_press_the_walkin_button(allowed: Office, checkin_officer_a: User, clock: Any) -> None:
    client = staff_client(checkin_officer_a)
    client.post(KIOSK, {"action": "lock"})
    pressed = client.post(PRESS, {"service": "new"})
    assert pressed.status_code == 302 and "?tiket=" in pressed["Location"]
    ticket = Ticket.objects.get()
    assert client.get(f"/petugas/OFA/tiket/{ticket.pk}/slip/").status_code == 200
    # ...but not the counter's form for the person.
    assert client.get(f"/petugas/OFA/tiket/{ticket.pk}/data/")["Location"] == KIOSK


def kiosk_ticket(office: Office, by: User) -> Ticket:
    return kiosk_walkin_issue(office=office, by=by, service="new", ip=None)


def test_the_first_counter_fills_in_the_person_on_the_place_already_held(
    allowed: Office, checkin_officer_a: User, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(allowed, 1)
    ticket = kiosk_ticket(allowed, checkin_officer_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    client = staff_client(counter_officer_a)
    page = client.get("/petugas/OFA/loket/1/").content.decode()
    assert 'id="needs-data"' in page and f"/petugas/OFA/tiket/{ticket.pk}/data/" in page
    form = client.get(f"/petugas/OFA/tiket/{ticket.pk}/data/")
    assert form.status_code == 200 and 'name="day"' not in form.content.decode()
    saved = client.post(f"/petugas/OFA/tiket/{ticket.pk}/data/", walkin_form(7), REMOTE_ADDR="10.8.8.8")
    assert saved.status_code == 302 and saved["Location"] == "/petugas/OFA/loket/1/"
    ticket.refresh_from_db()
    booking = Booking.objects.get()
    assert ticket.booking == booking and ticket.name == "Budi Walk-in 7" and not ticket.needs_data
    assert booking.status == BookingStatus.CHECKED_IN and booking.pool_day == pool(allowed)
    assert WalkinBooking.objects.filter(booking=booking).exists()
    assert pool(allowed).used == 1  # the ticket's place, not a second one
    assert sum(Slot.objects.filter(office=allowed).values_list("booked", flat=True)) == 0
    assert hasattr(booking, "payment") and hasattr(booking, "application")
    entry = AuditEntry.objects.get(action="walkin.kiosk_data")
    assert (entry.target_id, entry.after["ticket"], entry.ip) == (booking.code, "A001", "10.8.8.8")
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.DATA_ADDED).exists()
    assert 'id="needs-data"' not in client.get("/petugas/OFA/loket/1/").content.decode()
    # Filled in once: the form now leads back to the counter.
    assert client.get(f"/petugas/OFA/tiket/{ticket.pk}/data/").status_code == 302
    # Finishing the stage completes the walk-in booking like any other.
    calls.ticket_finish(counter=desk, by=counter_officer_a)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED


def test_the_person_form_keeps_the_desk_rules(
    allowed: Office, checkin_officer_a: User, counter_officer_a: User, clock: Any
) -> None:
    ticket = kiosk_ticket(allowed, checkin_officer_a)
    url = f"/petugas/OFA/tiket/{ticket.pk}/data/"
    client = staff_client(counter_officer_a)
    bad = client.post(url, walkin_form(1, nik="1234"))
    assert bad.status_code == 422 and "NIK" in bad.content.decode()
    holder = booked(allowed, day=TODAY + dt.timedelta(days=3))
    taken = client.post(url, walkin_form(1, nik=holder.person.nik))
    assert taken.status_code == 409 and holder.code in taken.content.decode()
    ticket.refresh_from_db()
    assert ticket.needs_data and Booking.objects.count() == 1
    assert client.get("/petugas/OFA/tiket/999999/data/").status_code == 404
