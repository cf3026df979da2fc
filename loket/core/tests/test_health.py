"""/healthz and /readyz: JSON for load balancers, cheap, no personal data."""

import datetime as dt
import socket
from typing import Any

import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_q.models import Schedule

from config.caches import caches_for
from loket.core.health import worker_heartbeat, worker_heartbeat_age
from loket.core.tests.test_faults import lost_connection


def test_healthz_answers_even_to_a_probe_by_address_over_http(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["loket.imigrasi.go.id"]
    answer = Client().get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}
    assert "no-store" in answer["Cache-Control"]


def test_readyz_is_ok_with_a_fresh_heartbeat(db: None, django_assert_max_num_queries: Any) -> None:
    worker_heartbeat()
    Client().get("/readyz")  # the first asks about migrations once
    with django_assert_max_num_queries(2):
        answer = Client().get("/readyz")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "migrations", "worker", "worker_heartbeat_age_seconds"}


def test_readyz_is_down_without_a_worker(db: None) -> None:
    answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["worker"] == "stale"
    worker_heartbeat()
    later = timezone.now() + dt.timedelta(minutes=10)
    with time_machine.travel(later):
        age = worker_heartbeat_age()
        assert age is not None and age >= 599
        assert Client().get("/readyz").status_code == 503


def test_readyz_is_down_when_the_database_is_unreachable(db: None) -> None:
    with lost_connection(lambda sql: True, times=10):
        answer = Client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"status": "down", "checks": {"database": "down"}}


def test_readyz_is_degraded_not_down_when_only_redis_is_missing(db: None) -> None:
    worker_heartbeat()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with override_settings(CACHES=caches_for(f"redis://127.0.0.1:{port}/11")):
        answer = Client().get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["status"] == "degraded"
    assert answer.json()["checks"]["redis"] == "down"


def test_the_worker_runs_the_heartbeat_every_minute(db: None) -> None:
    schedule = Schedule.objects.get(name="worker-heartbeat")
    assert (schedule.func, schedule.minutes) == ("loket.core.health.worker_heartbeat", 1)


def test_probes_are_not_rate_limited(db: None, settings: Any) -> None:
    settings.LOKET_RATE_LIMITS = True
    worker_heartbeat()
    client = Client()
    assert all(client.get("/readyz").status_code == 200 for _ in range(120))
