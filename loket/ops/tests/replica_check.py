"""Run by test_replica_streaming.py in a process of its own, with DATABASE_URL (the primary) and
DATABASE_REPLICA_URL (its streaming replica) set: reads through on_replica() and reports,
as JSON on the last line, where each read went and what it saw.

REPLICA_STOP is the command that stops the replica (the test knows how it was started).
"""

import json
import os
import shlex
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connections  # noqa: E402

from loket.booking.selectors import availability_for  # noqa: E402
from loket.booking.tests.conftest import make_office  # noqa: E402
from loket.core.replica import REPLICA, on_replica, replica_lag_seconds  # noqa: E402
from loket.offices.models import Office  # noqa: E402

queries: Counter[str] = Counter()


def counting(alias: str) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if "pg_last_wal_replay_lsn" not in sql:  # the lag check itself is not a read of the page
            queries[alias] += 1
        return execute(sql, params, many, context)

    return wrapper


def read(compute: Callable[[], Any]) -> dict[str, Any]:
    queries.clear()
    started = time.monotonic()
    value = on_replica(compute)
    return {"value": value, "queries": dict(queries), "seconds": round(time.monotonic() - started, 3)}


def replica_sql(sql: str) -> Any:
    with psycopg.connect(os.environ["DATABASE_REPLICA_URL"], autocommit=True) as conn:
        return conn.execute(sql).fetchone()


def wait_until(check: Callable[[], bool], timeout: float = 15) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def main() -> None:
    report: dict[str, Any] = {}
    for alias in ("default", REPLICA):
        connections[alias].execute_wrappers.append(counting(alias))  # for the whole run
    office = make_office("REP", capacity=3)
    name = lambda: Office.objects.get(pk=office.pk).name  # noqa: E731
    report["caught_up"] = wait_until(
        lambda: replica_sql(f"SELECT count(*) FROM offices_office WHERE id = {office.pk}")[0] == 1
    )
    report["in_step"] = read(name)
    report["availability"] = read(lambda: len(availability_for(office, office.local_today(), 3)["days"]))

    # Replay paused: the replica receives the primary's changes but does not apply them.
    replica_sql("SELECT pg_wal_replay_pause()")
    Office.objects.filter(pk=office.pk).update(name="Kantor Imigrasi REP (baru)")
    time.sleep(1.6)
    report["lag_paused"] = replica_lag_seconds()
    report["lagging"] = read(name)
    replica_sql("SELECT pg_wal_replay_resume()")
    report["resumed"] = wait_until(lambda: replica_lag_seconds() < 0.5)
    report["after_resume"] = read(name)

    # The replica stops between the lag check and the read: the read fails there and is done again
    # on the primary (the verdict "usable" is trusted for a minute here, so no check comes first).
    settings.LOKET_REPLICA_CHECK_SECONDS = 60
    report["before_down"] = read(name)
    subprocess.run(shlex.split(os.environ["REPLICA_STOP"]), check=True, timeout=30, capture_output=True)
    report["down_mid_read"] = read(name)
    # From then on the replica is known down: reads go to the primary without trying it.
    report["down"] = read(name)
    settings.LOKET_REPLICA_CHECK_SECONDS = 0
    report["down_checked"] = read(name)
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
