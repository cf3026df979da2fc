"""The DATABASES setting: PostgreSQL from DATABASE_URL, or SQLite with the options it needs.

SQLite gets the same options whether it is chosen by SQLITE_PATH or by a sqlite:// URL:
WAL (readers never wait for the writer), IMMEDIATE transactions (the write lock is taken at
BEGIN, so two writers queue on the busy timeout instead of one failing with "database is
locked" half-way) and a 20 s busy timeout.
"""

from typing import Any

import dj_database_url

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
}


def sqlite_database(path: str) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": dict(SQLITE_OPTIONS)}


def database_from(*, url: str, sqlite_path: str, conn_max_age: int) -> dict[str, Any]:
    if not url:
        return sqlite_database(sqlite_path)
    parsed: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if parsed["ENGINE"] == "django.db.backends.sqlite3":
        return {**sqlite_database(parsed["NAME"]), "OPTIONS": {**SQLITE_OPTIONS, **parsed.get("OPTIONS", {})}}
    return parsed
