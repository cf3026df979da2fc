"""Office, ArrivalWindow and Closure: the rules the database keeps, and local time per office."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from loket.offices.models import ArrivalWindow, Closure, Office

pytestmark = pytest.mark.django_db


@pytest.fixture
def palembang() -> Office:
    return Office.objects.create(code="PLB", name="Kantor Imigrasi Palembang", timezone="Asia/Jakarta")


@pytest.fixture
def batam() -> Office:
    return Office.objects.create(code="BTM", name="Kantor Imigrasi Batam")


def window(office: Office, start: dt.time, end: dt.time, weekday: int = 0, capacity: int = 10) -> ArrivalWindow:
    return ArrivalWindow.objects.create(office=office, weekday=weekday, start=start, end=end, capacity=capacity)


def test_window_end_before_start_is_refused(palembang: Office) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        window(palembang, dt.time(10, 0), dt.time(9, 0))
    assert not ArrivalWindow.objects.exists()


def test_window_end_equal_to_start_is_refused(palembang: Office) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        window(palembang, dt.time(9, 0), dt.time(9, 0))


def test_window_weekday_outside_the_week_is_refused(palembang: Office) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        window(palembang, dt.time(8, 0), dt.time(9, 0), weekday=7)


def test_one_window_per_office_weekday_and_start(palembang: Office, batam: Office) -> None:
    window(palembang, dt.time(8, 0), dt.time(9, 0))
    # the same start on another day or at another office is fine
    window(palembang, dt.time(8, 0), dt.time(9, 0), weekday=1)
    window(batam, dt.time(8, 0), dt.time(9, 0))

    with pytest.raises(IntegrityError), transaction.atomic():
        window(palembang, dt.time(8, 0), dt.time(8, 30))
    assert ArrivalWindow.objects.count() == 3


def test_daily_quota_sums_only_that_days_windows(palembang: Office) -> None:
    window(palembang, dt.time(8, 0), dt.time(9, 0), capacity=40)
    window(palembang, dt.time(9, 0), dt.time(10, 0), capacity=30)
    window(palembang, dt.time(8, 0), dt.time(9, 0), weekday=1, capacity=5)

    assert palembang.daily_quota(0) == 70
    assert palembang.daily_quota(1) == 5
    assert palembang.daily_quota(6) == 0


def test_one_closure_per_office_per_date(palembang: Office, batam: Office) -> None:
    day = dt.date(2026, 12, 1)
    Closure.objects.create(office=palembang, date=day, reason="Renovasi")
    Closure.objects.create(office=batam, date=day, reason="Banjir")
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 2), reason="Renovasi")

    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(office=palembang, date=day, reason="Lagi")
    assert Closure.objects.count() == 3


def test_one_national_closure_per_date(palembang: Office) -> None:
    day = dt.date(2026, 12, 1)
    Closure.objects.create(office=None, date=day, reason="Pemilu")
    # an office closure on the same day does not clash with the national one
    Closure.objects.create(office=palembang, date=day, reason="Renovasi")

    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(office=None, date=day, reason="Pemilu lagi")
    assert Closure.objects.filter(office__isnull=True).count() == 1


def test_unknown_timezone_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(code="TYO", name="Tokyo", timezone="Asia/Tokyo")


def test_zero_horizon_is_refused_by_the_database() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(code="XX", name="Kantor X", horizon_days=0)


def test_office_codes_are_unique(palembang: Office) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Office.objects.create(code="PLB", name="Kantor lain")


def test_deleting_an_office_deletes_its_windows_and_closures(palembang: Office) -> None:
    window(palembang, dt.time(8, 0), dt.time(9, 0))
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 1), reason="Renovasi")
    Closure.objects.create(office=None, date=dt.date(2026, 12, 1), reason="Nasional")

    palembang.delete()

    assert not ArrivalWindow.objects.exists()
    assert list(Closure.objects.values_list("reason", flat=True)) == ["Nasional"]


@time_machine.travel(dt.datetime(2026, 11, 30, 16, 30, tzinfo=dt.UTC), tick=False)
def test_local_today_is_the_offices_own_day() -> None:
    wib = Office.objects.create(code="PLB", name="Palembang", timezone="Asia/Jakarta")
    wita = Office.objects.create(code="MKS", name="Makassar", timezone="Asia/Makassar")
    wit = Office.objects.create(code="JYP", name="Jayapura", timezone="Asia/Jayapura")

    # 16:30 UTC is 23:30 WIB, 00:30 WITA and 01:30 WIT
    assert wib.local_today() == dt.date(2026, 11, 30)
    assert wita.local_today() == dt.date(2026, 12, 1)
    assert wit.local_today() == dt.date(2026, 12, 1)
    assert wit.local_now().hour == 1
    assert wit.local_now().utcoffset() == dt.timedelta(hours=9)


@time_machine.travel(dt.datetime(2026, 11, 30, 16, 59, tzinfo=dt.UTC), tick=False)
def test_local_today_turns_at_local_midnight() -> None:
    wib = Office.objects.create(code="PLB", name="Palembang", timezone="Asia/Jakarta")
    assert wib.local_today() == dt.date(2026, 11, 30)

    with time_machine.travel(dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC), tick=False):
        assert wib.local_today() == dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    "timezone, abbreviation", [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")]
)
def test_zone_abbreviation_names_the_indonesian_zone(timezone: str, abbreviation: str) -> None:
    assert Office(code="X1", name="X", timezone=timezone).zone_abbreviation == abbreviation


def test_string_forms_are_readable(palembang: Office) -> None:
    assert str(palembang) == "PLB — Kantor Imigrasi Palembang"
    assert str(window(palembang, dt.time(8, 0), dt.time(9, 30), capacity=40)) == "Senin 08:00–09:30 (40)"
    assert str(Closure(office=None, date=dt.date(2026, 12, 1), reason="Pemilu")) == "2026-12-01 Nasional: Pemilu"
