"""Days are the office's local days; the release time is the office's local time."""

import datetime as dt

import pytest
import time_machine

from loket.booking.selectors import day_plans, next_available
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office

ZONES = [("Asia/Jakarta", 7), ("Asia/Makassar", 8), ("Asia/Jayapura", 9)]


def utc(local: dt.datetime, offset_hours: int) -> dt.datetime:
    return (local - dt.timedelta(hours=offset_hours)).replace(tzinfo=dt.UTC)


def released_office(zone: str) -> Office:
    # Horizon 14 days, a new day released each morning at 08:00 local time.
    office = make_office(f"R{zone[5:8].upper()}", timezone=zone, release_time=dt.time(8, 0))
    Office.objects.filter(pk=office.pk).update(horizon_days=14)
    office.refresh_from_db()
    return office


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "offset"), ZONES)
def test_new_day_is_released_at_the_local_release_time(zone: str, offset: int) -> None:
    office = released_office(zone)
    newest = dt.date(2026, 12, 15)  # 1 Dec + 14 days
    just_before = utc(dt.datetime(2026, 12, 1, 7, 59, 59), offset)
    at_release = utc(dt.datetime(2026, 12, 1, 8, 0, 0), offset)
    with time_machine.travel(just_before, tick=False):
        plan = day_plans(office, newest, 1)[0]
        assert (plan.open, plan.reason_code) == (False, "not_released")
        assert day_plans(office, newest - dt.timedelta(days=1), 1)[0].open
    with time_machine.travel(at_release, tick=False):
        assert day_plans(office, newest, 1)[0].open
        beyond = day_plans(office, newest + dt.timedelta(days=1), 1)[0]
        assert beyond.reason_code == "beyond_horizon"


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "offset"), ZONES)
def test_today_turns_at_local_midnight(zone: str, offset: int) -> None:
    office = make_office(f"M{zone[5:8].upper()}", timezone=zone)
    before_midnight = utc(dt.datetime(2026, 12, 1, 23, 59, 59), offset)
    at_midnight = utc(dt.datetime(2026, 12, 2, 0, 0, 0), offset)
    with time_machine.travel(before_midnight, tick=False):
        assert office.local_today() == dt.date(2026, 12, 1)
        # Every window of 1 Dec has started; 2 Dec is tomorrow and open.
        assert day_plans(office, dt.date(2026, 12, 1), 1)[0].reason_code == "day_over"
        assert next_available(office) == dt.date(2026, 12, 2)
    with time_machine.travel(at_midnight, tick=False):
        assert office.local_today() == dt.date(2026, 12, 2)
        assert day_plans(office, dt.date(2026, 12, 1), 1)[0].reason_code == "past"
        today = day_plans(office, dt.date(2026, 12, 2), 1)[0]
        assert today.open and [w.start for w in today.windows] == [dt.time(8), dt.time(9)]


@pytest.mark.django_db
def test_same_instant_is_a_different_day_in_each_zone() -> None:
    offices = [make_office(f"Z{i}", timezone=zone) for i, (zone, _offset) in enumerate(ZONES)]
    # 16:30 UTC on 1 Dec: 23:30 in Jakarta, 00:30 on 2 Dec in Makassar and Jayapura.
    with time_machine.travel(dt.datetime(2026, 12, 1, 16, 30, tzinfo=dt.UTC), tick=False):
        assert [o.local_today() for o in offices] == [dt.date(2026, 12, 1), dt.date(2026, 12, 2), dt.date(2026, 12, 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "offset"), ZONES)
def test_window_closes_for_booking_at_its_local_start(zone: str, offset: int) -> None:
    office = make_office(f"W{zone[5:8].upper()}", timezone=zone)
    day = dt.date(2026, 12, 1)
    with time_machine.travel(utc(dt.datetime(2026, 12, 1, 7, 59, 59), offset), tick=False):
        assert [w.start for w in day_plans(office, day, 1)[0].windows] == [dt.time(8), dt.time(9)]
    with time_machine.travel(utc(dt.datetime(2026, 12, 1, 8, 0, 0), offset), tick=False):
        assert [w.start for w in day_plans(office, day, 1)[0].windows] == [dt.time(9)]


@pytest.mark.django_db
def test_closed_day_reasons_in_english_read_as_the_api_documents_them(client: object) -> None:
    office = released_office("Asia/Jakarta")
    with time_machine.travel(utc(dt.datetime(2026, 12, 1, 7, 0), 7), tick=False):
        body = client.get(  # type: ignore[attr-defined]
            f"/api/v1/offices/{office.code}/availability",
            {"start": "2026-12-14", "days": 3},
            HTTP_ACCEPT_LANGUAGE="en",
        ).json()
    assert [(d["date"], d["reason_code"], d["reason"]) for d in body["days"]] == [
        ("2026-12-14", None, None),
        ("2026-12-15", "not_released", "quota not open yet"),
        ("2026-12-16", "beyond_horizon", "not bookable yet: too far ahead"),
    ]
