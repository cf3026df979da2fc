"""The classes of places besides the regular seats: priority and same-day express.

An office may offer a daily quota of priority places (the elderly, small children, people
with disabilities, pregnant women) and of express places ("layanan percepatan": the passport
is finished the same day, for an extra PNBP), set per weekday (ClassQuota). Both are taken
at the office on the day itself or, where the office allows it, booked online in an appointment
(class_online.py). This module holds their rules
and reads; the places are claimed in seats.py like every other seat.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from loket.accounts.models import Person
from loket.booking.models import (
    DECLARED_REASONS,
    PLACE_CLASSES,
    ClassDay,
    ClassQuota,
    DeclarationCheck,
    PriorityReason,
    QuotaClass,
)
from loket.core.datefmt import clock, long_date
from loket.core.errors import Conflict, DomainError
from loket.offices.calendar import closures_between
from loket.offices.models import Office

ELDERLY_AGE = 60
SMALL_CHILD_AGE = 5


@dataclass(frozen=True)
class ClassPlaces:
    """The places of one class on one day: what the office offers and what is left, and whether
    a person who qualifies may book one online in an appointment (class_online.py)."""

    quota_class: str
    capacity: int
    remaining: int
    bookable_online: bool = False

    @property
    def label(self) -> str:
        return str(QuotaClass(self.quota_class).label)


def class_places_between(
    office: Office, start: dt.date, days: int, *, online: bool = False
) -> dict[dt.date, list[ClassPlaces]]:
    """Day by day, the classes the office offers and the places left (two queries; no row is created).

    A closed day offers nothing. A day nobody took a place on yet has its weekday's quota.
    `online`: only the classes the office lets people book online in an appointment.
    """
    end = start + dt.timedelta(days=days - 1)
    quotas = [q for q in ClassQuota.objects.filter(office=office) if q.bookable_online or not online]
    weekly: dict[tuple[int, str], int] = {(q.weekday, q.quota_class): q.capacity for q in quotas}
    bookable = {(q.weekday, q.quota_class) for q in quotas if q.bookable_online}
    used = {
        (row.date, row.quota_class): row for row in ClassDay.objects.filter(office=office, date__range=(start, end))
    }
    closed = closures_between(office, start, end)
    plans: dict[dt.date, list[ClassPlaces]] = {}
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        places = []
        for quota_class in PLACE_CLASSES:
            key = (day.weekday(), quota_class)
            row = used.get((day, quota_class))
            if row is not None and (not online or key in weekly):
                places.append(ClassPlaces(quota_class, row.capacity, max(row.remaining, 0), key in bookable))
            elif key in weekly and day not in closed:
                places.append(ClassPlaces(quota_class, weekly[key], weekly[key], key in bookable))
        plans[day] = [] if day in closed else places
    return plans


def class_places(office: Office, day: dt.date, *, online: bool = False) -> list[ClassPlaces]:
    return class_places_between(office, day, 1, online=online)[day]


def class_next_day(office: Office, quota_class: str, *, after: dt.date, online: bool = False) -> dt.date | None:
    """The first open day after `after`, within the booking horizon, with a place of the class left
    (`online`: one that may be booked online)."""
    plans = class_places_between(office, after + dt.timedelta(days=1), office.horizon_days, online=online)
    for day, places in plans.items():
        if any(p.quota_class == quota_class and p.remaining > 0 for p in places):
            return day
    return None


def come_back(office: Office, quota_class: str, day: dt.date, *, online: bool = False) -> tuple[str, dt.date | None]:
    nearest = class_next_day(office, quota_class, after=day, online=online)
    if nearest is None:
        return _("Belum ada hari lain dengan tempat tersisa; tanyakan kepada petugas."), None
    if online and quota_class == QuotaClass.PRIORITY:
        return _("Hari terdekat yang masih dapat dipesan: %(day)s.") % {"day": long_date(nearest)}, nearest
    if quota_class == QuotaClass.EXPRESS:
        hint = _("Silakan datang kembali pada %(day)s sebelum pukul %(time)s %(zone)s.") % {
            "day": long_date(nearest),
            "time": clock(office.express_arrival_cutoff),
            "zone": office.zone_abbreviation,
        }
    else:
        hint = _("Hari terdekat dengan tempat tersisa: %(day)s.") % {"day": long_date(nearest)}
    return hint, nearest


def class_full(office: Office, quota_class: str, day: dt.date, *, online: bool = False) -> Conflict:
    """409: the day's places of the class are gone, with the next day that has one (`online`: one
    that may be booked online)."""
    hint, nearest = come_back(office, quota_class, day, online=online)
    return Conflict(
        "class_full",
        _("Kuota %(cls)s pada %(day)s sudah habis. %(hint)s")
        % {"cls": QuotaClass(quota_class).label.lower(), "day": long_date(day), "hint": hint},
        field="quota_class",
        next_day=nearest.isoformat() if nearest else None,
    )


def class_not_offered(office: Office, quota_class: str, day: dt.date) -> DomainError:
    hint, nearest = come_back(office, quota_class, day)
    return DomainError(
        "class_not_offered",
        _("Kantor ini tidak menyediakan tempat %(cls)s pada %(day)s. %(hint)s")
        % {"cls": QuotaClass(quota_class).label.lower(), "day": long_date(day), "hint": hint},
        field="quota_class",
        next_day=nearest.isoformat() if nearest else None,
    )


def express_check(office: Office, day: dt.date, *, now_local: dt.datetime) -> None:
    """Express places are for today only, for a person registered before the arrival cut-off."""
    if day != now_local.date():
        raise DomainError(
            "express_today_only",
            _("Layanan percepatan hanya untuk hari ini; pilih tanggal hari ini atau layanan reguler."),
            field="day",
        )
    if now_local.time() >= office.express_arrival_cutoff:
        hint, nearest = come_back(office, QuotaClass.EXPRESS, day)
        raise DomainError(
            "express_closed",
            _("Layanan percepatan hari ini hanya untuk pemohon yang datang sebelum pukul %(time)s %(zone)s. %(hint)s")
            % {"time": clock(office.express_arrival_cutoff), "zone": office.zone_abbreviation, "hint": hint},
            field="quota_class",
            next_day=nearest.isoformat() if nearest else None,
        )


def express_payment_deadline(office: Office, day: dt.date) -> dt.datetime:
    """An express bill is payable until the office's payment cut-off on the day."""
    return dt.datetime.combine(day, office.express_payment_cutoff, tzinfo=office.zone)


def priority_reason_for(person: Person, day: dt.date) -> str:
    """What the birth date says: elderly (60+) or small child (under 5), else ""."""
    age = person.age_on(day)
    if age >= ELDERLY_AGE:
        return PriorityReason.ELDERLY
    if age < SMALL_CHILD_AGE:
        return PriorityReason.SMALL_CHILD
    return ""


def priority_check(*, person: Person, reason: str, day: dt.date) -> tuple[str, str]:
    """(reason, declaration check) for a priority place, or DomainError when the person does not qualify.

    Age comes from the birth date (no reason given: the birth date's); a disability or a
    pregnancy is declared and then checked by the counter officer ("pending").
    """
    reason = reason or priority_reason_for(person, day)
    if not reason:
        raise DomainError(
            "priority_not_eligible",
            _(
                "Tempat prioritas hanya untuk lansia (60 tahun ke atas), anak di bawah 5 tahun, penyandang "
                "disabilitas dan ibu hamil. Pilih alasannya, atau daftarkan pemohon di layanan reguler."
            ),
            field="priority_reason",
        )
    if reason not in PriorityReason.values:
        raise DomainError("invalid", _("Alasan prioritas tidak dikenal."), field="priority_reason")
    if reason in DECLARED_REASONS:
        return reason, DeclarationCheck.PENDING
    if reason != priority_reason_for(person, day):
        raise DomainError(
            "priority_not_eligible",
            _("Menurut tanggal lahirnya, pemohon berusia %(age)d tahun: alasan ini tidak berlaku. Pilih alasan lain.")
            % {"age": person.age_on(day)},
            field="priority_reason",
        )
    return reason, DeclarationCheck.NOT_NEEDED
