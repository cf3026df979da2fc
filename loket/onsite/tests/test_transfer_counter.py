"""Transfer to a named counter: only that counter calls the ticket, first in its queue; the board
shows the ticket as going there; the counter page offers it; the audit entry has the client address."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.core.errors import Conflict, DomainError
from loket.dossier.models import Stage as DossierStage
from loket.offices.models import Office
from loket.onsite.board import board_state
from loket.onsite.models import Counter, Stage, Ticket, TicketStatus
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, booked, counter


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def issue(office: Office, start: dt.time = dt.time(8)) -> Ticket:
    return ticket_issue(office=office, by=None, booking=booked(office, start=start))


def test_a_ticket_sent_to_counter_four_is_called_only_there_and_first(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    verify = counter(office_a, 1)
    three, four = counter(office_a, 3, Stage.PHOTO_INTERVIEW), counter(office_a, 4, Stage.PHOTO_INTERVIEW)
    earlier = [issue(office_a) for _ in range(2)]  # two people in photo and interview before ours
    for _ in earlier:
        calls.counter_call_next(counter=verify, by=counter_officer_a)
        calls.ticket_transfer(counter=verify, by=counter_officer_a)
    clock.shift(60)
    ours = issue(office_a, dt.time(9))  # a later appointment: the plain queue order would put it last
    calls.counter_call_next(counter=verify, by=counter_officer_a)
    moved = calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=4)
    assert (moved.pk, moved.stage, moved.to_counter) == (ours.pk, Stage.PHOTO_INTERVIEW, four)
    ours.booking.application.refresh_from_db()  # type: ignore[union-attr]
    assert ours.booking.application.stage == DossierStage.DOCUMENTS_VERIFIED  # type: ignore[union-attr]
    # Counter 3 never gets it, even with nobody else left; counter 4 calls it before the earlier two.
    assert [calls.counter_call_next(counter=three, by=counter_officer_a).pk] == [earlier[0].pk]  # type: ignore[union-attr]
    calls.ticket_finish(counter=three, by=counter_officer_a)
    first_at_four = calls.counter_call_next(counter=four, by=counter_officer_a)
    assert first_at_four is not None and first_at_four.pk == ours.pk
    calls.ticket_finish(counter=four, by=counter_officer_a)
    assert calls.counter_call_next(counter=three, by=counter_officer_a).pk == earlier[1].pk  # type: ignore[union-attr]


def test_a_closed_named_counter_lets_the_stage_call_its_ticket(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    verify, three = counter(office_a, 1), counter(office_a, 3, Stage.PHOTO_INTERVIEW)
    four = counter(office_a, 4, Stage.PHOTO_INTERVIEW)
    issue(office_a)
    calls.counter_call_next(counter=verify, by=counter_officer_a)
    calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=4)
    assert calls.counter_call_next(counter=three, by=counter_officer_a) is None
    Counter.objects.filter(pk=four.pk).update(active=False)
    assert calls.counter_call_next(counter=three, by=counter_officer_a) is not None


def test_a_colleague_counter_of_the_same_stage_and_the_refusals(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    verify, other = counter(office_a, 1), counter(office_a, 2)
    counter(office_a, 6, Stage.PICKUP)
    Counter.objects.create(office=office_a, number=7, stages=[Stage.PHOTO_INTERVIEW], active=False)
    ticket = issue(office_a)
    calls.counter_call_next(counter=verify, by=counter_officer_a)
    with pytest.raises(Conflict, match="sudah di loket ini"):
        calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=1)
    with pytest.raises(Conflict, match="tidak aktif"):
        calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=7)
    with pytest.raises(DomainError, match="Loket tidak dikenal"):
        calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=99)
    with pytest.raises(Conflict, match="tidak melayani tahap itu"):
        calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=6, to_stage=Stage.PHOTO_INTERVIEW)
    moved = calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=2)
    assert (moved.stage, moved.status, moved.to_counter) == (Stage.VERIFICATION, TicketStatus.WAITING, other)
    assert calls.counter_call_next(counter=verify, by=counter_officer_a) is None
    assert calls.counter_call_next(counter=other, by=counter_officer_a).pk == ticket.pk  # type: ignore[union-attr]
    # A plain stage transfer afterwards is not tied to a counter any more.
    calls.ticket_transfer(counter=other, by=counter_officer_a)
    ticket.refresh_from_db()
    assert ticket.to_counter is None


def test_the_board_shows_the_ticket_going_to_its_counter(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    verify = counter(office_a, 1)
    counter(office_a, 4, Stage.PHOTO_INTERVIEW)
    ticket = issue(office_a)
    calls.counter_call_next(counter=verify, by=counter_officer_a)
    before = board_state(office_a)
    calls.ticket_transfer(counter=verify, by=counter_officer_a, to_counter=4)
    after = board_state(office_a)
    assert after.etag != before.etag
    going = {row.counter: row.going for row in after.counters}
    assert going == {1: [], 4: [ticket.display]}
    html = staff_client(counter_officer_a).get("/papan/OFA/").content.decode()
    assert "Menuju loket ini:" in html and ticket.display in html
    calls.counter_call_next(counter=Counter.objects.get(office=office_a, number=4), by=counter_officer_a)
    assert {row.counter: row.going for row in board_state(office_a).counters}[4] == []


def test_the_counter_page_transfers_to_a_named_counter_with_the_client_address(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    counter(office_a, 1)
    counter(office_a, 4, Stage.PHOTO_INTERVIEW)
    ticket = issue(office_a)
    client = staff_client(counter_officer_a)
    client.post("/petugas/OFA/loket/1/call_next/")
    page = client.get("/petugas/OFA/loket/1/").content.decode()
    assert 'value="counter:4"' in page and 'value="counter:1"' not in page
    assert client.post("/petugas/OFA/loket/1/transfer/", {"to": "counter:x"}).status_code == 400
    moved = client.post("/petugas/OFA/loket/1/transfer/", {"to": "counter:4"}, REMOTE_ADDR="10.4.4.4", follow=True)
    assert "dipindahkan ke loket 4" in moved.content.decode()
    ticket.refresh_from_db()
    assert ticket.to_counter is not None and ticket.to_counter.number == 4
    entry = AuditEntry.objects.get(action="ticket.transferred")
    assert (entry.after["to_counter"], entry.after["to"], entry.ip) == (4, Stage.PHOTO_INTERVIEW, "10.4.4.4")
    waiting = client.get("/petugas/OFA/loket/4/").content.decode()
    assert "ke loket 4" in waiting
