"""The board's ETag is a fingerprint of what changes the board, not a hash of the board.

A poll that matches it answers 304 without reading the state, so the fingerprint must move
with every change the board shows. These tests drive the real services, one move at a time,
and check that each one changes the ETag and that the next poll then gets the new state.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from loket.accounts.models import User
from loket.offices.models import Office
from loket.onsite.models import Counter, Stage, Ticket, TicketEvent
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.queue_helpers import NOW, at_local, booked, counter
from loket.walkin.dayclose import day_close


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class Screen:
    """One waiting-room TV: it keeps the last ETag and state it got, as board.js does."""

    def __init__(self, office: Office) -> None:
        self.url = reverse("board:data", args=[office.code])
        self.client = Client()
        first = self.client.get(self.url)
        self.etag, self.state = first["ETag"], first.json()

    def poll(self) -> int:
        response = self.client.get(self.url, headers={"If-None-Match": self.etag})
        if response.status_code == 200:
            self.etag, self.state = response["ETag"], response.json()
        return response.status_code


def issue(office: Office) -> Ticket:
    return ticket_issue(office=office, by=None, booking=booked(office))


def test_each_counter_move_changes_the_etag_and_the_next_poll_gets_it(
    office_a: Office, counter_officer_a: User, supervisor_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    screen = Screen(office_a)
    assert screen.poll() == 304

    def moves() -> Iterator[tuple[str, Callable[[], object]]]:
        yield "issue", lambda: issue(office_a)
        yield "call", lambda: calls.counter_call_next(counter=desk, by=counter_officer_a)
        yield "recall", lambda: calls.ticket_recall(counter=desk, by=counter_officer_a)
        yield "start", lambda: calls.ticket_start(counter=desk, by=counter_officer_a)
        yield "park", lambda: calls.ticket_park(counter=desk, by=counter_officer_a)
        parked = Ticket.objects.get(office=office_a)
        yield "resume", lambda: calls.ticket_resume(counter=desk, ticket_id=parked.pk, by=counter_officer_a)
        yield "transfer", lambda: calls.ticket_transfer(counter=desk, by=counter_officer_a)
        yield "issue another", lambda: issue(office_a)
        yield "call again", lambda: calls.counter_call_next(counter=desk, by=counter_officer_a)
        yield "recall again", lambda: calls.ticket_recall(counter=desk, by=counter_officer_a)
        yield "third call", lambda: calls.ticket_recall(counter=desk, by=counter_officer_a)
        # The policy's minutes since the first call must pass before a no-show (default 3).
        yield "no-show", lambda: (clock.shift(180), calls.ticket_no_show(counter=desk, by=counter_officer_a))
        yield "break", lambda: calls.counter_set_break(counter=desk, on_break=True, by=counter_officer_a)
        yield (
            "close counter",
            lambda: calls.counter_set_stages(counter=desk, stages=[Stage.VERIFICATION], active=False, by=supervisor_a),
        )

    seen = {screen.etag}
    for name, move in moves():
        clock.shift(30)
        before = screen.state
        move()
        assert screen.poll() == 200, f"{name}: the board did not notice"
        assert screen.etag not in seen, name
        assert screen.state != before, name
        assert screen.poll() == 304, f"{name}: the board changed again by itself"
        seen.add(screen.etag)
    assert screen.state["waiting"]["A"] == 1  # the first person, waiting for photo and interview
    assert [c["counter"] for c in screen.state["counters"]] == [3]


def test_finish_and_day_close_change_the_etag(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    desk = counter(office_a, 1)
    issue(office_a)
    issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    screen = Screen(office_a)

    calls.ticket_finish(counter=desk, by=counter_officer_a)
    assert screen.poll() == 200
    assert screen.state["counters"] == [{"counter": 1, "ticket": None, "status": "", "on_break": False, "going": []}]
    assert screen.state["waiting"]["A"] == 1

    clock.move_to(at_local(23, 30))
    day_close(office=office_a, day=office_a.local_today())
    assert screen.poll() == 200
    assert screen.state["waiting"]["A"] == 0


def test_renumbering_or_adding_a_counter_in_the_admin_changes_the_etag(office_a: Office, clock: Any) -> None:
    desk = counter(office_a, 1)
    screen = Screen(office_a)

    Counter.objects.filter(pk=desk.pk).update(number=2)
    assert screen.poll() == 200
    assert [c["counter"] for c in screen.state["counters"]] == [2]

    counter(office_a, 5)
    assert screen.poll() == 200
    assert [c["counter"] for c in screen.state["counters"]] == [2, 5]


def test_a_new_day_changes_the_etag(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    desk = counter(office_a, 1)
    issue(office_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    screen = Screen(office_a)
    assert screen.state["calls"]

    clock.move_to(at_local(7, day=office_a.local_today() + dt.timedelta(days=1)))
    assert screen.poll() == 200
    assert screen.state["calls"] == []


def test_an_event_committed_late_with_a_smaller_id_still_changes_the_etag(office_a: Office, clock: Any) -> None:
    """Two transactions: the later one commits first. The count, not only the newest id, moves."""
    desk = counter(office_a, 1)
    first, second = issue(office_a), issue(office_a)
    screen = Screen(office_a)
    oldest = TicketEvent.objects.filter(office=office_a).earliest("pk")
    # What the slower transaction's event looks like once it commits: an id below the newest.
    TicketEvent.objects.create(
        pk=oldest.pk - 1, ticket=first, office=office_a, kind="called", stage="verification", counter=desk, at=NOW
    )
    Ticket.objects.filter(pk=first.pk).update(status="called", counter=desk, calls=1, called_at=NOW)

    assert screen.poll() == 200
    assert screen.state["counters"] == [
        {"counter": 1, "ticket": first.display, "status": "called", "on_break": False, "going": []}
    ]
    assert screen.state["waiting"]["A"] == 1  # the second person
    assert second.status == "waiting"


def test_a_304_costs_three_queries_and_a_200_six(office_a: Office, clock: Any, django_assert_num_queries: Any) -> None:
    for n in range(1, 9):
        counter(office_a, n)
    for _ in range(5):
        issue(office_a)
    screen = Screen(office_a)

    with django_assert_num_queries(3):
        assert screen.poll() == 304
    issue(office_a)
    with django_assert_num_queries(6):
        assert screen.poll() == 200
