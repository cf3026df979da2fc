"""Queue work for the background worker so that it exists exactly when the data it needs does."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ

from loket.core.db import insert_row

# The queue rows held by `tasks_held` in this thread (None: written at once).
_HELD: ContextVar[list[OrmQ] | None] = ContextVar("loket_tasks_held", default=None)


def task_enqueue(func: str, *args: Any, **options: Any) -> None:
    """Queue `func(*args)` for the worker, bound to the surrounding transaction.

    With the database broker (the default) the queue row is written inside the
    transaction - a transactional outbox: it commits with the data or not at all, and
    costs no commit of its own (a booking in a rush saves one commit per task). With
    Redis, or with inline tasks (tests), it is queued after commit instead, since a task
    must never run before the rows it reads are visible.
    """
    from django_q.tasks import async_task

    in_database = "orm" in settings.Q_CLUSTER and not Conf.SYNC
    if in_database and connection.in_atomic_block:
        async_task(func, *args, **options)
    else:
        transaction.on_commit(lambda: async_task(func, *args, **options))


class OrmBroker(ORM):
    """django-q's database broker (Q_CLUSTER "broker_class"), whose queue row is written by
    Loket's insert_row (one INSERT whose text is kept, not a model save), or held for the
    caller of `tasks_held`, who writes the rows of many tasks with one INSERT."""

    def enqueue(self, task: str) -> int | None:
        row = OrmQ(key=self.list_key or Conf.CLUSTER_NAME, payload=task, lock=timezone.now())
        held = _HELD.get()
        if held is not None:
            held.append(row)
            return None
        return insert_row(row).pk


@contextmanager
def tasks_held() -> Iterator[list[OrmQ]]:
    """The database queue rows of the tasks queued inside (by this thread, in a transaction),
    held instead of written: the caller writes the ones it keeps with `tasks_write`, in the same
    transaction, or drops them with the work that queued them (a savepoint rolled back)."""
    held: list[OrmQ] = []
    token = _HELD.set(held)
    try:
        yield held
    finally:
        _HELD.reset(token)


def tasks_write(rows: list[OrmQ]) -> None:
    """Write held queue rows, all with one INSERT."""
    if rows:
        OrmQ.objects.using(Conf.ORM).bulk_create(rows)
