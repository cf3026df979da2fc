"""With REDIS_URL set, rate limits and lock-outs live in Redis, shared by every app process."""

import os

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

from loket.core.errors import Throttled
from loket.core.ratelimit import hit

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
REDIS_CACHE = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"loket-test-{os.getpid()}",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}


@pytest.fixture
def redis_cache() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if os.environ.get("LOKET_REQUIRE_REDIS") == "1":
            raise
        pytest.skip("Redis not reachable (CI sets LOKET_REQUIRE_REDIS=1 and has it)")


@override_settings(CACHES=REDIS_CACHE, LOKET_RATE_LIMITS=True)
def test_a_limit_counted_in_one_process_binds_another(redis_cache: None) -> None:
    caches["default"].clear()
    for _ in range(2):
        hit(scope="redis", key="1.2.3.4", limit=2, window_seconds=60)
    # The counter is in Redis itself, where every app process reads it.
    raw = redis.Redis.from_url(REDIS_URL)
    assert raw.keys(f"loket-test-{os.getpid()}:*rl:redis:1.2.3.4:*")
    del caches["default"]  # a fresh connection, as another process would have
    with pytest.raises(Throttled):
        hit(scope="redis", key="1.2.3.4", limit=2, window_seconds=60)
    caches["default"].clear()
