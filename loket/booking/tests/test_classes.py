"""The quota engine's classes of places: priority and express, each a daily counter with a CHECK."""

import datetime as dt

import pytest
import time_machine
from django.db import IntegrityError, transaction

from loket.accounts.models import Person
from loket.booking.class_changes import class_place_claim
from loket.booking.classes import class_next_day, class_places, class_places_between, express_check, priority_check
from loket.booking.models import ClassDay, ClassQuota, DeclarationCheck, QuotaClass
from loket.booking.seats import claim_class_place, class_day_for
from loket.booking.tests.conftest import make_office
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Closure, Office

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 12, 1)
AT_0730 = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # 07:30 WIB


@pytest.fixture
def batam() -> Office:
    office = make_office("BTM")
    for weekday in range(5):
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.PRIORITY, weekday=weekday, capacity=3)
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=2)
    return office


def person(birth: dt.date) -> Person:
    return Person(full_name="Siti", birth_date=birth, sex="F")


def test_a_class_day_is_cut_from_its_weekday_quota_and_not_offered_on_other_days(batam: Office) -> None:
    row = class_day_for(batam, QuotaClass.EXPRESS, TUESDAY)
    assert row is not None and (row.capacity, row.used) == (2, 0)
    assert class_day_for(batam, QuotaClass.EXPRESS, dt.date(2026, 12, 5)) is None  # Saturday


def test_the_last_place_goes_once_then_the_day_is_full(batam: Office) -> None:
    with transaction.atomic():
        class_place_claim(office=batam, quota_class=QuotaClass.EXPRESS, day=TUESDAY)
        class_place_claim(office=batam, quota_class=QuotaClass.EXPRESS, day=TUESDAY)
    with pytest.raises(Conflict) as refused, transaction.atomic():
        class_place_claim(office=batam, quota_class=QuotaClass.EXPRESS, day=TUESDAY)
    assert refused.value.code == "class_full"
    assert refused.value.extra["next_day"] == "2026-12-02"
    assert ClassDay.objects.get(quota_class=QuotaClass.EXPRESS).used == 2


def test_the_check_constraint_refuses_an_overused_class_day(batam: Office) -> None:
    row = class_day_for(batam, QuotaClass.PRIORITY, TUESDAY)
    assert row is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        ClassDay.objects.filter(pk=row.pk).update(used=4)


def test_claim_is_conditional_on_the_count(batam: Office) -> None:
    row = class_day_for(batam, QuotaClass.EXPRESS, TUESDAY)
    assert row is not None
    assert claim_class_place(row) and claim_class_place(row)
    assert not claim_class_place(row)


def test_reading_places_creates_no_row_and_shows_what_is_left(batam: Office) -> None:
    Closure.objects.create(office=batam, date=dt.date(2026, 12, 2), reason="Rapat")
    with transaction.atomic():
        class_place_claim(office=batam, quota_class=QuotaClass.PRIORITY, day=TUESDAY)
    count = ClassDay.objects.count()
    plans = class_places_between(batam, TUESDAY, 5)
    assert ClassDay.objects.count() == count
    assert [(p.quota_class, p.capacity, p.remaining) for p in plans[TUESDAY]] == [("priority", 3, 2), ("express", 2, 2)]
    assert plans[dt.date(2026, 12, 2)] == []  # closed
    assert plans[dt.date(2026, 12, 5)] == []  # Saturday: no class quota
    assert class_places(batam, dt.date(2026, 12, 3))[1].remaining == 2


def test_the_next_day_with_a_place_skips_closed_and_full_days(batam: Office) -> None:
    Closure.objects.create(office=batam, date=dt.date(2026, 12, 2), reason="Rapat")
    ClassDay.objects.create(office=batam, quota_class=QuotaClass.EXPRESS, date=dt.date(2026, 12, 3), capacity=2, used=2)
    assert class_next_day(batam, QuotaClass.EXPRESS, after=TUESDAY) == dt.date(2026, 12, 4)
    assert class_next_day(make_office("NON"), QuotaClass.EXPRESS, after=TUESDAY) is None


@pytest.mark.parametrize(
    ("birth", "reason", "expected"),
    [
        (dt.date(1960, 1, 1), "", ("elderly", DeclarationCheck.NOT_NEEDED)),
        (dt.date(2023, 1, 1), "", ("small_child", DeclarationCheck.NOT_NEEDED)),
        (dt.date(1990, 1, 1), "pregnant", ("pregnant", DeclarationCheck.PENDING)),
        (dt.date(1990, 1, 1), "disabled", ("disabled", DeclarationCheck.PENDING)),
    ],
)
def test_priority_qualifies_by_age_or_by_a_declaration_checked_later(
    birth: dt.date, reason: str, expected: tuple[str, str]
) -> None:
    assert priority_check(person=person(birth), reason=reason, day=TUESDAY) == expected


def test_priority_is_refused_to_someone_who_does_not_qualify() -> None:
    with pytest.raises(DomainError) as refused:
        priority_check(person=person(dt.date(1990, 1, 1)), reason="", day=TUESDAY)
    assert (refused.value.code, refused.value.field) == ("priority_not_eligible", "priority_reason")
    with pytest.raises(DomainError, match="36 tahun"):
        priority_check(person=person(dt.date(1990, 1, 1)), reason="elderly", day=TUESDAY)


def test_express_is_refused_after_the_arrival_cutoff_with_the_next_day(batam: Office) -> None:
    with time_machine.travel(AT_0730, tick=False):
        express_check(batam, TUESDAY, now_local=batam.local_now())  # 07:30: fine
    at_10 = AT_0730 + dt.timedelta(hours=2, minutes=30)  # 10:00 WIB: the cut-off itself is too late
    with time_machine.travel(at_10, tick=False), pytest.raises(DomainError) as refused:
        express_check(batam, TUESDAY, now_local=batam.local_now())
    assert refused.value.code == "express_closed"
    assert refused.value.extra["next_day"] == "2026-12-02"
    assert "10.00 WIB" in refused.value.message and "Rabu, 2 Desember 2026" in refused.value.message


def test_express_is_for_today_only(batam: Office) -> None:
    with time_machine.travel(AT_0730, tick=False), pytest.raises(DomainError) as refused:
        express_check(batam, TUESDAY + dt.timedelta(days=1), now_local=batam.local_now())
    assert refused.value.code == "express_today_only"
