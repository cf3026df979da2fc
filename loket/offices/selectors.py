"""Reads about offices that the quota engine and the office side share: outage mode, the office by code."""

import time

from django.conf import settings
from django.db.models import F, Q
from django.utils.translation import gettext as _

from loket.core.errors import DomainError
from loket.offices.models import Office, Outage


def outage_for(office: Office) -> Outage | None:
    """The outage that suspends public booking at this office now (its own first, then a national one)."""
    open_ = Outage.objects.filter(ended_at__isnull=True).filter(Q(office=office) | Q(office__isnull=True))
    return open_.order_by(F("office_id").asc(nulls_last=True)).first()


def outage_open(*, office: Office | None) -> Outage | None:
    """The open outage of exactly this scope (one office, or national with office=None)."""
    return Outage.objects.filter(ended_at__isnull=True, scope=office.code if office else Outage.NATIONAL).first()


def outage_refusal(outage: Outage) -> DomainError:
    """What public booking answers during an outage: 503, with the reason the supervisor gave."""
    return DomainError(
        "booking_suspended",
        _("Pemesanan online di kantor ini sedang ditangguhkan (%(reason)s). Silakan datang langsung ke kantor.")
        % {"reason": outage.reason},
        status=503,
        reason=outage.reason,
    )


_offices: dict[str, tuple[float, Office | None]] = {}


def office_by_code(code: str) -> Office | None:
    """The office with this code, from a per-process copy kept LOKET_OFFICE_CACHE_SECONDS.

    Read on every booking request of a rush. An office's settings change rarely and only by
    staff, so a few seconds' delay before a process sees a change is the price of a query
    saved per request; seats, closures and outage mode are never read from this copy.
    """
    key = code.strip()[:8].upper()
    seconds = settings.LOKET_OFFICE_CACHE_SECONDS
    now = time.monotonic()
    if seconds > 0:
        hit = _offices.get(key)
        if hit is not None and now - hit[0] < seconds:
            return hit[1]
    office = Office.objects.filter(code__iexact=key).first()
    if seconds > 0:
        _offices[key] = (now, office)
    return office


def office_forget(code: str) -> None:
    """Drop this process's copy of the office (after staff changed it); other processes
    see the change within LOKET_OFFICE_CACHE_SECONDS."""
    _offices.pop(code.strip()[:8].upper(), None)
