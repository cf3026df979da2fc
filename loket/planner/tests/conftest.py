"""A test office with ten days of synthetic history drawn from known parameters (loket/planner/demo_history.py)."""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from loket.accounts.models import StaffRoleKind, User
from loket.booking.models import ClassQuota
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.tests.conftest import make_officer
from loket.planner.demo_history import Truth, history_seed, truth

FIRST_DAY = dt.date(2026, 10, 5)  # a Monday
DAYS = [FIRST_DAY + dt.timedelta(days=n) for n in range(10)]
AFTER = DAYS[-1] + dt.timedelta(days=1)
WINDOWS = [(8, 30), (9, 30), (10, 25), (11, 20)]

KNOWN = truth(
    show=0.85, offset=(-10, 12), walkins=2, pickups=3, service=(5.0, 6.0, 2.0), counters=(3, 4, 1), region="317401"
)


CLASS_PLACES = {"priority": 5, "express": 10}  # per day, besides the windows (express before 10.00)


def make_planned_office(code: str) -> Office:
    office = Office.objects.create(code=code, name=f"Kantor Imigrasi {code}", timezone="Asia/Jakarta")
    for weekday in range(7):
        for hour, seats in WINDOWS:
            ArrivalWindow.objects.create(
                office=office, weekday=weekday, start=dt.time(hour), end=dt.time(hour + 1), capacity=seats
            )
        for quota_class, places in CLASS_PLACES.items():
            ClassQuota.objects.create(office=office, quota_class=quota_class, weekday=weekday, capacity=places)
    return office


@pytest.fixture
def known() -> Truth:
    return KNOWN


@pytest.fixture
def history(planned_office: Office) -> Office:
    assert history_seed(office=planned_office, truth=KNOWN, days=DAYS) == len(DAYS)
    return planned_office


@pytest.fixture
def planned_office(db: None) -> Office:
    """The same office and windows, without history (for the pages that only write)."""
    return make_planned_office("OFH")


@pytest.fixture
def supervisor(planned_office: Office) -> User:
    return make_officer(email="supervisor.h@imigrasi.go.id", office=planned_office, role=StaffRoleKind.SUPERVISOR)


@pytest.fixture
def day_after_history() -> Iterator[None]:
    """08:00 WIB on the day after the history: the pages plan tomorrow, a week after the last Friday."""
    with time_machine.travel(dt.datetime.combine(AFTER, dt.time(1, 0), tzinfo=dt.UTC), tick=False):
        yield
