"""A prepared statement outdated by a migration is a database fault, and its connection is renewed.

PostgreSQL refuses a prepared statement whose result columns changed ("cached plan must not
change result type") on every later run on that connection. Loket turns the refusal into
StalePlan (a 503, or a retry for a keyed booking) and closes the connection at the end of the
request. Here another connection changes a column's type under a prepared statement.
"""

from collections.abc import Iterator

import pytest
from django.db import close_old_connections, connection

from loket.core.db import DB_FAULTS, StalePlan, retry_once_if_keyed
from loket.core.testing.db import side_connection

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TABLE = "loket_stale_plan_probe"
SELECT = f"SELECT id, name FROM {TABLE} WHERE id = %s"


@pytest.fixture
def probe_table() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with side_connection() as other:
        other.execute(f"CREATE TABLE {TABLE} (id int PRIMARY KEY, name varchar(10))")
        other.execute(f"INSERT INTO {TABLE} VALUES (1, 'a')")
    yield
    connection.close()
    with side_connection() as other:
        other.execute(f"DROP TABLE IF EXISTS {TABLE}")


def select_one() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(SELECT, [1])
        return list(cursor.fetchall())


def prepare_then_alter() -> None:
    for _ in range(3):
        assert select_one() == [(1, "a")]  # prepared from the second run
    with side_connection() as other:
        other.execute(f"ALTER TABLE {TABLE} ALTER COLUMN name TYPE varchar(20)")  # as an AlterField does


def test_the_refusal_is_a_fault_and_the_connection_is_renewed(probe_table: None) -> None:
    prepare_then_alter()
    with pytest.raises(StalePlan, match="cached plan"):
        select_one()
    assert issubclass(StalePlan, DB_FAULTS)  # answered 503 with Retry-After, retried where keyed
    with pytest.raises(StalePlan):
        select_one()  # the same connection keeps refusing it...
    close_old_connections()  # ...until the end of the request closes it
    assert select_one() == [(1, "a")]


def test_a_keyed_booking_path_is_retried_on_a_fresh_connection(probe_table: None) -> None:
    prepare_then_alter()
    assert retry_once_if_keyed(select_one, idempotency_key="key-1") == [(1, "a")]
