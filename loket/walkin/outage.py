"""Outage mode: public booking suspended for one office (by its supervisor) or for all (national administrator).

Switching on publishes a service notice (Indonesian and English) that ends when the outage
ends. While it lasts, seats.slot_for refuses every public booking and reschedule into the
office (503) and the availability calendar shows the office suspended; bookings already made
are honoured; walk-ins may also take the day's online seats (see services.walkin_register).
Nothing is moved between pools when it ends: every seat taken stays counted where it was
taken, so online booking resumes with exactly the seats nobody holds.
"""

import datetime as dt

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.core.errors import Conflict, DomainError
from loket.offices.models import Office, Outage, ServiceNotice
from loket.offices.selectors import outage_open

REASON_MAX = 200
# A notice must end somewhere; the outage's end cuts it short.
NOTICE_OPEN_FOR = dt.timedelta(days=365)


def _notice_texts(office: Office | None, reason: str) -> tuple[str, str]:
    """The notice in both languages (stored, not translated at display time)."""
    if office is None:
        return (
            f"Sistem pemesanan online sedang terganggu ({reason}); silakan datang langsung ke kantor imigrasi.",
            f"Online booking is currently unavailable ({reason}); please come to the immigration office in person.",
        )
    return (
        f"{office.name}: sistem pemesanan online sedang terganggu ({reason}); silakan datang langsung ke kantor.",
        f"{office.name}: online booking is currently unavailable ({reason}); please come to the office in person.",
    )


def outage_start(*, by: User, office: Office | None, reason: str, ip: str | None = None) -> Outage:
    """Switch outage mode on for `office` (None: nationwide). The caller has checked the role."""
    reason = " ".join(reason.split())
    if not reason:
        raise DomainError("required", _("Tuliskan alasan gangguan."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("too_long", _("Alasan paling banyak %(n)d karakter.") % {"n": REASON_MAX}, field="reason")
    now = timezone.now()
    text_id, text_en = _notice_texts(office, reason)
    try:
        with transaction.atomic():
            notice = ServiceNotice.objects.create(
                office=office, text_id=text_id, text_en=text_en, starts_at=now, ends_at=now + NOTICE_OPEN_FOR
            )
            outage = Outage.objects.create(
                office=office,
                scope=office.code if office else Outage.NATIONAL,
                reason=reason,
                started_at=now,
                started_by=by,
                notice=notice,
            )
            audit_record(
                actor=by,
                action="outage.start",
                office=office,
                target_type="outage",
                target_id=outage.pk,
                after={"scope": outage.scope, "reason": reason},
                ip=ip,
            )
    except IntegrityError:
        raise Conflict("outage_open", _("Mode gangguan sudah aktif.")) from None
    cache.delete("web:notices")
    return outage


def outage_end(*, by: User, office: Office | None, ip: str | None = None) -> Outage:
    """Switch outage mode off again; its notice ends now. Only the call that ended it succeeds."""
    outage = outage_open(office=office)
    if outage is None:
        raise Conflict("no_outage", _("Mode gangguan tidak aktif."))
    now = timezone.now()
    with transaction.atomic():
        if Outage.objects.filter(pk=outage.pk, ended_at__isnull=True).update(ended_at=now, ended_by=by) != 1:
            raise Conflict("no_outage", _("Mode gangguan tidak aktif."))
        if outage.notice_id:
            # The notice ends now; ends_at must stay after starts_at (a CHECK), even for an
            # outage ended in the instant it began.
            notice = ServiceNotice.objects.get(pk=outage.notice_id)
            starts = min(notice.starts_at, now - dt.timedelta(microseconds=1))
            ServiceNotice.objects.filter(pk=notice.pk).update(starts_at=starts, ends_at=now)
        audit_record(
            actor=by,
            action="outage.end",
            office=office,
            target_type="outage",
            target_id=outage.pk,
            before={"scope": outage.scope, "reason": outage.reason, "started_at": outage.started_at.isoformat()},
            after={"ended_at": now.isoformat()},
            ip=ip,
        )
    cache.delete("web:notices")
    outage.refresh_from_db()
    return outage
