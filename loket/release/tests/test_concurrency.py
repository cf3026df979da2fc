"""The waiting room's races, on PostgreSQL with real parallel requests and workers.

- one pass sent in many booking requests at once books one seat (the unique pass column);
- several admission workers at once admit exactly what the seats allow (the room's row lock);
- one account joining many times at once gets one ticket.
Each guard has a control test that switches it off (test settings only) and shows the race.
"""

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import time_machine
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from loket.accounts.models import ApiToken, Person, Relation, User
from loket.booking.models import Booking
from loket.booking.selectors import release_instant
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once, applicants
from loket.offices.models import Office
from loket.release.models import Entry
from loket.release.room import rooms_tick
from loket.release.tests.conftest import join, solved
from loket.release.waiting import waiting_status

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("ordinary_morning"),  # a release a minute ago or in ten minutes, never across midnight
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("real parallel transactions need PostgreSQL")


def released_office(code: str, *, capacity: int) -> tuple[Office, dt.date]:
    """An office whose next day opened a minute ago, under release (its room shuffled)."""
    office = make_office(code, capacity=capacity)
    now = dt.datetime.now(office.zone)
    office.release_time = (now - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    office.horizon_days = 10
    office.save()
    day = now.date() + dt.timedelta(days=10)
    return office, day


def join_all(office: Office, day: dt.date, users: list[User]) -> None:
    # Joined before the release instant: a minute and a half before it.
    with time_machine.travel(release_instant(office, day) - dt.timedelta(seconds=90), tick=True):
        for user in users:
            join(user, office, day)


def household(user: User, n: int) -> list[int]:
    ids = []
    for i in range(n):
        member = Person.objects.create(
            account=user,
            relation=Relation.CHILD,
            full_name=f"Anak {i}",
            nik=f"16710152031500{i + 10:02d}",
            birth_date=dt.date(2015, 3, 12),
            sex="F",
        )
        ids.append(member.pk)
    return ids


def pass_race(live_server: Any, code: str) -> list[httpx.Response]:
    office, day = released_office(code, capacity=20)
    [token] = applicants(1)
    user = ApiToken.objects.get().user
    join_all(office, day, [user])
    rooms_tick()
    release_pass = waiting_status(Entry.objects.get(account=user)).release_pass
    assert release_pass
    members = household(user, 5)
    headers = {"Authorization": f"Bearer {token}", "X-Loket-Pass": release_pass}

    def book(member: int) -> Callable[[httpx.Client], httpx.Response]:
        body = {
            "office": code,
            "date": day.isoformat(),
            "start": "08:00",
            "service": "new",
            "passport_type": "regular",
            "member": member,
        }
        return lambda client: client.post(f"{live_server.url}/api/v1/bookings", json=body, headers=headers)

    return all_at_once([book(m) for m in members])


def test_one_pass_sent_five_times_at_once_books_one_seat(live_server: Any) -> None:
    responses = pass_race(live_server, "PASS")
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: 4}, [r.content for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"pass_used"}
    assert Booking.objects.count() == 1


def test_control_without_the_unique_pass_one_pass_books_several(live_server: Any, settings: Any) -> None:
    settings.LOKET_UNSAFE_PASS_REUSE_FOR_TESTS = True
    responses = pass_race(live_server, "PASX")
    assert Counter(r.status_code for r in responses)[201] > 1
    assert Booking.objects.count() > 1


def admission_race(code: str, *, settings: Any = None, unsafe: Callable[[], None] | None = None) -> tuple[Office, int]:
    """30 people ranked and the first 8 admitted (4 + 1 seats x 1.5); their passes expire
    unused; then six workers run the next round at once (without the room lock, pausing in
    `unsafe` after counting the open passes, when given)."""
    office, day = released_office(code, capacity=4)
    applicants(30)
    join_all(office, day, list(User.objects.filter(email__startswith="race")))
    assert rooms_tick() == 8
    Entry.objects.filter(admitted_at__isnull=False).update(pass_expires_at=timezone.now() - dt.timedelta(seconds=1))
    if unsafe is not None:
        settings.LOKET_UNSAFE_ADMIT_FOR_TESTS = unsafe
    barrier = threading.Barrier(6)

    def worker() -> int:
        barrier.wait()
        try:
            return rooms_tick()
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=6) as pool:
        done = sum(pool.map(lambda _i: worker(), range(6)))
    return office, done


def test_six_workers_at_once_admit_exactly_what_the_seats_allow() -> None:
    office, done = admission_race("ADMT")
    admitted = Entry.objects.filter(room__office=office, admitted_at__isnull=False)
    assert admitted.count() == 16 and done == 8
    assert sorted(admitted.values_list("rank", flat=True)) == list(range(1, 17))  # in the drawn order


def test_control_without_the_room_lock_workers_admit_too_many(settings: Any) -> None:
    counted, first, committed = threading.Barrier(6), threading.Lock(), threading.Event()

    def pause() -> None:
        """All six have counted the open passes; the first goes on, the others pick their
        people once it has committed."""
        counted.wait(timeout=20)
        if first.acquire(blocking=False):
            transaction.on_commit(committed.set)
        else:
            committed.wait(timeout=20)

    office, _done = admission_race("ADMX", settings=settings, unsafe=pause)
    assert Entry.objects.filter(room__office=office, admitted_at__isnull=False).count() > 16


def test_one_account_joining_ten_times_at_once_gets_one_ticket(live_server: Any) -> None:
    office = make_office("JOIN", capacity=5)
    now = dt.datetime.now(office.zone)
    office.release_time = (now + dt.timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    office.horizon_days = 10
    office.save()
    day = now.date() + dt.timedelta(days=10)
    [token] = applicants(1)
    url = f"{live_server.url}/api/v1/offices/JOIN/releases/{day.isoformat()}/join"
    headers = {"Authorization": f"Bearer {token}"}
    proofs = [solved(office, day) for _ in range(10)]

    def joiner(proof: str) -> Callable[[httpx.Client], httpx.Response]:
        return lambda c: c.post(url, json={"altcha": proof}, headers=headers)

    responses = all_at_once([joiner(p) for p in proofs])
    assert {r.status_code for r in responses} <= {200, 201}, [r.content for r in responses]
    assert Counter(r.status_code for r in responses)[201] == 1
    assert len({r.json()["ticket"] for r in responses}) == 1
    assert Entry.objects.count() == 1
