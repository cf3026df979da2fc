"""The last priority place bookable online, raced by parallel booking requests over real HTTP
against a live server, on PostgreSQL: the appointments have room for all, the class for one;
exactly one request gets it and no seat is held by the others. The control test switches the
guard off (test settings only) and shows the race happens without it.

The requests are spread over ten appointments of the day: within one window the seat's row lock
(taken first) already queues them, so the class place is really raced only across windows.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.db import connection

from loket.booking.models import ACTIVE_STATUSES, Booking, ClassDay, ClassQuota, QuotaClass
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once, applicants, assert_counts_exact, day_ahead
from loket.offices.models import ArrivalWindow, Office

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


WINDOWS = [f"{hour:02d}:00" for hour in range(8, 18)]


def priority_office(code: str, places: int) -> Office:
    """Ten appointments a day (08:00 to 17:00, 5 seats each), `places` priority places a day, bookable online."""
    office = make_office(code, capacity=5)
    ArrivalWindow.objects.filter(office=office, start=dt.time(9)).delete()
    for weekday in range(7):
        for hour in range(9, 18):
            ArrivalWindow.objects.create(
                office=office, weekday=weekday, start=dt.time(hour), end=dt.time(hour + 1), capacity=5
            )
        ClassQuota.objects.create(
            office=office, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=places, bookable_online=True
        )
    return office


def priority_booker(
    base: str, token: str, office: str, day: str, start: str
) -> Callable[[httpx.Client], httpx.Response]:
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "office": office,
        "date": day,
        "start": start,
        "service": "new",
        "passport_type": "regular",
        "quota_class": "priority",
        "priority_reason": "disabled",  # declared: checked at the counter
    }
    return lambda client: client.post(f"{base}/api/v1/bookings", json=body, headers=headers)


def race(live_server: Any, office: Office, n: int) -> list[httpx.Response]:
    tokens = applicants(n)
    day = day_ahead()
    calls = [
        priority_booker(live_server.url, t, office.code, day, WINDOWS[i % len(WINDOWS)]) for i, t in enumerate(tokens)
    ]
    return all_at_once(calls)


def holding_a_place(office: Office) -> int:
    return Booking.objects.filter(office=office, quota_class=QuotaClass.PRIORITY, status__in=ACTIVE_STATUSES).count()


def test_the_last_online_priority_place_raced_by_twenty_goes_to_exactly_one(live_server: Any) -> None:
    office = priority_office("PRACE", places=1)
    responses = race(live_server, office, 20)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 19}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"class_full"}
    row = ClassDay.objects.get(office=office, quota_class=QuotaClass.PRIORITY)
    assert row.used == row.capacity == 1
    assert holding_a_place(office) == 1
    assert_counts_exact(office)  # the losers' window seats were rolled back with their class claims


def test_control_without_the_guard_the_online_class_race_overbooks(live_server: Any, settings: Any) -> None:
    # One second between read and write: on a loaded machine the requests reach the class
    # claim up to seconds apart, and at 50 ms (the pause then) the first had committed before the others read.
    settings.LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS = 1.0
    office = priority_office("PCTRL", places=1)
    responses = race(live_server, office, 20)
    assert sum(r.status_code == 201 for r in responses) > 1, "the unguarded read-then-write should overbook"
    assert holding_a_place(office) > ClassDay.objects.get(office=office, quota_class=QuotaClass.PRIORITY).capacity
