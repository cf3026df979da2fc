"""Answers built once and served as they are: the ready bytes with their ETag, kept in the shared
cache, and the mark by which a view lets the availability lane (loket/ops/lane.py) repeat its
answer without Django's request cycle."""

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import HttpResponseBase

T = TypeVar("T")
# How long one reader may take to rebuild an entry before another reader takes the job over.
REBUILD_SECONDS = 10


def kept_key(key: str) -> str:
    """Where `cached_once` keeps `key`'s entry (a Kept). A name of its own: an app process of the
    release before, sharing the cache during a rolling update, keeps its bare values under the
    bare key and never reads a Kept as one of them."""
    return f"{key}:kept"


@dataclass(frozen=True)
class ReadyAnswer:
    """A JSON answer built once and served as it is, with the ETag of its bytes."""

    etag: str
    body: bytes


@dataclass(frozen=True)
class Kept:
    """A value in the shared cache, fresh until `fresh_until` (epoch seconds), then kept one
    interval more: the last value, served while one reader builds the next."""

    value: Any
    fresh_until: float


def cached_once(key: str, seconds: float, compute: Callable[[], T]) -> T:
    """`compute()`'s value, kept `seconds` in the shared cache and built once an interval.

    When it turns stale, the first reader to claim `<key>:rebuild` builds it again; the other
    readers meanwhile get the last value, a moment past its interval, instead of all building it
    at once (on release day dozens of readers of one office would). A reader that finds nothing
    (first use, or no reader in a whole interval) builds it."""
    kept = cache.get(kept_key(key))
    claim = f"{key}:rebuild"
    claimed = False
    if isinstance(kept, Kept):
        if time.time() < kept.fresh_until:
            return kept.value
        claimed = cache.add(claim, 1, REBUILD_SECONDS)
        if not claimed:
            return kept.value
    try:
        value = compute()
        cache.set(kept_key(key), Kept(value=value, fresh_until=time.time() + seconds), 2 * seconds)
    finally:
        if claimed:
            cache.delete(claim)
    return value


def ready_answer_cached(key: str) -> ReadyAnswer | None:
    """The fresh answer the shared cache holds under `key`, or None: never built here. A stale
    one is None too: the request goes to Django, which builds it or serves it while another
    reader builds it."""
    kept = cache.get(kept_key(key))
    if isinstance(kept, Kept) and time.time() < kept.fresh_until and isinstance(kept.value, ReadyAnswer):
        return kept.value
    return None


@dataclass(frozen=True)
class ReadyMark:
    """What a view tells the lane about its answer (set on the response by `mark_ready`)."""

    cache_key: str  # where the shared cache keeps the answer (a ReadyAnswer)
    valid_until: float  # epoch seconds: after it the same request may mean another answer


def mark_ready(response: HttpResponseBase, *, cache_key: str, zone: dt.tzinfo, last_day: dt.date) -> None:
    """Let the lane repeat this answer while the shared cache holds it under `cache_key`, until
    the day after `last_day` begins in `zone` (a range that starts "today" moves at midnight; a
    range of given dates turns past)."""
    midnight = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    response.ready_mark = ReadyMark(cache_key=cache_key, valid_until=midnight.timestamp())  # type: ignore[attr-defined]


def ready_mark_of(response: object) -> ReadyMark | None:
    mark = getattr(response, "ready_mark", None)
    return mark if isinstance(mark, ReadyMark) else None
