"""Reads for booking: which days and windows are open, and how many seats are left.

What users see may come from a short cache (LOKET_AVAILABILITY_CACHE_SECONDS); the
booking decision itself never reads it (see services.booking_create).
"""

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from loket.accounts.models import User
from loket.booking.codes import normalize_code
from loket.booking.models import Booking, Slot, WalkinDay
from loket.booking.share import walkin_percent, walkin_split
from loket.core import datefmt
from loket.core.ready import ReadyAnswer, cached_once
from loket.offices.calendar import closure_reason, closures_between, holiday_name
from loket.offices.models import ArrivalWindow, Office
from loket.offices.selectors import outage_for

T = TypeVar("T")

# Day plans of days the release rule will open later (see released_until).
NOT_YET_OPEN = {"not_released", "beyond_horizon"}


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
    opens_at: dt.datetime | None = None  # a day not released yet: the instant its seats open

    @property
    def has_room(self) -> bool:
        return self.open and any(w.remaining > 0 for w in self.windows)


def released_until(office: Office, now_local: dt.datetime) -> dt.date:
    """The last local day open for booking now.

    The office's release rule: each day at `release_time` (office time) the day `horizon_days`
    ahead opens. Staff may open days early by hand ("release now": `opened_through`).
    """
    last = now_local.date() + dt.timedelta(days=office.horizon_days)
    by_rule = last if now_local.time() >= office.release_time else last - dt.timedelta(days=1)
    by_hand = office.opened_through
    return max(by_rule, by_hand) if by_hand else by_rule


def release_instant(office: Office, day: dt.date) -> dt.datetime:
    """When the release rule opens `day`: `release_time` office time, `horizon_days` before it (aware)."""
    opening_day = day - dt.timedelta(days=office.horizon_days)
    return dt.datetime.combine(opening_day, office.release_time, tzinfo=office.zone)


def _closed(day: dt.date, code: str, reason: str, opens_at: dt.datetime | None = None) -> DayPlan:
    return DayPlan(date=day, open=False, reason_code=code, reason=reason, opens_at=opens_at)


def _day_closed(
    office: Office, day: dt.date, *, now_local: dt.datetime, closed: dict[dt.date, str]
) -> tuple[str, str] | None:
    """(reason_code, reason) when the whole day cannot be booked; None when its windows decide."""
    today = now_local.date()
    if not office.online_booking:
        return "online_booking_off", _("pemesanan online tidak tersedia di kantor ini")
    if day < today:
        return "past", _("tanggal sudah lewat")
    released = released_until(office, now_local)
    if day > released and day > today + dt.timedelta(days=office.horizon_days):
        return "beyond_horizon", _("belum dapat dipesan: terlalu jauh ke depan")
    if day > released:
        return "not_released", _("kuota belum dibuka")
    if day in closed:
        return "closed", closed[day]
    return None


def day_check_static(office: Office, day: dt.date, *, now_local: dt.datetime) -> tuple[str, str] | None:
    """The day rules that need no database: the office's settings, the dates, national holidays."""
    early = _day_closed(office, day, now_local=now_local, closed={})
    if early:
        return early
    name = holiday_name(day)
    return ("closed", name) if name else None


def day_check(office: Office, day: dt.date, *, now_local: dt.datetime | None = None) -> tuple[str, str] | None:
    """The day rules of day_plans for one day, with one query at most (for the booking path)."""
    now_local = now_local or office.local_now()
    early = _day_closed(office, day, now_local=now_local, closed={})
    if early:
        return early
    reason = closure_reason(office, day)
    return ("closed", reason) if reason else None


def day_plans(office: Office, start: dt.date, days: int, *, now_local: dt.datetime | None = None) -> list[DayPlan]:
    """Day by day: open or not (and why), and the bookable windows with the seats left."""
    now_local = now_local or office.local_now()
    today = now_local.date()
    end = start + dt.timedelta(days=days - 1)
    outage = outage_for(office)
    if outage is not None:
        reason = _("pemesanan online ditangguhkan: %(reason)s") % {"reason": outage.reason}
        return [_closed(start + dt.timedelta(days=i), "suspended", reason) for i in range(days)]

    weekly: dict[int, list[ArrivalWindow]] = defaultdict(list)
    for window in ArrivalWindow.objects.filter(office=office).order_by("start"):
        weekly[window.weekday].append(window)
    # A day's seats, once someone booked it, are its Slot rows (capacity fixed at that time).
    slots = {
        (row["date"], row["start"]): (row["capacity"], row["booked"])
        for row in Slot.objects.filter(office=office, date__range=(start, end)).values(
            "date", "start", "capacity", "booked"
        )
    }
    closed = closures_between(office, start, end)
    percents = _walkin_percents(office, start, end, booked_days={day for day, _start in slots})

    plans: list[DayPlan] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        shut = _day_closed(office, day, now_local=now_local, closed=closed)
        if shut:
            opens_at = release_instant(office, day) if shut[0] in NOT_YET_OPEN else None
            plans.append(_closed(day, *shut, opens_at=opens_at))
            continue
        if not weekly.get(day.weekday()):
            plans.append(_closed(day, "no_service", _("tidak ada layanan pada hari ini")))
            continue
        seats = []
        windows = weekly[day.weekday()]
        held_back = walkin_split([w.capacity for w in windows], percents(day))
        for w, walkin_seats in zip(windows, held_back, strict=True):
            if day == today and w.start <= now_local.time():
                continue  # a window that has started can no longer be booked
            # A window nobody booked yet: its Slot will hold the capacity minus the walk-in seats.
            capacity, booked = slots.get((day, w.start), (w.capacity - walkin_seats, 0))
            seats.append(Seats(w.start, w.end, capacity, max(capacity - booked, 0)))
        if seats:
            plans.append(DayPlan(date=day, open=True, windows=seats))
        else:
            plans.append(_closed(day, "day_over", _("semua jam kedatangan hari ini sudah dimulai")))
    return plans


def _walkin_percents(
    office: Office, start: dt.date, end: dt.date, *, booked_days: set[dt.date]
) -> Callable[[dt.date], int]:
    """The walk-in share each day is (or will be) cut with: its pool's, else the policy's now
    (0 for a day whose Slots predate walk-in pools; see seats.walkin_day_for)."""
    pools = dict(WalkinDay.objects.filter(office=office, date__range=(start, end)).values_list("date", "percent"))
    policy = walkin_percent(office)

    def percent(day: dt.date) -> int:
        if day in pools:
            return pools[day]
        return 0 if day in booked_days else policy

    return percent


def day_plans_cached(office: Office, start: dt.date, days: int) -> list[DayPlan]:
    """day_plans from the shared cache (LOKET_AVAILABILITY_CACHE_SECONDS): what the API's
    availability answer and the web calendar show. Never read by a booking decision."""
    key = f"plans:{office.pk}:{start.isoformat()}:{days}:{get_language()}"
    return _cached(key, lambda: day_plans(office, start, days))


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


def next_available_cached(office: Office) -> dt.date | None:
    """next_available from the short cache: what a "window full" answer suggests."""
    return _cached(f"next:{office.pk}", lambda: next_available(office))


def _cached(key: str, compute: Callable[[], T]) -> T:
    seconds = settings.LOKET_AVAILABILITY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    return cached_once(key, seconds, compute)


def availability_for(office: Office, start: dt.date, days: int) -> dict[str, object]:
    """The availability document: open days, their windows and the seats left."""
    nearest = next_available_cached(office)
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
                "opens_at": plan.opens_at,
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
            for plan in day_plans_cached(office, start, days)
        ],
        "next_available": nearest,
    }


def availability_key(office: Office, start: dt.date, days: int) -> str:
    """The shared cache's key of an availability answer, in the active language."""
    return f"avail-bytes:{office.pk}:{start.isoformat()}:{days}:{get_language()}"


def availability_answer(office: Office, start: dt.date, days: int) -> ReadyAnswer:
    """The availability document as ready bytes from the shared cache, rebuilt at most once per
    LOKET_AVAILABILITY_CACHE_SECONDS per office, range and language: a release-day storm of
    readers costs one build per interval, and an unchanged answer costs a 304 and no body."""
    key = availability_key(office, start, days)

    def build() -> ReadyAnswer:
        body = json.dumps(availability_for(office, start, days), cls=DjangoJSONEncoder, separators=(",", ":")).encode()
        return ReadyAnswer(etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"', body=body)

    return _cached(key, build)


def booking_message_context(booking: Booking) -> dict[str, Any]:
    """What every message about a booking may mention: code, person, office, the appointment
    ("when", written in the reader's language when the message is rendered) and what to bring."""
    slot, office = booking.slot, booking.office
    return {
        "code": datefmt.grouped(booking.code),
        "person": booking.person_name,
        "office": office.name,
        "when": datefmt.deferred(datefmt.window, slot.date, slot.start, slot.end, office.zone_abbreviation),
        "bring": what_to_bring(minor=booking.person.is_minor_on(slot.date)),
    }


def what_to_bring(*, minor: bool) -> Any:
    """The originals a person brings to the visit: a child comes with a parent, who brings theirs."""
    if minor:
        return gettext_lazy(
            "Anak datang bersama orang tua. Bawa KTP-el asli orang tua, Kartu Keluarga dan akta kelahiran anak, "
            "beserta dokumen asli lain yang Anda unggah."
        )
    return gettext_lazy("Bawa KTP-el asli dan dokumen asli lain yang Anda unggah.")


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
