"""The read-replica router without a replica (with a real streaming replica, and one that lags,
stops or fails mid-read: loket/ops/tests/test_replica_streaming.py)."""

from loket.core import replica
from loket.core.replica import ReplicaRouter, on_replica


def test_without_a_replica_every_read_is_on_the_primary() -> None:
    assert not replica.replica_configured()
    assert on_replica(lambda: 42) == 42
    assert ReplicaRouter().db_for_read(object) is None  # outside on_replica(): the primary
    assert ReplicaRouter().db_for_write(object) == "default"
    assert ReplicaRouter().allow_migrate("replica", "booking") is False
