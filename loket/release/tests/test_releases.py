"""When a day opens: the release rule, the list of days that open next, and the booking path
honouring it. Time frozen on Tue 1 Dec 2026, 07:30 WIB (see conftest)."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from loket.accounts.models import User
from loket.booking.selectors import day_plans, release_instant, released_until
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office
from loket.core.errors import DomainError
from loket.offices.models import Closure, Office
from loket.release.selectors import releases_upcoming
from loket.release.tests.conftest import NOW, RELEASE_DAY, TODAY

pytestmark = pytest.mark.usefixtures("frozen")
WIB = dt.timezone(dt.timedelta(hours=7))


def test_the_day_fourteen_ahead_opens_at_the_release_time(ruled: Office) -> None:
    assert released_until(ruled, ruled.local_now()) == RELEASE_DAY - dt.timedelta(days=1)
    plan = day_plans(ruled, RELEASE_DAY, 2)
    assert (plan[0].reason_code, plan[0].opens_at) == ("not_released", dt.datetime(2026, 12, 1, 8, tzinfo=WIB))
    assert (plan[1].reason_code, plan[1].opens_at) == ("beyond_horizon", dt.datetime(2026, 12, 2, 8, tzinfo=WIB))
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):  # 08:00 WIB
        assert released_until(ruled, ruled.local_now()) == RELEASE_DAY
        assert day_plans(ruled, RELEASE_DAY, 1)[0].open


def test_the_release_instant_is_office_time_in_every_zone(db: None) -> None:
    jayapura = make_office("DJJ", timezone="Asia/Jayapura", release_time=dt.time(8))
    opens = release_instant(jayapura, dt.date(2026, 12, 31))  # horizon 30 days
    assert opens.astimezone(dt.UTC) == dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)  # 08:00 WIT


def test_upcoming_releases_skip_days_that_open_nothing(ruled: Office) -> None:
    Closure.objects.create(office=ruled, date=dt.date(2026, 12, 17), reason="Renovasi")
    ruled.windows.filter(weekday=6).delete()  # no service on Sundays (20 Dec)
    days = [r.date for r in releases_upcoming(ruled, count=6)]
    assert days == [dt.date(2026, 12, d) for d in (15, 16, 18, 19, 21, 22)]
    first = releases_upcoming(ruled, count=1)[0]
    assert (first.opens_at, first.state) == (dt.datetime(2026, 12, 1, 8, tzinfo=WIB), "joining")
    christmas = [r.date for r in releases_upcoming(ruled, count=12)]
    assert dt.date(2026, 12, 25) not in christmas  # a national holiday


def test_booking_a_day_not_released_yet_is_refused_and_then_accepted(ruled: Office, applicant: User) -> None:
    request = BookingRequest(office="OFA", date=RELEASE_DAY, start=dt.time(8), service="new", passport_type="regular")
    with pytest.raises(DomainError) as refused:
        booking_create(user=applicant, request=request)
    assert (refused.value.code, refused.value.field) == ("not_released", "date")
    with time_machine.travel(NOW + dt.timedelta(minutes=30), tick=False):
        booking, created = booking_create(user=applicant, request=request)
    assert created and booking.slot.date == RELEASE_DAY


def test_the_api_lists_the_next_releases(api: Client, ruled: Office) -> None:
    answer = api.get("/api/v1/offices/ofa/releases?count=2")
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "date": "2026-12-15",
            "opens_at": "2026-12-01T08:00:00+07:00",
            "join_from": "2026-12-01T07:30:00+07:00",
            "state": "joining",
        },
        {
            "date": "2026-12-16",
            "opens_at": "2026-12-02T08:00:00+07:00",
            "join_from": "2026-12-02T07:30:00+07:00",
            "state": "scheduled",
        },
    ]
    assert api.get("/api/v1/offices/NOPE/releases").status_code == 404
    too_many = api.get("/api/v1/offices/OFA/releases?count=99")
    assert too_many.status_code == 422
    assert "count" in too_many.content.decode()


def test_availability_says_when_a_day_opens(api: Client, ruled: Office) -> None:
    days = api.get(f"/api/v1/offices/OFA/availability?start={TODAY + dt.timedelta(days=13)}&days=2").json()["days"]
    assert (days[0]["open"], days[0]["opens_at"]) == (True, None)
    assert (days[1]["reason_code"], days[1]["opens_at"]) == ("not_released", "2026-12-01T08:00:00+07:00")
