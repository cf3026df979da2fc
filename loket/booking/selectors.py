"""Reads for booking: which days and windows are open, and how many seats are left.

What users see may come from a short cache (LOKET_AVAILABILITY_CACHE_SECONDS); the
booking decision itself never reads it (see services.booking_create).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.booking.codes import normalize_code
from loket.booking.models import Booking, Slot
from loket.offices.calendar import closures_between
from loket.offices.models import ArrivalWindow, Office


@dataclass(frozen=True)
class Seats:
    start: dt.time
    end: dt.time
    capacity: int
    remaining: int


@dataclass(frozen=True)
class DayPlan:
    date: dt.date
    open: bool
    reason_code: str | None = None
    reason: str | None = None
    windows: list[Seats] = field(default_factory=list)

    @property
    def has_room(self) -> bool:
        return self.open and any(w.remaining > 0 for w in self.windows)


def released_until(office: Office, now_local: dt.datetime) -> dt.date:
    """The last local day open for booking now: a new day opens each day at the release time."""
    last = now_local.date() + dt.timedelta(days=office.horizon_days)
    return last if now_local.time() >= office.release_time else last - dt.timedelta(days=1)


def _closed(day: dt.date, code: str, reason: str) -> DayPlan:
    return DayPlan(date=day, open=False, reason_code=code, reason=reason)


def day_plans(office: Office, start: dt.date, days: int, *, now_local: dt.datetime | None = None) -> list[DayPlan]:
    """Day by day: open or not (and why), and the bookable windows with the seats left."""
    now_local = now_local or office.local_now()
    today = now_local.date()
    end = start + dt.timedelta(days=days - 1)
    horizon_end = today + dt.timedelta(days=office.horizon_days)
    release_end = released_until(office, now_local)

    weekly: dict[int, list[ArrivalWindow]] = defaultdict(list)
    for window in ArrivalWindow.objects.filter(office=office).order_by("start"):
        weekly[window.weekday].append(window)
    booked = {
        (row["date"], row["start"]): row["booked"]
        for row in Slot.objects.filter(office=office, date__range=(start, end)).values("date", "start", "booked")
    }
    closed = closures_between(office, start, end)

    plans: list[DayPlan] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        if not office.online_booking:
            plans.append(_closed(day, "online_booking_off", _("pemesanan online tidak tersedia di kantor ini")))
        elif day < today:
            plans.append(_closed(day, "past", _("tanggal sudah lewat")))
        elif day > horizon_end:
            plans.append(_closed(day, "beyond_horizon", _("di luar jangkauan pemesanan")))
        elif day > release_end:
            plans.append(_closed(day, "not_released", _("kuota belum dirilis")))
        elif day in closed:
            plans.append(_closed(day, "closed", closed[day]))
        elif not weekly.get(day.weekday()):
            plans.append(_closed(day, "no_service", _("tidak ada layanan pada hari ini")))
        else:
            seats = [
                Seats(w.start, w.end, w.capacity, max(w.capacity - booked.get((day, w.start), 0), 0))
                for w in weekly[day.weekday()]
                # A window that has already started can no longer be booked.
                if day > today or w.start > now_local.time()
            ]
            if seats:
                plans.append(DayPlan(date=day, open=True, windows=seats))
            else:
                plans.append(_closed(day, "day_over", _("semua jendela hari ini sudah dimulai")))
    return plans


def next_available(office: Office, *, now_local: dt.datetime | None = None) -> dt.date | None:
    """The first local day with a free seat anywhere in the booking horizon."""
    now_local = now_local or office.local_now()
    today = now_local.date()
    span = (released_until(office, now_local) - today).days + 1
    if span <= 0:
        return None
    for plan in day_plans(office, today, span, now_local=now_local):
        if plan.has_room:
            return plan.date
    return None


def _cached(key: str, compute: object) -> object:
    seconds = settings.LOKET_AVAILABILITY_CACHE_SECONDS
    if seconds <= 0:
        return compute()  # type: ignore[operator]
    value = cache.get(key)
    if value is None:
        value = compute()  # type: ignore[operator]
        cache.set(key, value, seconds)
    return value


def availability_for(office: Office, start: dt.date, days: int) -> dict[str, object]:
    """The availability document of the API, served from the short cache."""
    key = f"avail:{office.pk}:{start.isoformat()}:{days}:{get_language()}"

    def compute() -> dict[str, object]:
        nearest = next_available(office)
        return {
            "office": office.code,
            "timezone": office.timezone,
            "days": [
                {
                    "date": plan.date,
                    "open": plan.open,
                    "full": plan.open and not plan.has_room,
                    "reason_code": plan.reason_code,
                    "reason": plan.reason,
                    "windows": [
                        {
                            "start": f"{w.start:%H:%M}",
                            "end": f"{w.end:%H:%M}",
                            "capacity": w.capacity,
                            "remaining": w.remaining,
                        }
                        for w in plan.windows
                    ],
                }
                for plan in day_plans(office, start, days)
            ],
            "next_available": nearest,
        }

    result = _cached(key, compute)
    assert isinstance(result, dict)
    return result


def bookings_of(user: User) -> QuerySet[Booking]:
    """Bookings for the account holder and their household, newest first."""
    return (
        Booking.objects.filter(person__account=user)
        .select_related("office", "slot", "person", "payment")
        .order_by("-created_at", "-id")
    )


def booking_of(user: User, code: str) -> Booking | None:
    """One of the user's bookings by code; None for a code that is someone else's or unknown alike."""
    return bookings_of(user).filter(code=normalize_code(code)).first()
