"""Fixed-window rate limits kept in the shared cache (Redis in production).

LOKET_RATE_LIMITS=off switches every limit off, for load tests only.
"""

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from loket.core.errors import Throttled


def _cache_key(scope: str, key: str, window_seconds: int) -> str:
    return f"rl:{scope}:{key}:{int(time.time()) // window_seconds}"


def _throttled(window_seconds: int) -> Throttled:
    retry_after = window_seconds - int(time.time()) % window_seconds
    return Throttled(_("Terlalu banyak permintaan. Coba lagi nanti."), retry_after=max(retry_after, 1))


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> None:
    """Count one request for (scope, key); raise Throttled once `limit` is passed in this window."""
    if not settings.LOKET_RATE_LIMITS:
        return
    cache_key = _cache_key(scope, key, window_seconds)
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
        raise _throttled(window_seconds)


def spent(*, scope: str, key: str, limit: int, window_seconds: int) -> None:
    """Raise Throttled if (scope, key) already counted `limit` in this window; counts nothing.

    For budgets counted only on some outcomes (hit() after the fact), checked before acting.
    """
    if settings.LOKET_RATE_LIMITS and int(cache.get(_cache_key(scope, key, window_seconds), 0)) >= limit:
        raise _throttled(window_seconds)


def client_ip(request: object) -> str:
    """The client's address, as the outermost of our own proxies saw it.

    With PROXY_HOPS = N proxies of ours in front (load balancer, TLS terminator...), each
    appends the address it received from to X-Forwarded-For, so the client is the N-th
    entry from the right; everything left of it was written by the client and proves
    nothing. When PROXY_ADDRESSES is set, the header is only believed from those addresses
    (a request that reached an app server directly is counted by its own address).
    """
    meta = getattr(request, "META", {})
    remote = str(meta.get("REMOTE_ADDR", "unknown"))
    hops = settings.PROXY_HOPS
    if hops <= 0 or not _from_our_proxy(remote):
        return remote
    forwarded = [part.strip() for part in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request skipped one of them. Its sender is all we know.
        return remote
    return forwarded[-hops]


def _from_our_proxy(remote: str) -> bool:
    networks = settings.PROXY_ADDRESSES
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)
