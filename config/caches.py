"""The CACHES setting: local memory alone, or Redis with local memory to fall back on."""

from typing import Any


def caches_for(
    redis_url: str | None, *, timeout_seconds: float = 0.25, retry_seconds: float = 5.0, key_prefix: str = ""
) -> dict[str, dict[str, Any]]:
    if not redis_url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "loket"}}
    return {
        "default": {
            # Redis is an accelerator, never a dependency: down or slow, local memory answers
            # (loket/core/cache.py says what that means for rate limits and lock-outs).
            "BACKEND": "loket.core.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            # Several Loket installs (or test clusters) may share one Redis: each its own keys.
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": timeout_seconds,
                "SOCKET_TIMEOUT": timeout_seconds,
                "RETRY_SECONDS": retry_seconds,
            },
        }
    }
