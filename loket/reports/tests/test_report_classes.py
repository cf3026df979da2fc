"""Reports per class: the priority and express places of each day and the bookings on them,
kept apart from the regular quota and bookings (page, CSV and the national view)."""

import csv
import datetime as dt
import io
from collections.abc import Iterator

import pytest
import time_machine

from loket.accounts.models import User
from loket.booking.models import BookingStatus, ClassDay, ClassQuota, QuotaClass
from loket.offices.models import Office
from loket.onsite.tests.conftest import national_admin, office_a, staff_client, supervisor_a
from loket.onsite.tests.queue_helpers import NOW, TODAY, booked
from loket.reports.stats import national_report, office_report

__all__ = ["national_admin", "office_a", "supervisor_a"]  # fixtures used here


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with time_machine.travel(NOW + dt.timedelta(hours=8), tick=False):
        yield


@pytest.fixture
def history(office_a: Office) -> Office:
    for weekday in range(7):
        ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=4)
        ClassQuota.objects.create(office=office_a, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=3)
    # Today the express quota was cut at 2 (its ClassDay keeps what the day had).
    express_day = ClassDay.objects.create(office=office_a, quota_class="express", date=TODAY, capacity=2, used=2)
    booked(office_a)  # a regular booking
    for status in (BookingStatus.CHECKED_IN, BookingStatus.CANCELLED):
        priority = booked(office_a, status=status)
        priority.quota_class = QuotaClass.PRIORITY
        priority.save()
    for online in (False, True):  # one given at the office, one booked online in a window
        express = booked(office_a)
        express.quota_class, express.class_day, express.class_online = QuotaClass.EXPRESS, express_day, online
        express.save()
    return office_a


def test_office_report_counts_each_class_on_its_own_quota(history: Office) -> None:
    report = office_report(history, TODAY - dt.timedelta(days=1), TODAY)
    today = report.days[-1]
    # The cancelled one holds no place; the express place booked online also holds its window's seat.
    assert (today.booked, today.priority, today.express) == (2, 1, 2)
    assert (today.priority_quota, today.express_quota) == (4, 2)
    assert report.days[0].express_quota == 3  # yesterday: the weekday's quota
    assert (report.total.priority_quota, report.total.express) == (8, 2)


def test_the_csv_has_the_class_columns(history: Office, supervisor_a: User) -> None:
    response = staff_client(supervisor_a).get(
        "/petugas/OFA/laporan/", {"day_from": TODAY.isoformat(), "day_to": TODAY.isoformat(), "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, today = rows[0], rows[1]
    assert header[-4:] == ["Kuota prioritas", "Prioritas", "Kuota percepatan", "Percepatan"]
    assert today[-4:] == ["4", "1", "2", "2"]


def test_the_national_report_sums_the_classes(history: Office) -> None:
    line = next(line for line in national_report(TODAY, TODAY) if line.office == history)
    assert (line.booked, line.priority, line.express, line.priority_quota, line.express_quota) == (2, 1, 2, 4, 2)
