"""Many kiosk presses at once for the last walk-in places, over real HTTP against a live server, on PostgreSQL.

The presses are released together through a barrier. The control test switches the pool's
guard off (test settings only: read, then write) and shows the race happens without it.
"""

import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import time_machine
from django.conf import settings
from django.db import connection

from loket.booking.models import WalkinDay
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once
from loket.offices.models import Office
from loket.onsite.models import QueuePolicy, Ticket
from loket.onsite.tests.queue_helpers import NOW, TODAY
from loket.walkin.tests.conftest import seeded_fees, share
from loket.walkin.tests.test_concurrency import officers, split_ahead

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")
    seeded_fees()
    # 08:10 WIB on a Tuesday, ticking: the live server's threads see the same office morning.
    with time_machine.travel(NOW, tick=True):
        yield


def kiosk_office(code: str, capacity: int) -> Office:
    office = make_office(code, capacity=capacity)
    share(office, 50)
    QueuePolicy.objects.create(office=office, kiosk_walkin=True)
    split_ahead(office, TODAY)  # the pool exists: the presses race on the claim itself
    return office


def presser(base: str, office: str, session: str) -> Callable[[httpx.Client], httpx.Response]:
    token = secrets.token_hex(16)  # a CSRF secret of 32 characters, as cookie and as form field
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={token}"
    data = {"service": "new", "csrfmiddlewaretoken": token}
    return lambda client: client.post(f"{base}/petugas/{office}/kiosk/walkin/", data=data, headers={"Cookie": cookie})


def test_twelve_presses_for_the_last_three_places_give_exactly_three_numbers(live_server: Any) -> None:
    office = kiosk_office("KRACE", capacity=5)  # 5 + 1 seats at 50 %: a pool of 3
    assert WalkinDay.objects.get(office=office, date=TODAY).capacity == 3
    sessions = officers(office, 6)
    calls = [presser(live_server.url, "KRACE", sessions[i % 6]) for i in range(12)]
    statuses = Counter(r.status_code for r in all_at_once(calls))
    assert statuses == {302: 3, 409: 9}, statuses
    assert WalkinDay.objects.get(office=office, date=TODAY).used == 3
    tickets = Ticket.objects.filter(office=office)
    assert sorted(t.display for t in tickets) == ["A001", "A002", "A003"]
    assert all(t.needs_data for t in tickets)


def test_control_without_the_guard_the_pool_gives_more_numbers_than_places(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS = True
    office = kiosk_office("KCTRL", capacity=1)  # 1 + 1 seats at 50 %: a pool of 1
    assert WalkinDay.objects.get(office=office, date=TODAY).capacity == 1
    sessions = officers(office, 10)
    calls = [presser(live_server.url, "KCTRL", sessions[i]) for i in range(10)]
    created = sum(r.status_code == 302 for r in all_at_once(calls))
    assert created > 1, "the unguarded read-then-write should let several presses take the one place"
    assert Ticket.objects.filter(office=office, pool_day__isnull=False).count() > 1
