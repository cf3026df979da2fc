"""Answers built once and served as they are: the ready bytes with their ETag, kept in the shared
cache, and the mark by which a view lets the availability lane (loket/ops/lane.py) repeat its
answer without Django's request cycle."""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpResponseBase


@dataclass(frozen=True)
class ReadyAnswer:
    """A JSON answer built once and served as it is, with the ETag of its bytes."""

    etag: str
    body: bytes


def ready_answer_cached(key: str) -> ReadyAnswer | None:
    """The answer the shared cache holds under `key`, or None: never built here."""
    value = cache.get(key)
    return value if isinstance(value, ReadyAnswer) else None


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
