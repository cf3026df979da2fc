"""The last express place of the day raced at several check-in desks, over real HTTP against a
live server, on PostgreSQL: exactly one desk gets it. The control test switches the place guard
off (test settings only) and shows the race happens without it.

The live server runs in other threads, so time is not frozen: the office takes express
applicants until 23.59.59 of its own day, and the test skips on a day the office is closed.
"""

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from loket.booking.models import ClassDay, ClassQuota, QuotaClass
from loket.booking.seats import class_day_for
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once
from loket.offices.calendar import closure_reason
from loket.offices.models import Office
from loket.walkin.tests.conftest import seeded_fees, share, walkin_form
from loket.walkin.tests.test_concurrency import officers, registrar, split_ahead

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("ordinary_morning"),  # today's express places, never on a holiday
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")
    seeded_fees()


def express_office(code: str, places: int) -> tuple[Office, dt.date]:
    """An office with `places` express places every day, open for express all day; its pool,
    slots and today's express counter made ahead, so the requests race on the claim itself."""
    office = make_office(code, capacity=5)
    share(office, 50)
    Office.objects.filter(pk=office.pk).update(
        express_arrival_cutoff=dt.time(23, 59, 59), express_payment_cutoff=dt.time(23, 59, 59)
    )
    office.refresh_from_db()
    today = office.local_today()
    assert closure_reason(office, today) is None
    for weekday in range(7):
        ClassQuota.objects.create(office=office, quota_class=QuotaClass.EXPRESS, weekday=weekday, capacity=places)
    split_ahead(office, today)
    class_day_for(office, QuotaClass.EXPRESS, today)
    return office, today


def race(live_server: Any, office: Office, today: dt.date, desks: int) -> Counter[int]:
    sessions = officers(office, desks)
    form = {"quota_class": "express", "day": today.isoformat()}
    calls = [registrar(live_server.url, office.code, sessions[i], walkin_form(i + 1, **form)) for i in range(desks)]
    return Counter(r.status_code for r in all_at_once(calls))


def express_held(office: Office) -> int:
    return office.bookings.filter(quota_class=QuotaClass.EXPRESS).count()


def test_the_last_express_place_raced_at_two_desks_goes_to_exactly_one(live_server: Any) -> None:
    office, today = express_office("XTWO", places=1)
    statuses = race(live_server, office, today, desks=2)
    assert statuses == {302: 1, 409: 1}, statuses
    row = ClassDay.objects.get(office=office, quota_class=QuotaClass.EXPRESS)
    assert row.used == row.capacity == 1
    assert express_held(office) == 1


def test_ten_desks_for_the_last_two_express_places_get_exactly_two(live_server: Any) -> None:
    office, today = express_office("XTEN", places=2)
    statuses = race(live_server, office, today, desks=10)
    assert statuses == {302: 2, 409: 8}, statuses
    assert ClassDay.objects.get(office=office, quota_class=QuotaClass.EXPRESS).used == 2
    assert express_held(office) == 2


def test_control_without_the_guard_two_desks_both_take_the_last_express_place(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS = True
    office, today = express_office("XCTRL", places=1)
    statuses = race(live_server, office, today, desks=2)
    assert statuses[302] == 2, f"the unguarded read-then-write should give the one place twice: {statuses}"
    assert express_held(office) == 2 > ClassDay.objects.get(office=office, quota_class=QuotaClass.EXPRESS).capacity
