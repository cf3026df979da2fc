"""Applying a plan: new seat counts for a weekday's arrival windows, effective from a date. Audited.

The weekly windows (ArrivalWindow) are what days not yet opened are made from, so they take
the new counts. Days of that weekday before the effective date keep the counts they have now:
their seat rows are made first, at the old counts (closed days are left alone). Days from the
effective date on that already have seat rows get the new counts, each with one conditional
UPDATE (`booked <= new capacity`), and the walk-in pool of the day is split again by its own
share; if any such day already has more bookings (or walk-ins) than its new count allows, nothing
is changed and the refusal names the day and window.
"""

import datetime as dt
import time

from django.conf import settings
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.audit.services import audit_record
from loket.booking.models import Slot, WalkinDay
from loket.booking.seats import slot_row
from loket.booking.share import walkin_split
from loket.core.errors import Conflict, DomainError
from loket.offices.calendar import closures_between
from loket.offices.models import ArrivalWindow, Office

MAX_AHEAD_DAYS = 92
MAX_WINDOW_SEATS = 1000


def _check(office: Office, weekday: int, quotas: dict[dt.time, int], effective_from: dt.date) -> list[ArrivalWindow]:
    today = office.local_today()
    if effective_from < today:
        raise DomainError("invalid", _("Tanggal berlaku tidak boleh sebelum hari ini."), field="effective_from")
    if effective_from > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        raise DomainError(
            "invalid",
            _("Tanggal berlaku paling lambat %(n)s hari lagi.") % {"n": MAX_AHEAD_DAYS},
            field="effective_from",
        )
    windows = list(ArrivalWindow.objects.filter(office=office, weekday=weekday).order_by("start"))
    if not windows or {w.start for w in windows} != set(quotas):
        raise DomainError(
            "invalid",
            _("Jam kedatangan tidak cocok dengan pengaturan kantor. Muat ulang halaman dan isi lagi."),
            field="quota",
        )
    if any(not 0 <= seats <= MAX_WINDOW_SEATS for seats in quotas.values()):
        raise DomainError(
            "invalid", _("Kuota per jam kedatangan 0 sampai %(n)s.") % {"n": MAX_WINDOW_SEATS}, field="quota"
        )
    return windows


def _pin_days_before(office: Office, windows: list[ArrivalWindow], weekday: int, effective_from: dt.date) -> None:
    """Make the seat rows of the open days before `effective_from` now, at the counts in force today."""
    today = office.local_today()
    closed = closures_between(office, today, effective_from)
    day = today + dt.timedelta(days=(weekday - today.weekday()) % 7)
    while day < effective_from:
        if day not in closed:
            for window in windows:
                slot_row(office, day, window)
        day += dt.timedelta(weeks=1)


def _refused(day: dt.date, start: dt.time | None, booked: int) -> Conflict:
    where = date_format(day, "l j F Y") + (f" {start:%H:%M}" if start else "")
    return Conflict(
        "already_booked",
        _(
            "%(where)s sudah terpesan %(booked)s; kuota baru lebih kecil. Pilih tanggal berlaku lain atau kuota lebih besar."
        )
        % {"where": where, "booked": booked},
        field="quota",
    )


def _shrink(slot: Slot, seats: int) -> bool:
    """Set the slot's capacity unless more seats are booked by now: one conditional UPDATE, so a
    booking committed a moment ago is counted (the CHECK booked <= capacity stands behind it)."""
    if getattr(settings, "LOKET_UNSAFE_PLAN_APPLY_FOR_TESTS", False):
        # Test settings only: read, then write without the condition: the race the guard prevents.
        if Slot.objects.get(pk=slot.pk).booked > seats:
            return False
        time.sleep(2.0)
        Slot.objects.filter(pk=slot.pk).update(capacity=seats)
        return True
    return Slot.objects.filter(pk=slot.pk, booked__lte=seats).update(capacity=seats) == 1


def _resize_days_from(
    office: Office, windows: list[ArrivalWindow], quotas: dict[dt.time, int], effective_from: dt.date
) -> int:
    """Give the existing seat rows from `effective_from` on the new counts; the number of days changed."""
    starts = [w.start for w in windows]
    weekday = windows[0].weekday
    dates = Slot.objects.filter(office=office, date__gte=effective_from).values_list("date", flat=True).distinct()
    days = sorted(day for day in dates if day.weekday() == weekday)
    for day in days:
        pool = WalkinDay.objects.filter(office=office, date=day).first()
        reserved = dict(
            zip(starts, walkin_split([quotas[s] for s in starts], pool.percent if pool else 0), strict=True)
        )
        for slot in Slot.objects.filter(office=office, date=day, start__in=starts):
            seats = quotas[slot.start] - reserved[slot.start]
            if not _shrink(slot, seats):
                raise _refused(day, slot.start, Slot.objects.get(pk=slot.pk).booked)
        pool_seats = sum(reserved.values())
        if (
            pool is not None
            and WalkinDay.objects.filter(pk=pool.pk, used__lte=pool_seats).update(capacity=pool_seats) != 1
        ):
            raise _refused(day, None, pool.used)
    return len(days)


def plan_apply(
    *,
    office: Office,
    weekday: int,
    quotas: dict[dt.time, int],
    effective_from: dt.date,
    by: User,
    ip: str | None = None,
) -> int:
    """Set the seats of the weekday's windows from `effective_from` on; the number of opened days changed."""
    windows = _check(office, weekday, quotas, effective_from)
    before = {f"{w.start:%H:%M}": w.capacity for w in windows}
    with transaction.atomic():
        _pin_days_before(office, windows, weekday, effective_from)
        changed = _resize_days_from(office, windows, quotas, effective_from)
        for window in windows:
            ArrivalWindow.objects.filter(pk=window.pk).update(capacity=quotas[window.start])
        audit_record(
            actor=by,
            action="plan.apply",
            office=office,
            target_type="arrival_window",
            target_id=weekday,
            before={"weekday": weekday, "quota": before},
            after={
                "weekday": weekday,
                "quota": {f"{s:%H:%M}": n for s, n in sorted(quotas.items())},
                "effective_from": effective_from.isoformat(),
                "days_changed": changed,
            },
            ip=ip,
        )
    return changed
