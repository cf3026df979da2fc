"""Redis is an accelerator, never a dependency: down, slow or restarted, everything answers."""

import datetime as dt
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings

from config.caches import caches_for
from conftest import PASSWORD, bearer
from loket.accounts.models import User
from loket.api.testing import ApiClient
from loket.booking.tests.conftest import make_office
from loket.core.errors import Throttled
from loket.core.ratelimit import hit

NOW = dt.datetime(2026, 12, 1, 0, 30, tzinfo=dt.UTC)  # Tue 07:30 in Jakarta


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def closed_port_redis() -> Iterator[None]:
    with override_settings(CACHES=caches_for(f"redis://127.0.0.1:{free_port()}/11"), LOKET_RATE_LIMITS=True):
        yield


def test_with_redis_down_booking_cancel_availability_login_and_home_answer(
    closed_port_redis: None, applicant: User
) -> None:
    make_office()
    api = ApiClient()
    with time_machine.travel(NOW, tick=False):
        assert api.get("/").status_code == 200
        assert api.get("/api/v1/offices/TST/availability?days=3").status_code == 200
        token = api.post(
            "/api/v1/auth/token", {"username": applicant.email, "password": PASSWORD}, content_type="application/json"
        )
        assert token.status_code == 200, token.content
        headers = {"Authorization": f"Bearer {token.json()['token']}"}
        body = {"office": "TST", "date": "2026-12-02", "start": "08:00", "service": "new", "passport_type": "regular"}
        booked = api.post("/api/v1/bookings", body, content_type="application/json", headers=headers)
        assert booked.status_code == 201, booked.content
        cancelled = api.post(f"/api/v1/bookings/{booked.json()['code']}/cancel", headers=headers)
        assert cancelled.status_code == 200, cancelled.content
        assert cancelled.json()["status"] == "cancelled"


def test_with_redis_down_rate_limits_still_bind(closed_port_redis: None) -> None:
    for _ in range(3):
        hit(scope="down", key="1.2.3.4", limit=3, window_seconds=60)
    with pytest.raises(Throttled):
        hit(scope="down", key="1.2.3.4", limit=3, window_seconds=60)


def test_with_redis_down_login_lockout_still_binds(closed_port_redis: None, applicant: User) -> None:
    api = Client()
    for _ in range(5):
        wrong = {"username": applicant.email, "password": "salah-sekali"}
        assert api.post("/api/v1/auth/token", wrong, content_type="application/json").status_code == 401
    right = {"username": applicant.email, "password": PASSWORD}
    assert api.post("/api/v1/auth/token", right, content_type="application/json").status_code == 429


@pytest.fixture
def silent_redis() -> Iterator[int]:
    """A port that accepts connections and never answers: a Redis hung or overloaded."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_a_silent_redis_costs_one_short_timeout_then_is_skipped(silent_redis: int) -> None:
    settings = caches_for(f"redis://127.0.0.1:{silent_redis}/11", timeout_seconds=0.2, retry_seconds=30)
    with override_settings(CACHES=settings, LOKET_RATE_LIMITS=True):
        started = time.monotonic()
        cache.set("k", "v")
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(20):
            assert cache.get("k") == "v"  # answered from local memory
        rest = time.monotonic() - started
    assert first < 1.0
    assert rest < 0.1  # the breaker is open: no further waits on the silent server


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[Any]:
    """A real redis-server of our own on a spare port, which the test can stop and start."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()

    class Server:
        process: subprocess.Popen[bytes] | None = None
        url = f"redis://127.0.0.1:{port}/11"

        def start(self) -> None:
            self.process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
            )
            client = redis.Redis.from_url(self.url)
            for _ in range(100):
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    time.sleep(0.05)
            raise RuntimeError("redis-server did not start")

        def stop(self) -> None:
            assert self.process is not None
            self.process.terminate()
            self.process.wait(timeout=10)

        def keys(self, pattern: str) -> list[bytes]:
            return list(redis.Redis.from_url(self.url).keys(pattern))

    server = Server()
    server.start()
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


def test_redis_stopped_and_started_mid_run(redis_server: Any, applicant: User) -> None:
    make_office()
    api = ApiClient()
    settings = caches_for(redis_server.url, timeout_seconds=0.2, retry_seconds=0.3)
    with override_settings(CACHES=settings, LOKET_RATE_LIMITS=True), time_machine.travel(NOW, tick=True):
        hit(scope="mid", key="a", limit=100, window_seconds=60)
        assert redis_server.keys("*rl:mid:a:*")  # Redis up: the counter lives in Redis

        redis_server.stop()
        headers = bearer(applicant)
        assert api.get("/api/v1/offices/TST/availability?days=2").status_code == 200
        assert api.get("/api/v1/bookings", headers=headers).status_code == 200
        for _ in range(2):
            hit(scope="mid", key="b", limit=2, window_seconds=60)
        with pytest.raises(Throttled):  # counted in local memory meanwhile
            hit(scope="mid", key="b", limit=2, window_seconds=60)

        redis_server.start()
        time.sleep(0.4)  # the breaker's retry interval
        hit(scope="mid", key="c", limit=100, window_seconds=60)
        assert redis_server.keys("*rl:mid:c:*")  # back in Redis
        assert api.get("/").status_code == 200
