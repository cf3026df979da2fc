"""Queue work for the background worker so that it exists exactly when the data it needs does."""

from typing import Any

from django.conf import settings
from django.db import connection, transaction


def task_enqueue(func: str, *args: Any, **options: Any) -> None:
    """Queue `func(*args)` for the worker, bound to the surrounding transaction.

    With the database broker (the default) the queue row is written inside the
    transaction - a transactional outbox: it commits with the data or not at all, and
    costs no commit of its own (a booking in a rush saves one commit per task). With
    Redis, or with inline tasks (tests), it is queued after commit instead, since a task
    must never run before the rows it reads are visible.
    """
    from django_q.conf import Conf
    from django_q.tasks import async_task

    in_database = "orm" in settings.Q_CLUSTER and not Conf.SYNC
    if in_database and connection.in_atomic_block:
        async_task(func, *args, **options)
    else:
        transaction.on_commit(lambda: async_task(func, *args, **options))
