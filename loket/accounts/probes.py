"""Registering and adding a household member must not let a stranger test NIKs quickly.

The answer to a NIK already held by an account cannot be hidden altogether: the NIK's owner
has to be told (to sign in, or to report that someone else used it). So that answer is
worded to say as little as possible ("cannot be used here", never "registered on another
account"), and how many of them one client can collect is bounded: LOKET_NIK_PROBE_LIMIT per
LOKET_NIK_PROBE_WINDOW_SECONDS per client address and, for household additions, per account.
Past that, every attempt is answered 429 whatever the NIK, so the answer carries no signal.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from loket.core.errors import Conflict
from loket.core.ratelimit import hit, spent

NIK_CONFLICTS = ("nik_registered", "already_registered")


@contextmanager
def nik_probe_guard(*, ip: str, account_id: int | None = None) -> Iterator[None]:
    """Around a registration or a household addition: refuse once this client's budget of
    NIK-conflict answers is spent; count each such answer it gets."""
    limit, window = settings.LOKET_NIK_PROBE_LIMIT, settings.LOKET_NIK_PROBE_WINDOW_SECONDS
    budgets = [("nik-probe-ip", ip)] + ([("nik-probe-account", str(account_id))] if account_id is not None else [])
    for scope, key in budgets:
        spent(scope=scope, key=key, limit=limit, window_seconds=window)
    try:
        yield
    except Conflict as error:
        if error.code in NIK_CONFLICTS:
            for scope, key in budgets:
                hit(scope=scope, key=key, limit=limit, window_seconds=window)
        raise
