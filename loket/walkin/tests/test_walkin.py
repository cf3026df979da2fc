"""Walk-in registration by an officer at /petugas/<office>/walkin/. Time frozen on Tue 1 Dec 2026, 07:30 WIB."""

import dataclasses
import datetime as dt

import pytest

from conftest import make_applicant
from loket.accounts.models import Person, User
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, BookingStatus, Slot, WalkinDay
from loket.booking.seats import release_one
from loket.dossier.models import Application
from loket.offices.models import Closure, Office
from loket.onsite.models import Ticket, TicketStatus
from loket.onsite.tests.conftest import staff_client
from loket.walkin.services import WalkinRequest, walkin_register
from loket.walkin.tests.conftest import TODAY, nik, post_walkin, share

pytestmark = pytest.mark.usefixtures("frozen")
TOMORROW = TODAY + dt.timedelta(days=1)


def test_checkin_officer_books_a_walkin_without_email_into_today(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    response = post_walkin(staff_client(checkin_officer_a), office_a, phone="0812 3456 7890")
    assert response.status_code == 302
    booking = Booking.objects.select_related("person", "payment", "slot").get()
    assert response["Location"] == f"/petugas/OFA/walkin/{booking.code}/"
    assert booking.person.account is None and booking.person.phone == "+6281234567890"
    assert (booking.booked_by, booking.office, booking.slot.date) == (checkin_officer_a, office_a, TODAY)
    assert booking.status == BookingStatus.CHECKED_IN  # today: queue number issued at once
    assert Application.objects.get(booking=booking).applicant_nik == nik(1)
    # The bill is printed; it stays payable until the end of the visit's day, not 2 hours.
    assert booking.payment.deadline == dt.datetime(2026, 12, 1, 16, 59, tzinfo=dt.UTC)  # 23:59 WIB
    assert booking.payment.remind_at is None
    assert booking.pool_day == WalkinDay.objects.get(office=booking.office, date=booking.slot.date)
    assert WalkinDay.objects.get(office=office_a, date=TODAY).used == 1
    assert Slot.objects.get(office=office_a, date=TODAY, start=dt.time(8)).booked == 0  # online seats untouched
    entry = AuditEntry.objects.get(action="walkin.register")
    assert (entry.actor, entry.office, entry.target_id) == (checkin_officer_a, office_a, booking.code)
    assert nik(1) not in str(entry.after) and entry.after["person"] == "3174********0001"


def test_result_page_shows_the_code_bill_and_todays_queue_number(office_a: Office, supervisor_a: User) -> None:
    share(office_a, 50)
    client = staff_client(supervisor_a)
    page = client.get(post_walkin(client, office_a)["Location"])
    booking = Booking.objects.get()
    html = page.content.decode()
    assert booking.code in html and "Rp350.000" in html
    assert booking.payment.billing_code[:5] in html.replace(" ", "")
    ticket = Ticket.objects.get(booking=booking)
    assert (ticket.display, ticket.walk_in, ticket.status) == ("A001", True, TicketStatus.WAITING)
    assert 'id="next-step"' in html and "A001" in html and f"/tiket/{ticket.pk}/slip/" in html
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CHECKED_IN
    assert AuditEntry.objects.filter(action="walkin.view", target_id=booking.code).exists()


def test_walkin_reuses_the_person_registered_online(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    ani = make_applicant()
    response = post_walkin(
        staff_client(checkin_officer_a),
        office_a,
        nik="1671014508900002",
        full_name="Ani L.",
        birth_date="1990-08-05",
        sex="F",
    )
    assert response.status_code == 302
    assert Person.objects.count() == 1
    booking = Booking.objects.get()
    assert booking.person.account == ani and booking.person.full_name == "Ani Lestari"  # her own data stays


def test_person_with_an_active_booking_here_is_refused_with_its_code(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    client = staff_client(checkin_officer_a)
    post_walkin(client, office_a)
    first = Booking.objects.get()
    again = post_walkin(client, office_a)
    assert again.status_code == 409
    assert first.code in again.content.decode()
    assert Booking.objects.count() == 1
    assert AuditEntry.objects.filter(action="walkin.refused_active_booking", allowed=False).exists()


def test_an_active_booking_at_another_office_is_refused_without_its_code(
    office_a: Office, office_b: Office, officer_b: User, checkin_officer_a: User
) -> None:
    share(office_a, 50)
    share(office_b, 50)
    post_walkin(staff_client(officer_b), office_b)
    code_at_b = Booking.objects.get().code
    response = post_walkin(staff_client(checkin_officer_a), office_a)
    assert response.status_code == 409
    html = response.content.decode()
    assert code_at_b not in html and "kantor lain" in html


def test_full_today_offers_the_next_day_with_walkin_room_and_books_it(
    office_a: Office, checkin_officer_a: User
) -> None:
    share(office_a, 20)  # one walk-in seat a day
    client = staff_client(checkin_officer_a)
    assert post_walkin(client, office_a, 1).status_code == 302
    full = post_walkin(client, office_a, 2)
    assert full.status_code == 409
    html = full.content.decode()
    assert 'id="book-offer"' in html and 'name="day" value="2026-12-02"' in html
    offered = post_walkin(client, office_a, 2, day="2026-12-02")
    assert offered.status_code == 302
    booking = Booking.objects.get(person__nik=nik(2))
    assert booking.slot.date == TOMORROW and booking.slot.start == dt.time(8)
    page = client.get(offered["Location"]).content.decode()
    assert "datang lagi" in page


def test_a_closed_today_offers_the_next_open_day(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    Closure.objects.create(office=office_a, date=TODAY, reason="Banjir")
    response = post_walkin(staff_client(checkin_officer_a), office_a)
    assert response.status_code == 422
    assert "Banjir" in response.content.decode()
    assert not Booking.objects.exists()


def test_without_a_walkin_share_no_walkin_seat_exists(office_a: Office, checkin_officer_a: User) -> None:
    response = post_walkin(staff_client(checkin_officer_a), office_a)
    assert response.status_code == 409
    assert 'id="book-offer"' not in response.content.decode()  # no day in the horizon has room


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "12345", "16 digit"),
        ("nik", "9974011203850001", "provinsi"),
        ("full_name", "", "tidak boleh kosong"),
        ("full_name", "   ", "tidak boleh kosong"),
        ("birth_date", "31-02-1985", "tanggal"),
        ("birth_date", "2030-01-01", "Tanggal lahir harus antara 1 Januari 1900 dan hari ini"),
        ("phone", "12", "Nomor HP"),
        ("service", "visa", "pilihan"),
        ("day", "kemarin", "tanggal"),
    ],
)
def test_bad_input_is_answered_next_to_the_field(
    office_a: Office, checkin_officer_a: User, field: str, value: str, message: str
) -> None:
    share(office_a, 50)
    response = post_walkin(staff_client(checkin_officer_a), office_a, **{field: value})
    assert response.status_code == 422
    html = response.content.decode()
    if field != "day":
        assert f'id="id_{field}-error"' in html or f'id="id_{field}_0-error"' in html or f"id_{field}" in html
    assert message.lower() in html.lower()
    assert not Booking.objects.exists()


def test_replacement_needs_the_same_details_as_online(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    client = staff_client(checkin_officer_a)
    missing = post_walkin(client, office_a, service="replacement")
    assert missing.status_code == 422 and "alasan penggantian" in missing.content.decode().lower()
    ok = post_walkin(client, office_a, service="replacement", replacement_reason="lost")
    assert ok.status_code == 302
    assert Booking.objects.get().application.replacement_reason == "lost"


def test_nik_birth_mismatch_is_flagged_not_refused(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    response = post_walkin(staff_client(checkin_officer_a), office_a, birth_date="1985-03-13")
    assert response.status_code == 302
    assert Person.objects.get().nik_flags == ["birth_date_mismatch"]


def test_counter_officer_and_officer_of_b_cannot_register_walkins_at_a(
    office_a: Office, counter_officer_a: User, officer_b: User
) -> None:
    share(office_a, 50)
    assert post_walkin(staff_client(counter_officer_a), office_a).status_code == 403
    assert staff_client(officer_b).get("/petugas/OFA/walkin/").status_code == 403
    assert post_walkin(staff_client(officer_b), office_a).status_code == 403
    assert not Booking.objects.exists()
    assert AuditEntry.objects.filter(action="walkin.open", allowed=False).count() == 3


def test_officer_of_b_cannot_open_a_walkin_of_a(
    office_a: Office, office_b: Office, checkin_officer_a: User, officer_b: User
) -> None:
    share(office_a, 50)
    post_walkin(staff_client(checkin_officer_a), office_a)
    code = Booking.objects.get().code
    assert staff_client(officer_b).get(f"/petugas/OFA/walkin/{code}/").status_code == 403
    assert staff_client(officer_b).get(f"/petugas/OFB/walkin/{code}/").status_code == 404


def test_a_cancelled_pool_walkin_returns_its_seat_to_the_pool_not_to_the_slot(
    office_a: Office, checkin_officer_a: User
) -> None:
    share(office_a, 50)
    booking = walkin_register(
        officer=checkin_officer_a,
        office=office_a,
        request=WalkinRequest(
            full_name="Budi",
            nik=nik(7),
            birth_date=dt.date(1985, 3, 12),
            sex="M",
            service="new",
            passport_type="regular",
        ),
        day=TODAY,
    )
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    assert release_one(booking.pk)
    assert WalkinDay.objects.get(office=office_a, date=TODAY).used == 0
    assert Slot.objects.get(pk=booking.slot_id).booked == 0


def test_walkin_page_renders_for_keyboard_use(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    html = staff_client(checkin_officer_a).get("/petugas/OFA/walkin/").content.decode()
    assert 'name="nik"' in html and 'name="email"' not in html
    assert "Sisa kuota walk-in" in html


def test_the_service_refuses_a_blank_name_and_an_unknown_sex(office_a: Office, checkin_officer_a: User) -> None:
    from loket.core.errors import DomainError

    good = WalkinRequest(
        full_name="Budi", nik=nik(8), birth_date=dt.date(1985, 3, 12), sex="M", service="new", passport_type="regular"
    )
    for bad, field in (
        (dataclasses.replace(good, full_name="  "), "full_name"),
        (dataclasses.replace(good, sex="X"), "sex"),
    ):
        with pytest.raises(DomainError) as refused:
            walkin_register(officer=checkin_officer_a, office=office_a, request=bad, day=TODAY)
        assert refused.value.field == field


@pytest.mark.parametrize(
    ("birth_date", "chosen", "letter", "priority"),
    [
        ("1960-03-12", "", "P", "elderly"),  # 66 on the visit day: priority from the birth date
        ("1990-03-12", "pregnant", "P", "pregnant"),  # the officer's choice
        ("1990-03-12", "", "A", ""),
    ],
)
def test_walkin_priority_visitors_get_a_p_ticket_without_a_booking_of_their_own(
    office_a: Office, checkin_officer_a: User, birth_date: str, chosen: str, letter: str, priority: str
) -> None:
    share(office_a, 50)
    response = post_walkin(staff_client(checkin_officer_a), office_a, birth_date=birth_date, priority=chosen)
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert (ticket.letter, ticket.priority) == (letter, priority)


def test_walkin_unknown_priority_is_refused_next_to_the_field(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 50)
    response = post_walkin(staff_client(checkin_officer_a), office_a, priority="vip")
    assert response.status_code == 422
    assert 'id="id_priority-error"' in response.content.decode()
    assert not Booking.objects.exists()


def test_a_closed_today_is_said_before_anything_is_typed_and_the_form_books_the_next_day(
    office_a: Office, checkin_officer_a: User
) -> None:
    share(office_a, 50)
    Closure.objects.create(office=office_a, date=TODAY, reason="Banjir")
    client = staff_client(checkin_officer_a)
    html = client.get("/petugas/OFA/walkin/").content.decode()
    assert 'id="closed-today"' in html and "Walk-in hari ini tidak bisa: Banjir." in html
    assert 'id="room"' not in html  # no "walk-in seats left today" for a closed day
    assert 'name="day" value="2026-12-02"' in html and 'id="book-offer"' in html
    assert post_walkin(client, office_a, day="2026-12-02").status_code == 302
    assert Booking.objects.get().slot.date == TOMORROW
    english = staff_client(checkin_officer_a)
    english.cookies["django_language"] = "en"
    html = english.get("/petugas/OFA/walkin/").content.decode()
    assert "No walk-ins today: Banjir." in html and "This form books the next day with walk-in quota left" in html


def test_a_full_today_is_said_on_the_empty_form(office_a: Office, checkin_officer_a: User) -> None:
    share(office_a, 20)  # one walk-in seat a day
    client = staff_client(checkin_officer_a)
    assert 'id="closed-today"' not in client.get("/petugas/OFA/walkin/").content.decode()
    assert post_walkin(client, office_a, 1).status_code == 302
    html = client.get("/petugas/OFA/walkin/").content.decode()
    assert "kuota walk-in hari ini sudah habis" in html and 'name="day" value="2026-12-02"' in html


def test_without_any_day_with_room_the_form_cannot_be_sent(office_a: Office, checkin_officer_a: User) -> None:
    html = staff_client(checkin_officer_a).get("/petugas/OFA/walkin/").content.decode()
    assert "Tidak ada hari dengan kuota walk-in" in html and "Daftarkan dan pesan" not in html
