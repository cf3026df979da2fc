"""The walk-in share: arithmetic, the capacity of online Slots and what availability shows."""

import datetime as dt

import pytest
from django.test import Client

from loket.booking.models import Slot, WalkinDay
from loket.booking.seats import slot_for, walkin_day_for
from loket.booking.selectors import day_plans
from loket.booking.share import walkin_split
from loket.offices.models import Office
from loket.walkin.tests.conftest import TODAY, share

TOMORROW = TODAY + dt.timedelta(days=1)
pytestmark = pytest.mark.usefixtures("frozen")


@pytest.mark.parametrize(
    ("capacities", "percent", "expected"),
    [
        ([5, 1], 0, [0, 0]),
        ([5, 1], 20, [1, 0]),  # 6 × 20 % = 1.2 → a pool of 1, from the larger window
        ([5, 1], 50, [3, 0]),  # 3 seats; 2.5 and 0.5 tie on the fraction: the earlier window gives
        ([5, 1], 100, [5, 1]),
        ([3, 3, 3, 3], 10, [1, 0, 0, 0]),  # per window 0.3 each would round to nothing; the day gives 1
        ([25] * 8, 10, [3, 3, 3, 3, 2, 2, 2, 2]),  # 20 seats from 200, spread by largest remainder
        ([], 30, []),
    ],
)
def test_walkin_split_takes_the_day_share_rounded_down_from_the_windows(
    capacities: list[int], percent: int, expected: list[int]
) -> None:
    assert walkin_split(capacities, percent) == expected
    assert sum(expected) == sum(capacities) * percent // 100


def test_an_office_without_a_queue_policy_keeps_every_seat_online(office_a: Office) -> None:
    slot = slot_for(office_a, TOMORROW, dt.time(8))
    assert slot.capacity == 5
    assert WalkinDay.objects.get(office=office_a, date=TOMORROW).capacity == 0


def test_online_slots_are_created_with_capacity_minus_the_walkin_share(office_a: Office) -> None:
    share(office_a, 50)
    assert slot_for(office_a, TOMORROW, dt.time(8)).capacity == 2
    assert slot_for(office_a, TOMORROW, dt.time(9)).capacity == 1
    pool = WalkinDay.objects.get(office=office_a, date=TOMORROW)
    assert (pool.capacity, pool.percent, pool.used) == (3, 50, 0)
    # The day's quota is split, never grown: online + walk-in = the weekly windows' 6 seats.
    online = sum(Slot.objects.filter(office=office_a, date=TOMORROW).values_list("capacity", flat=True))
    assert online + pool.capacity == 6


def test_a_day_keeps_the_share_it_was_split_with_when_the_policy_changes(office_a: Office) -> None:
    share(office_a, 50)
    slot_for(office_a, TOMORROW, dt.time(8))
    share(office_a, 0)
    assert slot_for(office_a, TOMORROW, dt.time(9)).capacity == 1
    assert Slot.objects.get(office=office_a, date=TOMORROW, start=dt.time(8)).capacity == 2
    assert walkin_day_for(office_a, TOMORROW).capacity == 3
    # A day not split yet follows the new policy.
    assert slot_for(office_a, TOMORROW + dt.timedelta(days=1), dt.time(8)).capacity == 5


def test_a_day_booked_before_walkin_pools_existed_gets_an_empty_pool(office_a: Office) -> None:
    Slot.objects.create(
        office=office_a, date=TOMORROW, start=dt.time(8), end=dt.time(9), starts_at="2026-12-02T01:00Z", capacity=5
    )
    share(office_a, 50)
    assert walkin_day_for(office_a, TOMORROW).capacity == 0
    assert slot_for(office_a, TOMORROW, dt.time(9)).capacity == 1


def test_availability_shows_online_seats_without_the_walkin_share(office_a: Office) -> None:
    share(office_a, 50)
    plan = day_plans(office_a, TOMORROW, 1)[0]
    assert [(w.capacity, w.remaining) for w in plan.windows] == [(2, 2), (1, 1)]


def test_api_availability_matches_the_slots_created_later(office_a: Office) -> None:
    share(office_a, 20)
    body = Client().get(f"/api/v1/offices/{office_a.code}/availability?start={TOMORROW}&days=1").json()
    shown = [w["capacity"] for w in body["days"][0]["windows"]]
    created = [slot_for(office_a, TOMORROW, dt.time(h)).capacity for h in (8, 9)]
    assert shown == created == [4, 1]
