"""Day close: no-shows, expired unpaid bookings, open tickets closed; once per office and day."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from conftest import bearer, make_applicant
from loket.accounts.models import User
from loket.api.testing import ApiClient
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, BookingStatus
from loket.offices.models import Office
from loket.onsite.models import EventKind, Ticket, TicketEvent, TicketStatus
from loket.onsite.tests.conftest import staff_client
from loket.payments.models import PaymentStatus
from loket.walkin.dayclose import day_close, days_close_due
from loket.walkin.models import DayClose
from loket.walkin.tests.conftest import NOW, TODAY

# 10:30 WIB on TODAY: the last window (09:00–10:00) ended and its late limit passed.
AFTER_LAST_WINDOW = dt.datetime(2026, 12, 1, 3, 30, tzinfo=dt.UTC)

TOMORROW = TODAY + dt.timedelta(days=1)
AFTER_TOMORROW_WIB = dt.datetime(2026, 12, 2, 17, 5, tzinfo=dt.UTC)  # 00:05 on 3 Dec in Jakarta


def book(user: User, office: Office, day: dt.date = TOMORROW) -> str:
    body = {
        "office": office.code,
        "date": day.isoformat(),
        "start": "08:00",
        "service": "new",
        "passport_type": "regular",
    }
    response = ApiClient().post("/api/v1/bookings", body, content_type="application/json", headers=bearer(user))
    assert response.status_code == 201, response.content
    code: str = response.json()["code"]
    return code


def pay(code: str) -> None:
    from loket.booking.services import booking_confirm_paid

    booking = Booking.objects.get(code=code)
    booking.payment.status = PaymentStatus.PAID
    booking.payment.save()
    booking_confirm_paid(booking_id=booking.pk)


def ticket(office: Office, day: dt.date, number: int, status: str, **fields: Any) -> Ticket:
    now = timezone.now()
    return Ticket.objects.create(
        office=office, day=day, letter="A", number=number, status=status, arrived_at=now, queued_at=now, **fields
    )


@pytest.fixture
def tomorrow_at_a(office_a: Office, office_b: Office) -> dict[str, Any]:
    """On 2 Dec at office A: a paid booking, an unpaid one, one checked in; tickets open and done.
    Office B has a paid booking the same day; office A one on 3 Dec."""
    with time_machine.travel(NOW, tick=False):
        paid, unpaid, arrived = (
            make_applicant(
                email=f"p{i}@example.id",
                nik=f"31740112038500{i:02d}",
                full_name=f"P{i}",
                birth_date=dt.date(1985, 3, 12),
                sex="M",
            )
            for i in (11, 12, 13)
        )
        codes = {"paid": book(paid, office_a), "unpaid": book(unpaid, office_a), "arrived": book(arrived, office_a)}
        pay(codes["paid"])
        pay(codes["arrived"])
        Booking.objects.filter(code=codes["arrived"]).update(status=BookingStatus.CHECKED_IN)
        at_b = make_applicant(
            email="b@example.id", nik="3174011203850021", full_name="B", birth_date=dt.date(1985, 3, 12), sex="M"
        )
        codes["at_b"] = book(at_b, office_b)
        pay(codes["at_b"])
        later = make_applicant(
            email="l@example.id", nik="3174011203850022", full_name="L", birth_date=dt.date(1985, 3, 12), sex="M"
        )
        codes["later"] = book(later, office_a, TOMORROW + dt.timedelta(days=1))
        pay(codes["later"])
        tickets = {
            "waiting": ticket(office_a, TOMORROW, 1, TicketStatus.WAITING),
            "parked": ticket(office_a, TOMORROW, 2, TicketStatus.PARKED),
            "done": ticket(office_a, TOMORROW, 3, TicketStatus.DONE),
            "at_b": ticket(office_b, TOMORROW, 1, TicketStatus.WAITING),
        }
    return {"codes": codes, "tickets": tickets}


def status(code: str) -> str:
    return Booking.objects.get(code=code).status


def test_closing_a_day_settles_only_that_office_and_day(office_a: Office, tomorrow_at_a: dict[str, Any]) -> None:
    codes, tickets = tomorrow_at_a["codes"], tomorrow_at_a["tickets"]
    with time_machine.travel(AFTER_TOMORROW_WIB, tick=False):
        record = day_close(office=office_a, day=TOMORROW)
    assert record is not None
    assert (record.no_shows, record.expired, record.tickets_closed, record.closed_by) == (1, 1, 2, None)
    assert status(codes["paid"]) == BookingStatus.NO_SHOW
    assert status(codes["unpaid"]) == BookingStatus.EXPIRED
    assert Booking.objects.get(code=codes["unpaid"]).payment.status == PaymentStatus.EXPIRED
    assert status(codes["arrived"]) == BookingStatus.CHECKED_IN
    assert status(codes["at_b"]) == BookingStatus.CONFIRMED  # office B: not touched
    assert status(codes["later"]) == BookingStatus.CONFIRMED  # another day: not touched
    for name in ("waiting", "parked"):
        t = Ticket.objects.get(pk=tickets[name].pk)
        assert (t.status, t.close_reason) == (TicketStatus.CLOSED, "Hari layanan ditutup")
        assert TicketEvent.objects.filter(ticket=t, kind=EventKind.CLOSED).count() == 1
    assert Ticket.objects.get(pk=tickets["done"].pk).status == TicketStatus.DONE
    assert Ticket.objects.get(pk=tickets["at_b"].pk).status == TicketStatus.WAITING


def test_closing_twice_does_nothing_the_second_time(office_a: Office, tomorrow_at_a: dict[str, Any]) -> None:
    with time_machine.travel(AFTER_TOMORROW_WIB, tick=False):
        assert day_close(office=office_a, day=TOMORROW) is not None
        Booking.objects.filter(code=tomorrow_at_a["codes"]["arrived"]).update(status=BookingStatus.CONFIRMED)
        assert day_close(office=office_a, day=TOMORROW) is None
    assert status(tomorrow_at_a["codes"]["arrived"]) == BookingStatus.CONFIRMED
    assert TicketEvent.objects.filter(kind=EventKind.CLOSED).count() == 2


def test_the_scheduled_run_closes_ended_days_only(
    office_a: Office, office_b: Office, tomorrow_at_a: dict[str, Any]
) -> None:
    with time_machine.travel(AFTER_TOMORROW_WIB, tick=False):  # 3 Dec has begun in Jakarta
        first = days_close_due()
        again = days_close_due()
    closed = {(r.office.code, r.date) for r in first}
    assert ("OFA", TOMORROW) in closed and ("OFB", TOMORROW) in closed
    assert not any(day >= dt.date(2026, 12, 3) for _code, day in closed)
    assert again == []
    assert status(tomorrow_at_a["codes"]["at_b"]) == BookingStatus.NO_SHOW
    assert status(tomorrow_at_a["codes"]["later"]) == BookingStatus.CONFIRMED


def test_a_day_is_not_closed_before_it_ends_in_the_office_zone(office_a: Office, tomorrow_at_a: dict[str, Any]) -> None:
    Office.objects.filter(pk=office_a.pk).update(timezone="Asia/Jayapura")
    # 23:30 on 2 Dec in Jakarta is already 3 Dec in Jayapura (WIT): only office A's day has ended.
    with time_machine.travel(dt.datetime(2026, 12, 2, 16, 30, tzinfo=dt.UTC), tick=False):
        closed = {(r.office.code, r.date) for r in days_close_due()}
    assert ("OFA", TOMORROW) in closed and ("OFB", TOMORROW) not in closed


def test_close_day_command_reports_what_it_did(office_a: Office, tomorrow_at_a: dict[str, Any]) -> None:
    out = StringIO()
    with time_machine.travel(AFTER_TOMORROW_WIB, tick=False):
        call_command("close_day", "--office", "ofa", "--date", TOMORROW.isoformat(), stdout=out)
        call_command("close_day", "--office", "OFA", "--date", TOMORROW.isoformat(), stdout=out)
    text = out.getvalue()
    assert "OFA 2026-12-02: 1 no-show, 1 expired, 2 tickets closed" in text
    assert text.strip().endswith("0 day(s) closed")


def test_the_worker_schedule_exists(db: None) -> None:
    schedule = Schedule.objects.get(name="close-ended-office-days")
    assert (schedule.func, schedule.minutes) == ("loket.walkin.tasks.close_days", 15)


def test_supervisor_cannot_close_today_while_booked_people_may_still_arrive(
    office_a: Office, supervisor_a: User, applicant: User
) -> None:
    with time_machine.travel(NOW, tick=False):
        code = book(applicant, office_a, TODAY)
        pay(code)
    # The last window ends 10:00 WIB; with the default 30 minutes' late limit, 10:29 is too early.
    with time_machine.travel(AFTER_LAST_WINDOW - dt.timedelta(minutes=1), tick=False):
        page = staff_client(supervisor_a).post("/petugas/OFA/tutup-hari/", follow=True).content.decode()
    assert "setelah pukul 10.30 WIB" in page
    assert not DayClose.objects.exists() and status(code) == BookingStatus.CONFIRMED


def test_supervisor_closes_today_with_the_button(office_a: Office, supervisor_a: User, applicant: User) -> None:
    with time_machine.travel(NOW, tick=False):
        code = book(applicant, office_a, TODAY)
        pay(code)
        ticket(office_a, TODAY, 1, TicketStatus.CALLED)
    with time_machine.travel(AFTER_LAST_WINDOW, tick=False):
        client = staff_client(supervisor_a)
        page = client.get("/petugas/OFA/tutup-hari/").content.decode()
        assert "1 pemesanan terkonfirmasi belum check-in" in page and "1 tiket masih terbuka" in page
        done = client.post("/petugas/OFA/tutup-hari/", follow=True).content.decode()
        assert "1 tidak hadir, 0 kedaluwarsa, 1 tiket ditutup" in done
        assert 'id="close-day"' not in done
        assert client.post("/petugas/OFA/tutup-hari/", follow=True).status_code == 200
    assert DayClose.objects.get().closed_by == supervisor_a
    assert status(code) == BookingStatus.NO_SHOW
    assert AuditEntry.objects.filter(action="day.close", actor=supervisor_a).count() == 1


def test_only_the_supervisor_of_the_office_closes_its_day(
    office_a: Office, checkin_officer_a: User, officer_b: User
) -> None:
    assert staff_client(checkin_officer_a).post("/petugas/OFA/tutup-hari/").status_code == 403
    assert staff_client(officer_b).post("/petugas/OFA/tutup-hari/").status_code == 403
    assert not DayClose.objects.exists()


def test_a_closed_day_takes_no_more_walkins(office_a: Office, supervisor_a: User, checkin_officer_a: User) -> None:
    from loket.walkin.tests.conftest import post_walkin, share

    with time_machine.travel(AFTER_LAST_WINDOW, tick=False):
        share(office_a, 50)
        staff_client(supervisor_a).post("/petugas/OFA/tutup-hari/")
        page = staff_client(checkin_officer_a).get("/petugas/OFA/walkin/").content.decode()
        refused = post_walkin(staff_client(checkin_officer_a), office_a)
    # Said on the empty form already, with the next day offered (not "18 walk-in seats left").
    assert "Walk-in hari ini tidak bisa: hari layanan ini sudah ditutup." in page and 'id="room"' not in page
    assert 'id="book-offer"' in page
    assert refused.status_code == 422 and "sudah ditutup" in refused.content.decode()
