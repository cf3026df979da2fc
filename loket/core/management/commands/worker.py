"""The background worker: django-q's cluster, stopped within seconds of SIGTERM or Ctrl-C.

`manage.py qcluster` waits on SIGTERM until every running task has finished, however long
that is, so a stop (a deploy, `make run`'s Ctrl-C, a container's SIGTERM) could hang until
someone sent SIGKILL. This runs the same cluster and gives running tasks
LOKET_WORKER_STOP_GRACE_SECONDS to finish; then it ends them. A task ended that way was
never acknowledged: the database queue hands it out again after Q_CLUSTER["retry"] seconds
(tasks are written to be run again safely: they claim their rows with conditional UPDATEs).
"""

import contextlib
import logging
import os
import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

logger = logging.getLogger("loket.worker")


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, children before their own children (Linux /proc)."""
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children += [int(child) for child in task.read_text().split()]
        except OSError:
            continue
    return [p for child in children for p in (child, *descendants(child))]


def end_cluster(sentinel_pid: int) -> None:
    """End the cluster's processes (workers, pusher, monitor, then the sentinel itself)."""
    for pid in [*reversed(descendants(sentinel_pid)), sentinel_pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class Command(BaseCommand):
    help = "Runs the background worker (django-q cluster); stops within seconds of SIGTERM or Ctrl-C."

    def handle(self, *args: Any, **options: Any) -> None:
        from django_q.cluster import Cluster

        cluster = Cluster()
        grace = settings.LOKET_WORKER_STOP_GRACE_SECONDS
        stopping = threading.Event()

        def stop(signum: int, frame: object) -> None:
            if stopping.is_set():
                return
            stopping.set()
            sentinel = cluster.sentinel
            if sentinel is not None and sentinel.pid:
                timer = threading.Timer(grace, self._deadline, args=(sentinel.pid,))
                timer.daemon = True
                timer.start()
            # Not here: the signal may have interrupted the main thread inside the cluster's own
            # multiprocessing lock (its start loop polls an Event), and cluster.stop() takes that
            # lock again, which never returns (seen: a worker hung in a SemLock wait under the
            # signal handler). A thread takes it once the main thread has let go.
            threading.Thread(target=cluster.stop, name="worker-stop", daemon=True).start()

        # Cluster() installed its own handlers; ours wrap its stop with the deadline.
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        cluster.start()

    @staticmethod
    def _deadline(sentinel_pid: int) -> None:
        logger.warning("worker: tasks still running after the stop grace period; ending them (they will be retried)")
        end_cluster(sentinel_pid)
