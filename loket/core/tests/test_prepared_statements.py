"""PostgreSQL prepares the statements a connection repeats (DB_PREPARED_STATEMENTS, config/databases.py)."""

import pytest
from django.db import connection

from config.databases import database_from
from loket.offices.models import Office


def test_postgres_binds_on_the_server_and_prepares_by_default() -> None:
    db = database_from(url="postgres://loket@db:5432/loket", sqlite_path="unused", conn_max_age=60)
    assert db["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 1}


def test_prepared_statements_can_be_turned_off_for_a_pooler() -> None:
    db = database_from(url="postgres://loket@db:5432/loket", sqlite_path="unused", conn_max_age=60, prepared=False)
    assert "server_side_binding" not in db.get("OPTIONS", {})
    assert "prepare_threshold" not in db.get("OPTIONS", {})


def test_sqlite_gets_no_postgres_options() -> None:
    db = database_from(url="sqlite:////tmp/x.sqlite3", sqlite_path="unused", conn_max_age=60)
    assert "server_side_binding" not in db["OPTIONS"]


@pytest.mark.postgres_only
@pytest.mark.django_db
def test_a_repeated_query_runs_as_a_prepared_statement() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")

    def prepared() -> int:
        with connection.cursor() as cursor:
            # The pattern is a bound parameter, so this statement's own text does not match it.
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                ['%"offices_office"."code" = $1%'],
            )
            return cursor.fetchone()[0]

    before = prepared()
    for code in ("AAA", "BBB", "CCC"):
        # The same statement with other values: one prepared statement, parameters bound on the server.
        assert Office.objects.filter(code=code).first() is None
    assert prepared() == before + 1
