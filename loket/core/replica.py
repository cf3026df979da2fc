"""Read-only pages may read from a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Only code run inside `on_replica(...)` reads there: availability, reports, the waiting-room
board, the metrics collectors. Everything else, and every write, uses the primary. Before the
replica is used its lag is read (and trusted for LOKET_REPLICA_CHECK_SECONDS); a replica that
lags more than LOKET_REPLICA_MAX_LAG_SECONDS, or does not answer, is skipped and the primary
serves. A read that fails on the replica mid-way is done again on the primary, so a replica
going down never turns a page into an error.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
T = TypeVar("T")
log = logging.getLogger("loket.replica")

_reading: ContextVar[bool] = ContextVar("loket_replica_reads", default=False)
_lock = threading.Lock()
_verdict: dict[str, float | bool] = {"usable": False, "checked": float("-inf")}

# Seconds since the last replayed transaction, 0 when everything received has been replayed.
# A replica that is not receiving (receive LSN NULL: walreceiver down) counts its staleness.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_lag_seconds() -> float:
    """The replica's lag as it reports it; raises DatabaseError when it does not answer."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def _check() -> bool:
    try:
        lag = replica_lag_seconds()
    except DatabaseError as error:
        connections[REPLICA].close()  # the next check connects afresh
        log.warning("read replica not answering, reading from the primary: %s", error.__class__.__name__)
        return False
    if lag > settings.LOKET_REPLICA_MAX_LAG_SECONDS:
        log.warning("read replica %.1f s behind, reading from the primary", lag)
        return False
    return True


def replica_usable(*, fresh: bool = False) -> bool:
    """Whether reads may go to the replica now (a cached verdict, re-checked every few seconds)."""
    if not replica_configured():
        return False
    now = time.monotonic()
    with _lock:
        if not fresh and now - float(_verdict["checked"]) < settings.LOKET_REPLICA_CHECK_SECONDS:
            return bool(_verdict["usable"])
        _verdict["checked"] = now  # other threads keep the old verdict while this one checks
    usable = _check()
    with _lock:
        _verdict["usable"] = usable
        _verdict["checked"] = time.monotonic()
    return usable


@contextmanager
def _replica_reads() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def on_replica(compute: Callable[[], T]) -> T:
    """compute() with its reads on the replica when it is usable, else (or when it fails there) on the primary.

    compute must only read: on a replica failure it runs a second time, on the primary.
    """
    if not replica_usable():
        return compute()
    try:
        with _replica_reads():
            return compute()
    except DatabaseError:
        if replica_usable(fresh=True):
            raise  # the replica is fine: the error is the query's own
        return compute()


class ReplicaRouter:
    """Sends reads to the replica inside on_replica(); everything else to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return REPLICA if _reading.get() else None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: object, obj2: object, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == "default"
