"""The next day with walk-in room, read for the whole horizon at once, agrees with asking day by day.

Time frozen on Tue 1 Dec 2026, 07:30 WIB; office A has two windows every day (5 + 1 seats).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loket.booking.models import Slot, WalkinDay
from loket.offices.models import ArrivalWindow, Closure, Office
from loket.walkin.models import DayClose
from loket.walkin.selectors import walkin_day_refusal, walkin_next_day, walkin_room
from loket.walkin.tests.conftest import TODAY, share

pytestmark = pytest.mark.usefixtures("frozen")


def day_by_day(office: Office, after: dt.date) -> dt.date | None:
    """The rule as the walk-in desk states it for one day, asked for every day of the horizon."""
    for offset in range(1, office.horizon_days + 1):
        day = after + dt.timedelta(days=offset)
        if walkin_day_refusal(office, day) is None and walkin_room(office, day, outage=False).pool_left > 0:
            return day
    return None


def blocked_week(office: Office) -> None:
    """Wed 2 to Mon 7 December each without walk-in room, each for another reason."""
    day = TODAY + dt.timedelta(days=1)
    WalkinDay.objects.create(office=office, date=day, percent=50, capacity=3, used=3)  # Wed: the pool is used up
    Closure.objects.create(office=office, date=day + dt.timedelta(days=1), reason="Renovasi")  # Thu
    DayClose.objects.create(office=office, date=day + dt.timedelta(days=2), closed_at=timezone.now())  # Fri
    # Sat: no pool at all
    WalkinDay.objects.create(office=office, date=day + dt.timedelta(days=3), percent=0, capacity=0, used=0)
    ArrivalWindow.objects.filter(office=office, weekday=6).delete()  # Sun: no service
    monday = day + dt.timedelta(days=5)  # Mon: its seats were cut while the share was 0 %
    Slot.objects.create(
        office=office,
        date=monday,
        start=dt.time(8),
        end=dt.time(9),
        starts_at=dt.datetime.combine(monday, dt.time(8), tzinfo=office.zone),
        capacity=5,
    )


def test_the_first_day_with_room_follows_a_week_blocked_for_six_reasons(office_a: Office) -> None:
    share(office_a, 50)
    blocked_week(office_a)
    assert walkin_next_day(office_a, after=TODAY) == dt.date(2026, 12, 8)


@pytest.mark.parametrize("percent", [0, 50])
def test_the_answer_is_the_day_by_day_answer_for_every_start(office_a: Office, percent: int) -> None:
    share(office_a, percent)
    blocked_week(office_a)
    Closure.objects.create(office=None, date=dt.date(2026, 12, 10), reason="Penutupan nasional")
    for offset in range(-1, 12):
        after = TODAY + dt.timedelta(days=offset)
        assert walkin_next_day(office_a, after=after) == day_by_day(office_a, after), after


def test_the_whole_horizon_costs_a_few_queries_not_a_few_a_day(office_a: Office) -> None:
    share(office_a, 50)
    blocked_week(office_a)
    Office.objects.filter(pk=office_a.pk).update(horizon_days=60)
    office_a.horizon_days = 60
    WalkinDay.objects.filter(office=office_a).update(capacity=0, used=0)
    WalkinDay.objects.bulk_create(
        WalkinDay(office=office_a, date=TODAY + dt.timedelta(days=d), percent=0, capacity=0, used=0)
        for d in range(7, 61)
    )
    with CaptureQueriesContext(connection) as queries:
        assert walkin_next_day(office_a, after=TODAY) is None  # no room anywhere: every day is looked at
    assert len(queries) <= 5
