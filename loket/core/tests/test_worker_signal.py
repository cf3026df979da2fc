"""The worker's stop signal handler never blocks on the cluster (no process needed).

A signal can arrive while the main thread holds one of django-q's multiprocessing locks (its
start loop polls an Event); stopping the cluster takes that lock again. Done inside the
handler, that waited forever (a worker hung at Ctrl-C in a test run). Here the fake cluster
sends itself SIGTERM while holding its lock, as the real one can be interrupted.
"""

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest
from django.core.management import call_command


class LockedCluster:
    def __init__(self) -> None:
        self.lock = threading.Lock()  # not reentrant, like a multiprocessing lock
        self.sentinel = None
        self.stopped = threading.Event()

    def start(self) -> None:
        with self.lock:
            os.kill(os.getpid(), signal.SIGTERM)  # the handler runs here, with the lock held
            time.sleep(0.1)
        assert self.stopped.wait(5), "the cluster was never stopped"

    def stop(self) -> None:
        # A stop that needs the lock held by the interrupted main thread; gives up after 2 s
        # instead of hanging the test run, and then the cluster counts as never stopped.
        if self.lock.acquire(timeout=2):
            self.stopped.set()
            self.lock.release()


@pytest.fixture
def handlers() -> Iterator[None]:
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_sigterm_while_the_cluster_holds_its_lock_still_stops_it(
    handlers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import django_q.cluster

    cluster = LockedCluster()
    monkeypatch.setattr(django_q.cluster, "Cluster", lambda: cluster)
    started = time.monotonic()
    call_command("worker")
    assert cluster.stopped.is_set()
    assert time.monotonic() - started < 2  # the stop waited for the lock, not for a timeout
