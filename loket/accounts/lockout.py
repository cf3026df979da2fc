"""Slows down password guessing without letting an attacker lock a victim out.

Failures are counted per (account, client address) and per client address. A guesser is
stopped after a few tries from their address; the owner, from any other address, still
logs in. The counters live in the shared cache (Redis in production), so every app
process sees them.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from loket.accounts.nik import NikError, normalize_nik
from loket.accounts.selectors import user_by_login
from loket.core.errors import Throttled

# An address that fails this many times (over any logins) is slowed down too:
# it catches one machine trying many accounts (credential stuffing).
PER_ADDRESS_LIMIT = 30


def login_key(login: str) -> str:
    """One counter per account, however its login was typed.

    An account answers to its email (any case) and to its NIK (with spaces, dashes,
    full-width digits...): counting the raw text would give a guesser a fresh five tries
    for every spelling. Hashed, so no NIK or email sits in the cache keys.
    """
    user = user_by_login(login)
    if user is not None:
        ident = f"user:{user.pk}"
    else:
        try:
            ident = f"nik:{normalize_nik(login)}"
        except NikError:
            ident = f"login:{login.strip().lower()}"
    return hashlib.sha256(ident.encode()).hexdigest()


def _keys(who: str, ip: str) -> tuple[str, str]:
    return f"lockout:pair:{who}:{ip}", f"lockout:ip:{ip}"


def login_allowed(*, who: str, ip: str) -> None:
    if not settings.LOKET_RATE_LIMITS:
        return
    pair_key, ip_key = _keys(who, ip)
    pair_failures = cache.get(pair_key, 0)
    ip_failures = cache.get(ip_key, 0)
    if pair_failures >= settings.LOKET_LOGIN_MAX_FAILURES or ip_failures >= PER_ADDRESS_LIMIT:
        raise Throttled(
            _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam %(m)d menit.")
            % {"m": max(settings.LOKET_LOGIN_LOCK_SECONDS // 60, 1)},
            retry_after=settings.LOKET_LOGIN_LOCK_SECONDS,
        )


def login_failed(*, who: str, ip: str) -> None:
    for key in _keys(who, ip):
        if not cache.add(key, 1, timeout=settings.LOKET_LOGIN_LOCK_SECONDS):
            try:
                cache.incr(key)
            except ValueError:
                cache.add(key, 1, timeout=settings.LOKET_LOGIN_LOCK_SECONDS)


def login_succeeded(*, who: str, ip: str) -> None:
    cache.delete(_keys(who, ip)[0])
