"""Real parallel HTTP requests against a live server, on PostgreSQL.

Each test releases all its requests at once through a barrier. The control test switches
the seat guard off (test settings only) and shows the race really happens without it.
"""

import datetime as dt
import hashlib
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import timezone

from loket.accounts.models import ApiToken, Person, Relation, User
from loket.booking.events import events_process
from loket.booking.models import ACTIVE_STATUSES, Booking, BookingEvent, BookingStatus, Slot
from loket.booking.services import BookingRequest, booking_create
from loket.booking.tests.conftest import make_office, open_day_ahead
from loket.dossier.models import Application
from loket.offices.models import ArrivalWindow, Office
from loket.payments.models import Payment

# Django's test server listens with a backlog of 10: fifty simultaneous connects would be
# refused by the kernel before they reach Loket. A production server listens with more.
WSGIServer.request_queue_size = 256

HOLDING_A_SEAT = Q(status__in=ACTIVE_STATUSES) | Q(status=BookingStatus.CANCELLED, seat_released=False)

# serialized_rollback: each test starts from the migrated data; a booking needs the seeded
# fee table (loket/payments), which the flush after a transactional test would remove.
pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


def psycopg_params() -> dict[str, Any]:
    """A second connection to the test database, outside Django."""
    db = connection.settings_dict
    return {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"], "dbname": db["NAME"]}


def day_ahead() -> str:
    return open_day_ahead().isoformat()  # the offices here are open all week


def applicants(n: int) -> list[str]:
    """n verified applicants; returns their bearer tokens."""
    tokens = []
    for i in range(n):
        user = User.objects.create_user(
            f"race{i}@example.id", None, full_name=f"Pemohon {i}", email_verified_at=timezone.now()
        )
        Person.objects.create(
            account=user,
            relation=Relation.SELF,
            full_name=user.full_name,
            nik=f"3174011203{85:02d}{i + 1:04d}",
            birth_date=dt.date(1985, 3, 12),
            sex="M",
        )
        key = secrets.token_urlsafe(24)
        ApiToken.objects.create(user=user, key_hash=hashlib.sha256(key.encode()).hexdigest())
        tokens.append(key)
    return tokens


def all_at_once(calls: list[Callable[[httpx.Client], httpx.Response]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
        with httpx.Client(timeout=30) as client:
            barrier.wait()
            return call(client)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def booker(
    base: str, token: str, office: str, day: str, start: str = "08:00", key: str | None = None
) -> Callable[[httpx.Client], httpx.Response]:
    headers = {"Authorization": f"Bearer {token}", **({"Idempotency-Key": key} if key else {})}
    body = {"office": office, "date": day, "start": start, "service": "new", "passport_type": "regular", "member": None}
    return lambda client: client.post(f"{base}/api/v1/bookings", json=body, headers=headers)


def assert_counts_exact(office: Office) -> None:
    """Every slot's counter equals the seats its bookings hold, and never exceeds capacity."""
    for slot in Slot.objects.filter(office=office):
        held = Booking.objects.filter(slot=slot).filter(HOLDING_A_SEAT).count()
        assert slot.booked == held, f"{slot}: counter {slot.booked}, bookings holding a seat {held}"
        assert slot.booked <= slot.capacity


@pytest.fixture(params=["inline", "worker"])
def events_way(request: Any, settings: Any) -> str:
    """Both ways of a booking's events: handled in the seat's own transaction (the tests' way) or
    left to the worker (production's): there, on PostgreSQL, the seat, the booking and its event
    are one statement with no transaction around it (loket/booking/seats.py claim_seat_with)."""
    settings.LOKET_BOOKING_EVENTS_INLINE = request.param == "inline"
    return str(request.param)


def test_fifty_applicants_for_the_last_seat_get_exactly_one_201(live_server: Any, events_way: str) -> None:
    office = make_office("RACE", capacity=1)
    tokens = applicants(50)
    responses = all_at_once([booker(live_server.url, t, "RACE", day_ahead()) for t in tokens])
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 49}, statuses
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"window_full"}
    assert Booking.objects.filter(office=office).count() == 1
    assert BookingEvent.objects.filter(booking__office=office).count() == 1
    assert_counts_exact(office)


def test_one_applicant_twice_at_once_gets_one_booking(live_server: Any, events_way: str) -> None:
    office = make_office("TWICE", capacity=20)
    [token] = applicants(1)
    responses = all_at_once([booker(live_server.url, token, "TWICE", day_ahead()) for _ in range(10)])
    statuses = Counter(r.status_code for r in responses)
    assert statuses[201] == 1, statuses
    assert statuses[409] == 9
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"active_booking_exists"}
    assert Booking.objects.filter(office=office).count() == 1
    assert_counts_exact(office)


def test_same_idempotency_key_at_once_makes_one_booking(live_server: Any, events_way: str) -> None:
    office = make_office("IDEM", capacity=20)
    [token] = applicants(1)
    responses = all_at_once([booker(live_server.url, token, "IDEM", day_ahead(), key="same-key") for _ in range(8)])
    assert {r.status_code for r in responses} <= {200, 201}, [r.content for r in responses]
    assert len({r.json()["code"] for r in responses}) == 1
    assert Booking.objects.filter(office=office).count() == 1
    assert_counts_exact(office)


def test_racing_reschedules_and_cancels_keep_counts_exact(live_server: Any, settings: Any) -> None:
    settings.LOKET_CANCEL_RELEASE_MINUTES = 0
    office = make_office("MOVE", capacity=30)  # 08:00 has 30 seats, 09:00 has 1
    tokens = applicants(30)
    day = day_ahead()
    codes = [r.json()["code"] for r in all_at_once([booker(live_server.url, t, "MOVE", day) for t in tokens])]

    def reschedule(token: str, code: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(
            f"{live_server.url}/api/v1/bookings/{code}/reschedule",
            json={"date": day, "start": "09:00"},
            headers={"Authorization": f"Bearer {token}"},
        )

    def cancel(token: str, code: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(
            f"{live_server.url}/api/v1/bookings/{code}/cancel", headers={"Authorization": f"Bearer {token}"}
        )

    # Everyone tries to move into the single 09:00 seat; ten of them also cancel at the same moment.
    calls = [reschedule(t, c) for t, c in zip(tokens, codes, strict=True)]
    calls += [cancel(t, c) for t, c in zip(tokens[:10], codes[:10], strict=True)]
    responses = all_at_once(calls)
    assert all(r.status_code < 500 for r in responses), [r.content for r in responses if r.status_code >= 500]
    assert Slot.objects.get(office=office, start="09:00").booked <= 1
    assert Booking.objects.filter(office=office, slot__start="09:00", status__in=ACTIVE_STATUSES).count() <= 1
    assert_counts_exact(office)


def test_control_without_the_guard_the_race_overbooks(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_SEAT_CLAIM_FOR_TESTS = True
    office = make_office("CTRL", capacity=1)
    tokens = applicants(20)
    responses = all_at_once([booker(live_server.url, t, "CTRL", day_ahead()) for t in tokens])
    created = sum(r.status_code == 201 for r in responses)
    assert created > 1, "the unguarded read-then-write should let several requests take the one seat"
    assert (
        Booking.objects.filter(office=office, status__in=ACTIVE_STATUSES).count()
        > Slot.objects.get(office=office, start="08:00").capacity
    )


def swap_windows(live_server: Any, code: str) -> tuple[Office, list[Callable[[httpx.Client], httpx.Response]]]:
    """Ten people at 08:00 and ten at 09:00, each window with room to spare; each asks, at the
    same moment, to move to the other window."""
    office = make_office(code, capacity=20)
    ArrivalWindow.objects.filter(office=office).update(capacity=20)
    tokens = applicants(20)
    day = day_ahead()
    starts = ["08:00" if i % 2 == 0 else "09:00" for i in range(20)]
    booked = [
        booker(live_server.url, t, code, day, start)(httpx.Client(timeout=30))
        for t, start in zip(tokens, starts, strict=True)
    ]
    assert [r.status_code for r in booked] == [201] * 20, [r.content for r in booked if r.status_code != 201]

    def move(token: str, code_: str, start: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(
            f"{live_server.url}/api/v1/bookings/{code_}/reschedule",
            json={"date": day, "start": "09:00" if start == "08:00" else "08:00"},
            headers={"Authorization": f"Bearer {token}"},
        )

    return office, [move(t, r.json()["code"], s) for t, r, s in zip(tokens, booked, starts, strict=True)]


def test_reschedules_in_opposite_directions_all_succeed(live_server: Any) -> None:
    """A→B and B→A at once lock the same two slot rows: in one order (by id), so they wait for
    each other instead of deadlocking (PostgreSQL would abort one after a second: a 503)."""
    office, moves = swap_windows(live_server, "SWAP")
    responses = all_at_once(moves)
    assert [r.status_code for r in responses] == [200] * 20, Counter(r.status_code for r in responses)
    assert_counts_exact(office)
    assert Slot.objects.get(office=office, start="08:00").booked == 10


@pytest.fixture
def quick_deadlock_detection() -> Iterator[None]:
    """New sessions of the test database look for deadlocks after 100 ms instead of PostgreSQL's
    1 s, when this role may set that (a superuser may; else the test just takes longer): the
    control below waits for a dozen deadlocks to be found, one after another."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} SET deadlock_timeout = '100ms'")
    except DatabaseError:
        yield
        return
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER DATABASE {name} RESET deadlock_timeout")


@pytest.mark.usefixtures("quick_deadlock_detection")
def test_control_unordered_moves_in_opposite_directions_deadlock(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_UNORDERED_MOVES_FOR_TESTS = True
    office, moves = swap_windows(live_server, "SWAPX")
    responses = all_at_once(moves)
    statuses = Counter(r.status_code for r in responses)
    # PostgreSQL aborts one side of each deadlock; Loket answers it as a busy database (503).
    assert statuses[503] >= 1, statuses
    assert set(statuses) <= {200, 503}, statuses
    assert_counts_exact(office)  # the aborted moves left nothing behind


def pending_bookings(settings: Any, code: str, n: int) -> list[int]:
    """n bookings whose `booked` events wait for the worker; their event ids, oldest first."""
    settings.LOKET_BOOKING_EVENTS_INLINE = False
    make_office(code, capacity=n)
    day = open_day_ahead()
    for i, user in enumerate(User.objects.filter(email__startswith="race").order_by("pk")[:n]):
        booking_create(
            user=user,
            request=BookingRequest(office=code, date=day, start=dt.time(8), service="new", passport_type="regular"),
            idempotency_key=f"k{i}",
        )
    return list(BookingEvent.objects.filter(processed_at__isnull=True).order_by("pk").values_list("pk", flat=True))


def test_a_worker_passes_over_an_event_another_worker_is_processing(settings: Any) -> None:
    """Two `booking_events` processes share a backlog: the claim skips a locked event at once
    (FOR UPDATE SKIP LOCKED) instead of waiting for it and then finding it done."""
    applicants(3)
    first, *others = pending_bookings(settings, "SKIP", 3)
    other_worker = psycopg.connect(**psycopg_params())  # mid-way through the first event
    other_worker.execute("SELECT id FROM booking_bookingevent WHERE id = %s FOR UPDATE", [first])
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '3s'")  # waiting (the old claim) fails instead of hanging
    try:
        assert events_process(limit=10) == 2
        assert set(BookingEvent.objects.filter(processed_at__isnull=False).values_list("pk", flat=True)) == set(others)
    finally:
        other_worker.rollback()
        other_worker.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")  # the connection outlives this test
    assert events_process(limit=10) == 1  # released: now it is this worker's
    assert Application.objects.count() == Payment.objects.count() == 3


def test_parallel_workers_process_every_event_exactly_once(settings: Any) -> None:
    applicants(12)
    events = pending_bookings(settings, "MANY", 12)
    barrier = threading.Barrier(4)

    def worker(_i: int) -> int:
        barrier.wait()
        try:
            done = 0
            while batch := events_process(limit=200):
                done += batch
            return done
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        processed = sum(pool.map(worker, range(4)))
    assert processed == len(events) == 12  # every event once, by one of the four
    assert not BookingEvent.objects.filter(processed_at__isnull=True).exists()
    assert Application.objects.count() == Payment.objects.count() == 12  # one of each per booking
