"""What a load balancer asks: is the process up (/healthz), can it serve (/readyz).

Both answer JSON with no personal data, are never rate-limited and cost at most two small
queries (migrations are checked against the database until they are found applied, then
this process remembers it: its own code never changes under it).
"""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from loket.core.db import DB_FAULTS
from loket.core.models import WorkerHeartbeat

logger = logging.getLogger("loket.health")

HEARTBEAT = "worker"
_migrated = False


def worker_heartbeat() -> None:
    """The worker's heartbeat job (a django-q schedule, every minute)."""
    WorkerHeartbeat.objects.update_or_create(name=HEARTBEAT, defaults={"beat_at": timezone.now()})


def worker_heartbeat_age() -> float | None:
    """Seconds since a worker last beat; None when none ever has."""
    beat = WorkerHeartbeat.objects.filter(name=HEARTBEAT).values_list("beat_at", flat=True).first()
    return None if beat is None else max((timezone.now() - beat).total_seconds(), 0.0)


def _migrations_applied() -> bool:
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def _redis_state() -> str | None:
    """ "ok" / "down", or None when no Redis is configured."""
    from loket.core.cache import ResilientRedisCache

    backend = caches["default"]
    if not isinstance(backend, ResilientRedisCache):
        return None
    return "ok" if backend.ping() else "down"


def readiness() -> tuple[str, dict[str, Any]]:
    """("ok" | "degraded" | "down", checks). Down: the database is unreachable, migrations are
    missing or no worker beat within LOKET_WORKER_HEARTBEAT_MAX_SECONDS. Degraded: only Redis
    is missing (the cache falls back; see loket/core/cache.py)."""
    checks: dict[str, Any] = {}
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["migrations"] = "ok" if _migrations_applied() else "pending"
        age = worker_heartbeat_age()
        limit = settings.LOKET_WORKER_HEARTBEAT_MAX_SECONDS
        checks["worker"] = "ok" if age is not None and age <= limit else "stale"
        checks["worker_heartbeat_age_seconds"] = None if age is None else round(age)
    except DB_FAULTS as error:
        logger.warning("readyz: database unreachable (%s)", type(error).__name__)
        checks["database"] = "down"
    redis_state = _redis_state()
    if redis_state is not None:
        checks["redis"] = redis_state
    required = ("database", "migrations", "worker")
    if any(checks.get(name) != "ok" for name in required):
        return "down", checks
    if checks.get("redis", "ok") != "ok":
        return "degraded", checks
    return "ok", checks
