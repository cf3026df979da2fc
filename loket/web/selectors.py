"""Reads for the citizen pages: notices in force, the office finder, the service guide."""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.booking.models import PassportType
from loket.booking.selectors import next_available_cached
from loket.core import datefmt
from loket.core.errors import DomainError
from loket.dossier.models import AgeGroup, DocumentKind, DocumentRule, ReplacementReason
from loket.offices.models import Office, ServiceNotice
from loket.payments.selectors import express_fee_for, fee_for

NOTICE_CACHE_SECONDS = 10
OFFICE_RESULTS = 10


def notices_in_force(*, now: dt.datetime | None = None) -> list[ServiceNotice]:
    """Notices shown now, nationwide and per office.

    Every page asks, so the unexpired rows come from a short cache; whether one is in
    force is decided here on each request, so a notice disappears the moment it ends.
    """
    now = now or timezone.now()
    rows: list[ServiceNotice] | None = cache.get("web:notices")
    if rows is None:
        rows = list(ServiceNotice.objects.filter(ends_at__gt=now).select_related("office"))
        cache.set("web:notices", rows, NOTICE_CACHE_SECONDS)
    return [n for n in rows if n.starts_at <= now < n.ends_at]


@dataclass(frozen=True)
class OfficeResult:
    office: Office
    next_available: dt.date | None
    notices: list[str]


def offices_matching(query: str, *, language: str) -> list[OfficeResult]:
    """Offices whose name, city, province or code match, with their next day with room (cached)."""
    query = query.strip()[:60]
    if not query:
        return []
    found = Office.objects.filter(
        Q(name__icontains=query) | Q(city__icontains=query) | Q(province__icontains=query) | Q(code__iexact=query)
    )[:OFFICE_RESULTS]
    notices: dict[int, list[str]] = {}
    for notice in notices_in_force():
        if notice.office_id is not None:
            notices.setdefault(notice.office_id, []).append(notice.text_for(language))
    return [OfficeResult(office, next_available_cached(office), notices.get(office.pk, [])) for office in found]


@dataclass(frozen=True)
class DocumentLine:
    label: str
    condition: str


def document_guide(service: str) -> list[DocumentLine]:
    """The documents the staff-edited rules ask for a service, one line per document or choice group."""
    groups: dict[str, list[DocumentRule]] = {}
    for rule in DocumentRule.objects.filter(active=True):
        if rule.service and rule.service != service:
            continue
        key = f"group:{rule.one_of}" if rule.one_of else f"{rule.kind}:{rule.age_group}:{rule.reasons}"
        groups.setdefault(key, []).append(rule)
    lines = []
    for rules in groups.values():
        first = rules[0]
        kinds = dict.fromkeys(str(DocumentKind(r.kind).label) for r in rules)
        conditions = []
        if first.age_group != AgeGroup.ANY:
            conditions.append(str(first.get_age_group_display()))
        if first.reasons:
            reasons = ", ".join(str(ReplacementReason(r).label).lower() for r in first.reasons)
            conditions.append(_("bila alasannya: %(reasons)s") % {"reasons": reasons})
        lines.append(DocumentLine(label=" / ".join(kinds), condition="; ".join(conditions)))
    return lines


@dataclass(frozen=True)
class Fee:
    label: str
    amount: str | None


def express_fee_in_force(*, on: dt.date) -> str | None:
    """The express service's PNBP (on top of the passport fee), formatted; None when not set."""
    try:
        return datefmt.rupiah(express_fee_for(on=on).amount)
    except DomainError:
        return None


def fees_in_force(*, on: dt.date) -> list[Fee]:
    fees = []
    for value, label in PassportType.choices:
        try:
            amount: str | None = datefmt.rupiah(fee_for(value, on=on).amount)
        except DomainError:
            amount = None
        fees.append(Fee(label=str(label), amount=amount))
    fees.append(
        Fee(label=_("Tambahan layanan percepatan (paspor selesai hari itu)"), amount=express_fee_in_force(on=on))
    )
    return fees
