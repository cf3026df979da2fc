"""Many officers registering walk-ins at once, over real HTTP against a live server, on PostgreSQL.

Their requests are released together through a barrier. The control test switches the
seat guard off (test settings only) and shows the race happens without it.
"""

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.db import connection

from loket.accounts.models import StaffRoleKind
from loket.booking.models import ACTIVE_STATUSES, Booking, Slot, WalkinDay
from loket.booking.seats import slot_row
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.booking.tests.test_concurrency import all_at_once
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.tests.conftest import make_officer, staff_client
from loket.walkin.models import WalkinBooking
from loket.walkin.tests.conftest import seeded_fees, share, walkin_form

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")
    seeded_fees()


def officers(office: Office, n: int) -> list[str]:
    """n check-in officers of `office`, logged in; returns their session cookies."""
    sessions = []
    for i in range(n):
        user = make_officer(email=f"checkin{i}@imigrasi.go.id", office=office, role=StaffRoleKind.CHECKIN)
        client = staff_client(user)  # past the second factor, as a signed-in desk is
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return sessions


def registrar(base: str, office: str, session: str, form: dict[str, Any]) -> Callable[[httpx.Client], httpx.Response]:
    token = secrets.token_hex(16)  # a CSRF secret of 32 characters, as cookie and as form field
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}"
    data = {**form, "csrfmiddlewaretoken": token}
    return lambda client: client.post(f"{base}/petugas/{office}/walkin/", data=data, headers={"Cookie": cookie})


def split_ahead(office: Office, day: dt.date) -> None:
    """Create the day's pool and slots first, so the requests race on the seat claim itself
    (a first creation inside the request would queue them behind its insert)."""
    for window in ArrivalWindow.objects.filter(office=office, weekday=day.weekday()):
        slot_row(office, day, window)


def held(office: Office) -> int:
    return WalkinBooking.objects.filter(booking__office=office, booking__status__in=ACTIVE_STATUSES).count()


def test_thirty_walkins_for_the_last_three_pool_seats_get_exactly_three(live_server: Any) -> None:
    office = make_office("WRACE", capacity=5)
    share(office, 50)  # 5 + 1 seats: a walk-in pool of 3 a day
    split_ahead(office, open_day_ahead())
    day = open_day_ahead().isoformat()
    sessions = officers(office, 10)
    calls = [registrar(live_server.url, "WRACE", sessions[i % 10], walkin_form(i + 1, day=day)) for i in range(30)]
    statuses = Counter(r.status_code for r in all_at_once(calls))
    assert statuses == {302: 3, 409: 27}, statuses
    pool = WalkinDay.objects.get(office=office)
    assert pool.used == pool.capacity == 3
    assert held(office) == 3
    assert sum(Slot.objects.filter(office=office).values_list("booked", flat=True)) == 0  # online seats untouched


def test_one_person_registered_by_several_officers_at_once_gets_one_booking(live_server: Any) -> None:
    office = make_office("WTWICE", capacity=20)
    share(office, 50)
    day = open_day_ahead().isoformat()
    sessions = officers(office, 6)
    calls = [registrar(live_server.url, "WTWICE", s, walkin_form(1, day=day)) for s in sessions]
    statuses = Counter(r.status_code for r in all_at_once(calls))
    assert statuses[302] == 1 and statuses[409] == 5, statuses
    assert Booking.objects.filter(office=office).count() == 1
    assert WalkinDay.objects.get(office=office).used == 1


def test_control_without_the_guard_the_pool_is_overdrawn(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS = True
    office = make_office("WCTRL", capacity=1)
    share(office, 50)  # 1 + 1 seats: a pool of 1
    split_ahead(office, open_day_ahead())
    day = open_day_ahead().isoformat()
    sessions = officers(office, 10)
    calls = [registrar(live_server.url, "WCTRL", sessions[i], walkin_form(i + 1, day=day)) for i in range(10)]
    created = sum(r.status_code == 302 for r in all_at_once(calls))
    assert created > 1, "the unguarded read-then-write should let several walk-ins take the one pool seat"
    assert held(office) > WalkinDay.objects.get(office=office).capacity
