"""Reading the audit log: one office's entries, or every office's, newest first."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from loket.accounts.models import StaffRole
from loket.audit.models import AuditEntry
from loket.offices.models import Office


def _of_office(office: Office) -> Q:
    """The office's entries, and the entries bound to no office (sign-in, second factor,
    sign-out) of the people who hold a role there: a supervisor sees when his staff signed in."""
    staff = StaffRole.objects.filter(office=office).values("user_id")
    return Q(office=office) | Q(office__isnull=True, actor_id__in=staff)


def audit_entries(
    *,
    office: Office | None,
    zone: ZoneInfo,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    action: str = "",
) -> QuerySet[AuditEntry]:
    """Entries of `office` and its staff's sign-ins (every entry when None); days are whole local days in `zone`."""
    entries = AuditEntry.objects.select_related("actor", "office").order_by("-at", "-pk")
    if office is not None:
        entries = entries.filter(_of_office(office))
    if day_from is not None:
        entries = entries.filter(at__gte=dt.datetime.combine(day_from, dt.time.min, tzinfo=zone))
    if day_to is not None:
        entries = entries.filter(at__lt=dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone))
    if action:
        entries = entries.filter(action=action)
    return entries


def audit_actions(*, office: Office | None) -> list[str]:
    """The actions that occur in this log, for the filter's list."""
    entries = AuditEntry.objects.all() if office is None else AuditEntry.objects.filter(_of_office(office))
    return sorted(set(entries.values_list("action", flat=True).distinct()))
