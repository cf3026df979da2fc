"""Two app servers and a worker behind nginx, one PostgreSQL, one Redis: nothing assumes one process.

Runs on PostgreSQL with nginx from Debian (.ci/run installs it and sets LOKET_REQUIRE_NGINX=1);
locally it is skipped only when nginx is absent and not required.
"""

import os
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis
from django.db import connection

from conftest import PASSWORD
from loket.accounts.models import User
from loket.booking.models import Booking, BookingEvent
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once, applicants, assert_counts_exact, booker, day_ahead
from loket.notify.models import Message, MessageStatus
from loket.ops.tests.cluster import NGINX, ROOT, Cluster

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

REDIS_URL = os.environ.get("LOKET_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/13")
# Its own keys and task queue in that Redis: another cluster (a parallel test run) may share it.
NAMESPACE = f"loket-cluster-{os.getpid()}"
METRICS_TOKEN = "cluster-metrics-token-0123456789"


def _require(what: str, present: bool, variable: str) -> None:
    if not present:
        if os.environ.get(variable) == "1":
            pytest.fail(f"{what} is required here ({variable}=1) but missing")
        pytest.skip(f"{what} missing (CI sets {variable}=1 and has it)")


@pytest.fixture(scope="module")
def cluster(django_db_setup: None, django_db_blocker: Any) -> Iterator[Cluster]:
    if connection.vendor != "postgresql":
        pytest.skip("the cluster shares one PostgreSQL")
    _require("nginx", NGINX is not None, "LOKET_REQUIRE_NGINX")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        redis_up = True
    except redis.RedisError:
        redis_up = False
    _require("Redis", redis_up, "LOKET_REQUIRE_REDIS")
    settings = connection.settings_dict
    folder = Path(tempfile.mkdtemp(prefix="loket-cluster-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}",
        "DB_CONN_MAX_AGE": "60",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "off",
        "LOKET_DEV": "on",
        "BEHIND_PROXY": "on",
        "LOKET_RATE_LIMITS": "on",
        "LOKET_LOGIN_MAX_FAILURES": "3",
        "LOKET_AVAILABILITY_CACHE_SECONDS": "0",
        "LOKET_METRICS_TOKEN": METRICS_TOKEN,
        "STATIC_ROOT": str(folder / "static"),
        "WEB_WORKERS": "2",
        "WEB_THREADS": "8",  # a worker may take all 6 of a server's held requests below
        "WORKER_PROCESSES": "1",
        "LOG_FORMAT": "json",
        "CACHE_KEY_PREFIX": NAMESPACE,
        "LOKET_QUEUE_NAME": NAMESPACE,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DATABASE_REPLICA_URL", None)
    _forget_keys()
    cluster = Cluster(folder=folder, env=env)
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=60
    )
    try:
        cluster.start_app(1)
        cluster.start_app(2)
        cluster.worker = cluster.start([sys.executable, "manage.py", "worker"], log_name="worker")
        cluster.events = cluster.start([sys.executable, "manage.py", "booking_events"], log_name="events")
        cluster.wait_ready()
        cluster.start_nginx()
        cluster.wait_ready()
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
        _forget_keys()


def _forget_keys() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*{NAMESPACE}*", count=1000):
        client.delete(key)


@pytest.fixture(autouse=True)
def _fresh_redis(cluster: Cluster) -> None:
    _forget_keys()


@pytest.fixture(autouse=True)
def _events_drained(cluster: Cluster, transactional_db: None) -> Iterator[None]:
    """After each test, before the database is emptied: the cluster's events worker still reacts
    to the test's bookings in its own transactions, and emptying the tables under it can deadlock
    (TRUNCATE locks table after table). Wait until it has nothing left (bounded)."""
    yield
    deadline = time.monotonic() + 30
    while BookingEvent.objects.filter(processed_at__isnull=True).exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def test_a_rush_through_the_proxy_books_exactly_the_seats_there_are(cluster: Cluster) -> None:
    office = make_office("CLU", capacity=10)  # 10 seats at 08:00, 1 at 09:00
    tokens = applicants(24)
    day = day_ahead()
    calls = [booker(cluster.proxy, t, "CLU", day, start="08:00" if i % 4 else "09:00") for i, t in enumerate(tokens)]
    responses = all_at_once(calls)
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 11, 409: 13}, statuses
    assert Booking.objects.filter(office=office).count() == 11
    assert_counts_exact(office)
    # Both app servers took part (each answers with its own metrics): which of them got the 11
    # that won is chance, so each is asked how many booking attempts it answered, of any outcome.
    booked, attempts = [], []
    for _process, url in cluster.apps:
        text = httpx.get(f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
        lines = [ln for ln in text.splitlines() if ln.startswith("loket_booking_attempts_total{")]
        booked.append(sum(float(ln.split()[-1]) for ln in lines if 'outcome="booked"' in ln))
        attempts.append(sum(float(ln.split()[-1]) for ln in lines))
    assert sum(booked) == 11
    assert sum(attempts) == 24
    assert all(count > 0 for count in attempts), attempts
    # The worker, fed through Redis, sends each booking's message (the seat is held until payment).
    deadline = time.monotonic() + 30
    while Message.objects.filter(status=MessageStatus.SENT).count() < 11 and time.monotonic() < deadline:
        time.sleep(0.25)
    assert Message.objects.filter(status=MessageStatus.SENT).count() >= 11


def test_a_session_made_on_one_server_works_on_the_other(cluster: Cluster) -> None:
    user = _with_password(applicants(1))
    (_a, server_a), (_b, server_b) = cluster.apps
    with httpx.Client(base_url=server_a) as on_a:
        page = on_a.get("/masuk/")
        csrf = on_a.cookies["csrftoken"]
        answer = on_a.post(
            "/masuk/",
            data={"login": user.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{server_a}/masuk/"},
        )
        assert page.status_code == 200
        assert answer.status_code == 302, answer.text[:500]
        cookies = dict(on_a.cookies)
    with httpx.Client(base_url=server_b, cookies=cookies) as on_b:
        profile = on_b.get("/akun/")
        assert profile.status_code == 200
        assert user.email in profile.text
    with httpx.Client(base_url=server_b) as stranger:
        assert stranger.get("/akun/").status_code == 302  # no session: to the login page


def test_rate_limits_and_lockouts_are_shared_by_the_servers(cluster: Cluster) -> None:
    user = _with_password(applicants(1))
    servers = [url for _p, url in cluster.apps]
    # Lock-out: 3 wrong passwords spread over both servers lock the pair on both.
    for i in range(3):
        wrong = httpx.post(
            f"{servers[i % 2]}/api/v1/auth/token", json={"username": user.email, "password": "salah-salah"}
        )
        assert wrong.status_code == 401 or wrong.status_code == 422, wrong.text
    for url in servers:
        locked = httpx.post(f"{url}/api/v1/auth/token", json={"username": user.email, "password": PASSWORD})
        assert locked.status_code == 429, locked.text
    # A rate limit (10 code re-sends an hour per address) counted through the proxy on both
    # servers, whatever X-Forwarded-For the client makes up: nginx replaces it with the peer.
    answers = [
        httpx.post(
            f"{cluster.proxy}/api/v1/auth/verify/resend",
            json={"email": f"nobody{i}@example.id"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(11)
    ]
    assert answers == [202] * 10 + [429], answers


def test_control_without_a_shared_redis_each_server_keeps_its_own_lockout(cluster: Cluster) -> None:
    """Control for the test above: the same two servers, each with its own local-memory cache (no
    REDIS_URL), do not see each other's failures, so the spread-out guesses lock nobody out."""
    env = {key: value for key, value in cluster.env.items() if key != "REDIS_URL"}
    env["WEB_WORKERS"] = "1"  # one process per server: one local-memory cache each
    folder = cluster.folder / "control"
    folder.mkdir()
    solo = Cluster(folder=folder, env=env)
    user = _with_password(applicants(1))
    try:
        solo.start_app(1)
        solo.start_app(2)
        solo.wait_ready()
        servers = [url for _p, url in solo.apps]
        for i in range(3):
            wrong = httpx.post(
                f"{servers[i % 2]}/api/v1/auth/token", json={"username": user.email, "password": "salah-salah"}
            )
            assert wrong.status_code in (401, 422), wrong.text
        for url in servers:  # 2 failures on one, 1 on the other: below the limit of 3 on each
            right = httpx.post(f"{url}/api/v1/auth/token", json={"username": user.email, "password": PASSWORD})
            assert right.status_code == 200, right.text
    finally:
        solo.stop()


def _with_password(_tokens: list[str]) -> User:
    user = User.objects.get(email="race0@example.id")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_the_proxy_micro_caches_availability_for_a_second(cluster: Cluster) -> None:
    make_office("CCH", capacity=5)
    url = f"{cluster.proxy}/api/v1/offices/CCH/availability?days=3"
    first, second = httpx.get(url), httpx.get(url)
    assert first.status_code == second.status_code == 200
    assert first.headers["X-Cache-Status"] in {"MISS", "EXPIRED"}
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.json() == first.json()
    time.sleep(2.1)  # nginx counts validity in whole seconds: "1s" lasts up to 2 s
    # Expired: answered at once from the stale copy while a background subrequest refreshes it
    # (proxy_cache_background_update), so no reader waits for a busy app server.
    assert httpx.get(url).headers["X-Cache-Status"] == "STALE"
    deadline = time.monotonic() + 3
    while (status := httpx.get(url).headers["X-Cache-Status"]) != "HIT" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status == "HIT"  # refreshed


def test_stopping_one_app_server_mid_burst_loses_nothing(cluster: Cluster) -> None:
    """Requests are held in flight on both servers (a lock on the offices table), then server 1
    is killed: its reads are retried by nginx on server 2, its bookings are answered 502 and
    succeed when the client retries them with their Idempotency-Key; nothing is booked twice."""
    office = make_office("KIL", capacity=40)
    tokens = applicants(6)
    day = day_ahead()
    (dying, _url), (_survivor, _url2) = cluster.apps
    name = connection.settings_dict["NAME"]
    locker = psycopg.connect(
        host=connection.settings_dict["HOST"] or "127.0.0.1",
        port=connection.settings_dict["PORT"] or 5432,
        user=connection.settings_dict["USER"],
        dbname=name,
    )
    locker.execute("LOCK TABLE offices_office IN ACCESS EXCLUSIVE MODE")  # every request below waits on it

    def read(_i: int) -> int:
        return httpx.get(f"{cluster.proxy}/api/v1/offices/KIL", timeout=30).status_code

    def book(token: str) -> list[int]:
        """Book with one Idempotency-Key, retrying after a failed answer as a client should."""
        statuses = []
        with httpx.Client(timeout=30) as client:
            for _attempt in range(4):
                statuses.append(booker(cluster.proxy, token, "KIL", day, key=f"key-{token[:8]}")(client).status_code)
                if statuses[-1] in (200, 201):
                    break
                time.sleep(0.2)
        return statuses

    with ThreadPoolExecutor(max_workers=12) as pool:
        reads = [pool.submit(read, i) for i in range(6)]
        bookings = [pool.submit(book, token) for token in tokens]
        waiting = _wait_for_lock_waiters(name, 12)
        dying.stop(signal.SIGKILL)  # server 1 and its workers die with requests in flight
        locker.rollback()
        locker.close()
        read_statuses = [f.result() for f in reads]
        outcomes = [f.result() for f in bookings]
    assert waiting == 12
    assert read_statuses == [200] * 6  # safe requests: nginx retried them on server 2
    first_tries = Counter(statuses[0] for statuses in outcomes)
    assert first_tries[502] >= 1, outcomes  # server 1 held some bookings when it died
    assert all(statuses[-1] in (200, 201) for statuses in outcomes), outcomes
    assert Booking.objects.filter(office=office).count() == 6  # one per applicant, none twice
    assert_counts_exact(office)
    # And the proxy keeps serving from the survivor.
    assert httpx.get(f"{cluster.proxy}/api/v1/offices/KIL").status_code == 200


def _wait_for_lock_waiters(db_name: str, count: int, timeout: float = 8) -> int:
    """The requests waiting on a lock, once there are `count` of them (or the timeout). The
    cluster's events worker, whose batch query reads the offices table too, is not counted."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as watcher:
        while True:
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND query NOT LIKE %s",
                [db_name, 'SELECT "booking_bookingevent".%'],  # pg_stat_activity cuts long queries
            ).fetchone()
            waiting = int(row[0]) if row else 0
            if waiting >= count or time.monotonic() > deadline:
                return waiting
            time.sleep(0.05)
