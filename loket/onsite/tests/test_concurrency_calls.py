"""Counters calling "next" at the same moment, with real parallel HTTP requests on PostgreSQL.

Each counter officer's browser is an httpx client with that officer's session. The control
test switches the guard off (test settings only) and shows two counters then get one ticket.
"""

import threading
from collections import Counter as Tally
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from django.conf import settings as django_settings
from django.core.servers.basehttp import WSGIServer
from django.db import connection

from loket.accounts.models import StaffRoleKind
from loket.booking.tests.conftest import make_office
from loket.offices.models import Office
from loket.onsite.models import EventKind, Ticket, TicketEvent, TicketStatus
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import make_officer, staff_client
from loket.onsite.tests.queue_helpers import booked, counter, now_window

WSGIServer.request_queue_size = 256

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("ordinary_morning"),  # today's queue, never across midnight
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


def desks(office: Office, n: int, tickets: int) -> list[dict[str, str]]:
    """n counters with an officer each (their session cookies), and `tickets` people waiting."""
    for _ in range(tickets):
        ticket_issue(office=office, by=None, booking=booked(office, day=office.local_today()))
    sessions = []
    for number in range(1, n + 1):
        counter(office, number)
        officer = make_officer(email=f"loket{number}@imigrasi.go.id", office=office, role=StaffRoleKind.COUNTER)
        client = staff_client(officer)
        sessions.append(
            {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value}
        )
    return sessions


def at_once(
    base: str, office: Office, sessions: list[dict[str, str]], work: Callable[[httpx.Client, str, str], list[int]]
) -> list[int]:
    """Every officer opens his counter page (session and CSRF cookie), then all start `work` together."""
    barrier = threading.Barrier(len(sessions))

    def run(index: int) -> list[int]:
        url = f"{base}/petugas/{office.code}/loket/{index + 1}/"
        with httpx.Client(timeout=60, cookies=sessions[index]) as client:
            assert client.get(url).status_code == 200
            token = client.cookies[django_settings.CSRF_COOKIE_NAME]
            barrier.wait()
            return work(client, url, token)

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        return [status for statuses in pool.map(run, range(len(sessions))) for status in statuses]


def post(client: httpx.Client, url: str, token: str, action: str) -> int:
    return client.post(f"{url}{action}/", data={"csrfmiddlewaretoken": token}, headers={"Referer": url}).status_code


def test_twelve_counters_calling_at_once_never_share_a_ticket(live_server: Any) -> None:
    office = make_office("RACEQ", capacity=5)
    sessions = desks(office, 12, tickets=30)

    def serve(client: httpx.Client, url: str, token: str) -> list[int]:
        statuses = []
        for _ in range(4):  # 48 calls for 30 tickets: the last ones find an empty queue
            statuses.append(post(client, url, token, "call_next"))
            statuses.append(post(client, url, token, "finish"))
        return statuses

    statuses = at_once(live_server.url, office, sessions, serve)
    assert all(status < 500 for status in statuses), Tally(statuses)
    calls = Tally(TicketEvent.objects.filter(office=office, kind=EventKind.CALLED).values_list("ticket_id", flat=True))
    tickets = list(Ticket.objects.filter(office=office).values_list("pk", flat=True))
    assert sorted(calls) == sorted(tickets), "every ticket is called"
    assert set(calls.values()) == {1}, "and only once"
    assert set(Ticket.objects.filter(office=office).values_list("status", flat=True)) == {TicketStatus.DONE}


def test_control_without_the_guard_two_counters_get_the_same_ticket(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_CALL_NEXT_FOR_TESTS = True
    office = make_office("CTRLQ", capacity=5)
    sessions = desks(office, 10, tickets=10)
    statuses = at_once(live_server.url, office, sessions, lambda c, u, t: [post(c, u, t, "call_next")])
    assert all(status < 500 for status in statuses)
    calls = Tally(TicketEvent.objects.filter(office=office, kind=EventKind.CALLED).values_list("ticket_id", flat=True))
    assert max(calls.values()) > 1, "the unguarded read-then-write should hand one ticket to several counters"


def test_twenty_check_ins_at_once_get_twenty_different_numbers(live_server: Any) -> None:
    office = make_office("NUMQ", capacity=5)
    bookings = [booked(office, **now_window(office)) for _ in range(20)]
    officer = make_officer(email="checkin@imigrasi.go.id", office=office, role=StaffRoleKind.CHECKIN)
    cookie = staff_client(officer).cookies[django_settings.SESSION_COOKIE_NAME].value
    url = f"{live_server.url}/petugas/{office.code}/checkin/"
    barrier = threading.Barrier(len(bookings))

    def check_in(code: str) -> int:
        with httpx.Client(timeout=60, cookies={django_settings.SESSION_COOKIE_NAME: cookie}) as client:
            assert client.get(url).status_code == 200
            token = client.cookies[django_settings.CSRF_COOKIE_NAME]
            barrier.wait()
            data = {"csrfmiddlewaretoken": token, "action": "issue", "code": code, "ktp": "on"}
            return client.post(url, data=data, headers={"Referer": url}).status_code

    with ThreadPoolExecutor(max_workers=len(bookings)) as pool:
        statuses = list(pool.map(check_in, [b.code for b in bookings]))
    assert statuses == [302] * 20, Tally(statuses)
    numbers = sorted(Ticket.objects.filter(office=office).values_list("number", flat=True))
    assert numbers == list(range(1, 21))
