"""SQLite gets WAL, IMMEDIATE transactions and the busy timeout however it is chosen."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from config.databases import database_from

PROBE = """
import json
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
print(json.dumps({"journal": journal, "busy": busy, "mode": connection.settings_dict["OPTIONS"].get("transaction_mode")}))
"""


@pytest.mark.parametrize("how", ["SQLITE_PATH", "DATABASE_URL"])
def test_a_started_process_gets_the_options_either_way(tmp_path: Path, how: str) -> None:
    path = tmp_path / "loket.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "REDIS_URL")}
    env.update({"SQLITE_PATH": str(path)} if how == "SQLITE_PATH" else {"DATABASE_URL": f"sqlite:///{path}"})
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", PROBE],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {"journal": "wal", "busy": 20000, "mode": "IMMEDIATE"}


def test_postgres_urls_are_left_as_they_are() -> None:
    db = database_from(url="postgres://loket@db:5432/loket", sqlite_path="unused", conn_max_age=60)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_MAX_AGE"] == 60
    assert "transaction_mode" not in db.get("OPTIONS", {})
