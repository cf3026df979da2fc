"""A value in the shared cache is built once an interval, even when many readers find it stale
at the same moment: one rebuilds it, the others get the last value meanwhile."""

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core.cache import cache

from loket.core.ready import Kept, ReadyAnswer, cached_once, kept_key, ready_answer_cached

KEY = "test:cached-once"


@pytest.fixture(autouse=True)
def _empty() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


class Builds:
    """A compute function that counts its calls and returns "v1", "v2", …"""

    def __init__(self, seconds: float = 0.0) -> None:
        self.calls, self.seconds = 0, seconds
        self.lock = threading.Lock()

    def __call__(self) -> str:
        with self.lock:
            self.calls += 1
            n = self.calls
        time.sleep(self.seconds)
        return f"v{n}"


def stale(value: Any) -> None:
    cache.set(kept_key(KEY), Kept(value=value, fresh_until=time.time() - 1), 60)


def test_within_the_interval_the_value_is_built_once() -> None:
    build = Builds()
    assert [cached_once(KEY, 30, build) for _ in range(5)] == ["v1"] * 5
    assert build.calls == 1


def test_readers_of_a_stale_value_build_it_once_and_the_others_get_the_last_one() -> None:
    stale("old")
    build = Builds(seconds=0.3)  # long enough for every reader to arrive while it is built
    barrier = threading.Barrier(8)

    def read(_i: int) -> str:
        barrier.wait()
        return cached_once(KEY, 30, build)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(read, range(8)))
    assert build.calls == 1
    assert sorted(answers) == ["old"] * 7 + ["v1"]
    assert cached_once(KEY, 30, build) == "v1"  # fresh now, for everyone
    assert build.calls == 1


def test_a_failed_build_lets_the_next_reader_build() -> None:
    stale("old")

    def broken() -> str:
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        cached_once(KEY, 30, broken)
    build = Builds()
    assert cached_once(KEY, 30, build) == "v1"  # not "old" for REBUILD_SECONDS: the claim was given back
    assert build.calls == 1


def test_a_bare_value_under_the_key_is_not_taken_for_a_kept_one() -> None:
    """What an app process of the release before keeps under the bare key (a rolling update)."""
    cache.set(KEY, "bare", 60)
    assert cached_once(KEY, 30, Builds()) == "v1"
    assert cache.get(KEY) == "bare"


def test_the_lane_is_not_given_a_stale_answer() -> None:
    answer = ReadyAnswer(etag='"e1"', body=b"{}")
    cache.set(kept_key(KEY), Kept(value=answer, fresh_until=time.time() + 30), 60)
    assert ready_answer_cached(KEY) == answer
    stale(answer)
    assert ready_answer_cached(KEY) is None  # the request goes to Django, which rebuilds or serves it
