import datetime as dt

import pytest
from django.utils import timezone

from loket.offices.calendar import holiday_name
from loket.offices.models import ArrivalWindow, Office


def make_office(code: str = "TST", *, timezone: str = "Asia/Jakarta", capacity: int = 2, **fields: object) -> Office:
    """An office open every day with two windows: 08:00–09:00 (`capacity` seats) and 09:00–10:00 (1 seat)."""
    office = Office.objects.create(
        code=code, name=f"Kantor Imigrasi {code}", timezone=timezone, horizon_days=30, **fields
    )
    for weekday in range(7):
        ArrivalWindow.objects.create(
            office=office, weekday=weekday, start=dt.time(8), end=dt.time(9), capacity=capacity
        )
        ArrivalWindow.objects.create(office=office, weekday=weekday, start=dt.time(9), end=dt.time(10), capacity=1)
    return office


def open_day_ahead(days: int = 7) -> dt.date:
    """A day about a week ahead that is no national holiday: for tests that cannot freeze time
    (a live server in other threads), so they pass whatever day they run."""
    day = timezone.localdate() + dt.timedelta(days=days)
    while holiday_name(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def office(db: None) -> Office:
    return make_office()
