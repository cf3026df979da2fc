"""The shared cache (Redis) as an accelerator, never a dependency.

`ResilientRedisCache` is the cache backend when REDIS_URL is set. Every call goes to Redis
with short socket timeouts; when Redis refuses, times out or answers an error, the call is
answered by this process's local memory instead and Redis is left alone for
`RETRY_SECONDS` (a circuit breaker: a dead Redis costs one failed attempt per process per
interval, not one timeout per request). After that the next call tries Redis again.

What that means while Redis is away:
- cached reads (availability, notices) miss and are computed from the database;
- rate limits and login lock-outs are counted per app process (local memory), so a client
  gets at most (number of app processes) times the limit; they are never switched off;
- counters in local memory are not carried back into Redis when it returns (nor are
  Redis's counters kept across a Redis restart): a window starts afresh.
"""

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger("loket.cache")

# A Redis answering slower than this counts as down: a cache must never make a page slow.
DEFAULT_TIMEOUT_SECONDS = 0.25
DEFAULT_RETRY_SECONDS = 5.0
_FAULTS = (redis.RedisError, ConnectionInterrupted, OSError)


class ResilientRedisCache(BaseCache):
    """django-redis with a fall-back to local memory; OPTIONS as django-redis plus RETRY_SECONDS."""

    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(params)
        options = dict(params.get("OPTIONS", {}))
        self.retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        options.setdefault("SOCKET_CONNECT_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
        options.setdefault("SOCKET_TIMEOUT", DEFAULT_TIMEOUT_SECONDS)
        self.redis = RedisCache(server, {**params, "OPTIONS": options})
        self.local = LocMemCache(f"loket-fallback-{id(self)}", {**params, "OPTIONS": {}})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def redis_available(self) -> bool:
        """False while the breaker is open (Redis failed less than RETRY_SECONDS ago)."""
        return time.monotonic() >= self._down_until

    def ping(self) -> bool:
        """Whether Redis answers now (within the socket timeout), whatever the breaker says."""
        try:
            return bool(self.redis.client.get_client().ping())
        except _FAULTS:
            return False

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if self.redis_available():
            try:
                return getattr(self.redis, name)(*args, **kwargs)
            except _FAULTS as error:
                self._trip(error)
        method: Callable[..., Any] = getattr(self.local, name)
        return method(*args, **kwargs)

    def _trip(self, error: BaseException) -> None:
        with self._lock:
            first = self.redis_available()
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning("Redis unavailable (%s); local memory for %.0f s", type(error).__name__, self.retry_seconds)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        return bool(self._call("add", key, value, timeout=self._t(timeout), version=version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default=default, version=version)

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        self._call("set", key, value, timeout=self._t(timeout), version=version)

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        return bool(self._call("touch", key, timeout=self._t(timeout), version=version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        # Also forget the local copy: a value set while Redis was away must not outlive a delete.
        self.local.delete(key, version=version)
        return bool(self._call("delete", key, version=version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version=version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta=delta, version=version))

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("decr", key, delta=delta, version=version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._call("get_many", keys, version=version))

    def set_many(self, data: dict[Any, Any], timeout: Any = None, version: int | None = None) -> list[Any]:
        return list(self._call("set_many", data, timeout=self._t(timeout), version=version) or [])

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self.local.delete_many(keys, version=version)
        self._call("delete_many", keys, version=version)

    def clear(self) -> None:
        self.local.clear()
        self._call("clear")

    def close(self, **kwargs: Any) -> None:
        with contextlib.suppress(*_FAULTS):
            self.redis.close(**kwargs)

    def _t(self, timeout: Any) -> Any:
        # BaseCache's DEFAULT_TIMEOUT sentinel means "the backend's default": ours, passed on.
        return self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
