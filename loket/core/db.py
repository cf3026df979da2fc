"""Database faults (a lost connection is answered as "try again", and retried once where safe),
and the few raw statements on hot paths (their rows and their timestamps)."""

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections, router, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

# What a dropped connection, a restarting server, a lock timeout or "database is locked" raise.
DB_FAULTS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

T = TypeVar("T")


def atomic_retry_once(func: Callable[[], T], *, using: str = DEFAULT_DB_ALIAS) -> T:
    """Run `func` in a transaction; if the connection fails before COMMIT, run it once more.

    Safe only for work whose every effect is in this database (rows, outbox rows): a
    transaction that failed before COMMIT left nothing behind, so running it again cannot act
    twice. A failure during COMMIT itself is not retried (it may have committed), nor is one
    inside a caller's transaction (the caller's earlier work is gone with the connection):
    both are raised, for the API's 503 and the client's retry with its idempotency key.
    """
    connection = connections[using]
    if connection.in_atomic_block:
        with transaction.atomic(using=using):
            return func()
    for attempt in (1, 2):
        committing = False
        try:
            with transaction.atomic(using=using):
                result = func()
                committing = True
            return result
        except DB_FAULTS:
            if attempt == 2 or committing:
                raise
            # The broken connection is dropped; the next query opens a fresh one.
            connection.close()
    raise AssertionError("unreachable")


def retry_once_if_keyed(func: Callable[[], T], *, idempotency_key: str | None, using: str = DEFAULT_DB_ALIAS) -> T:
    """Run `func` (which opens its own short transactions); with an idempotency key, once more
    on a fresh connection if the first run lost its connection.

    For services such as booking_create that keep their transactions short on purpose (a seat's
    row lock held for as little as possible): no transaction is wrapped around them. Safe because
    the key makes a second run return what a first run that did commit saved.
    """
    connection = connections[using]
    if not idempotency_key or connection.in_atomic_block:
        return func()
    try:
        return func()
    except DB_FAULTS:
        connection.close()
        return func()


def db_datetime(value: object) -> dt.datetime | None:
    """A timestamp read by a raw query: PostgreSQL hands an aware datetime, SQLite a UTC string."""
    if value is None:
        return None
    parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if parsed is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def read_rows(model: type[Model], sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Rows of one fixed statement on the database the router reads `model` from (the replica
    inside on_replica). For the few statements every poll of a board or a live staff page runs:
    nearly every poll answers 304 from them alone, and building them with the ORM took most of
    its time."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def db_instant(model: type[Model], value: dt.datetime) -> Any:
    """An aware datetime as a parameter of a raw statement on `model`'s read database."""
    return connections[router.db_for_read(model)].ops.adapt_datetimefield_value(value)
