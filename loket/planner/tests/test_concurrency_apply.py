"""Applying a smaller quota while people book the same window, with real parallel HTTP requests
against a live server on PostgreSQL. Whoever wins, no window ends with more bookings than seats,
and nobody gets a 500: either the quota is applied (later bookings find the window full) or it is
refused (409) because the bookings came first. The control test switches the guard off (test
settings only) and shows the race turning into a database error.
"""

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from django.db import connection

from loket.accounts.models import StaffRoleKind
from loket.accounts.testing import second_factor_client
from loket.booking.models import Slot
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once, applicants, assert_counts_exact, booker
from loket.booking.tests.test_concurrency import day_ahead as booking_day
from loket.offices.models import ArrivalWindow, Office
from loket.onsite.tests.conftest import make_officer

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CSRF = "p" * 32  # an unmasked token: cookie and header must match


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


def applier(base: str, office: Office, day: str, seats: int) -> Callable[[httpx.Client], httpx.Response]:
    supervisor = make_officer(email=f"supervisor.{office.code.lower()}@imigrasi.go.id", office=office,
                              role=StaffRoleKind.SUPERVISOR)  # fmt: skip
    session = second_factor_client(supervisor).cookies["sessionid"].value
    weekday = dt.date.fromisoformat(day).weekday()
    data = {"hari": weekday, "berlaku": day, "yakin": "on", "kuota_0800": seats, "kuota_0900": 1}

    def post(client: httpx.Client) -> httpx.Response:
        client.cookies.update({"sessionid": session, "csrftoken": CSRF})
        return client.post(f"{base}/petugas/{office.code}/rencana/terapkan/", data=data, headers={"X-CSRFToken": CSRF})

    return post


def race(
    live_server: Any, code: str, tokens: list[str], *, bookings_after: float = 0.0
) -> tuple[Office, dt.date, Counter[int], int]:
    """Four people booked; then six more book while the supervisor cuts the window to six seats.

    `bookings_after`: the six bookings start this many seconds after the cut (the control test
    sends them while the unguarded cut sleeps between its read and its write)."""
    office = make_office(code, capacity=10)  # 08:00 has 10 seats, 09:00 has 1
    day = booking_day()
    for token in tokens[:4]:
        with httpx.Client(timeout=30) as client:
            assert booker(live_server.url, token, code, day)(client).status_code == 201
    calls = [booker(live_server.url, t, code, day) for t in tokens[4:]]
    if bookings_after:
        calls = [_later(call, bookings_after) for call in calls]
    responses = all_at_once([*calls, applier(live_server.url, office, day, 6)])
    statuses = Counter(r.status_code for r in responses[:-1])
    return office, dt.date.fromisoformat(day), statuses, responses[-1].status_code


def _later(call: Callable[[httpx.Client], httpx.Response], seconds: float) -> Callable[[httpx.Client], httpx.Response]:
    def delayed(client: httpx.Client) -> httpx.Response:
        time.sleep(seconds)
        return call(client)

    return delayed


def test_a_quota_cut_racing_bookings_never_overbooks_nor_fails(live_server: Any) -> None:
    office, day, bookings, applied = race(live_server, "CUT", applicants(10))
    print("apply answered", applied, "bookings", dict(bookings))  # which side won, for the log

    assert applied in (302, 409), applied
    slot = Slot.objects.get(office=office, date=day, start=dt.time(8))
    window = ArrivalWindow.objects.get(office=office, weekday=day.weekday(), start=dt.time(8))
    if applied == 302:  # the cut came first: the bookings after it found six seats
        assert (slot.capacity, window.capacity) == (6, 6)
        assert bookings[201] == 2 and bookings[409] == 4
    else:  # enough bookings came first: nothing was cut
        assert (slot.capacity, window.capacity) == (10, 10)
        assert bookings[201] == 6
    assert set(bookings) <= {201, 409}
    assert_counts_exact(office)


def test_control_without_the_guard_the_race_breaks_the_check(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_PLAN_APPLY_FOR_TESTS = True
    # The unguarded read-then-write cuts to six seats after more than six were booked meanwhile:
    # only the CHECK constraint stops it, and the supervisor gets a server error. A race needs
    # the cut's read to come before the bookings: up to three tries.
    answers = []
    tokens = applicants(30)
    for attempt, code in enumerate(("UNCUT1", "UNCUT2", "UNCUT3")):
        # The bookings arrive while the unguarded cut waits between its read and its write.
        office, day, bookings, applied = race(
            live_server, code, tokens[10 * attempt : 10 * attempt + 10], bookings_after=0.4 + 0.3 * attempt
        )
        answers.append(applied)
        if applied == 500:
            assert bookings[201] == 6
            assert Slot.objects.get(office=office, date=day, start=dt.time(8)).capacity == 10
            break
    assert 500 in answers, answers
