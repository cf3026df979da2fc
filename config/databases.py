"""The DATABASES setting: PostgreSQL from DATABASE_URL, or SQLite with the options it needs.

SQLite gets the same options whether it is chosen by SQLITE_PATH or by a sqlite:// URL:
WAL (readers never wait for the writer), IMMEDIATE transactions (the write lock is taken at
BEGIN, so two writers queue on the busy timeout instead of one failing with "database is
locked" half-way) and a 20 s busy timeout.

PostgreSQL binds parameters on the server and prepares a statement the second time a
connection runs it (`prepared=True`, DB_PREPARED_STATEMENTS): PostgreSQL then skips parsing
and planning the hot path's statements, which halved its CPU per booking (docs/benchmarks.md).
Turn it off behind a pooler in transaction mode that does not keep prepared statements
(PgBouncer before 1.21, or later without max_prepared_statements).
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


# A statement is prepared on its second run on a connection: one-off statements (reports,
# migrations) are not kept, the hot path's are prepared almost at once.
PREPARE_THRESHOLD = 1


def database_from(*, url: str, sqlite_path: str, conn_max_age: int, prepared: bool = True) -> dict[str, Any]:
    if not url:
        return sqlite_database(sqlite_path)
    parsed: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if parsed["ENGINE"] == "django.db.backends.sqlite3":
        return {**sqlite_database(parsed["NAME"]), "OPTIONS": {**SQLITE_OPTIONS, **parsed.get("OPTIONS", {})}}
    if prepared:
        parsed["OPTIONS"] = {
            "server_side_binding": True,
            "prepare_threshold": PREPARE_THRESHOLD,
            **parsed.get("OPTIONS", {}),
        }
    return parsed
