"""The counter and check-in pages update themselves: their live parts answer 304 until something changes."""

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.offices.models import Office
from loket.onsite.models import Ticket
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import staff_client
from loket.onsite.tests.queue_helpers import NOW, booked, counter

COUNTER = "/petugas/OFA/loket/1/"
COUNTER_LIVE = "/petugas/OFA/loket/1/live/"
DESK_LIVE = "/petugas/OFA/checkin/live/"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def issue(office: Office) -> Ticket:
    return ticket_issue(office=office, by=None, booking=booked(office))


def test_the_counter_page_carries_its_live_part_and_works_without_script(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    counter(office_a, 1)
    issue(office_a)
    html = staff_client(counter_officer_a).get(COUNTER).content.decode()
    assert f'data-live-url="{COUNTER_LIVE}"' in html and 'data-etag="' in html
    assert "/static/onsite/live.js" in html and "<script>" not in html and "style=" not in html
    assert "Menunggu: 1" in html  # the waiting list is on the page itself


def test_the_counters_waiting_list_changes_after_a_check_in_elsewhere(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    counter(office_a, 1)
    client = staff_client(counter_officer_a)
    first = client.get(COUNTER_LIVE)
    assert first.status_code == 200 and "Menunggu: 0" in first.content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(COUNTER_LIVE, headers={"If-None-Match": first["ETag"]}).status_code == 304
    # The session, user, second factor and role checks of every staff page, then the fingerprint's three.
    assert len(queries.captured_queries) <= 10, [q["sql"][:80] for q in queries.captured_queries]
    issue(office_a)  # the check-in desk issues a ticket
    changed = client.get(COUNTER_LIVE, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "Menunggu: 1" in changed.content.decode()
    assert client.get("/petugas/OFA/loket/9/live/").status_code == 404


def test_the_no_show_button_says_when_it_becomes_possible(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    issue(office_a)
    client = staff_client(counter_officer_a)
    calls.counter_call_next(counter=desk, by=counter_officer_a)
    html = client.get(COUNTER_LIVE).content.decode()
    assert "tidak hadir boleh setelah 2 panggilan ulang lagi dan mulai pukul 08:13" in html
    assert 'id="no-show" disabled>' in html  # recalls missing: no timer either
    calls.ticket_recall(counter=desk, by=counter_officer_a)
    calls.ticket_recall(counter=desk, by=counter_officer_a)
    clock.shift(60)
    html = client.get(COUNTER_LIVE).content.decode()
    assert "tidak hadir boleh mulai pukul 08:13" in html
    assert 'id="no-show" disabled data-enable-in="121"' in html  # live.js enables it at 08:13
    refused = client.post("/petugas/OFA/loket/1/no_show/")
    assert refused.status_code == 409 and "08:13" in refused.content.decode()
    clock.shift(120)
    html = client.get(COUNTER_LIVE).content.decode()
    assert "boleh ditandai tidak hadir" in html and 'id="no-show" disabled' not in html
    assert client.post("/petugas/OFA/loket/1/no_show/", REMOTE_ADDR="10.1.1.9").status_code == 302
    assert AuditEntry.objects.get(action="ticket.no_show").ip == "10.1.1.9"


def test_a_counter_takes_a_break_from_its_page(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    counter(office_a, 1)
    issue(office_a)
    client = staff_client(counter_officer_a)
    assert client.post("/petugas/OFA/loket/1/break/").status_code == 302
    html = client.get(COUNTER).content.decode()
    assert "Loket istirahat sejak 08:10" in html and "Akhiri istirahat" in html
    assert client.post("/petugas/OFA/loket/1/call_next/").status_code == 409
    board = client.get("/papan/OFA/data.json").json()
    assert board["counters"] == [{"counter": 1, "ticket": None, "status": "", "on_break": True, "going": []}]
    assert client.post("/petugas/OFA/loket/1/break_end/").status_code == 302
    assert client.post("/petugas/OFA/loket/1/call_next/").status_code == 302


def test_the_check_in_desk_sees_the_queue_grow(
    office_a: Office, checkin_officer_a: User, counter_officer_a: User, clock: Any
) -> None:
    client = staff_client(checkin_officer_a)
    page = client.get("/petugas/OFA/checkin/").content.decode()
    assert f'data-live-url="{DESK_LIVE}"' in page
    first = client.get(DESK_LIVE)
    assert "Menunggu verifikasi: 0 orang" in first.content.decode()
    assert client.get(DESK_LIVE, headers={"If-None-Match": first["ETag"]}).status_code == 304
    ticket = issue(office_a)
    changed = client.get(DESK_LIVE, headers={"If-None-Match": first["ETag"]})
    assert "Menunggu verifikasi: 1 orang" in changed.content.decode() and ticket.display in changed.content.decode()
    assert staff_client(counter_officer_a).get(DESK_LIVE).status_code == 403


def test_the_counter_page_transfers_to_a_chosen_stage(office_a: Office, counter_officer_a: User, clock: Any) -> None:
    counter(office_a, 1)
    ticket = issue(office_a)
    client = staff_client(counter_officer_a)
    client.post("/petugas/OFA/loket/1/call_next/")
    assert 'id="transfer-to"' in client.get(COUNTER).content.decode()
    assert client.post("/petugas/OFA/loket/1/transfer/", {"stage": "visa"}).status_code == 400
    moved = client.post("/petugas/OFA/loket/1/transfer/", {"stage": "pickup"}, REMOTE_ADDR="10.3.3.3")
    assert moved.status_code == 302
    ticket.refresh_from_db()
    assert ticket.stage == "pickup"
    entry = AuditEntry.objects.get(action="ticket.transferred")
    assert (entry.after["to"], entry.ip) == ("pickup", "10.3.3.3")
