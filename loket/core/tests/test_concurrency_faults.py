"""Backends terminated during a burst of real parallel bookings, on PostgreSQL.

Every answer is a success or a retryable JSON 503 (never a 500), and clients that retry
with their Idempotency-Key end with exactly one booking each.
"""

import threading
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from django.db import connection

from loket.booking.models import Booking
from loket.booking.tests.conftest import make_office
from loket.booking.tests.test_concurrency import all_at_once, applicants, assert_counts_exact, booker, day_ahead
from loket.core.testing.db import side_connection

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend needs PostgreSQL")


def terminate_backends(stop: threading.Event, spare_pid: int, killed: list[int]) -> None:
    """Every 250 ms for 2.5 s: terminate every other session on the test database; on a machine
    so loaded that no request had reached the database by then, on until one has (30 s at most)."""
    deadline = time.monotonic() + 30
    with side_connection() as admin:
        while len(killed) < 10 or (not sum(killed) and time.monotonic() < deadline):
            if stop.is_set():
                return
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [spare_pid],
            ).fetchall()
            killed.append(sum(1 for (done,) in rows if done))
            time.sleep(0.25)


def test_terminated_backends_give_retryable_answers_and_one_booking_each(live_server: Any) -> None:
    office = make_office("BLIP", capacity=100)
    tokens = applicants(30)
    connection.ensure_connection()
    spare = connection.connection.info.backend_pid  # the test's own session reads the results
    day = day_ahead()
    calls = [booker(live_server.url, token, "BLIP", day, key=f"key-{i}") for i, token in enumerate(tokens)]

    stop, killed = threading.Event(), []
    killer = threading.Thread(target=terminate_backends, args=(stop, spare, killed))
    killer.start()
    answers: list[httpx.Response] = []
    try:
        while killer.is_alive():  # bursts for as long as backends are being terminated
            answers += all_at_once(calls)
    finally:
        stop.set()
        killer.join()

    assert sum(killed) > 0  # control: sessions really were terminated mid-burst
    statuses = Counter(a.status_code for a in answers)
    print(f"terminated {sum(killed)} sessions; answers {dict(statuses)}")
    assert set(statuses) <= {200, 201, 503}, statuses
    for answer in answers:
        assert answer.headers["content-type"].startswith("application/json")
        if answer.status_code == 503:
            assert answer.headers["retry-after"] and answer.json()["code"] == "unavailable"

    # Each client retries with its key until it has an answer: one booking per applicant.
    for call in calls:
        with httpx.Client(timeout=30) as client:
            for _ in range(5):
                final = call(client)
                if final.status_code != 503:
                    break
        assert final.status_code in (200, 201), final.text
    assert Booking.objects.filter(office=office).count() == len(tokens)
    assert Counter(Booking.objects.filter(office=office).values_list("booked_by", flat=True)).most_common(1)[0][1] == 1
    assert_counts_exact(office)
