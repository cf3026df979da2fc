"""Database faults (a lost connection is answered as "try again", and retried once where safe),
a prepared statement outdated by a migration (StalePlan), and the few written-out statements on
hot paths: their rows, timestamps and columns, their model instances (raw_models) and inserts
(insert_row)."""

import datetime as dt
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    NotSupportedError,
    OperationalError,
    connections,
    models,
    router,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model, signals
from django.db.models.sql import Query
from django.utils import timezone
from django.utils.dateparse import parse_datetime


class StalePlan(OperationalError):
    """PostgreSQL refused a prepared statement because its table changed under it.

    With prepared statements (DB_PREPARED_STATEMENTS), a migration that changes the columns a
    statement returns (a column's type; any new column for a `SELECT *`) makes PostgreSQL refuse
    that statement on every connection that prepared it ("cached plan must not change result
    type"), again and again. The execute wrapper below turns the refusal into this fault: the
    request answers 503 (or a keyed booking is retried on a fresh connection), and the connection
    is closed when the request or task ends, taking its prepared statements with it.
    """


# What a dropped connection, a restarting server, a lock timeout, "database is locked" or a
# prepared statement outdated by a migration raise.
DB_FAULTS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def _stale_plan(error: BaseException) -> bool:
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "0A000" and "cached plan must not change result type" in str(cause)


def stale_plans_as_faults(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """An execute wrapper on every connection (CoreConfig.ready): see StalePlan."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as error:
        if not _stale_plan(error):
            raise
        # Closed by close_old_connections at the end of this request (or the worker's task).
        context["connection"].close_at = time.monotonic()
        raise StalePlan(str(error.__cause__)) from error


def install_stale_plan_handling(*, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    """connection_created receiver: the wrapper once per connection object (it outlives reconnects)."""
    if stale_plans_as_faults not in connection.execute_wrappers:
        connection.execute_wrappers.append(stale_plans_as_faults)


T = TypeVar("T")
M = TypeVar("M", bound=Model)


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


def columns_of(model: type[Model], alias: str) -> str:
    """`alias."col", alias."col2", …` for every column of `model`: a written-out statement names
    its columns instead of `alias.*`, so that a prepared statement keeps its result when a
    migration adds a column to the table (PostgreSQL refuses a prepared `*` then: StalePlan)."""
    q = connections[DEFAULT_DB_ALIAS].ops.quote_name
    return ", ".join(f"{alias}.{q(field.column)}" for field in model._meta.concrete_fields)


@dataclass(frozen=True)
class _RowPlan:
    """Where a raw statement's columns go in its model: worked out once per connection."""

    names: list[str]  # the model's attnames, in field order
    positions: list[int]  # the column of each
    annotations: list[tuple[str, int]]  # columns that are no field: set as attributes
    converters: dict[int, tuple[list[Any], Any]]  # column → (the backend's and the field's converters, its Col)


_row_plans: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[tuple[type[Model], str], _RowPlan]]"
_row_plans = weakref.WeakKeyDictionary()
_ROW_PLANS_KEPT = 256  # statements per connection; past it the plans are worked out again


def _row_plan(model: type[Model], sql: str, cursor: Any, connection: BaseDatabaseWrapper, alias: str) -> _RowPlan:
    """The plan of `sql`'s rows: its columns are read off the cursor only the first time, since
    the same statement text names the same columns (the driver builds a description object per
    column on each read of it: the token read took 437 µs with it, 359 without, median of 12
    alternating rounds; docs/benchmarks.md)."""
    plans = _row_plans.setdefault(connection, {})
    plan = plans.get((model, sql))
    if plan is None:
        columns = tuple(column[0] for column in cursor.description)
        converter = connection.introspection.identifier_converter
        by_column = {converter(field.column): field for field in model._meta.fields}
        position = {column: i for i, column in enumerate(columns)}
        fields = [field for field in model._meta.fields if converter(field.column) in position]
        if model._meta.pk not in fields:
            raise ValueError(f"a raw statement on {model.__name__} must select its primary key")
        cols = [by_column[c].get_col(model._meta.db_table) if c in by_column else None for c in columns]
        compiler = connection.ops.compiler("SQLCompiler")(Query(model), connection, alias)
        plan = _RowPlan(
            names=[field.attname for field in fields],
            positions=[position[converter(field.column)] for field in fields],
            annotations=[(column, i) for i, column in enumerate(columns) if column not in by_column],
            converters=compiler.get_converters(cast(list[Any], cols)),  # None: a column that is no field
        )
        if len(plans) >= _ROW_PLANS_KEPT:
            plans.clear()
        plans[(model, sql)] = plan
    return plan


def raw_models(model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """`model.objects.raw(sql, params)` as a list, for the statements of the booking path.

    The same instances (the fields' and the backend's conversions applied, the other columns
    set as attributes) without RawQuerySet's mapping of the columns to the fields on every run,
    which is quadratic in the columns and was most of what the three reads of a booking request
    (token, slot, person: every column of their table) cost in Python. The mapping is kept per
    connection and statement.
    """
    alias = router.db_for_read(model)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        plan = _row_plan(model, sql, cursor, connection, alias)
        rows = cursor.fetchall()
    found = []
    for fetched in rows:
        row = list(fetched)
        for position, (converters, expression) in plan.converters.items():
            value = row[position]
            for convert in converters:
                value = convert(value, expression, connection)
            row[position] = value
        instance = model.from_db(alias, plan.names, [row[i] for i in plan.positions])
        for column, i in plan.annotations:
            setattr(instance, column, row[i])
        found.append(instance)
    return found


@dataclass(frozen=True)
class _InsertPlan:
    sql: str
    fields: list[Any]  # the model's concrete fields but the automatic primary key, in column order
    returning: bool  # the statement returns the new primary key


_insert_plans: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[tuple[type[Model], tuple[str, ...]], _InsertPlan]]"
_insert_plans = weakref.WeakKeyDictionary()


def _insert_plan(model: type[Model], connection: BaseDatabaseWrapper, conflict_on: tuple[str, ...] = ()) -> _InsertPlan:
    """The INSERT of a new `model` row; with `conflict_on` (the fields of a unique constraint),
    one that inserts nothing where a row with the same values exists (ON CONFLICT DO NOTHING)."""
    plans = _insert_plans.setdefault(connection, {})
    plan = plans.get((model, conflict_on))
    if plan is None:
        meta, q = model._meta, connection.ops.quote_name
        pk = meta.pk
        if pk is None:
            raise ValueError(f"{model.__name__} has no primary key")
        fields = [field for field in meta.concrete_fields if field is not pk or not pk.auto_created]
        if any(getattr(field, "db_default", models.NOT_PROVIDED) is not models.NOT_PROVIDED for field in fields):
            raise ValueError(f"{model.__name__} has a database default: use save()")
        returning = connection.features.can_return_columns_from_insert
        suffix = ""
        if returning:
            suffix, _params = connection.ops.return_insert_columns([pk])
        if conflict_on:
            if not returning:
                raise NotSupportedError("an insert that skips a conflict must return the new key")
            target = ", ".join(q(cast(models.Field, meta.get_field(name)).column) for name in conflict_on)
            suffix = f"ON CONFLICT ({target}) DO NOTHING {suffix}"
        columns = ", ".join(q(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        plan = _InsertPlan(
            sql=f"INSERT INTO {q(meta.db_table)} ({columns}) VALUES ({placeholders}) {suffix}".rstrip(),  # noqa: S608 - quoted model identifiers
            fields=fields,
            returning=returning,
        )
        plans[(model, conflict_on)] = plan
    return plan


def _saved_by_save(model: type[Model]) -> bool:
    """A model with its own save() or with save signal receivers: its rows go through save()."""
    return (
        model.save is not Model.save or signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model)
    )


def insert_row(instance: M) -> M:
    """Save a new instance with one INSERT whose text is kept per connection: what `save()`
    does for a new row (each field's pre_save and database preparation, the new primary key set)
    without building the statement anew. For the booking path's two inserts, where building them
    cost more than running them. A model with its own save() or with save signal receivers goes
    through save()."""
    if _saved_by_save(type(instance)):
        instance.save(force_insert=True)
        return instance
    inserted = _insert(instance)
    assert inserted is not None  # no conflict target: a conflict raises
    return inserted


def insert_row_unless_exists(instance: M, *, conflict_on: Sequence[str]) -> M | None:
    """Insert `instance` unless a row with the same values of `conflict_on` (a unique constraint's
    fields) exists: the saved instance, or None when one existed. One statement (INSERT ... ON
    CONFLICT DO NOTHING), where catching the IntegrityError would cost a savepoint and its release
    around the insert. For a model saved as `insert_row` saves it (no own save(), no save signals)."""
    if _saved_by_save(type(instance)):
        raise ValueError(f"{type(instance).__name__} is saved by save(): insert it with insert_row in a savepoint")
    return _insert(instance, tuple(conflict_on))


def _insert(instance: M, conflict_on: tuple[str, ...] = ()) -> M | None:
    model = type(instance)
    alias = router.db_for_write(model)
    connection = connections[alias]
    plan = _insert_plan(model, connection, conflict_on)
    params = _row_values(instance, plan.fields, connection)
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        pk = model._meta.pk
        assert pk is not None
        if plan.returning:
            row = cursor.fetchone()
            if row is None:
                return None  # ON CONFLICT DO NOTHING: the row existed
            new_id = row[0]
        else:
            new_id = connection.ops.last_insert_id(cursor, model._meta.db_table, pk.column)
    _inserted(instance, new_id, alias)
    return instance


def _row_values(instance: Model, fields: Sequence[models.Field], connection: BaseDatabaseWrapper) -> list[Any]:
    """The values of `fields` for a new row of `instance`, as save() prepares them."""
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def _inserted(instance: Model, new_id: Any, alias: str) -> None:
    """Mark `instance` saved as row `new_id` of database `alias`, as save() does."""
    pk = instance._meta.pk
    assert pk is not None
    if pk.auto_created or getattr(instance, pk.attname) is None:
        setattr(instance, pk.attname, new_id)
    instance._state.adding = False
    instance._state.db = alias


_pair_plans: "weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[tuple[Any, ...], str]]"
_pair_plans = weakref.WeakKeyDictionary()


def _pair_sql(
    guard: str | None,
    parent: type[Model],
    child: type[Model],
    link: str,
    connection: BaseDatabaseWrapper,
    children: int = 1,
) -> str:
    """One statement: the INSERT of a `parent` row (after `guard`, an UPDATE ... RETURNING, and
    only when it changed a row) and of `children` rows of `child` whose foreign key `link` gets
    the new parent's key; it returns each child's key and the parent's."""
    plans = _pair_plans.setdefault(connection, {})
    key = (guard, parent, child, link, children)
    sql = plans.get(key)
    if sql is None:
        q = connection.ops.quote_name
        parent_plan, child_plan = _insert_plan(parent, connection), _insert_plan(child, connection)
        parent_pk, child_pk = parent._meta.pk, child._meta.pk
        assert parent_pk is not None and child_pk is not None
        link_column = cast(models.Field, child._meta.get_field(link)).column

        def values(plan: _InsertPlan) -> str:
            # Typed: a parameter in a SELECT list has no column to take its type from.
            return ", ".join(
                f"parent_row.{q(parent_pk.column)}"
                if plan is child_plan and field.column == link_column
                else f"CAST(%s AS {field.cast_db_type(connection)})"
                for field in plan.fields
            )

        def columns(plan: _InsertPlan) -> str:
            return ", ".join(q(field.column) for field in plan.fields)

        # The caller's guard statement and quoted model identifiers; the values are parameters.
        head, source = (f"WITH guard AS ({guard}),", " FROM guard") if guard is not None else ("WITH", "")
        child_row = f"SELECT {values(child_plan)} FROM parent_row"  # noqa: S608 - identifiers quoted, values parameters
        sql = (
            f"{head} parent_row AS (INSERT INTO {q(parent._meta.db_table)} ({columns(parent_plan)})"
            f" SELECT {values(parent_plan)}{source} RETURNING {q(parent_pk.column)})"
            f" INSERT INTO {q(child._meta.db_table)} ({columns(child_plan)})"
            f" {' UNION ALL '.join([child_row] * children)} RETURNING {q(child_pk.column)}, {q(link_column)}"
        )
        plans[key] = sql
    return sql


def _pair_params(
    guard_params: Sequence[Any], parent: Model, children: Sequence[Model], link: str, connection: BaseDatabaseWrapper
) -> list[Any]:
    """The parameters of _pair_sql's statement for these instances."""
    link_field = cast(models.Field, children[0]._meta.get_field(link))
    child_fields = [f for f in _insert_plan(type(children[0]), connection).fields if f is not link_field]
    params = [*guard_params, *_row_values(parent, _insert_plan(type(parent), connection).fields, connection)]
    for child in children:
        params.extend(_row_values(child, child_fields, connection))
    return params


def _pair_saved(parent: Model, children: Sequence[Model], link: str, rows: Sequence[Any], alias: str) -> None:
    """Set the keys _pair_sql's statement returned (a child's key and its parent's, in the
    children's order) on the instances, each child's `link` to `parent`, and mark them saved."""
    _inserted(parent, rows[0][1], alias)
    for child, (child_id, _parent_id) in zip(children, rows, strict=True):
        setattr(child, link, parent)
        _inserted(child, child_id, alias)


def insert_with_children(parent: Model, children: Sequence[Model], *, link: str) -> None:
    """Insert `parent` and `children` (rows of one model whose foreign key `link` points to
    `parent`; set it to `parent` or leave it empty): on PostgreSQL in one statement; elsewhere,
    or for a model saved by save() (its own save() or save signal receivers), a row at a time
    with insert_row. Keys are set on the instances, as insert_row sets them (the children's in
    their order: PostgreSQL inserts and returns the rows of a UNION ALL in order, as Django's
    bulk_create relies on for a VALUES list)."""
    alias = router.db_for_write(type(parent))
    connection = connections[alias]
    one_statement = (
        bool(children)
        and connection.vendor == "postgresql"
        and not _saved_by_save(type(parent))
        and not _saved_by_save(type(children[0]))
    )
    if not one_statement:
        insert_row(parent)
        for child in children:
            setattr(child, link, parent)
            insert_row(child)
        return
    sql = _pair_sql(None, type(parent), type(children[0]), link, connection, len(children))
    with connection.cursor() as cursor:
        cursor.execute(sql, _pair_params((), parent, children, link, connection))
        rows = cursor.fetchall()
    _pair_saved(parent, children, link, rows, alias)


def insert_pair_if(guard: str, guard_params: Sequence[Any], parent: Model, child: Model, *, link: str) -> bool:
    """PostgreSQL: `guard` (an UPDATE ... RETURNING that changes at most one row) and, when it
    changed a row, the INSERTs of `parent` and of `child` (whose foreign key `link` gets the new
    parent's key) in one statement. Outside a transaction it is its own: the three commit together
    or not at all, with no BEGIN and COMMIT sent, and the guard's row lock is held only while the
    statement runs. True when the rows were inserted (their keys set on the instances), False when
    the guard changed nothing (nothing was inserted). For models saved as insert_row saves them."""
    for instance in (parent, child):
        if _saved_by_save(type(instance)):
            raise ValueError(f"{type(instance).__name__} is saved by save(): it cannot go into one statement")
    alias = router.db_for_write(type(parent))
    connection = connections[alias]
    if connection.vendor != "postgresql":
        raise NotSupportedError("a data-modifying WITH is PostgreSQL's")
    sql = _pair_sql(guard, type(parent), type(child), link, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, _pair_params(guard_params, parent, [child], link, connection))
        row = cursor.fetchone()
    if row is None:
        return False
    _pair_saved(parent, [child], link, [row], alias)
    return True
