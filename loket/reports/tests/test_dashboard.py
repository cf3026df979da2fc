"""The live supervisor dashboard: what it counts, who may open it, and its cheap polls."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loket.accounts.models import User
from loket.audit.models import AuditEntry
from loket.booking.models import BookingStatus
from loket.offices.models import Office
from loket.onsite.models import QueuePolicy, Stage, Ticket, TicketStatus
from loket.onsite.services import calls
from loket.onsite.services.tickets import ticket_issue
from loket.onsite.tests.conftest import (
    counter_officer_a,
    national_admin,
    office_a,
    office_b,
    officer_b,
    staff_client,
    supervisor_a,
)
from loket.onsite.tests.queue_helpers import NOW, booked, counter
from loket.reports.dashboard import CounterState, national_now, office_now

__all__ = ["counter_officer_a", "national_admin", "office_a", "office_b", "officer_b", "supervisor_a"]

URL = "/petugas/OFA/dasbor/"
LIVE = "/petugas/OFA/dasbor/live/"


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False) as traveller:  # 08:10 WIB
        yield traveller


def issue(office: Office, start: dt.time = dt.time(8), **fields: object) -> Ticket:
    return ticket_issue(office=office, by=None, booking=booked(office, start=start), **fields)  # type: ignore[arg-type]


def busy_morning(office: Office, officer: User, clock: Any) -> dict[str, Any]:
    """Counter 1 serving, 2 on break, 3 closed, 4 idle; two waiting, one done, one no-show."""
    QueuePolicy.objects.create(office=office, no_show_after_calls=1, no_show_after_minutes=0)
    one, two, three, four = (counter(office, n) for n in (1, 2, 3, 4))
    three.active = False
    three.save()
    done, missed, served_now = issue(office), issue(office), issue(office)
    clock.shift(60)
    first_waiting = issue(office)
    clock.shift(60)
    issue(office, start=dt.time(9))  # a later window, already here
    booked(office, start=dt.time(10))  # expected later today, not here yet
    calls.counter_call_next(counter=one, by=officer)
    calls.ticket_finish(counter=one, by=officer)
    calls.counter_call_next(counter=one, by=officer)
    calls.ticket_no_show(counter=one, by=officer)
    calls.counter_call_next(counter=one, by=officer)
    calls.ticket_start(counter=one, by=officer)
    calls.counter_set_break(counter=two, on_break=True, by=officer)
    clock.shift(5 * 60)
    return {"done": done, "missed": missed, "serving": served_now, "first_waiting": first_waiting, "four": four}


def test_the_office_now_counts_queues_counters_and_the_day(
    office_a: Office, counter_officer_a: User, clock: Any
) -> None:
    morning = busy_morning(office_a, counter_officer_a, clock)
    now = office_now(office_a)
    verification = next(s for s in now.stages if s.stage == Stage.VERIFICATION)
    assert (verification.waiting, verification.longest_minutes) == (2, 6)  # queued 08:11, now 08:17
    assert now.waiting == 2 and now.longest_minutes == 6
    states = {c.number: (c.state, c.ticket, c.minutes) for c in now.counters}
    assert states == {
        1: (CounterState.SERVING, morning["serving"].display, 5),
        2: (CounterState.BREAK, "", 5),
        3: (CounterState.CLOSED, "", None),
        4: (CounterState.IDLE, "", None),
    }
    assert (now.served, now.no_shows) == (1, 1)
    # Five booked arrivals (one early, for 09:00) against four bookings due by 08:17; six today; no walk-ins.
    assert (now.arrived_booked, now.bookings_due, now.bookings_today, now.arrived_walk_in) == (5, 4, 6, 0)
    assert [t.ticket for t in now.no_show_tickets] == [morning["missed"].display]


def test_the_dashboard_is_for_the_offices_supervisors_in_both_languages(
    office_a: Office, supervisor_a: User, counter_officer_a: User, officer_b: User, clock: Any
) -> None:
    busy_morning(office_a, counter_officer_a, clock)
    page = staff_client(supervisor_a).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tunggu terlama" in html and "istirahat" in html and "Batalkan tidak hadir" in html
    assert "Keadaan pukul 08.17 WIB" in html
    assert 'data-live-url="/petugas/OFA/dasbor/live/"' in html and "<script>" not in html
    english = staff_client(supervisor_a)
    english.cookies["django_language"] = "en"
    html = english.get(URL, headers={"Accept-Language": "en"}).content.decode()
    assert "Longest wait" in html and "on break" in html and "Undo no-show" in html
    assert staff_client(counter_officer_a).get(URL).status_code == 403
    assert staff_client(officer_b).get(URL).status_code == 403
    assert staff_client(officer_b).get(LIVE).status_code == 403
    assert AuditEntry.objects.filter(actor=officer_b, action="dashboard.read", allowed=False).count() == 2


def test_a_poll_answers_304_in_a_few_queries_until_a_call_elsewhere(
    office_a: Office, supervisor_a: User, counter_officer_a: User, clock: Any
) -> None:
    desk = counter(office_a, 1)
    issue(office_a)
    client = staff_client(supervisor_a)
    first = client.get(LIVE)
    assert first.status_code == 200 and first["Cache-Control"] == "no-cache, private"
    etag = first["ETag"]
    with CaptureQueriesContext(connection) as queries:
        unchanged = client.get(LIVE, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    # The session, user, second factor and role checks of every staff page, then the three of the fingerprint.
    fingerprint = [q["sql"] for q in queries.captured_queries if "onsite_" in q["sql"]]
    assert len(fingerprint) == 3, fingerprint
    assert len(queries.captured_queries) <= 10, [q["sql"] for q in queries.captured_queries]
    calls.counter_call_next(counter=desk, by=counter_officer_a)  # at the counter, not through this client
    changed = client.get(LIVE, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "memanggil" in changed.content.decode()
    clock.shift(60)  # the waits grow with the clock: redrawn once a minute
    assert client.get(LIVE, headers={"If-None-Match": changed["ETag"]}).status_code == 200


def test_a_supervisor_undoes_a_no_show_from_the_dashboard(
    office_a: Office, supervisor_a: User, counter_officer_a: User, clock: Any
) -> None:
    morning = busy_morning(office_a, counter_officer_a, clock)
    client = staff_client(supervisor_a)
    assert client.post("/petugas/OFA/dasbor/batal-tidak-hadir/", {"ticket": "x"}).status_code == 400
    assert client.post("/petugas/OFA/dasbor/batal-tidak-hadir/", {"ticket": "999999"}).status_code == 404
    answer = client.post(
        "/petugas/OFA/dasbor/batal-tidak-hadir/", {"ticket": str(morning["missed"].pk)}, REMOTE_ADDR="10.20.30.40"
    )
    assert answer.status_code == 302
    missed = Ticket.objects.get(pk=morning["missed"].pk)
    assert missed.status == TicketStatus.WAITING and missed.booking is not None
    assert missed.booking.status == BookingStatus.CHECKED_IN
    assert AuditEntry.objects.get(action="ticket.no_show_undo").ip == "10.20.30.40"
    again = client.post("/petugas/OFA/dasbor/batal-tidak-hadir/", {"ticket": str(missed.pk)})
    assert again.status_code == 409 and "tidak berstatus" in again.content.decode()


def test_the_national_view_is_for_the_national_administrator(
    office_a: Office, office_b: Office, supervisor_a: User, counter_officer_a: User, national_admin: User, clock: Any
) -> None:
    busy_morning(office_a, counter_officer_a, clock)
    lines = {line.office.code: line for line in national_now()}
    a, b = lines["OFA"], lines["OFB"]
    assert (a.waiting, a.longest_minutes, a.counters_open, a.counters_busy, a.counters_on_break) == (2, 6, 3, 1, 1)
    assert (a.served, a.no_shows) == (1, 1)
    assert (b.waiting, b.longest_minutes, b.counters_open, b.served) == (0, None, 0, 0)
    admin = staff_client(national_admin)
    page = admin.get("/petugas/dasbor/")
    assert page.status_code == 200 and 'data-office="OFA"' in page.content.decode()
    live = admin.get("/petugas/dasbor/live/")
    assert admin.get("/petugas/dasbor/live/", headers={"If-None-Match": live["ETag"]}).status_code == 304
    assert staff_client(supervisor_a).get("/petugas/dasbor/").status_code == 403
