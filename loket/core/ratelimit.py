"""Fixed-window rate limits kept in the shared cache (Redis in production).

LOKET_RATE_LIMITS=off switches every limit off, for load tests only.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from loket.core.errors import Throttled


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> None:
    """Count one request for (scope, key); raise Throttled once `limit` is passed in this window."""
    if not settings.LOKET_RATE_LIMITS:
        return
    window = int(time.time()) // window_seconds
    cache_key = f"rl:{scope}:{key}:{window}"
    # add() is atomic in Redis and locmem: the first request of a window creates the counter.
    if cache.add(cache_key, 1, timeout=window_seconds + 1):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add() and incr()
            cache.add(cache_key, 1, timeout=window_seconds + 1)
            count = 1
    if count > limit:
        retry_after = window_seconds - int(time.time()) % window_seconds
        raise Throttled(_("Terlalu banyak permintaan. Coba lagi nanti."), retry_after=max(retry_after, 1))


def client_ip(request: object) -> str:
    """The client's address. Behind our load balancer, the entry it appended to X-Forwarded-For.

    The leftmost entries are whatever the client sent and would let anyone pick a fresh
    address per request; the rightmost one was written by our own proxy.
    """
    meta = getattr(request, "META", {})
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return str(meta.get("REMOTE_ADDR", "unknown"))
