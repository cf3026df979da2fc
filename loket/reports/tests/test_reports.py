"""Reports: an office's days for its supervisor, all offices for the national administrator.

One small office history, built by hand so every figure can be checked: Monday 30 November
2026 closed for renovation, Tuesday 1 December open (6 seats: 5 + 1) with bookings in every
state, a walk-in, and tickets with known arrival, call and finish times.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.models import Booking, BookingStatus, WalkinDay
from loket.offices.models import Closure, Office
from loket.onsite.models import EventKind, Ticket, TicketEvent, TicketStatus
from loket.onsite.tests.conftest import (
    checkin_officer_a,
    national_admin,
    office_a,
    office_b,
    staff_client,
    supervisor_a,
)
from loket.onsite.tests.queue_helpers import NOW, TODAY, at_local, booked
from loket.reports.stats import national_report, office_report, percentile
from loket.walkin.models import WalkinBooking

__all__ = ["checkin_officer_a", "national_admin", "office_a", "office_b", "supervisor_a"]  # fixtures used here

MONDAY = TODAY - dt.timedelta(days=1)
URL = "/petugas/OFA/laporan/"
RANGE = {"day_from": MONDAY.isoformat(), "day_to": TODAY.isoformat()}


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW + dt.timedelta(hours=8), tick=False):  # 16:10 WIB, the day's work done
        yield


def ticket(
    office: Office, number: int, arrived: dt.datetime, called: dt.datetime | None, done: dt.datetime | None
) -> None:
    status = TicketStatus.DONE if done else (TicketStatus.CALLED if called else TicketStatus.WAITING)
    made = Ticket.objects.create(
        office=office, day=TODAY, letter="A", number=number, name="Budi", arrived_at=arrived, queued_at=arrived,
        status=status, called_at=called, finished_at=done,
    )  # fmt: skip
    TicketEvent.objects.create(ticket=made, office=office, kind=EventKind.ISSUED, stage=made.stage, at=arrived)
    if called:
        TicketEvent.objects.create(ticket=made, office=office, kind=EventKind.CALLED, stage=made.stage, at=called)
        # A recall later does not move the wait: the first call counts.
        TicketEvent.objects.create(
            ticket=made, office=office, kind=EventKind.CALLED, stage=made.stage, at=called + dt.timedelta(minutes=30)
        )


@pytest.fixture
def history(office_a: Office) -> Office:
    Closure.objects.create(office=office_a, date=MONDAY, reason="Renovasi ruang tunggu")
    for status in [
        BookingStatus.COMPLETED,
        BookingStatus.COMPLETED,
        BookingStatus.CHECKED_IN,
        BookingStatus.NO_SHOW,
        BookingStatus.CONFIRMED,
        BookingStatus.CANCELLED,
        BookingStatus.EXPIRED,
    ]:
        booked(office_a, status=status, name="Siti Rahmawati")
    walk_in = booked(office_a, status=BookingStatus.COMPLETED, name="Siti Rahmawati")
    pool = WalkinDay.objects.create(office=office_a, date=TODAY, percent=20, capacity=1, used=1)
    Booking.objects.filter(pk=walk_in.pk).update(pool_day=pool)
    WalkinBooking.objects.create(booking=walk_in, walkin_day=pool, registered_by=walk_in.booked_by)
    ticket(office_a, 1, at_local(8, 0), at_local(8, 12), at_local(8, 30))
    ticket(office_a, 2, at_local(8, 5), at_local(8, 25), at_local(8, 55))
    ticket(office_a, 3, at_local(8, 10), at_local(9, 10), None)
    ticket(office_a, 4, at_local(8, 15), None, None)
    return office_a


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 0.5) is None
    assert percentile([12.0], 0.9) == 12.0
    assert percentile([20.0, 12.0, 60.0], 0.5) == 20.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0


def test_an_office_day_by_day(history: Office) -> None:
    report = office_report(history, MONDAY, TODAY)
    monday, tuesday = report.days

    assert (monday.closed, monday.quota, monday.booked) == ("Renovasi ruang tunggu", 0, 0)
    assert tuesday.closed == ""
    assert tuesday.quota == 6
    # Holding a seat: 3 completed (one a walk-in), 1 checked in, 1 no-show, 1 confirmed.
    assert (tuesday.booked, tuesday.walk_ins, tuesday.cancelled, tuesday.expired) == (6, 1, 1, 1)
    assert (tuesday.arrived, tuesday.no_shows) == (4, 1)
    assert tuesday.fill_rate == 100.0
    assert tuesday.show_rate == 80.0
    assert (tuesday.tickets, tuesday.served) == (4, 2)
    assert sorted(tuesday.waits) == [12.0, 20.0, 60.0]  # first calls only; the waiting ticket has none yet
    assert (tuesday.wait_median, tuesday.wait_p90) == (20.0, 60.0)
    assert tuesday.visit_median == 30.0  # 30 and 50 minutes: nearest rank
    assert report.total.booked == 6 and report.total.quota == 6
    assert [(weekday, days) for weekday, days, _figures in report.weekdays] == [(1, 1)]  # Tuesday only: Monday closed


def test_a_day_without_anything_has_no_rates(office_a: Office) -> None:
    [day] = office_report(office_a, TODAY, TODAY).days
    assert (day.quota, day.booked, day.fill_rate, day.show_rate, day.wait_median) == (6, 0, 0.0, None, None)


def test_national_lines_count_each_office(history: Office, office_b: Office) -> None:
    lines = {line.office.code: line for line in national_report(MONDAY, TODAY) if line.office}

    assert (lines["OFA"].quota, lines["OFA"].booked, lines["OFA"].walk_ins, lines["OFA"].show_rate) == (6, 6, 1, 80.0)
    assert (lines["OFA"].tickets, lines["OFA"].served) == (4, 2)
    assert (lines["OFB"].quota, lines["OFB"].booked, lines["OFB"].fill_rate) == (12, 0, 0.0)  # open both days


def test_the_supervisor_reads_the_page(history: Office, supervisor_a: User) -> None:
    page = staff_client(supervisor_a).get(URL, RANGE)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Renovasi ruang tunggu" in html
    assert "<td>80</td>" in html and "<td>100</td>" in html  # show-up and fill rates
    assert "Siti" not in html and "Budi" not in html  # counts only
    assert 'href="/petugas/OFA/laporan/"' in staff_client(supervisor_a).get("/petugas/").content.decode()


def test_csv_has_the_same_figures(history: Office, supervisor_a: User) -> None:
    response = staff_client(supervisor_a).get(URL, {**RANGE, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert (
        "attachment" in response["Content-Disposition"]
        and "OFA-2026-11-30-2026-12-01" in response["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, monday, tuesday, total = rows
    assert header[:4] == ["Tanggal", "Tutup", "Kuota", "Terpesan"]
    assert monday[:3] == ["2026-11-30", "Renovasi ruang tunggu", "0"]
    figures = dict(zip(header, tuesday, strict=True))
    assert (figures["Terpesan"], figures["Walk-in"], figures["Kehadiran %"], figures["Tunggu median (menit)"]) == (
        "6",
        "1",
        "80",
        "20",
    )
    assert total[0] == "Jumlah" and total[3] == "6"
    assert "Siti" not in response.content.decode()


def test_the_default_is_the_last_fourteen_days(office_a: Office, supervisor_a: User) -> None:
    page = staff_client(supervisor_a).get(URL)
    report = page.context["report"]
    assert (report.start, report.end) == (TODAY - dt.timedelta(days=13), TODAY)
    assert len(report.days) == 14
    html = page.content.decode()  # the date fields show the range, in the form a date input reads
    assert f'value="{(TODAY - dt.timedelta(days=13)).isoformat()}"' in html
    assert f'value="{TODAY.isoformat()}"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"day_from": "2026-12-01", "day_to": "2026-11-01"}, "Tanggal akhir sebelum tanggal awal."),
        ({"day_from": "2026-01-01", "day_to": "2026-12-01"}, "Paling banyak 92 hari sekaligus."),
        ({"day_from": "kemarin", "day_to": "2026-12-01"}, "Masukkan tanggal yang valid."),
        ({"day_from": "2026-12-01"}, "Bidang ini tidak boleh kosong."),
    ],
)
def test_a_bad_range_is_answered_next_to_the_field(supervisor_a: User, query: dict[str, str], message: str) -> None:
    page = staff_client(supervisor_a).get(URL, query)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assert len(page.context["report"].days) == 14  # the default range is still shown under the error


def test_other_roles_are_refused_and_logged(checkin_officer_a: User, office_a: Office) -> None:
    assert staff_client(checkin_officer_a).get(URL).status_code == 403
    assert AuditEntry.objects.filter(actor=checkin_officer_a, action="report.read", allowed=False).exists()


def test_the_national_page_is_for_the_administrator(
    history: Office, office_b: Office, national_admin: User, supervisor_a: User
) -> None:
    page = staff_client(national_admin).get("/petugas/laporan/", RANGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "OFA" in html and "OFB" in html
    assert 'href="/petugas/laporan/"' in staff_client(national_admin).get("/petugas/").content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                staff_client(national_admin)
                .get("/petugas/laporan/", {**RANGE, "format": "csv"})
                .content.decode("utf-8-sig")
            )
        )
    )
    assert [row[0] for row in rows[1:]] == ["OFA", "OFB"]

    assert staff_client(supervisor_a).get("/petugas/laporan/").status_code == 403
    assert AuditEntry.objects.filter(actor=supervisor_a, action="report.read", allowed=False).exists()
    assert Client().get("/petugas/laporan/").status_code == 302


def test_bookings_of_other_offices_and_other_days_are_not_counted(history: Office, office_b: Office) -> None:
    booked(office_b, status=BookingStatus.COMPLETED)
    booked(history, status=BookingStatus.COMPLETED, day=TODAY + dt.timedelta(days=1))
    assert office_report(history, MONDAY, TODAY).total.booked == 6
    assert Booking.objects.filter(office=history).count() == 9


def test_the_report_speaks_english_too(history: Office, supervisor_a: User) -> None:
    client = staff_client(supervisor_a)
    client.cookies["django_language"] = "en"
    html = client.get(URL, RANGE).content.decode()
    assert "Show-up %" in html and "Median wait (minutes)" in html and "Per weekday (open days only)" in html
    rows = list(csv.reader(io.StringIO(client.get(URL, {**RANGE, "format": "csv"}).content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Date", "Closed", "Quota", "Booked"]
    assert rows[-1][0] == "Total"


def test_a_csv_with_a_wrong_range_is_the_page_with_the_error(supervisor_a: User) -> None:
    response = staff_client(supervisor_a).get(URL, {"day_from": "2026-12-01", "day_to": "2026-11-01", "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Tanggal akhir sebelum tanggal awal." in response.content.decode()
