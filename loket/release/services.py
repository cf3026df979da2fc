"""Writes about releases: the office's release rule and "release now". Both are audited.

The rule itself lives on the Office (release_time, horizon_days; read by the quota engine
on every booking from its per-process copy, so a change reaches every app server within
LOKET_OFFICE_CACHE_SECONDS). These services are the only way the rule of an existing
office changes: the Office admin shows it read-only.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office
from loket.offices.selectors import office_forget
from loket.release.models import Room, RoomState
from loket.release.selectors import next_release

HORIZON_MAX = 366


def release_rule_set(
    *, by: User, office: Office, release_time: dt.time, horizon_days: int, ip: str | None = None
) -> Office:
    """Change when the office's days open. The caller has checked the role (national administrator)."""
    if not 1 <= horizon_days <= HORIZON_MAX:
        raise DomainError(
            "out_of_range",
            _("Jumlah hari ke depan harus antara 1 dan %(n)d.") % {"n": HORIZON_MAX},
            field="horizon_days",
        )
    release_time = release_time.replace(second=0, microsecond=0)
    with transaction.atomic():
        current = Office.objects.select_for_update().get(pk=office.pk)
        before = _rule(current)
        current.release_time, current.horizon_days = release_time, horizon_days
        after = _rule(current)
        if before == after:
            return current
        current.save(update_fields=["release_time", "horizon_days"])
        audit_record(
            actor=by,
            action="release.rule",
            office=current,
            target_type="office",
            target_id=current.code,
            before=before,
            after=after,
            ip=ip,
        )
    office_forget(current.code)
    return current


def _rule(office: Office) -> dict[str, object]:
    return {"release_time": f"{office.release_time:%H:%M}", "horizon_days": office.horizon_days}


def release_now(*, by: User, office: Office, day: dt.date, ip: str | None = None) -> Office:
    """Open `day` (the next day the rule would open, as shown to staff) now, by hand.

    Conditional on nobody having opened it meanwhile: two supervisors pressing the button
    together open one day, and the second is told so. Days in between that have no service
    open with it (there is nothing to book on them).
    """
    upcoming = next_release(office)
    if upcoming is None or upcoming.date != day:
        raise Conflict(
            "release_changed",
            _("Hari yang akan dibuka sudah berubah. Muat ulang halaman dan coba lagi."),
            field="date",
        )
    with transaction.atomic():
        opened = (
            Office.objects.filter(pk=office.pk)
            .filter(Q(opened_through__isnull=True) | Q(opened_through__lt=day))
            .update(opened_through=day)
        )
        if opened != 1:
            raise Conflict(
                "release_changed", _("Kuota hari ini sudah dibuka oleh petugas lain. Muat ulang halaman."), field="date"
            )
        audit_record(
            actor=by,
            action="release.now",
            office=office,
            target_type="office_day",
            target_id=f"{office.code}:{day.isoformat()}",
            after={"date": day.isoformat(), "rule_opens_at": upcoming.opens_at.isoformat()},
            ip=ip,
        )
        # A waiting room for the day draws its order now, not at the rule's time.
        Room.objects.filter(office=office, date=day, state=RoomState.WAITING).update(opens_at=timezone.now())
    office_forget(office.code)
    return Office.objects.get(pk=office.pk)
