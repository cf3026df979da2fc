"""Which days an office is open: national holidays, cuti bersama and staff closures."""

import datetime as dt

import pytest
from django.utils import translation

from loket.offices.calendar import closure_reason, closures_between, holiday_name, windows_on
from loket.offices.models import ArrivalWindow, Closure, Office

pytestmark = pytest.mark.django_db

CHRISTMAS = dt.date(2026, 12, 25)
CUTI_BERSAMA_NATAL = dt.date(2026, 12, 24)
ORDINARY_TUESDAY = dt.date(2026, 12, 1)


def make_office(code: str, timezone: str = "Asia/Jakarta") -> Office:
    office = Office.objects.create(code=code, name=f"Kantor Imigrasi {code}", timezone=timezone)
    # created out of order on purpose: windows_on must sort them
    for weekday in range(5):
        ArrivalWindow.objects.create(
            office=office, weekday=weekday, start=dt.time(13, 0), end=dt.time(14, 0), capacity=30
        )
        ArrivalWindow.objects.create(
            office=office, weekday=weekday, start=dt.time(8, 0), end=dt.time(9, 0), capacity=40
        )
        ArrivalWindow.objects.create(
            office=office, weekday=weekday, start=dt.time(9, 0), end=dt.time(10, 0), capacity=50
        )
    ArrivalWindow.objects.create(office=office, weekday=5, start=dt.time(8, 0), end=dt.time(12, 0), capacity=20)
    return office


@pytest.fixture
def palembang() -> Office:
    return make_office("PLB")


@pytest.fixture
def jayapura() -> Office:
    return make_office("JYP", timezone="Asia/Jayapura")


def test_christmas_is_closed_with_its_name(palembang: Office, jayapura: Office) -> None:
    for office in (palembang, jayapura):
        assert closure_reason(office, CHRISTMAS) == "Hari Raya Natal"
        assert windows_on(office, CHRISTMAS) == []


def test_cuti_bersama_closes_every_office(palembang: Office, jayapura: Office) -> None:
    # Cuti bersama is only in the GOVERNMENT category of `holidays`; PUBLIC alone misses it.
    assert CUTI_BERSAMA_NATAL.weekday() == 3  # a Thursday: windows exist that day
    for office in (palembang, jayapura):
        assert closure_reason(office, CUTI_BERSAMA_NATAL) == "Cuti Bersama Hari Raya Natal"
        assert windows_on(office, CUTI_BERSAMA_NATAL) == []


def test_ordinary_weekday_is_open_with_windows_in_start_order(palembang: Office) -> None:
    assert ORDINARY_TUESDAY.weekday() == 1

    windows = windows_on(palembang, ORDINARY_TUESDAY)

    assert closure_reason(palembang, ORDINARY_TUESDAY) is None
    assert [w.start for w in windows] == [dt.time(8, 0), dt.time(9, 0), dt.time(13, 0)]
    assert {w.weekday for w in windows} == {1}
    assert sum(w.capacity for w in windows) == 120


def test_saturday_has_its_own_windows_and_sunday_none(palembang: Office) -> None:
    saturday, sunday = dt.date(2026, 12, 5), dt.date(2026, 12, 6)

    assert [(w.start, w.capacity) for w in windows_on(palembang, saturday)] == [(dt.time(8, 0), 20)]
    assert windows_on(palembang, sunday) == []
    assert closure_reason(palembang, sunday) is None  # no windows is not the same as closed


def test_office_closure_closes_only_that_office(palembang: Office, jayapura: Office) -> None:
    Closure.objects.create(office=palembang, date=ORDINARY_TUESDAY, reason="Pemadaman listrik")

    assert closure_reason(palembang, ORDINARY_TUESDAY) == "Pemadaman listrik"
    assert windows_on(palembang, ORDINARY_TUESDAY) == []
    assert closure_reason(jayapura, ORDINARY_TUESDAY) is None
    assert len(windows_on(jayapura, ORDINARY_TUESDAY)) == 3


def test_national_closure_closes_every_office(palembang: Office, jayapura: Office) -> None:
    Closure.objects.create(office=None, date=ORDINARY_TUESDAY, reason="Pemilu serentak")

    for office in (palembang, jayapura):
        assert closure_reason(office, ORDINARY_TUESDAY) == "Pemilu serentak"
        assert windows_on(office, ORDINARY_TUESDAY) == []


def test_closure_on_another_day_leaves_this_day_open(palembang: Office) -> None:
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 2), reason="Renovasi")

    assert closure_reason(palembang, ORDINARY_TUESDAY) is None


def test_closures_between_lists_holidays_and_closures_with_reasons(palembang: Office, jayapura: Office) -> None:
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 21), reason="Renovasi loket")
    Closure.objects.create(office=None, date=dt.date(2026, 12, 28), reason="Gangguan sistem nasional")
    Closure.objects.create(office=jayapura, date=dt.date(2026, 12, 22), reason="Banjir")

    closed = closures_between(palembang, dt.date(2026, 12, 20), dt.date(2026, 12, 31))

    assert closed == {
        dt.date(2026, 12, 21): "Renovasi loket",
        CUTI_BERSAMA_NATAL: "Cuti Bersama Hari Raya Natal",
        CHRISTMAS: "Hari Raya Natal",
        dt.date(2026, 12, 28): "Gangguan sistem nasional",
    }


def test_closures_between_includes_both_ends(palembang: Office) -> None:
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 1), reason="Awal")
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 3), reason="Akhir")
    Closure.objects.create(office=palembang, date=dt.date(2026, 12, 4), reason="Di luar")

    closed = closures_between(palembang, dt.date(2026, 12, 1), dt.date(2026, 12, 3))

    assert closed == {dt.date(2026, 12, 1): "Awal", dt.date(2026, 12, 3): "Akhir"}


def test_closures_between_agrees_with_closure_reason_day_by_day(palembang: Office) -> None:
    Closure.objects.create(office=palembang, date=dt.date(2026, 3, 2), reason="Renovasi")
    Closure.objects.create(office=None, date=dt.date(2026, 3, 4), reason="Nasional")
    start, end = dt.date(2026, 2, 25), dt.date(2026, 3, 31)

    closed = closures_between(palembang, start, end)

    day = start
    while day <= end:
        assert closed.get(day) == closure_reason(palembang, day), day
        day += dt.timedelta(days=1)
    assert dt.date(2026, 3, 21) in closed  # Idul Fitri


def test_closures_between_spans_a_new_year(palembang: Office) -> None:
    closed = closures_between(palembang, dt.date(2026, 12, 30), dt.date(2027, 1, 2))

    assert dt.date(2027, 1, 1) in closed
    assert dt.date(2026, 12, 30) not in closed


def test_holiday_names_are_indonesian_by_default() -> None:
    with translation.override("id"):
        assert holiday_name(CHRISTMAS) == "Hari Raya Natal"
    assert holiday_name(ORDINARY_TUESDAY) is None


def test_holiday_names_are_english_under_english(palembang: Office) -> None:
    with translation.override("en"):
        assert holiday_name(CHRISTMAS) == "Christmas Day"
        assert closure_reason(palembang, CUTI_BERSAMA_NATAL) == "Christmas Joint Holiday"
    # the cache is per language: Indonesian comes back afterwards
    assert holiday_name(CHRISTMAS) == "Hari Raya Natal"


def test_staff_closure_reason_is_not_translated(palembang: Office) -> None:
    Closure.objects.create(office=palembang, date=ORDINARY_TUESDAY, reason="Pemadaman listrik")

    with translation.override("en"):
        assert closure_reason(palembang, ORDINARY_TUESDAY) == "Pemadaman listrik"
