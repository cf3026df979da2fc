import datetime as dt

import pytest

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


@pytest.fixture
def office(db: None) -> Office:
    return make_office()
